"""The second step of signing in to the admin, under the admin's own path
(redeeming_hope/urls.py includes these before the admin's URLs)."""

from django.urls import path

from staff import two_factor_views

app_name = "signin"

urlpatterns = [
    path("", two_factor_views.verify, name="two-factor-verify"),
    path("setup/", two_factor_views.setup, name="two-factor-setup"),
]
