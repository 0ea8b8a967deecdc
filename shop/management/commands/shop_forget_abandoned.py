"""
`python manage.py shop_forget_abandoned`: erase the buyer's details from orders
that were never paid, once they are older than the retention period.

Expired, canceled and failed orders, and pending orders whose payment page
ended without a word, keep the buyer's name, email, phone and address only
`SHOP_UNPAID_ORDER_RETENTION_DAYS` days (default 30); then `shop.privacy`
replaces them. Amounts, lines and numbers stay. Paid orders are never touched.
Running it twice erases nothing the second time, and says so.

Run it once a day from cron (see README.md):

    .venv/bin/python manage.py shop_forget_abandoned
"""

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shop.privacy import orders_forget_unpaid


class Command(BaseCommand):
    help = (
        "Erase the buyer's name, email, phone and address from unpaid orders "
        "older than SHOP_UNPAID_ORDER_RETENTION_DAYS."
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
            days = settings.SHOP_UNPAID_ORDER_RETENTION_DAYS
        try:
            erased = orders_forget_unpaid(days=days)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"]:
            if erased:
                self.stdout.write(
                    f"Erased the buyer's details from {erased} unpaid order(s) "
                    f"older than {days} days."
                )
            else:
                self.stdout.write(
                    f"Nothing to erase: no unpaid order older than {days} days "
                    "still has a buyer's details."
                )
