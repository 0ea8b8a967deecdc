"""
`python manage.py shop_forget_abandoned`: erase the buyer's details from orders
that were never paid, once they are older than the retention period.

Expired, canceled and failed orders, and pending orders whose payment page
ended without a word, keep the buyer's name, email, phone and address only
`SHOP_UNPAID_ORDER_RETENTION_DAYS` days (default 30); then `shop.services.privacy`
replaces them. Amounts, lines and numbers stay. Paid orders are never touched.
Running it twice erases nothing the second time, and says so.

Run it once a day from cron (see README.md):

    .venv/bin/python manage.py shop_forget_abandoned
"""

from core.management.retention import RetentionCommand
from shop.services.privacy import orders_forget_unpaid


class Command(RetentionCommand):
    help = (
        "Erase the buyer's name, email, phone and address from unpaid orders "
        "older than SHOP_UNPAID_ORDER_RETENTION_DAYS."
    )
    days_setting = "SHOP_UNPAID_ORDER_RETENTION_DAYS"
    nothing_erased = (
        "Nothing to erase: no unpaid order older than {days} days "
        "still has a buyer's details."
    )

    def erase(self, *, days: int) -> str | None:
        erased = orders_forget_unpaid(days=days)
        if not erased:
            return None
        return (
            f"Erased the buyer's details from {erased} unpaid order(s) "
            f"older than {days} days."
        )
