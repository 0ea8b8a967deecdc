"""Refunds: staff refund a whole order or chosen lines from the admin (through
the local gateway or Stripe), refunds made in Stripe's dashboard arrive as
`charge.refunded`; each is recorded once, never more than was paid, and its
goods and shipping leave the proceeds."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from payments.models import CheckoutSession
from shop.models import Order, OrderRefund, Variant
from shop.refunds import RefundRefused, order_refund, refund_plan
from shop.selectors import sales_by_month, shop_proceeds
from tests.shop.factories import SHIPPING_ADDRESS, VariantFactory

pytestmark = pytest.mark.django_db
D = Decimal
S = Order.Status


def stock(variant) -> int:
    return Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)


@pytest.fixture
def items():
    shirt = VariantFactory(product__name="Hope T-shirt", price=D("25.00"), stock=8)
    mug = VariantFactory(
        product__name="Hope mug", size="", colour="", price=D("15.00"), stock=5
    )
    return shirt, mug


def buy(client, items, checkout_overrides=None):
    shirt, mug = items
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 2})
    client.post(mug.product.get_absolute_url(), {"variant": mug.pk, "quantity": 1})
    return client.post(
        reverse("shop:checkout"), {**SHIPPING_ADDRESS, **(checkout_overrides or {})}
    )


@pytest.fixture
def paid(client, items, local_gateway, django_capture_on_commit_callbacks):
    """$50 of shirts + $15 mug + $6 shipping + 6% tax ($4.26) = $75.26, paid
    through the local gateway."""
    response = buy(client, items)
    with django_capture_on_commit_callbacks(execute=True):
        local_gateway.pay(client, response.url)
    order = Order.objects.get()
    assert order.status == S.PAID and order.total == D("75.26")
    mail.outbox.clear()
    return order


def lines(order):
    return {line.product_name: line for line in order.lines.all()}


def test_a_whole_order_refund_through_the_local_gateway(
    paid, items, django_capture_on_commit_callbacks
):
    shirt, mug = items
    with django_capture_on_commit_callbacks(execute=True):
        refund = order_refund(order=paid, restock=True, reason="Changed their mind")
    paid.refresh_from_db()
    assert refund.status == OrderRefund.Status.SUCCEEDED
    assert refund.amount == D("75.26") == paid.refunded
    assert (refund.goods_amount, refund.shipping_amount, refund.tax_amount) == (
        D("65.00"),
        D("6.00"),
        D("4.26"),
    )
    assert refund.gateway_refund_id.startswith("re_local_")
    assert paid.status == S.REFUNDED and paid.proceeds == 0
    assert (stock(shirt), stock(mug)) == (8, 5)
    # The local gateway dispatched the same "refunded" outcome a webhook
    # would: recorded on the payment, and not a second time on the order.
    session = CheckoutSession.objects.get(session_id=paid.checkout_session_id)
    assert session.status == CheckoutSession.Status.REFUNDED
    assert session.amount_refunded == D("75.26")
    assert paid.refunds.count() == 1
    [message] = mail.outbox
    assert "refund" in message.subject.lower() and "$75.26" in message.body
    assert "$75.26" in message.alternatives[0].content


def test_a_line_refund_with_its_tax_leaves_the_proceeds(
    paid, items, django_capture_on_commit_callbacks
):
    shirt, _mug = items
    before = paid.proceeds
    fund_before = shop_proceeds()
    shirt_line = lines(paid)["Hope T-shirt"]
    with django_capture_on_commit_callbacks(execute=True):
        refund = order_refund(order=paid, quantities={shirt_line.pk: 1})
    paid.refresh_from_db()
    # One $25 shirt and its share of the tax: 25 x 4.26 / 71 = 1.50.
    assert (refund.goods_amount, refund.tax_amount) == (D("25.00"), D("1.50"))
    assert refund.amount == D("26.50")
    assert paid.status == S.PAID  # the rest of the sale stands
    assert stock(shirt) == 6  # not put back: it did not come back
    assert paid.proceeds == before - D("25.00")
    assert shop_proceeds() == fund_before - D("25.00")
    assert [item.quantity for item in refund.lines.all()] == [1]
    assert "1 x Hope T-shirt" in mail.outbox[0].body


def test_restocked_items_come_off_the_cost_of_goods(paid, items):
    shirt, _mug = items
    before = paid.proceeds
    shirt_line = lines(paid)["Hope T-shirt"]
    order_refund(order=paid, quantities={shirt_line.pk: 2}, restock=True)
    paid.refresh_from_db()
    assert stock(shirt) == 8
    # $50 of goods refunded, but the shirts ($10 cost each) are back in stock.
    assert paid.proceeds == before - D("50.00") + D("20.00")


def test_month_rows_still_add_up_after_a_partial_refund(paid):
    order_refund(order=paid, quantities={lines(paid)["Hope mug"].pk: 1})
    [row] = sales_by_month()
    assert row.goods == D("50.00")
    assert (
        row.proceeds
        == row.goods + row.shipping - row.cost_of_goods - (row.postage) - row.fees
    )
    assert row.refunded == D("15.00") and row.refunded_orders == 0
    assert row.tax == D("4.26") - D("0.90")


def test_never_more_than_was_paid_nor_the_same_items_twice(paid):
    shirt_line = lines(paid)["Hope T-shirt"]
    order_refund(order=paid, quantities={shirt_line.pk: 2})
    with pytest.raises(RefundRefused, match="Only 0"):
        order_refund(order=paid, quantities={shirt_line.pk: 1})
    order_refund(order=paid)  # the rest
    paid.refresh_from_db()
    assert paid.refunded == paid.total and paid.status == S.REFUNDED
    with pytest.raises(RefundRefused):
        order_refund(order=paid)
    assert paid.refunds.count() == 2


@pytest.mark.parametrize(
    "quantities", [{0: 1}, {"x": 1}, {-1: 1}], ids=["unknown", "text", "negative"]
)
def test_bad_line_choices_are_refused(paid, quantities):
    with pytest.raises(RefundRefused):
        order_refund(order=paid, quantities=quantities)
    line = lines(paid)["Hope mug"]
    for bad in (-1, 2, True, "1"):
        with pytest.raises(RefundRefused):
            order_refund(order=paid, quantities={line.pk: bad})
    assert not paid.refunds.exists()


def test_an_unpaid_order_cannot_be_refunded(client, items, local_gateway):
    buy(client, items)
    order = Order.objects.get()
    with pytest.raises(RefundRefused, match="only a paid order"):
        order_refund(order=order)
    assert not order.refunds.exists()


def test_a_refund_still_under_way_blocks_another(paid):
    OrderRefund.objects.create(
        order=paid,
        source="staff",
        amount=D("1.00"),
        goods_amount=D("1.00"),
        cumulative_amount=D("1.00"),
    )
    with pytest.raises(RefundRefused, match="under way"):
        order_refund(order=paid)


def test_the_plan_of_a_whole_order_is_what_is_left(paid):
    order_refund(order=paid, quantities={lines(paid)["Hope mug"].pk: 1})
    plan = refund_plan(order=paid)
    assert plan.amount == paid.total - D("15.90")


# ---------------------------------------------------------------------------
# Stripe
# ---------------------------------------------------------------------------
@pytest.fixture
def stripe_paid(client, items, fake_stripe, post_stripe_event):
    response = buy(client, items)
    assert response.status_code == 302
    order = Order.objects.get()
    post_stripe_event(
        "checkout_session_completed_paid",
        kind="order",
        reference=order.number,
        id=order.checkout_session_id,
        amount_total=7526,
        payment_intent="pi_test_refund_1",
    )
    order.refresh_from_db()
    assert order.status == S.PAID
    return order


def test_a_stripe_refund_uses_an_idempotency_key_and_is_recorded_once(
    stripe_paid, fake_stripe, post_stripe_event
):
    fake_stripe.respond(
        "POST",
        "/v1/refunds",
        {"id": "re_test_1", "object": "refund", "amount": 1590, "status": "succeeded"},
    )
    mug = lines(stripe_paid)["Hope mug"]
    refund = order_refund(order=stripe_paid, quantities={mug.pk: 1})
    [call] = [c for c in fake_stripe.requests if c[1] == "/v1/refunds"]
    assert call[2]["payment_intent"] == "pi_test_refund_1"
    assert call[2]["amount"] == "1590"
    sent = [c for c in fake_stripe.calls if "/v1/refunds" in str(c)]
    assert sent and sent[-1].headers.get("Idempotency-Key") == refund.idempotency_key
    assert refund.gateway_refund_id == "re_test_1"

    # Stripe then reports it (cumulative), twice: nothing new is recorded.
    for _attempt in range(2):
        response = post_stripe_event(
            "charge_refunded_partial",
            payment_intent="pi_test_refund_1",
            amount=7526,
            amount_refunded=1590,
        )
        assert response.status_code == 200
    assert stripe_paid.refunds.count() == 1


def test_a_stripe_refusal_refunds_nothing(stripe_paid, fake_stripe):
    fake_stripe.respond(
        "POST",
        "/v1/refunds",
        {"error": {"type": "invalid_request_error", "message": "Charge disputed."}},
        status=400,
    )
    with pytest.raises(RefundRefused, match="refused the refund"):
        order_refund(order=stripe_paid)
    stripe_paid.refresh_from_db()
    assert stripe_paid.status == S.PAID and stripe_paid.refunded == 0
    assert stripe_paid.refunds.get().status == OrderRefund.Status.FAILED


def test_dashboard_refunds_arrive_partial_then_full_each_recorded_once(
    stripe_paid, post_stripe_event, django_capture_on_commit_callbacks
):
    before = stripe_paid.proceeds
    with django_capture_on_commit_callbacks(execute=True):
        first = post_stripe_event(
            "charge_refunded_partial",
            payment_intent="pi_test_refund_1",
            amount=7526,
            amount_refunded=1000,
        )
        post_stripe_event(first.stripe_event)  # replayed
    stripe_paid.refresh_from_db()
    [refund] = stripe_paid.refunds.all()
    assert refund.amount == D("10.00") and refund.source == "processor"
    assert refund.goods_amount + refund.shipping_amount + refund.tax_amount == D(
        "10.00"
    )
    assert stripe_paid.status == S.PAID
    assert stripe_paid.proceeds == before - refund.goods_amount - (
        refund.shipping_amount
    )
    assert not stripe_paid.needs_attention
    assert len(mail.outbox) == 1

    post_stripe_event(
        "charge_refunded_full",
        payment_intent="pi_test_refund_1",
        amount=7526,
        amount_refunded=7526,
        refunded=True,
    )
    stripe_paid.refresh_from_db()
    assert stripe_paid.status == S.REFUNDED and stripe_paid.proceeds == 0
    assert [r.amount for r in stripe_paid.refunds.all()] == [D("10.00"), D("65.26")]
    assert stripe_paid.refunded == D("75.26")


def test_an_older_refund_event_arriving_late_changes_nothing(
    stripe_paid, post_stripe_event
):
    for refunded in (3000, 1000):
        post_stripe_event(
            "charge_refunded_partial",
            payment_intent="pi_test_refund_1",
            amount=7526,
            amount_refunded=refunded,
        )
    assert [r.amount for r in stripe_paid.refunds.all()] == [D("30.00")]


# ---------------------------------------------------------------------------
# The admin
# ---------------------------------------------------------------------------
def test_staff_refund_chosen_items_from_the_admin(
    admin_client, paid, items, django_capture_on_commit_callbacks
):
    shirt, _mug = items
    change = admin_client.get(reverse("admin:shop_order_change", args=[paid.pk]))
    url = reverse("admin:shop_order_refund", args=[paid.pk])
    assert url in change.content.decode()
    page = admin_client.get(url)
    assert page.status_code == 200
    line = lines(paid)["Hope T-shirt"]
    nothing = admin_client.post(url, {"scope": "lines", f"line_{line.pk}": 0})
    assert "Enter how many of which items to refund." in nothing.content.decode()
    too_many = admin_client.post(url, {"scope": "lines", f"line_{line.pk}": 3})
    assert too_many.status_code == 200 and not paid.refunds.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url,
            {
                "scope": "lines",
                f"line_{line.pk}": 2,
                "restock": "on",
                "reason": "Too big",
            },
            follow=True,
        )
    html = response.content.decode()
    assert "$53.00 refunded for order" in html
    assert stock(shirt) == 8
    refund = paid.refunds.get()
    assert refund.created_by.is_superuser and refund.reason == "Too big"
    assert "$53.00" in html  # in the refunds table


def test_the_buyer_sees_the_refund_in_the_history(client, paid):
    order_refund(order=paid, quantities={lines(paid)["Hope mug"].pk: 1})
    html = client.get(paid.get_absolute_url()).content.decode()
    assert "$15.90 refunded: part of the order." in html


def test_a_refund_whose_answer_was_lost_is_completed_by_the_webhook(
    stripe_paid, fake_stripe, post_stripe_event, monkeypatch
):
    """Stripe refunded, but the shop never read the answer (a crash, a lost
    connection after Stripe acted): the refund stays pending until Stripe's
    charge.refunded for that amount arrives, which completes it once."""
    mug = lines(stripe_paid)["Hope mug"]

    def lost(**kwargs):
        raise SystemExit("the process stopped")

    monkeypatch.setattr("shop.refunds.refund_create", lost)
    with pytest.raises(SystemExit):
        order_refund(order=stripe_paid, quantities={mug.pk: 1}, restock=True)
    refund = stripe_paid.refunds.get()
    assert refund.status == OrderRefund.Status.PENDING
    with pytest.raises(RefundRefused, match="under way"):
        order_refund(order=stripe_paid)

    for _attempt in range(2):
        post_stripe_event(
            "charge_refunded_partial",
            payment_intent="pi_test_refund_1",
            amount=7526,
            amount_refunded=1590,
        )
    refund.refresh_from_db()
    assert refund.status == OrderRefund.Status.SUCCEEDED
    assert stripe_paid.refunds.count() == 1
    assert Variant.objects.get(pk=mug.variant_id).stock == 5  # put back once


def test_totals_summed_part_by_part_match_each_orders_proceeds(paid, items):
    """The fund and the monthly rows sum the proceeds formula table by table
    (shop.sales): with partial refunds, restocked or not, a failed refund and
    orders that are not sales, they still equal `with_proceeds()` added up."""
    from django.db.models import Sum

    from shop.selectors import order_proceeds_total
    from shop.services import order_create_from_cart
    from tests.shop.factories import checkout_data

    order_refund(order=paid, quantities={lines(paid)["Hope mug"].pk: 1})
    order_refund(
        order=paid, quantities={lines(paid)["Hope T-shirt"].pk: 1}, restock=True
    )
    OrderRefund.objects.create(
        order=paid,
        status=OrderRefund.Status.FAILED,
        source=OrderRefund.Source.STAFF,
        amount=D("9.00"),
        goods_amount=D("9.00"),
        cumulative_amount=D("99.00"),
        restocked_cost=D("3.00"),
    )
    shirt, _mug = items
    order_create_from_cart(cart={shirt.pk: 1}, customer=checkout_data())  # unpaid
    summed = Order.objects.with_proceeds().aggregate(total=Sum("proceeds"))["total"]

    paid.refresh_from_db()
    assert summed == paid.proceeds  # only the sale has proceeds
    assert shop_proceeds() == summed
    assert order_proceeds_total(Order.objects.all()) == summed
    [row] = sales_by_month()
    assert row.proceeds == summed
    assert row.cost_of_goods == Order.objects.with_proceeds().get(pk=paid.pk).goods_cost
