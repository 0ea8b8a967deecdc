"""
`python manage.py shop_expire_orders`: give back the stock of abandoned checkouts.

A pending order holds its stock until it is paid or its checkout ends. Stripe
reports an expired Checkout Session by webhook, but the local test gateway never
does, and a webhook can be lost: this command expires every pending order past
its `expires_at` and releases its stock, each exactly once (running it twice, or
while a webhook arrives, releases nothing twice). It closes each order's payment
page first (asks Stripe to expire it, if it has not already): an order whose page
could not be closed, or was just paid, keeps its stock until a later run.

Run it every few minutes from cron, e.g.:

    */5 * * * *  cd /srv/redeeming-hope && .venv/bin/python manage.py shop_expire_orders
"""

from typing import Any

from django.core.management.base import BaseCommand

from shop.services.stock import orders_expire_stale


class Command(BaseCommand):
    help = (
        "Close the payment pages of pending shop orders past their hold, then "
        "expire the orders and release their stock."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = orders_expire_stale()
        if options["verbosity"]:
            self.stdout.write(f"Expired {expired} pending order(s).")
