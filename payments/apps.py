from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from payments import checks  # noqa: F401  (registers the system checks)
        from payments import signals as page_cache_signals

        page_cache_signals.connect()  # cached pages follow changes (core.pagecache)
