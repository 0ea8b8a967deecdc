from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Awareness"

    def ready(self) -> None:
        from campaigns import signals

        signals.connect()  # cached public pages follow changes (core.pagecache)
