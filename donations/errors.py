"""
The donations app's errors: what a service refuses, in words safe to show (the
donor on the donate page, staff in the admin).
"""

from donations.models import RecurringGift


class DonationError(Exception):
    """A gift the site refuses; str() is safe to show to the donor."""


class GiftsStillActive(Exception):
    """The donor has monthly gifts that still charge (or may start to)."""

    def __init__(self, gifts: list[RecurringGift]) -> None:
        self.gifts = gifts
        listed = "; ".join(
            f"${gift.amount:,.2f} a month since {gift.created_at:%B %-d, %Y} "
            f"({gift.get_status_display()})"
            for gift in gifts
        )
        super().__init__(
            "Cancel this donor's monthly gift first (from the monthly gift's page "
            f"in the admin, or at the payment processor): {listed}."
        )
