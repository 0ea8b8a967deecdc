"""
Money helpers.

Amounts live in the database and in Python as `Decimal` with two places, in the one
currency set in `settings.CURRENCY`. Payment providers speak in minor units (cents);
the conversion happens here and only at that boundary, so no float ever touches money.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")  # no money, with two places as every amount has

# What people type for an amount of dollars: "25", "25.5", ".50", "$1,050.00".
# ASCII digits only (Python's \d also takes other scripts' digits); a comma only
# between groups of three digits; at most two decimals after a point.
_PLAIN = re.compile(r"^(?:[0-9]{1,12}(?:\.[0-9]{0,2})?|\.[0-9]{1,2})$")
_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3}){1,3}(?:\.[0-9]{0,2})?$")
# "10,50", "3,5": a comma used as the decimal point, as much of the world writes
# it. Read as thousands it would be a different amount; read as cents it would
# be a guess. Either way the person must say, so it is refused with its own
# message.
_DECIMAL_COMMA = re.compile(r"^[0-9]+,[0-9]{1,2}$")
MAX_AMOUNT_TEXT = 30


class AmountError(ValueError):
    """Text that is not an amount of money. `code` says why: "decimal_comma"
    (an ambiguous comma, like "10,50") or "invalid"."""

    def __init__(self, text: str, *, code: str = "invalid") -> None:
        super().__init__(text)
        self.code = code


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


def parse_money(text: str) -> Decimal:
    """What a person typed -> Decimal dollars with two places: "25", " 25 ",
    "25.5", "$25", "1,050" and "1,050.00" (a comma separates thousands).
    `AmountError` for anything else: a decimal comma ("10,50"), a sign, an
    exponent, NaN or Infinity, more than two decimals, more than 12 digits."""
    if not isinstance(text, str) or len(text) > MAX_AMOUNT_TEXT:
        raise AmountError(str(text)[:MAX_AMOUNT_TEXT])
    plain = text.strip().removeprefix("$").strip()
    if _DECIMAL_COMMA.match(plain):
        raise AmountError(text, code="decimal_comma")
    if _THOUSANDS.match(plain):
        plain = plain.replace(",", "")
    elif not _PLAIN.match(plain):
        raise AmountError(text)
    return Decimal(plain).quantize(CENT)


def format_money(amount: Decimal | None) -> str:
    """$1,234.50 (negative amounts as -$5.00)."""
    if amount is None:
        return ""
    amount = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def format_percent(value: Decimal) -> str:
    """10 -> "10%", 6.25 -> "6.25%": a percentage as people write it."""
    return f"{Decimal(value).normalize():f}%"
