"""The order status page and the buyer's emails tell the order's state: the
heading and "what happens next" follow it (unpaid, under review, expired,
canceled, paid, packed, shipped, delivered, ready for pickup, picked up,
refunded in part or in full), the totals list each refund and the net paid, and
the page and the emails say it in the same words."""

from decimal import Decimal

import html5lib
import pytest
from django.core import mail

from shop.models import Order, OrderEvent, OrderRefund
from shop.selectors.order_status import order_status_text
from shop.services import emails
from shop.services.placing import order_create_from_cart
from tests.html import html_of
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
D = Decimal
S = Order.Status


def text_of(html: str) -> str:
    """The words of a page as a reader gets them, spaces collapsed."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    body = document.find("body")
    return " ".join(" ".join(body.itertext()).split())


def make_order(status=S.PAID, delivery_method="ship", **fields) -> Order:
    variant = VariantFactory(stock=5, product__name="Hope T-shirt", price=D("25.00"))
    order = order_create_from_cart(
        cart={variant.pk: 2},
        customer=checkout_data(delivery_method=delivery_method),
    )
    Order.objects.filter(pk=order.pk).update(status=status, **fields)
    order.refresh_from_db()
    return order


def refund(order, amount, *, cumulative) -> OrderRefund:
    return OrderRefund.objects.create(
        order=order,
        status=OrderRefund.Status.SUCCEEDED,
        source=OrderRefund.Source.STAFF,
        amount=D(amount),
        goods_amount=D(amount),
        cumulative_amount=D(cumulative),
    )


def page(client, order) -> str:
    response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    return text_of(response.content.decode())


SHIPPED = {"carrier": "usps", "tracking_number": "9400111899223344556677"}

# status, delivery, extra fields -> heading, a next step, words never shown
PAGE_STATES = [
    (
        S.PENDING,
        "ship",
        {},
        "We are waiting for your payment",
        "You will get an email once it is confirmed.",
    ),
    (
        S.NEEDS_REVIEW,
        "ship",
        {},
        "We are checking your payment",
        "You do not need to pay again.",
    ),
    (
        S.EXPIRED,
        "ship",
        {},
        "This order expired",
        "To buy these items, add them to your cart again.",
    ),
    (
        S.CANCELLED,
        "ship",
        {},
        "This order was canceled",
        "To buy these items, add them to your cart again.",
    ),
    (
        S.FAILED,
        "ship",
        {},
        "The payment did not go through",
        "To buy these items, add them to your cart again.",
    ),
    (
        S.PAID,
        "ship",
        {},
        "Thank you for your order",
        "Volunteers pack your order, usually within a few business days.",
    ),
    (
        S.PAID,
        "pickup",
        {},
        "Thank you for your order",
        "We get your order ready, then email you when it is ready for pickup.",
    ),
    (
        S.PACKED,
        "ship",
        {},
        "Your order is packed",
        "When it ships we email you a tracking link",
    ),
    (
        S.SHIPPED,
        "ship",
        SHIPPED,
        "Your order is on its way",
        "Follow your package with the carrier's tracking link.",
    ),
    (
        S.DELIVERED,
        "ship",
        SHIPPED,
        "Your order was delivered",
        "Reply to any of our emails and we will help.",
    ),
    (
        S.READY_FOR_PICKUP,
        "pickup",
        {},
        "Your order is ready for pickup",
        "Bring your order number when you come to pick it up.",
    ),
    (
        S.PICKED_UP,
        "pickup",
        {},
        "You picked up your order",
        "Reply to any of our emails and we will help.",
    ),
]


@pytest.mark.parametrize(
    ("status", "delivery", "fields", "heading", "step"),
    PAGE_STATES,
    ids=[f"{row[0]}-{row[1]}" for row in PAGE_STATES],
)
def test_the_page_tells_each_state(client, status, delivery, fields, heading, step):
    order = make_order(status, delivery, **fields)
    text = page(client, order)
    assert f"{heading} " in text
    assert step in text
    others = {row[3] for row in PAGE_STATES} - {heading}
    assert not [other for other in others if other in text]
    # Money is only netted when some came back.
    assert "Net paid" not in text


def test_only_unpaid_endings_offer_the_cart(client):
    assert "Go to your cart" in page(client, make_order(S.EXPIRED))
    assert "Go to your cart" not in page(client, make_order(S.PAID))


def test_the_page_lists_each_partial_refund_and_the_net_paid(client):
    order = make_order(S.SHIPPED, **SHIPPED)  # $50.00 + $6.00 shipping + 6% tax
    total = order.total
    refund(order, "10.00", cumulative="10.00")
    refund(order, "5.50", cumulative="15.50")
    text = page(client, order)
    assert "Part of your order was refunded" in text
    assert "We refunded $15.50. The rest of your order is on its way." in text
    assert text.count("Refund, ") == 2
    assert "−$10.00" in text and "−$5.50" in text
    assert f"Net paid {'$' + str(total - D('15.50'))}" in text
    # The shipment's own next step is still there, after the refund's.
    assert "Your bank may take 5 to 10 business days" in text
    assert "Follow your package with the carrier's tracking link." in text


def test_a_failed_refund_is_not_listed(client):
    order = make_order(S.PAID)
    OrderRefund.objects.create(
        order=order,
        status=OrderRefund.Status.FAILED,
        source=OrderRefund.Source.STAFF,
        amount=D("10.00"),
        cumulative_amount=D("10.00"),
    )
    text = page(client, order)
    assert "Thank you for your order" in text and "Refund, " not in text


def test_the_page_tells_a_whole_refund(client):
    order = make_order(S.REFUNDED)
    refund(order, str(order.total), cumulative=str(order.total))
    text = page(client, order)
    assert "Your order was refunded" in text
    assert f"We refunded ${order.total}, everything you paid for this order." in text
    assert "Net paid $0.00" in text
    assert "Nothing more will be charged for this order." in text


# ---------------------------------------------------------------------------
# Emails: the same words as the page, for the state each email announces
# ---------------------------------------------------------------------------
def sent() -> tuple[str, str]:
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    html = html_of(message)
    return str(message.body), text_of(html)


def assert_tells(order, body, html, status=None, **kwargs):
    words = order_status_text(order=order, status=status, **kwargs)
    for text in (body, html):
        assert words.heading in text
        for step in words.next_steps:
            assert step in text
        # An email is not a page.
        assert "this page" not in text
    return words


@pytest.mark.parametrize("delivery", ["ship", "pickup"])
def test_the_confirmation_tells_what_happens_next(delivery):
    order = make_order(S.PAID, delivery)
    assert emails.order_send_confirmation(order_id=order.pk)
    body, html = sent()
    words = assert_tells(order, body, html)
    assert words.heading == "Thank you for your order"
    expected = (
        "Volunteers pack your order"
        if delivery == "ship"
        else "We get your order ready, then email you"
    )
    assert expected in body and expected in html


@pytest.mark.parametrize(
    ("status", "delivery", "fields", "heading", "step"),
    [
        (
            S.SHIPPED,
            "ship",
            SHIPPED,
            "Your order is on its way",
            "Follow your package with the carrier's tracking link.",
        ),
        (
            S.READY_FOR_PICKUP,
            "pickup",
            {},
            "Your order is ready for pickup",
            "Bring your order number",
        ),
    ],
)
def test_each_step_email_tells_what_happens_next(
    status, delivery, fields, heading, step
):
    order = make_order(status, delivery, **fields)
    event = OrderEvent.objects.create(order=order, status=status)
    assert emails.order_send_step_email(event_id=event.pk)
    body, html = sent()
    assert_tells(order, body, html, status=status)
    assert heading in body and step in html


def test_the_partial_refund_email_lists_the_refunds_and_the_net_paid():
    order = make_order(S.PAID)
    first = refund(order, "10.00", cumulative="10.00")
    second = refund(order, "5.50", cumulative="15.50")
    assert emails.order_send_refund(refund_id=second.pk)
    body, html = sent()
    assert_tells(order, body, html, up_to_refund=second)
    net = order.total - D("15.50")
    for text in (body, html):
        assert "Part of your order was refunded" in text
        assert text.count("Refund, ") == 2
        assert "$10.00" in text and "$5.50" in text
        assert f"Net paid: ${net}" in text or f"Net paid ${net}" in text
        assert "Volunteers pack your order" in text  # the rest still ships
    # The first refund's email counts only the refunds up to it.
    mail.outbox.clear()
    assert emails.order_send_refund(refund_id=first.pk)
    body, _html = sent()
    assert body.count("Refund, ") == 1
    assert f"Net paid: ${order.total - D('10.00')}" in body


def test_the_whole_refund_email_says_nothing_more_is_charged():
    order = make_order(S.REFUNDED)
    whole = refund(order, str(order.total), cumulative=str(order.total))
    assert emails.order_send_refund(refund_id=whole.pk)
    body, html = sent()
    assert_tells(order, body, html, up_to_refund=whole)
    for text in (body, html):
        assert "Your order was refunded" in text
        assert "Nothing more will be charged for this order." in text
        assert "Net paid" in text and "$0.00" in text
