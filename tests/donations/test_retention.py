"""
`manage.py donations_forget_unpaid`: gifts never paid, older than the retention
period, lose the honoree's details; donors who never completed a gift lose
their name and email; donors who gave keep theirs; a second run changes nothing.
"""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from donations.models import Donation, Donor, RecurringGift
from donations.services.privacy import donations_forget_unpaid
from tests.donations.factories import DonationFactory, DonorFactory

pytestmark = pytest.mark.django_db

DAYS = 30
OLD = timezone.now() - timedelta(days=DAYS + 1)


def _unpaid(donor: Donor, *, status: str = "pending", when=OLD) -> Donation:
    gift = DonationFactory(
        donor=donor,
        status=status,
        paid_at=None,
        processor_fee=None,
        dedication="memory",
        dedication_name="Grandma Rose",
        dedication_notify_email="family@example.org",
        show_on_wall=True,
    )
    Donation.objects.filter(pk=gift.pk).update(created_at=when)
    return gift


def _age(donor: Donor, when=OLD) -> Donor:
    Donor.objects.filter(pk=donor.pk).update(created_at=when)
    return donor


def _run(**options) -> str:
    out = StringIO()
    call_command("donations_forget_unpaid", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def people(settings):
    settings.DONATIONS_UNPAID_RETENTION_DAYS = DAYS
    never = _age(DonorFactory(name="Never Paid"))
    _unpaid(never)
    _unpaid(never, status="failed")
    giver = _age(DonorFactory(name="Real Giver"))
    DonationFactory(donor=giver, dedication_name="Dad", show_on_wall=True)
    abandoned_by_giver = _unpaid(giver)
    recent = DonorFactory(name="Just Tried")
    recent_gift = _unpaid(recent, when=timezone.now())
    monthly = _age(DonorFactory(name="Monthly Starter"))
    pending_gift = RecurringGift.objects.create(
        donor=monthly, amount=Decimal("20.00"), dedication_name="Mom"
    )
    RecurringGift.objects.filter(pk=pending_gift.pk).update(created_at=OLD)
    return {
        "never": never,
        "giver": giver,
        "abandoned_by_giver": abandoned_by_giver,
        "recent": recent,
        "recent_gift": recent_gift,
        "monthly": monthly,
        "pending_gift": pending_gift,
    }


def test_unpaid_gifts_and_never_paid_donors_are_erased(people):
    output = _run()
    assert "Erased the details of 4 unpaid gift(s) and 2 donor(s)" in output
    for key in ("never", "monthly"):
        donor = Donor.objects.get(pk=people[key].pk)
        assert donor.name == "Erased" and donor.email.endswith("@erased.invalid")
    gift = Donation.objects.get(pk=people["abandoned_by_giver"].pk)
    assert gift.dedication_name == "Erased" and gift.dedication_notify_email == ""
    assert not gift.show_on_wall and gift.amount == Decimal("50.00")
    assert RecurringGift.objects.get(pk=people["pending_gift"].pk).dedication_name == (
        "Erased"
    )


def test_givers_and_recent_gifts_are_kept(people):
    _run()
    assert Donor.objects.get(pk=people["giver"].pk).name == "Real Giver"
    assert Donor.objects.get(pk=people["recent"].pk).name == "Just Tried"
    recent = Donation.objects.get(pk=people["recent_gift"].pk)
    assert recent.dedication_name == "Grandma Rose"
    paid = Donation.objects.get(donor=people["giver"], status="paid")
    assert paid.show_on_wall and paid.dedication_name == "Dad"


def test_an_active_monthly_donor_is_kept(settings):
    settings.DONATIONS_UNPAID_RETENTION_DAYS = DAYS
    donor = _age(DonorFactory(name="Monthly Giver"))
    gift = RecurringGift.objects.create(
        donor=donor, amount=Decimal("20"), status="active"
    )
    RecurringGift.objects.filter(pk=gift.pk).update(created_at=OLD)
    _unpaid(donor)
    assert donations_forget_unpaid() == (1, 0)
    assert Donor.objects.get(pk=donor.pk).name == "Monthly Giver"


def test_twice_is_safe_and_says_so(people):
    _run()
    snapshot = (
        list(Donor.objects.order_by("pk").values()),
        list(Donation.objects.order_by("pk").values()),
    )
    assert "Nothing to erase" in _run()
    assert (
        list(Donor.objects.order_by("pk").values()),
        list(Donation.objects.order_by("pk").values()),
    ) == snapshot


def test_bad_days(people):
    with pytest.raises(CommandError):
        _run(days=0)
    for bad in (0, -1, True, "30"):
        with pytest.raises(ValueError):
            # Wrong types on purpose: the service must refuse them.
            donations_forget_unpaid(days=bad)  # type: ignore[arg-type]
    assert Donor.objects.get(pk=people["never"].pk).name == "Never Paid"
