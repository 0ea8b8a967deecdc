"""Payment outcomes reaching orders: paid, under review, fee later, refunded."""

import logging
from decimal import Decimal

import pytest
from django.core import mail

from shop.fulfilment import order_mark_paid, order_mark_refunded
from shop.models import Order, Variant
from shop.services import order_cancel, order_create_from_cart, order_mark_expired
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
D = Decimal


def stock(variant) -> int:
    return Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)


def place(cart, **customer):
    return order_create_from_cart(cart=cart, customer=checkout_data(**customer))


# ---------------------------------------------------------------------------
# Fulfilment
# ---------------------------------------------------------------------------
def test_mark_paid_is_idempotent_and_sends_one_email(
    outcome, django_capture_on_commit_callbacks
):
    variant = VariantFactory(stock=5, product__name="Hope T-shirt")
    order = place({variant.pk: 2})
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=order.number, outcome=outcome(order))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order_mark_paid(order_number=order.number, outcome=outcome(order))
    assert callbacks == []

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.paid_at is not None
    assert order.payment_intent_id == f"pi_test_{order.pk}"
    assert order.payment_fee == D("1.23")
    assert order.confirmation_sent_at is not None
    assert stock(variant) == 3
    assert len(mail.outbox) == 1


def test_confirmation_email_has_the_order(outcome, django_capture_on_commit_callbacks):
    variant = VariantFactory(product__name="Hope T-shirt", size="L", colour="Blue")
    order = place({variant.pk: 2})
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=order.number, outcome=outcome(order))
    message = mail.outbox[0]
    assert message.to == ["buyer@example.org"]
    assert order.number in message.subject
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert "Hope T-shirt (L / Blue)" in body
        assert "$50.00" in body and "$59.36" in body  # goods, total
        assert f"/shop/orders/{order.token}/" in body
        assert "1 Main Street" in body
        assert "deductible" not in body.lower()
        assert "donation" not in body.lower()


def test_confirmation_link_uses_the_public_address(
    outcome, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://redeeminghope.example"
    order = place({VariantFactory().pk: 1})
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=order.number, outcome=outcome(order))
    link = f"https://redeeminghope.example/shop/orders/{order.token}/"
    assert link in mail.outbox[0].body


def test_email_failure_keeps_the_order_paid(
    outcome, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    order = place({VariantFactory().pk: 1})
    with caplog.at_level(logging.ERROR, logger="shop.emails"):
        with django_capture_on_commit_callbacks(execute=True):
            order_mark_paid(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.confirmation_sent_at is None
    assert "Could not send the confirmation" in caplog.text


def test_no_email_when_the_transaction_rolls_back(
    outcome, django_capture_on_commit_callbacks
):
    order = place({VariantFactory().pk: 1})
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            from django.db import transaction

            with transaction.atomic():
                order_mark_paid(order_number=order.number, outcome=outcome(order))
                raise RuntimeError("the webhook's transaction failed")
    assert mail.outbox == []
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING


def test_paid_after_cancel_takes_the_stock_again(
    outcome, django_capture_on_commit_callbacks
):
    variant = VariantFactory(stock=5)
    order = place({variant.pk: 2})
    order_cancel(order=order)
    assert stock(variant) == 5
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.stock_released_at is None
    assert stock(variant) == 3
    assert len(mail.outbox) == 1


def test_paid_after_cancel_without_stock_is_flagged_not_oversold(
    outcome, django_capture_on_commit_callbacks
):
    variant = VariantFactory(stock=2)
    order = place({variant.pk: 2})
    order_mark_expired(order_number=order.number)
    place({variant.pk: 2}, email="other@example.org")  # someone else buys them
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert order.needs_attention
    assert "refund" in order.attention_note
    assert stock(variant) == 0
    assert mail.outbox == []
    # Repeated: still flagged, still no stock below zero.
    order_mark_paid(order_number=order.number, outcome=outcome(order))
    assert stock(variant) == 0


def test_a_later_outcome_fills_in_the_fee(outcome):
    order = place({VariantFactory().pk: 1})
    order_mark_paid(
        order_number=order.number,
        outcome=outcome(order, fee=None, payment_intent_id=""),
    )
    order_mark_paid(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    assert order.payment_fee == D("1.23")
    assert order.payment_intent_id == f"pi_test_{order.pk}"


def test_unknown_order_number_raises():
    with pytest.raises(Order.DoesNotExist):
        order_mark_expired(order_number="RH-2000-999999")


# ---------------------------------------------------------------------------
# Refunds
# ---------------------------------------------------------------------------
def test_refund_takes_the_order_out_of_sales(outcome):
    variant = VariantFactory(stock=5)
    order = place({variant.pk: 1})
    order_mark_paid(order_number=order.number, outcome=outcome(order))
    order_mark_refunded(order_number=order.number, outcome=outcome(order))
    order_mark_refunded(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert not order.needs_attention
    assert stock(variant) == 4  # not restocked automatically
    # A late "paid" changes nothing.
    order_mark_paid(order_number=order.number, outcome=outcome(order))
    assert Order.objects.get(pk=order.pk).status == Order.Status.REFUNDED


def test_refund_of_an_unpaid_order_is_flagged(outcome):
    order = place({VariantFactory().pk: 1})
    order_mark_refunded(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and order.needs_attention
