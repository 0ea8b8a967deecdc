"""
The proceeds formula is written once (`Order.objects.with_proceeds()`): the same
order's proceeds are identical, to the cent, through every path that shows them:
the model, the selectors (the Home fund, monthly sales), the admin and the CSV.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from shop.models import Order
from shop.selectors import order_proceeds_total, sales_by_month, shop_proceeds
from shop.services.outcomes import (
    order_mark_paid,
    order_mark_refunded,
    order_record_fee,
)
from shop.services.placing import order_create_from_cart
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
D = Decimal


FEE = D("1.97")


def paid(outcome, *, cart, fee=FEE, **customer):
    order = order_create_from_cart(cart=cart, customer=checkout_data(**customer))
    order_mark_paid(order_number=order.number or "", outcome=outcome(order, fee=fee))
    order.refresh_from_db()
    return order


def csv_rows(admin_client, orders) -> dict[str, dict[str, str]]:
    response = admin_client.post(
        reverse("admin:shop_order_changelist"),
        {"action": "export_csv", "_selected_action": [o.pk for o in orders]},
    )
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    return {row["number"]: row for row in rows}


@pytest.fixture
def awkward(outcome):
    """Cents that do not add up nicely: 3 x 19.99 at cost 7.33, fee 1.97."""
    variant = VariantFactory(price=D("19.99"), unit_cost=D("7.33"), stock=50)
    other = VariantFactory(price=D("0.01"), unit_cost=D("0.00"), stock=50)
    return paid(outcome, cart={variant.pk: 3, other.pk: 1})


def test_the_formula(awkward):
    # goods 59.98 - cost 21.99 + shipping 6.00 - postage 6.00 - fee 1.97 = 36.02
    assert awkward.subtotal == D("59.98") and awkward.shipping_amount == D("6.00")
    assert awkward.goods_cost == D("21.99")
    assert awkward.proceeds == D("36.02")


def test_every_path_gives_the_same_proceeds(admin_client, awkward):
    expected = D("36.02")
    annotated = Order.objects.with_proceeds().get(pk=awkward.pk)
    assert annotated.proceeds == expected
    assert Order.objects.get(pk=awkward.pk).proceeds == expected  # read on demand
    assert shop_proceeds() == expected
    assert order_proceeds_total(Order.objects.filter(pk=awkward.pk)) == expected
    (month,) = sales_by_month()
    assert month.proceeds == expected
    assert D(csv_rows(admin_client, [awkward])[awkward.number]["proceeds"]) == expected
    page = admin_client.get(reverse("admin:shop_order_change", args=[awkward.pk]))
    assert "$36.02" in page.content.decode()


def test_many_orders_add_up_the_same_everywhere(admin_client, outcome):
    variant = VariantFactory(price=D("33.33"), unit_cost=D("12.34"), stock=100)
    orders = [
        paid(outcome, cart={variant.pk: 1}),
        paid(outcome, cart={variant.pk: 3}),  # free shipping from 75.00
        paid(outcome, cart={variant.pk: 2}, delivery_method="pickup", fee=None),
    ]
    each = [order.proceeds for order in orders]
    # 33.33 - 12.34 + 6 - 6 - 1.97; 99.99 - 37.02 + 0 (free) - 6 - 1.97;
    # pickup: 66.66 - 24.68, no postage, fee not known yet
    assert each == [D("19.02"), D("55.00"), D("41.98")]
    rows = csv_rows(admin_client, orders)
    assert [D(rows[o.number]["proceeds"]) for o in orders] == each
    assert shop_proceeds() == sum(each) == sum(m.proceeds for m in sales_by_month())


def test_tax_never_counts_and_refunds_have_none(outcome, admin_client):
    variant = VariantFactory(price=D("25.00"), unit_cost=D("10.00"), stock=10)
    order = paid(outcome, cart={variant.pk: 1})
    before = order.proceeds
    Order.objects.filter(pk=order.pk).update(tax_amount=D("99.00"))
    assert Order.objects.get(pk=order.pk).proceeds == before
    order_mark_refunded(order_number=order.number or "", outcome=outcome(order))
    refunded = Order.objects.get(pk=order.pk)
    assert refunded.proceeds == D("0.00")
    assert D(csv_rows(admin_client, [order])[order.number]["proceeds"]) == D("0.00")
    assert shop_proceeds() == D("0.00")


def test_a_fee_still_to_come_is_pending_everywhere(outcome, admin_client):
    variant = VariantFactory(price=D("25.00"), unit_cost=D("10.00"), stock=10)
    order = paid(outcome, cart={variant.pk: 1}, fee=None)
    assert order.fee_pending and order.proceeds == D("15.00")  # fee counted as 0
    page = admin_client.get(reverse("admin:shop_order_change", args=[order.pk]))
    assert "Fee pending" in page.content.decode()
    assert "(fee pending)" in page.content.decode()
    assert csv_rows(admin_client, [order])[order.number]["payment_fee"] == "pending"
    assert sales_by_month()[0].fees_pending == 1

    order_record_fee(order_number=order.number or "", fee=D("1.03"))
    order = Order.objects.get(pk=order.pk)
    assert not order.fee_pending and order.proceeds == D("13.97")
    assert sales_by_month()[0].fees_pending == 0
    assert shop_proceeds() == D("13.97")
