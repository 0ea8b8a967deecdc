from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The people who run the site: roles (groups), signing in to the admin
    safely, and privacy requests that span the shop and donations."""

    name = "staff"
    verbose_name = "Staff and privacy"
