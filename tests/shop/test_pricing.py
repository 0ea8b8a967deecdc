from decimal import Decimal
from types import SimpleNamespace

import pytest

from shop.pricing import calculate_totals

D = Decimal


def rates(**overrides):
    values = {
        "flat_shipping_rate": D("6.00"),
        "free_shipping_threshold": D("75.00"),
        "sales_tax_rate": D("0.0600"),
        "tax_shipping": True,
        "shipping_cost_per_order": D("6.00"),
    }
    values.update(overrides)
    return SimpleNamespace(**values)


@pytest.mark.parametrize(
    "subtotal, shipping, tax, total",
    [
        # 6% of (0.01 + 6.00) = 0.3606 -> 0.36
        ("0.01", "6.00", "0.36", "6.37"),
        # 6% of (19.99 + 6.00) = 1.5594 -> 1.56
        ("19.99", "6.00", "1.56", "27.55"),
        # one cent under the threshold still pays shipping: 6% of 80.99 = 4.8594
        ("74.99", "6.00", "4.86", "85.85"),
        # exactly the threshold ships free: 6% of 75.00 = 4.50
        ("75.00", "0.00", "4.50", "79.50"),
        ("75.01", "0.00", "4.50", "79.51"),
    ],
)
def test_totals_at_the_boundaries(subtotal, shipping, tax, total):
    totals = calculate_totals(
        subtotal=D(subtotal), delivery_method="ship", rates=rates()
    )
    assert (totals.subtotal, totals.shipping, totals.tax, totals.total) == (
        D(subtotal),
        D(shipping),
        D(tax),
        D(total),
    )
    assert totals.total == totals.subtotal + totals.shipping + totals.tax


def test_tax_rounds_half_up():
    # 6% of 0.25 = 0.015 -> 0.02 (half up, not banker's 0.02/0.01)
    totals = calculate_totals(
        subtotal=D("0.25"), delivery_method="pickup", rates=rates()
    )
    assert totals.tax == D("0.02")


def test_pickup_costs_no_shipping_and_no_postage():
    totals = calculate_totals(
        subtotal=D("19.99"), delivery_method="pickup", rates=rates()
    )
    assert totals.shipping == D("0.00")
    assert totals.shipping_cost == D("0.00")
    assert totals.tax == D("1.20")  # 6% of 19.99 = 1.1994
    assert totals.total == D("21.19")


def test_shipping_untaxed_when_the_setting_says_so():
    totals = calculate_totals(
        subtotal=D("19.99"), delivery_method="ship", rates=rates(tax_shipping=False)
    )
    assert totals.tax == D("1.20")


def test_no_threshold_means_shipping_is_never_free():
    totals = calculate_totals(
        subtotal=D("500.00"),
        delivery_method="ship",
        rates=rates(free_shipping_threshold=None),
    )
    assert totals.shipping == D("6.00")


def test_free_shipping_still_costs_us_postage():
    totals = calculate_totals(
        subtotal=D("80.00"), delivery_method="ship", rates=rates()
    )
    assert totals.shipping == D("0.00")
    assert totals.shipping_cost == D("6.00")
    assert totals.free_shipping


@pytest.mark.parametrize("method", ["", "fly", None])
def test_unknown_delivery_method_is_refused(method):
    with pytest.raises(ValueError):
        calculate_totals(subtotal=D("1.00"), delivery_method=method, rates=rates())


def test_negative_subtotal_is_refused():
    with pytest.raises(ValueError):
        calculate_totals(subtotal=D("-1.00"), delivery_method="ship", rates=rates())
