"""/the-home/ and the Home fund's bar on the home and shop pages are cached
(core.pagecache): a change to the fund, its milestones, a gift or a donor (the
donor wall) drops the cached copies. Gifts marked paid or refunded through a
payment are also covered by payments.signals (the checkout record changes)."""

from core.pagecache import invalidate_on_change
from donations.models import Donation, Donor, HomeFund, Milestone, RecurringGift


def connect() -> None:
    invalidate_on_change(HomeFund, Milestone, Donation, Donor, RecurringGift)
