"""
"Cover the processing fee": how much to add so the home receives the whole gift.

The processor keeps `rate × charge + fixed` of every charge (Stripe's US card
pricing by default: 2.9% + 30¢; both are settings). To keep `amount` after that,
the donor is charged

    gross = (amount + fixed) / (1 − rate)

rounded *up* to the cent, never down: the processor rounds its fee to the
nearest cent, and `gross − amount` is a whole number of cents at least as large
as the exact fee, so the rounded fee can never exceed it.
"""

from decimal import ROUND_CEILING, Decimal

from django.conf import settings

from core.money import CENT, round_money


def fee_rates() -> tuple[Decimal, Decimal]:
    """(rate, fixed) from the settings, checked: 0 ≤ rate < 1, fixed ≥ 0."""
    rate = Decimal(str(settings.DONATION_FEE_RATE))
    fixed = Decimal(str(settings.DONATION_FEE_FIXED))
    if not (Decimal("0") <= rate < Decimal("1")) or fixed < 0:
        raise ValueError(
            "DONATION_FEE_RATE must be from 0 to under 1 and DONATION_FEE_FIXED "
            "not negative."
        )
    return rate, fixed


def fee_to_cover(amount: Decimal) -> Decimal:
    """What to add to `amount` so that, after the processor's fee, the home
    receives all of `amount`. Refuses floats and fractions of a cent."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"Money must be a Decimal, not {type(amount).__name__}.")
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise ValueError(f"{amount} is not a positive amount in cents.")
    rate, fixed = fee_rates()
    gross = ((amount + fixed) / (Decimal("1") - rate)).quantize(
        CENT, rounding=ROUND_CEILING
    )
    return gross - amount


def processor_fee_estimate(charge: Decimal) -> Decimal:
    """The fee the processor is expected to keep from `charge` (to the cent)."""
    rate, fixed = fee_rates()
    return round_money(charge * rate + fixed)
