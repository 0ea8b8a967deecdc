"""
`manage.py payments_local_renew <subscription_id> [--fail]`: play the next
month of a monthly gift on the local test gateway (development and demos).

The charge succeeds (the gift's handler hears "invoice_paid", fee 0, and the
next charge moves a month on) or, with `--fail`, fails ("invoice_failed").
Refused unless the local test gateway is enabled.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payments.errors import PaymentError
from payments.models import CheckoutSession
from payments.services.subscriptions import local_subscription_charge


class Command(BaseCommand):
    help = "Charge the next month of a local test gateway's monthly gift."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subscription_id", help="sub_local_...")
        parser.add_argument(
            "--fail", action="store_true", help="Make the charge fail instead."
        )

    def handle(
        self, *args: Any, subscription_id: str, fail: bool, **options: Any
    ) -> None:
        try:
            outcome = local_subscription_charge(
                subscription_id=subscription_id, succeed=not fail
            )
        except PaymentError as error:
            raise CommandError(str(error)) from error
        except CheckoutSession.DoesNotExist:
            raise CommandError(
                f"No local monthly gift has subscription {subscription_id!r}."
            ) from None
        self.stdout.write(
            f"{outcome.invoice_id}: {outcome.action} "
            f"({outcome.kind} {outcome.reference}, {outcome.amount_total})."
        )
