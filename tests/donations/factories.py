import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from donations.models import Donation, Donor, HomeFund, Milestone
from tests.model_factory import ModelFactory


class DonorFactory(ModelFactory[Donor]):
    class Meta:
        model = Donor

    email = factory.Sequence(lambda n: f"donor{n}@example.org")
    name = factory.Sequence(lambda n: f"Donor {n}")


class DonationFactory(ModelFactory[Donation]):
    class Meta:
        model = Donation

    donor = factory.SubFactory(DonorFactory)
    amount = Decimal("50.00")
    status = Donation.Status.PAID
    processor_fee = Decimal("1.75")
    date = factory.LazyFunction(timezone.localdate)
    paid_at = factory.LazyFunction(timezone.now)
    livemode = True


class HomeFundFactory(ModelFactory[HomeFund]):
    class Meta:
        model = HomeFund

    goal_amount = Decimal("250000.00")
    target_date = dt.date(2028, 12, 31)


class MilestoneFactory(ModelFactory[Milestone]):
    class Meta:
        model = Milestone

    fund = factory.SubFactory(HomeFundFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    amount = Decimal("50000.00")
