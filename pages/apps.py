from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Standing pages staff edit (home, get help, about...) and the error pages."""

    name = "pages"
    verbose_name = "Pages"

    def ready(self) -> None:
        from pages import signals

        signals.connect()  # cached public pages follow changes (core.pagecache)
