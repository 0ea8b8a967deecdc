"""Cover the fee: the home must receive the whole gift after the processor's cut."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from donations.fees import fee_to_cover, processor_fee_estimate

CENT = Decimal("0.01")


def _net(charge: Decimal, rate: Decimal, fixed: Decimal) -> Decimal:
    fee = (charge * rate + fixed).quantize(CENT, rounding=ROUND_HALF_UP)
    return charge - fee


@pytest.mark.parametrize(
    ("amount", "added"),
    [
        # (5 + 0.30) / 0.971 = 5.45829... -> 5.46
        (Decimal("5.00"), Decimal("0.46")),
        # (25 + 0.30) / 0.971 = 26.0556... -> 26.06
        (Decimal("25.00"), Decimal("1.06")),
        # (100 + 0.30) / 0.971 = 103.2955... -> 103.30
        (Decimal("100.00"), Decimal("3.30")),
        (Decimal("0.01"), Decimal("0.31")),
    ],
)
def test_fee_to_cover_stripe_us_pricing(settings, amount, added):
    settings.DONATION_FEE_RATE = Decimal("0.029")
    settings.DONATION_FEE_FIXED = Decimal("0.30")
    assert fee_to_cover(amount) == added
    assert _net(amount + added, Decimal("0.029"), Decimal("0.30")) >= amount


@given(cents=st.integers(min_value=1, max_value=10_000_000))
def test_the_home_always_receives_the_whole_gift(cents):
    amount = Decimal(cents) / 100
    added = fee_to_cover(amount)
    net = _net(amount + added, Decimal("0.029"), Decimal("0.30"))
    assert net >= amount
    # ...and the donor is never asked for more than one cent too much.
    assert net - amount <= CENT


def test_no_fee_means_nothing_to_add(settings):
    settings.DONATION_FEE_RATE = Decimal("0")
    settings.DONATION_FEE_FIXED = Decimal("0")
    assert fee_to_cover(Decimal("19.99")) == Decimal("0.00")


@pytest.mark.parametrize(
    "bad", [Decimal("0"), Decimal("-5"), Decimal("1.005"), Decimal("NaN")]
)
def test_fee_to_cover_refuses_bad_amounts(bad):
    with pytest.raises(ValueError):
        fee_to_cover(bad)


def test_fee_to_cover_refuses_floats():
    with pytest.raises(TypeError):
        fee_to_cover(19.99)  # type: ignore[arg-type]


def test_impossible_rates_are_refused(settings):
    settings.DONATION_FEE_RATE = Decimal("1")
    with pytest.raises(ValueError):
        fee_to_cover(Decimal("10.00"))


def test_processor_fee_estimate():
    assert processor_fee_estimate(Decimal("103.30")) == Decimal("3.30")
