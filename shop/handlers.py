"""
The shop's answer to payment outcomes. `payments` calls these (kind "order") from
the Stripe webhook, the success page and the local test gateway; each call maps to
one idempotent service, so a repeated outcome changes nothing.
"""

import logging

from payments.registry import CheckoutOutcome
from shop.models import Order
from shop.services import outcomes

logger = logging.getLogger(__name__)


class OrderCheckoutHandler:
    kind = "order"

    def paid(self, outcome: CheckoutOutcome) -> None:
        try:
            outcomes.order_mark_paid(order_number=outcome.reference, outcome=outcome)
        except Order.DoesNotExist:
            self._unknown(outcome)

    def needs_review(self, outcome: CheckoutOutcome) -> None:
        try:
            outcomes.order_mark_needs_review(
                order_number=outcome.reference, outcome=outcome
            )
        except Order.DoesNotExist:
            self._unknown(outcome)

    def fee_known(self, outcome: CheckoutOutcome) -> None:
        if (
            not outcomes.order_record_fee(
                order_number=outcome.reference, fee=outcome.fee
            )
            and not Order.objects.filter(number=outcome.reference).exists()
        ):
            self._unknown(outcome)

    def failed(self, outcome: CheckoutOutcome) -> None:
        try:
            outcomes.order_mark_failed(order_number=outcome.reference)
        except Order.DoesNotExist:
            self._unknown(outcome)

    def expired(self, outcome: CheckoutOutcome) -> None:
        try:
            outcomes.order_mark_expired(order_number=outcome.reference)
        except Order.DoesNotExist:
            self._unknown(outcome)

    def refunded(self, outcome: CheckoutOutcome) -> None:
        try:
            outcomes.order_mark_refunded(
                order_number=outcome.reference, outcome=outcome
            )
        except Order.DoesNotExist:
            self._unknown(outcome)

    @staticmethod
    def _unknown(outcome: CheckoutOutcome) -> None:
        # Retrying cannot make an unknown order appear: log loudly, answer 200.
        logger.error(
            "A %s checkout %s names order %r, which does not exist.",
            outcome.action,
            outcome.session_id,
            outcome.reference,
        )


order_checkout_handler = OrderCheckoutHandler()
