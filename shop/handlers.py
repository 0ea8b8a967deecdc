"""
The shop's answer to payment outcomes. `payments` calls these (kind "order") from
the Stripe webhook, the success page and the local test gateway; each call maps to
one idempotent service, so a repeated outcome changes nothing.
"""

import logging

from shop import services
from shop.models import Order

logger = logging.getLogger(__name__)


class OrderCheckoutHandler:
    kind = "order"

    def paid(self, outcome) -> None:
        try:
            services.order_mark_paid(order_number=outcome.reference, outcome=outcome)
        except Order.DoesNotExist:
            self._unknown(outcome, "paid")

    def failed(self, outcome) -> None:
        try:
            services.order_mark_failed(order_number=outcome.reference)
        except Order.DoesNotExist:
            self._unknown(outcome, "failed")

    def expired(self, outcome) -> None:
        try:
            services.order_mark_expired(order_number=outcome.reference)
        except Order.DoesNotExist:
            self._unknown(outcome, "expired")

    def refunded(self, outcome) -> None:
        try:
            services.order_mark_refunded(
                order_number=outcome.reference, outcome=outcome
            )
        except Order.DoesNotExist:
            self._unknown(outcome, "refunded")

    @staticmethod
    def _unknown(outcome, what: str) -> None:
        # Retrying cannot make an unknown order appear: log loudly, answer 200.
        logger.error(
            "A %s checkout %s names order %r, which does not exist.",
            what,
            outcome.session_id,
            outcome.reference,
        )


order_checkout_handler = OrderCheckoutHandler()
