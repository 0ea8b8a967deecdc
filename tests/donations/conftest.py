from decimal import Decimal

import pytest
from django.core.cache import cache

from donations.models import DonationPreset, Frequency


@pytest.fixture
def presets(db) -> list[DonationPreset]:
    made = []
    for frequency, amounts in (
        (Frequency.ONE_TIME, ("25", "50", "100", "250")),
        (Frequency.MONTHLY, ("15", "30", "50", "100")),
    ):
        for order, amount in enumerate(amounts):
            made.append(
                DonationPreset.objects.create(
                    frequency=frequency, amount=Decimal(amount), display_order=order
                )
            )
    return made


@pytest.fixture
def gift_data() -> dict[str, str]:
    """A valid one-time gift as the donate form posts it."""
    return {
        "frequency": "one_time",
        "one_time_amount": "50.00",
        "monthly_amount": "",
        "other_amount": "",
        "dedication": "",
        "name": "Ann Lee",
        "email": "ann@example.org",
    }


@pytest.fixture(autouse=True)
def _no_rate_limits_used():
    """Rate limits count in the cache: every test starts with none used."""
    cache.clear()
    yield
    cache.clear()
