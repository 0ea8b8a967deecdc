from decimal import Decimal

import pytest

from core.money import (
    format_money,
    from_minor_units,
    round_money,
    to_minor_units,
)


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("0.01", 1), ("19.99", 1999), ("0", 0), ("1234.50", 123450), ("0.10", 10)],
)
def test_to_minor_units_boundaries(amount, cents):
    assert to_minor_units(Decimal(amount)) == cents


@pytest.mark.parametrize(
    ("cents", "amount"), [(1, "0.01"), (1999, "19.99"), (0, "0.00"), (100, "1.00")]
)
def test_from_minor_units_boundaries(cents, amount):
    result = from_minor_units(cents)
    assert result == Decimal(amount)
    assert str(result) == amount


def test_round_trip_is_exact():
    for cents in range(0, 5000, 7):
        assert to_minor_units(from_minor_units(cents)) == cents


def test_floats_are_refused():
    # Floats on purpose: the functions must refuse them.
    with pytest.raises(TypeError):
        to_minor_units(19.99)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_minor_units(19.99)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        from_minor_units(True)


def test_fraction_of_a_cent_is_refused():
    with pytest.raises(ValueError):
        to_minor_units(Decimal("0.001"))


def test_round_money_rounds_half_up():
    assert round_money(Decimal("1.005")) == Decimal("1.01")
    assert round_money(Decimal("1.2345")) == Decimal("1.23")


def test_format_money():
    assert format_money(Decimal("1234.5")) == "$1,234.50"
    assert format_money(Decimal("-5")) == "-$5.00"
    assert format_money(Decimal("0.01")) == "$0.01"
    assert format_money(None) == ""
