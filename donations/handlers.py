"""
The donations app's answer to payment outcomes for one-time gifts (kind
"donation"). `payments` calls these from the Stripe webhook, the thank-you page
and the local test gateway; each maps to one idempotent service, so a repeated
outcome changes nothing.
"""

import logging

from donations import services
from donations.models import Donation
from payments.registry import CheckoutOutcome

logger = logging.getLogger(__name__)


class DonationCheckoutHandler:
    kind = services.DONATION_KIND

    def paid(self, outcome: CheckoutOutcome) -> None:
        try:
            services.donation_mark_paid(outcome=outcome)
        except Donation.DoesNotExist:
            self._unknown(outcome)

    def failed(self, outcome: CheckoutOutcome) -> None:
        services.donation_mark_failed(outcome=outcome)

    def expired(self, outcome: CheckoutOutcome) -> None:
        services.donation_mark_failed(outcome=outcome)

    def refunded(self, outcome: CheckoutOutcome) -> None:
        try:
            services.donation_mark_refunded(outcome=outcome)
        except Donation.DoesNotExist:
            self._unknown(outcome)

    def needs_review(self, outcome: CheckoutOutcome) -> None:
        if not services.donation_mark_needs_review(outcome=outcome):
            logger.error(
                "Gift %r needs review (paid %s of %s %s) but was not pending.",
                outcome.reference,
                outcome.amount_total,
                outcome.amount_expected,
                outcome.currency,
            )

    def fee_known(self, outcome: CheckoutOutcome) -> None:
        services.donation_record_fee(outcome=outcome)

    @staticmethod
    def _unknown(outcome: CheckoutOutcome) -> None:
        # Retrying cannot make an unknown gift appear: log loudly, answer 200.
        logger.error(
            "A %s checkout %s names gift %r, which does not exist.",
            outcome.action,
            outcome.session_id,
            outcome.reference,
        )


donation_checkout_handler = DonationCheckoutHandler()
