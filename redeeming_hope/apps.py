from django.apps import AppConfig


class RedeemingHopeConfig(AppConfig):
    """The project package is an app too: site-wide template tags and commands."""

    name = "redeeming_hope"
    verbose_name = "Redeeming Hope"
