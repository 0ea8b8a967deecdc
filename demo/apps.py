from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark content (`seed_demo`, `seed_catalog`) and the drawings
    of its pictures and of the brand's files (`brand_images`). It sits on top:
    it may use every app, and no app uses it. The running site never needs it."""

    name = "demo"
    verbose_name = "Demo content"
