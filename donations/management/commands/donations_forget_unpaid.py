"""
`python manage.py donations_forget_unpaid`: erase the details of gifts that
were never paid, once they are older than the retention period.

A gift started online and never paid (abandoned or declined) keeps the
honoree's name and email only `DONATIONS_UNPAID_RETENTION_DAYS` days (default
30); a donor who never completed any gift loses their name and email too.
Donors with a paid gift, and paid gifts, are never touched. Running it twice
erases nothing the second time, and says so.

Run it once a day from cron (see README.md):

    .venv/bin/python manage.py donations_forget_unpaid
"""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from donations.privacy import donations_forget_unpaid


class Command(BaseCommand):
    help = (
        "Erase the details of unpaid gifts, and of donors who never completed a "
        "gift, older than DONATIONS_UNPAID_RETENTION_DAYS."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Override the retention period, in days (at least 1).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is None:
            days = settings.DONATIONS_UNPAID_RETENTION_DAYS
        try:
            gifts, donors = donations_forget_unpaid(days=days)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"]:
            if gifts or donors:
                self.stdout.write(
                    f"Erased the details of {gifts} unpaid gift(s) and "
                    f"{donors} donor(s) who never completed a gift, older than "
                    f"{days} days."
                )
            else:
                self.stdout.write(
                    f"Nothing to erase: no unpaid gift older than {days} days "
                    "still has personal details."
                )
