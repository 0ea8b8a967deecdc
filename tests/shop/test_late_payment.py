"""A payment that arrives after its order gave its stock (and its promo code's
use) back: it never oversells and never counts a one-use code twice. It becomes
a sale only when all of it can be taken again; otherwise its money waits for
staff ("Payment needs review", flagged to refund) and it cannot be accepted."""

from decimal import Decimal

import pytest
from django.core import mail

from shop.fulfilment import (
    order_accept_reviewed_payment,
    order_mark_needs_review,
    order_mark_paid,
)
from shop.models import Order, PromoCode, Variant
from shop.promos import promo_uses
from shop.services import order_create_from_cart, order_mark_expired
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
D = Decimal


def stock(variant) -> int:
    return Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)


def place(cart, **customer):
    return order_create_from_cart(cart=cart, customer=checkout_data(**customer))


def expire(order) -> None:
    assert order_mark_expired(order_number=order.number, now=order.expires_at)


@pytest.fixture
def one_use():
    return PromoCode.objects.create(
        code="ONCE", kind="percent", value=D("10"), max_uses=1
    )


def test_a_late_payment_whose_stock_is_there_is_a_sale(
    outcome, django_capture_on_commit_callbacks
):
    variant = VariantFactory(stock=5)
    order = place({variant.pk: 2})
    expire(order)
    assert stock(variant) == 5
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.stock_released_at is None
    assert stock(variant) == 3


def test_a_late_payment_for_stock_sold_to_someone_else_goes_to_review(
    outcome, django_capture_on_commit_callbacks
):
    variant = VariantFactory(stock=2)
    late = place({variant.pk: 2})
    expire(late)
    other = place({variant.pk: 2}, email="other@example.org")
    order_mark_paid(order_number=other.number, outcome=outcome(other))
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=late.number, outcome=outcome(late))
    late.refresh_from_db()
    assert late.status == Order.Status.NEEDS_REVIEW
    assert late.needs_attention and "refund the buyer" in late.attention_note
    assert late.amount_paid == late.total  # the money is on record, for the refund
    assert stock(variant) == 0  # never below: nothing taken
    assert [m.to for m in mail.outbox] == []  # no confirmation of a sale
    # Staff cannot accept it by mistake: its stock is not held.
    assert order_accept_reviewed_payment(order=late) is False
    late.refresh_from_db()
    assert late.status == Order.Status.NEEDS_REVIEW
    # Repeated outcomes change nothing.
    order_mark_paid(order_number=late.number, outcome=outcome(late))
    assert stock(variant) == 0
    assert Order.objects.get(pk=late.pk).status == Order.Status.NEEDS_REVIEW


def test_a_late_payment_never_uses_a_one_use_code_twice(
    outcome, one_use, django_capture_on_commit_callbacks
):
    variant = VariantFactory(stock=10)
    late = place({variant.pk: 1}, promo_code="ONCE")
    expire(late)  # its use comes back with its stock...
    other = place({variant.pk: 1}, promo_code="ONCE", email="other@example.org")
    order_mark_paid(order_number=other.number, outcome=outcome(other))
    assert promo_uses(one_use) == 1
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=late.number, outcome=outcome(late))
    late.refresh_from_db()
    # ...and another buyer took it: the late payment is not a sale.
    assert late.status == Order.Status.NEEDS_REVIEW
    assert "promo code ONCE has been used up" in late.attention_note
    assert promo_uses(one_use) == 1
    assert stock(variant) == 9  # the stock it did not get back stays on sale
    assert mail.outbox == []


def test_a_late_payment_whose_code_is_still_free_is_a_sale(outcome, one_use):
    variant = VariantFactory(stock=10)
    late = place({variant.pk: 1}, promo_code="ONCE")
    expire(late)
    order_mark_paid(order_number=late.number, outcome=outcome(late))
    late.refresh_from_db()
    assert late.status == Order.Status.PAID
    assert promo_uses(one_use) == 1 and stock(variant) == 9


def test_a_late_payment_of_the_wrong_amount_cannot_be_accepted_without_its_code(
    outcome, one_use
):
    variant = VariantFactory(stock=10)
    late = place({variant.pk: 1}, promo_code="ONCE")
    expire(late)
    other = place({variant.pk: 1}, promo_code="ONCE", email="other@example.org")
    order_mark_paid(order_number=other.number, outcome=outcome(other))
    order_mark_needs_review(
        order_number=late.number, outcome=outcome(late, amount_total=D("1.00"))
    )
    late.refresh_from_db()
    assert late.status == Order.Status.NEEDS_REVIEW
    assert late.stock_released_at is not None  # nothing taken again
    assert "It cannot be accepted" in late.attention_note
    assert order_accept_reviewed_payment(order=late) is False
    assert promo_uses(one_use) == 1 and stock(variant) == 9
