"""
`python manage.py seed_demo`: the demo content `make run` starts with.

Idempotent: each app's `seed()` creates only what is missing, so running it again
changes nothing. The demo staff accounts (the administrator, and one volunteer
per role to try what each role sees) exist only while DEBUG is on, so this
command can never plant a known password on a production site.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.urls import reverse

from demo import campaigns as campaigns_demo
from demo import donations as donations_demo
from demo import pages as pages_demo
from demo import shop as shop_demo
from staff import roles

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "redeeming-hope-demo"
# One account per staff role, with the same demo password.
DEMO_ROLE_ACCOUNTS = {
    "editor": roles.CONTENT_EDITOR,
    "shop": roles.SHOP_MANAGER,
    "finance": roles.FINANCE,
}


class Command(BaseCommand):
    help = "Load the demo content (safe to run again: it only adds what is missing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site",
            default="http://127.0.0.1:8000",
            help="The address the site is served at, for the links printed.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            awareness = pages_demo.seed() + campaigns_demo.seed()
            shop = shop_demo.seed()
            gifts = donations_demo.seed()
        self.stdout.write(
            f"Demo content: {awareness} page(s), statistic(s) and campaign(s) created."
        )
        self.stdout.write(f"Demo shop: {shop} row(s) created.")
        self.stdout.write(f"Demo gifts and Home fund: {gifts} row(s) created.")

        if settings.DEBUG:
            self._ensure_demo_staff()
            self._print_outbox(options["site"])
        else:
            self.stdout.write("DEBUG is off: no demo staff account was created.")

    def _ensure_demo_staff(self) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "email": ""},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        roles.roles_sync()
        user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo staff login at /admin/: {DEMO_USERNAME} / {DEMO_PASSWORD}"
            )
        )
        for username, role in DEMO_ROLE_ACCOUNTS.items():
            volunteer, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "email": ""}
            )
            if created:
                volunteer.set_password(DEMO_PASSWORD)
                volunteer.save(update_fields=["password"])
            volunteer.groups.add(Group.objects.get(name=role))
            self.stdout.write(
                self.style.SUCCESS(f"Demo {role} login: {username} / {DEMO_PASSWORD}")
            )

    def _print_outbox(self, site: str) -> None:
        """Where the emails go in development (core.outbox)."""
        if settings.MAILERS["default"]["BACKEND"] != "core.outbox.OutboxEmailBackend":
            return
        self.stdout.write(
            self.style.SUCCESS(
                "Emails the site sends (not delivered): "
                f"{site.rstrip('/')}{reverse('dev-outbox')}"
            )
        )
