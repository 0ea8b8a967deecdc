from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel every app may use: money, images, Markdown, template tags."""

    name = "core"
    verbose_name = "Site kernel"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the system checks)
