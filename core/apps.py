from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The kernel every app may use: money, images, Markdown, template tags."""

    name = "core"
    verbose_name = "Site kernel"
