from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from shop.models import Order
from shop.selectors import (
    order_proceeds_total,
    sales_by_month,
    shop_proceeds,
    shop_settings,
)
from shop.services.outcomes import order_mark_paid, order_mark_refunded
from shop.services.placing import order_create_from_cart
from tests.shop.factories import ShopSettingsFactory, VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
D = Decimal
LOUISVILLE = ZoneInfo("America/Kentucky/Louisville")
FEE = D("2.00")


def paid_order(outcome, *, quantity=2, fee=FEE, paid_at=None, **customer):
    variant = VariantFactory(price=D("25.00"), unit_cost=D("10.00"), stock=100)
    order = order_create_from_cart(
        cart={variant.pk: quantity}, customer=checkout_data(**customer)
    )
    order_mark_paid(order_number=order.number or "", outcome=outcome(order, fee=fee))
    if paid_at is not None:
        Order.objects.filter(pk=order.pk).update(paid_at=paid_at)
    order.refresh_from_db()
    return order


def test_order_proceeds_exclude_tax_cost_postage_and_fee(outcome):
    order = paid_order(outcome)
    # goods 50.00 - cost 20.00 + shipping charged 6.00 - postage 6.00 - fee 2.00;
    # tax 3.36 is not ours
    assert order.tax_amount == D("3.36")
    assert order.proceeds == D("28.00")
    assert shop_proceeds() == D("28.00")
    assert order_proceeds_total(Order.objects.filter(pk=order.pk)) == D("28.00")


def test_unknown_fee_counts_as_zero_and_pickup_has_no_postage(outcome):
    paid_order(outcome, fee=None, delivery_method="pickup")
    assert shop_proceeds() == D("30.00")


def test_only_paid_not_refunded_orders_count(outcome):
    paid_order(outcome)
    refunded = paid_order(outcome)
    order_mark_refunded(order_number=refunded.number, outcome=outcome(refunded))
    variant = VariantFactory(stock=10)
    order_create_from_cart(cart={variant.pk: 1}, customer=checkout_data())  # pending
    assert shop_proceeds() == D("28.00")


def test_no_sales_is_zero():
    assert shop_proceeds() == D("0.00")
    assert sales_by_month() == []


def test_proceeds_between_dates(outcome):
    paid_order(outcome, paid_at=datetime(2026, 1, 10, 12, tzinfo=LOUISVILLE))
    paid_order(outcome, paid_at=datetime(2026, 2, 1, 0, 30, tzinfo=LOUISVILLE))
    assert shop_proceeds(start=date(2026, 1, 1), end=date(2026, 2, 1)) == D("28.00")
    assert shop_proceeds(start=date(2026, 2, 1)) == D("28.00")
    assert shop_proceeds(end=date(2026, 3, 1)) == D("56.00")


def test_sales_by_month(outcome):
    paid_order(outcome, paid_at=datetime(2026, 1, 10, 12, tzinfo=LOUISVILLE))
    paid_order(outcome, paid_at=datetime(2026, 1, 31, 23, 30, tzinfo=LOUISVILLE))
    paid_order(outcome, quantity=1, paid_at=datetime(2026, 2, 2, tzinfo=LOUISVILLE))
    months = sales_by_month()
    assert [m.month for m in months] == [date(2026, 1, 1), date(2026, 2, 1)]
    assert [m.orders for m in months] == [2, 1]
    assert months[0].goods == D("100.00") and months[0].proceeds == D("56.00")
    # 25 - 10 + 6 - 6 - 2 = 13.00
    assert months[1].proceeds == D("13.00")
    assert sum(m.proceeds for m in months) == shop_proceeds()


def test_settings_default_without_a_row_and_never_written():
    rates = shop_settings()
    assert rates.pk is None and rates.sales_tax_rate == D("0.0600")
    ShopSettingsFactory(flat_shipping_rate=D("8.00"))
    assert shop_settings().flat_shipping_rate == D("8.00")
