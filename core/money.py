"""
Money helpers.

Amounts live in the database and in Python as `Decimal` with two places, in the one
currency set in `settings.CURRENCY`. Payment providers speak in minor units (cents);
the conversion happens here and only at that boundary, so no float ever touches money.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")  # no money, with two places as every amount has


def to_minor_units(amount: Decimal) -> int:
    """Decimal dollars -> integer cents. Refuses floats and fractions of a cent."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"Money must be a Decimal, not {type(amount).__name__}.")
    if amount != amount.quantize(CENT):
        raise ValueError(f"{amount} has a fraction of a cent.")
    return int(amount.quantize(CENT) * 100)


def from_minor_units(cents: int) -> Decimal:
    """Integer cents -> Decimal dollars with two places."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"Minor units must be an int, not {type(cents).__name__}.")
    return (Decimal(cents) / 100).quantize(CENT)


def round_money(amount: Decimal) -> Decimal:
    """Round a computed amount (a tax, a percentage) to the cent, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None) -> str:
    """$1,234.50 (negative amounts as -$5.00)."""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"
