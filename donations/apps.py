from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "donations"
    verbose_name = _("Donations and the Home fund")

    def ready(self) -> None:
        from donations import checks  # noqa: F401  (registers the system checks)
        from donations.handlers import donation_checkout_handler, recurring_gift_handler
        from payments.registry import register_checkout_handler

        for handler in (donation_checkout_handler, recurring_gift_handler):
            register_checkout_handler(handler.kind, handler)
        from donations import signals as page_cache_signals

        page_cache_signals.connect()  # cached pages follow changes (core.pagecache)
