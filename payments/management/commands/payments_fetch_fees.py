"""
`manage.py payments_fetch_fees`: learn the fees still missing (run it from cron).

Each paid Stripe checkout (and each paid monthly charge) gets a task that
fetches its processor's fee; this retries the ones whose task failed or found
no fee yet (Stripe creates the balance transaction a little after the
payment). Safe to run twice, or while the tasks run: a fee is stored, and its
handler told, once. A checkout is given up after `--max-attempts` lookups, so a
fee that never comes costs nothing forever.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from payments.selectors import fee_pending, invoice_fee_pending
from payments.services.fees import checkout_fee_update, invoice_fee_update


class Command(BaseCommand):
    help = (
        "Fetch the processor's fee of paid Stripe checkouts and monthly charges "
        "that still lack it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=10,
            help="Skip checkouts already looked up this many times (default 10).",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=200,
            help="Look up at most this many checkouts in one run (default 200).",
        )

    def handle(self, *args: Any, max_attempts: int, limit: int, **options: Any) -> None:
        session_ids = list(
            fee_pending()
            .filter(fee_attempts__lt=max_attempts)
            .order_by("completed_at", "pk")
            .values_list("session_id", flat=True)[:limit]
        )
        invoice_ids = list(
            invoice_fee_pending()
            .filter(fee_attempts__lt=max_attempts)
            .order_by("created_at", "pk")
            .values_list("invoice_id", flat=True)[:limit]
        )
        results: dict[str, int] = {}
        for session_id in session_ids:
            result = checkout_fee_update(session_id=session_id)
            results[result] = results.get(result, 0) + 1
        for invoice_id in invoice_ids:
            result = invoice_fee_update(invoice_id=invoice_id)
            results[result] = results.get(result, 0) + 1
        summary = ", ".join(
            f"{count} {name}" for name, count in sorted(results.items())
        )
        checked = len(session_ids) + len(invoice_ids)
        self.stdout.write(
            f"Fees: {checked} checked" + (f" ({summary})." if summary else ".")
        )
