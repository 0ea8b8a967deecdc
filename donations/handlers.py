"""
The donations app's answer to payment outcomes: one-time gifts (kind
"donation") and monthly gifts (kind "recurring_gift"). `payments` calls these
from the Stripe webhook, the thank-you page and the local test gateway; each
maps to one idempotent service, so a repeated outcome changes nothing.
"""

import logging

from donations.models import Donation
from donations.services import outcomes
from donations.services.gifts import DONATION_KIND
from donations.services.monthly import RECURRING_KIND
from payments.registry import CheckoutOutcome

logger = logging.getLogger(__name__)


class DonationCheckoutHandler:
    kind = DONATION_KIND

    def paid(self, outcome: CheckoutOutcome) -> None:
        try:
            outcomes.donation_mark_paid(outcome=outcome)
        except Donation.DoesNotExist:
            self._unknown(outcome)

    def failed(self, outcome: CheckoutOutcome) -> None:
        outcomes.donation_mark_failed(outcome=outcome)

    def expired(self, outcome: CheckoutOutcome) -> None:
        outcomes.donation_mark_failed(outcome=outcome)

    def refunded(self, outcome: CheckoutOutcome) -> None:
        try:
            outcomes.donation_mark_refunded(outcome=outcome)
        except Donation.DoesNotExist:
            self._unknown(outcome)

    def needs_review(self, outcome: CheckoutOutcome) -> None:
        if not outcomes.donation_mark_needs_review(outcome=outcome):
            logger.error(
                "Gift %r needs review (paid %s of %s %s) but was not pending.",
                outcome.reference,
                outcome.amount_total,
                outcome.amount_expected,
                outcome.currency,
            )

    def fee_known(self, outcome: CheckoutOutcome) -> None:
        outcomes.donation_record_fee(outcome=outcome)

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


class RecurringGiftHandler:
    """Monthly gifts (kind "recurring_gift"): the checkout that starts one, and
    the subscription's events after it."""

    kind = RECURRING_KIND

    def paid(self, outcome: CheckoutOutcome) -> None:
        outcomes.recurring_gift_activate(outcome=outcome)

    def failed(self, outcome: CheckoutOutcome) -> None:
        outcomes.recurring_gift_end_unpaid(outcome=outcome)

    def expired(self, outcome: CheckoutOutcome) -> None:
        outcomes.recurring_gift_end_unpaid(outcome=outcome)

    def needs_review(self, outcome: CheckoutOutcome) -> None:
        outcomes.recurring_gift_charge_needs_review(outcome=outcome)

    def fee_known(self, outcome: CheckoutOutcome) -> None:
        outcomes.donation_record_fee(outcome=outcome)

    def refunded(self, outcome: CheckoutOutcome) -> None:
        try:
            outcomes.donation_mark_refunded(outcome=outcome)
        except Donation.DoesNotExist:
            logger.error(
                "A refund of %s names no monthly gift's charge of ours.",
                outcome.invoice_id or outcome.payment_intent_id,
            )

    def invoice_paid(self, outcome: CheckoutOutcome) -> None:
        outcomes.recurring_gift_charge_paid(outcome=outcome)

    def invoice_failed(self, outcome: CheckoutOutcome) -> None:
        outcomes.recurring_gift_charge_failed(outcome=outcome)

    def subscription_updated(self, outcome: CheckoutOutcome) -> None:
        outcomes.recurring_gift_update(outcome=outcome)

    def subscription_cancelled(self, outcome: CheckoutOutcome) -> None:
        outcomes.recurring_gift_mark_cancelled(outcome=outcome)


recurring_gift_handler = RecurringGiftHandler()
