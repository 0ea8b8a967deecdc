"""Payment outcomes reaching orders: paid, under review, fee later, refunded."""

import logging
from decimal import Decimal

import pytest
from django.core import mail

from shop.models import Order, PromoCode, Variant
from shop.services.outcomes import (
    order_accept_reviewed_payment,
    order_mark_expired,
    order_mark_needs_review,
    order_mark_paid,
    order_mark_refunded,
)
from shop.services.placing import order_create_from_cart
from shop.services.promos import promo_uses
from shop.services.stock import order_cancel
from tests.html import html_of
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
    html = html_of(message)
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
    with caplog.at_level(logging.ERROR, logger="shop.services.emails"):
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
    order_mark_expired(order_number=order.number, now=order.expires_at)
    place({variant.pk: 2}, email="other@example.org")  # someone else buys them
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    # The money is in front of staff ("Payment needs review"), never a sale, and
    # it cannot be accepted: its stock is not held.
    assert order.status == Order.Status.NEEDS_REVIEW
    assert order.stock_released_at is not None and order.paid_at is None
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


def test_a_partial_refund_is_recorded_once_and_the_sale_stands(outcome):
    variant = VariantFactory(stock=5)
    order = place({variant.pk: 1})
    order_mark_paid(order_number=order.number, outcome=outcome(order))
    partial = outcome(
        order,
        action="refunded",
        amount_total=order.total,
        amount_refunded=order.total - Decimal("5.00"),
    )
    proceeds = order.proceeds
    order_mark_refunded(order_number=order.number, outcome=partial)
    order_mark_refunded(order_number=order.number, outcome=partial)
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert not order.needs_attention
    [refund] = order.refunds.all()
    assert refund.amount == order.total - Decimal("5.00") == order.refunded
    assert refund.source == "processor" and refund.status == "succeeded"
    # Its goods and shipping leave the proceeds; its sales tax was never in them.
    assert order.proceeds == proceeds - refund.goods_amount - refund.shipping_amount


def test_refund_of_an_unpaid_order_is_flagged(outcome):
    order = place({VariantFactory().pk: 1})
    order_mark_refunded(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and order.needs_attention


# ---------------------------------------------------------------------------
# Payments that need review (amount or currency not what was asked)
# ---------------------------------------------------------------------------
def review(order, outcome, **overrides):
    from shop.handlers import order_checkout_handler

    values = {"action": "needs_review", "amount_total": D("1.00"), "currency": "usd"}
    order_checkout_handler.needs_review(outcome(order, **{**values, **overrides}))
    order.refresh_from_db()
    return order


def test_an_underpaid_order_needs_review_never_paid(
    outcome, django_capture_on_commit_callbacks
):
    variant = VariantFactory(stock=5)
    order = place({variant.pk: 2})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        review(order, outcome)
        review(order, outcome)  # repeated: nothing more
    assert order.status == Order.Status.NEEDS_REVIEW
    assert not order.is_paid and order.paid_at is None
    assert (order.amount_paid, order.currency_paid) == (D("1.00"), "USD")
    assert order.needs_attention and order.attention_note.count("needs review") == 1
    assert (
        "1.00 USD" in order.attention_note and str(order.total) in order.attention_note
    )
    assert callbacks == [] and mail.outbox == []
    assert stock(variant) == 3  # still reserved
    assert order.proceeds == D("0.00")  # not a sale until staff accept it


def test_a_payment_in_another_currency_needs_review(outcome):
    order = review(
        place({VariantFactory().pk: 1}), outcome, amount_total=None, currency="eur"
    )
    assert order.status == Order.Status.NEEDS_REVIEW
    assert order.currency_paid == "EUR"


def test_orders_under_review_are_not_expired(outcome):
    from datetime import timedelta

    from django.utils import timezone

    from shop.services.stock import orders_expire_stale

    variant = VariantFactory(stock=5)
    order = review(place({variant.pk: 2}), outcome)
    Order.objects.filter(pk=order.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    assert orders_expire_stale() == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.NEEDS_REVIEW
    assert stock(variant) == 3


def test_a_paid_outcome_does_not_override_a_review(outcome):
    order = review(place({VariantFactory().pk: 1}), outcome)
    order_mark_paid(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    assert order.status == Order.Status.NEEDS_REVIEW
    assert "under review" in order.attention_note


def test_review_after_the_checkout_ended_takes_the_stock_again(outcome):
    variant = VariantFactory(stock=5)
    order = place({variant.pk: 2})
    order_cancel(order=order)
    order = review(order, outcome)
    assert order.status == Order.Status.NEEDS_REVIEW
    assert order.stock_released_at is None and stock(variant) == 3


def test_review_of_a_paid_order_only_flags_it(outcome):
    order = place({VariantFactory().pk: 1})
    order_mark_paid(order_number=order.number, outcome=outcome(order))
    order = review(order, outcome)
    assert order.status == Order.Status.PAID
    assert order.needs_attention and "second payment" in order.attention_note


def test_staff_accept_a_reviewed_payment_once(
    outcome, django_capture_on_commit_callbacks
):
    from shop.services.outcomes import order_accept_reviewed_payment

    variant = VariantFactory(stock=5)
    order = review(place({variant.pk: 2}), outcome)
    with django_capture_on_commit_callbacks(execute=True):
        assert order_accept_reviewed_payment(order=order)
        assert not order_accept_reviewed_payment(order=order)
    assert order.status == Order.Status.PAID and order.paid_at is not None
    assert len(mail.outbox) == 1
    assert stock(variant) == 3


def test_refunding_a_reviewed_payment_gives_the_stock_back_once(outcome):
    variant = VariantFactory(stock=5)
    order = review(place({variant.pk: 2}), outcome)
    order_mark_refunded(order_number=order.number, outcome=outcome(order))
    order_mark_refunded(order_number=order.number, outcome=outcome(order))
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert stock(variant) == 5


# ---------------------------------------------------------------------------
# The fee, learned later
# ---------------------------------------------------------------------------
def test_fee_known_fills_the_fee_once(outcome):
    from shop.handlers import order_checkout_handler

    order = place({VariantFactory().pk: 1})
    order_mark_paid(order_number=order.number, outcome=outcome(order, fee=None))
    order.refresh_from_db()
    assert order.payment_fee is None and order.fee_pending
    fee = outcome(order, action="fee_known", fee=D("2.04"))
    order_checkout_handler.fee_known(fee)
    order_checkout_handler.fee_known(outcome(order, action="fee_known", fee=D("9")))
    order_checkout_handler.fee_known(outcome(order, action="fee_known", fee=None))
    order.refresh_from_db()
    assert order.payment_fee == D("2.04") and not order.fee_pending


def test_handler_outcomes_for_an_unknown_order_are_logged(outcome, caplog):
    from shop.handlers import order_checkout_handler

    order = place({VariantFactory().pk: 1})
    Order.objects.filter(pk=order.pk).update(number="RH-2000-000000")
    with caplog.at_level(logging.ERROR, logger="shop.handlers"):
        for action in ("paid", "needs_review", "fee_known", "failed", "expired"):
            getattr(order_checkout_handler, action)(outcome(order, action=action))
    assert caplog.text.count("does not exist") == 5


def test_the_buyer_sees_that_the_payment_is_being_checked(client, outcome):
    order = review(place({VariantFactory().pk: 1}), outcome)
    html = client.get(order.get_absolute_url()).content.decode()
    assert "Payment needs review" in html
    assert "You do not need to pay again" in html
    assert "Thank you for your order" not in html


# ---------------------------------------------------------------------------
# Late payments: after the order gave its stock (and its promo code's use) back,
# a payment is a sale only when all of it can be taken again; otherwise its
# money waits for staff ("Payment needs review", flagged to refund), never
# oversold, never a one-use code counted twice, and it cannot be accepted.
# ---------------------------------------------------------------------------
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
