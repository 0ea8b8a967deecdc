from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop")

    def ready(self) -> None:
        from payments.registry import register_checkout_handler
        from shop.handlers import order_checkout_handler

        register_checkout_handler(order_checkout_handler.kind, order_checkout_handler)
        from shop import signals as page_cache_signals

        page_cache_signals.connect()  # cached pages follow changes (core.pagecache)
