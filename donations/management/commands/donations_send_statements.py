"""
`python manage.py donations_send_statements --year 2026`: email every donor who
gave that year their annual giving statement. Safe to run twice: a donor whose
statement went out already is skipped unless `--resend` is given.
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from donations.services.statements import statements_send


class Command(BaseCommand):
    help = "Email each donor their annual giving statement (once per year)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            default=timezone.localdate().year - 1,
            help="The year to report (default: last year).",
        )
        parser.add_argument(
            "--resend",
            action="store_true",
            help="Send again to donors who already received this year's statement.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"{year} is not a year we can report on.")
        sent, skipped = statements_send(year=year, resend=options["resend"])
        self.stdout.write(
            f"{year} statements: {sent} queued to send, {skipped} skipped (sent "
            "already; --resend sends them again)."
        )
