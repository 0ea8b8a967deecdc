"""The Home fund: derived from the records, to the cent, in constant queries."""

import datetime as dt
from decimal import Decimal

import pytest

from donations.models import Donation
from donations.selectors import (
    donations_net_total,
    donor_wall,
    fund_by_month,
    fund_progress,
    fund_raised,
)
from shop.selectors import shop_proceeds
from tests.donations.factories import (
    DonationFactory,
    DonorFactory,
    HomeFundFactory,
    MilestoneFactory,
)

pytestmark = pytest.mark.django_db


def test_net_gifts_count_fees_refunds_and_status_exactly():
    DonationFactory(
        amount=Decimal("100.00"),
        fee_covered=Decimal("3.30"),
        processor_fee=Decimal("3.30"),
    )  # 100.00
    DonationFactory(amount=Decimal("50.00"), processor_fee=Decimal("1.75"))  # 48.25
    DonationFactory(amount=Decimal("20.00"), processor_fee=None)  # fee pending: 20
    DonationFactory(
        amount=Decimal("40.00"),
        processor_fee=Decimal("1.46"),
        status=Donation.Status.PARTIALLY_REFUNDED,
        amount_refunded=Decimal("10.00"),
    )  # 28.54
    for status in (
        Donation.Status.PENDING,
        Donation.Status.FAILED,
        Donation.Status.REFUNDED,
        Donation.Status.NEEDS_REVIEW,
    ):
        DonationFactory(amount=Decimal("999.00"), status=status)
    assert donations_net_total() == Decimal("196.79")
    assert fund_raised() == shop_proceeds() + Decimal("196.79")


def test_a_refund_takes_a_gift_out_of_the_fund():
    gift = DonationFactory(amount=Decimal("60.00"), processor_fee=Decimal("2.04"))
    before = fund_raised()
    Donation.objects.filter(pk=gift.pk).update(
        status=Donation.Status.REFUNDED, amount_refunded=Decimal("60.00")
    )
    assert fund_raised() == before - Decimal("57.96")


def test_test_mode_gifts_count_only_with_the_local_gateway(settings):
    DonationFactory(amount=Decimal("10.00"), processor_fee=Decimal("0"), livemode=False)
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS_LOCAL_GATEWAY = True
    assert donations_net_total() == Decimal("10.00")
    settings.PAYMENTS_LOCAL_GATEWAY = False
    assert donations_net_total() == Decimal("0.00")
    settings.STRIPE_SECRET_KEY = "sk_live_example"
    settings.PAYMENTS_LOCAL_GATEWAY = True
    assert donations_net_total() == Decimal("0.00")


def test_progress_and_milestones():
    fund = HomeFundFactory(goal_amount=Decimal("1000.00"))
    MilestoneFactory(fund=fund, title="Land purchased", amount=Decimal("100.00"))
    MilestoneFactory(fund=fund, title="Doors open", amount=Decimal("900.00"))
    DonationFactory(amount=Decimal("150.00"), processor_fee=Decimal("0"))
    progress = fund_progress()
    assert progress is not None
    assert progress.raised == fund_raised()
    assert [m.title for m in progress.reached] == ["Land purchased"]
    assert progress.next_milestone is not None
    assert progress.next_milestone.title == "Doors open"
    assert progress.percent == int(progress.raised * 100 / Decimal("1000.00"))


def test_no_fund_no_progress():
    assert fund_progress() is None


def test_monthly_breakdown_by_source_with_empty_months():
    today = dt.date(2026, 11, 15)
    DonationFactory(
        amount=Decimal("30.00"),
        processor_fee=Decimal("1.17"),
        date=dt.date(2026, 11, 2),
    )
    DonationFactory(
        amount=Decimal("200.00"),
        processor_fee=Decimal("0"),
        source=Donation.Source.OFFLINE,
        method=Donation.Method.CHECK,
        date=dt.date(2026, 9, 30),
    )
    DonationFactory(amount=Decimal("500.00"), date=dt.date(2025, 11, 30))  # too old
    months = fund_by_month(months=12, today=today)
    assert len(months) == 12
    assert months[0].month == dt.date(2025, 12, 1)
    assert months[-1].month == dt.date(2026, 11, 1)
    by_month = {m.month: m for m in months}
    assert by_month[dt.date(2026, 11, 1)].online == Decimal("28.83")
    assert by_month[dt.date(2026, 9, 1)].offline == Decimal("200.00")
    assert by_month[dt.date(2026, 10, 1)].total == Decimal("0.00")


@pytest.mark.parametrize("gifts", [10, 1000])
def test_the_fund_takes_constant_queries(gifts, django_assert_max_num_queries):
    HomeFundFactory()
    donor = DonorFactory()
    Donation.objects.bulk_create(
        Donation(
            donor=donor,
            amount=Decimal("10.00"),
            processor_fee=Decimal("0.59"),
            status=Donation.Status.PAID,
            date=dt.date(2026, 1 + n % 12, 1),
            livemode=True,
            reference=f"ref-{n}",
        )
        for n in range(gifts)
    )
    with django_assert_max_num_queries(6):
        progress = fund_progress()
        assert progress is not None
        assert progress.raised >= Decimal("9.41") * gifts
    with django_assert_max_num_queries(4):
        fund_by_month(months=12)


def test_the_wall_shows_only_consenting_unhidden_donors_without_amounts():
    shown = DonorFactory(name="Shown Donor")
    DonationFactory(donor=shown, show_on_wall=True)
    DonationFactory(donor=shown, show_on_wall=True)  # one entry per donor
    DonationFactory(donor=DonorFactory(name="Not Asked"), show_on_wall=False)
    DonationFactory(
        donor=DonorFactory(name="Hidden By Staff"),
        show_on_wall=True,
        hidden_from_wall=True,
    )
    DonationFactory(
        donor=DonorFactory(name="Secret Person"), show_on_wall=True, is_anonymous=True
    )
    DonationFactory(
        donor=DonorFactory(name="Failed Payer"),
        show_on_wall=True,
        status=Donation.Status.FAILED,
    )
    names = [entry.name for entry in donor_wall()]
    assert sorted(names) == ["Anonymous", "Shown Donor"]
