"""Refunds: staff refund a whole order or chosen lines from the admin (through
the local gateway or Stripe), refunds made in Stripe's dashboard arrive as
`charge.refunded`; each is recorded once, never more than was paid, and its
goods and shipping leave the proceeds."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from payments.models import CheckoutSession
from shop.errors import RefundRefused
from shop.models import Order, OrderRefund, Variant
from shop.selectors import sales_by_month, shop_proceeds
from shop.selectors.refunds import refund_plan
from shop.services.refunds import order_refund
from tests.html import html_of, search
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
    assert "$75.26" in html_of(message)


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
            # Wrong types on purpose: the refund must refuse them.
            order_refund(order=paid, quantities={line.pk: bad})  # type: ignore[dict-item]
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
        reference=order.number or "",
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


def test_a_refund_larger_than_what_is_left_is_refused_never_booked_as_tax(
    stripe_paid, post_stripe_event
):
    """Stripe reports $1,000 refunded of a payment our order says was $75.26:
    it used to be booked as $988-odd of refunded sales tax."""
    post_stripe_event(
        "charge_refunded_partial",
        payment_intent="pi_test_refund_1",
        amount=7526,
        amount_refunded=1000,
    )
    response = post_stripe_event(
        "charge_refunded_full",
        payment_intent="pi_test_refund_1",
        amount=100000,
        amount_refunded=100000,
    )
    assert response.status_code == 200
    stripe_paid.refresh_from_db()
    assert [r.amount for r in stripe_paid.refunds.all()] == [D("10.00")]
    assert sum(r.tax_amount for r in stripe_paid.refunds.all()) <= D("4.26")
    assert stripe_paid.status == S.PAID and stripe_paid.refunded == D("10.00")
    assert stripe_paid.needs_attention
    assert "$1,000.00 refunded in all" in stripe_paid.attention_note
    assert "$65.26 was left" in stripe_paid.attention_note


# ---------------------------------------------------------------------------
# The admin
# ---------------------------------------------------------------------------
def refund_url(order):
    return reverse("admin:shop_order_refund", args=[order.pk])


def review(admin_client, order, data):
    """The form's POST: the confirmation page, nothing refunded yet."""
    return admin_client.post(refund_url(order), data)


def token_of(response) -> str:
    return search(r'name="token" value="([^"]+)"', response.content.decode())[1]


def test_the_form_starts_with_nothing_chosen(admin_client, paid):
    change = admin_client.get(reverse("admin:shop_order_change", args=[paid.pk]))
    assert refund_url(paid) in change.content.decode()
    page = admin_client.get(refund_url(paid))
    assert page.status_code == 200
    html = page.content.decode()
    assert "checked" not in html  # not the whole order, no shipping, no restock
    for line in paid.lines.all():
        assert f'name="line_{line.pk}"' in html
        field = page.context["form"][f"line_{line.pk}"]
        assert field.value() in (None, "")
    assert "Refund the whole order" in html and "$75.26" in html
    assert "Refund the shipping too ($6.00" in html
    assert "js/refund-form.js" in html


def test_quantities_give_the_amount_on_the_confirmation_page_and_nothing_is_refunded(
    admin_client, paid
):
    mug = lines(paid)["Hope mug"]
    response = review(admin_client, paid, {f"line_{mug.pk}": 1})
    assert response.status_code == 200
    html = response.content.decode()
    # $15 + its share of the tax (15 x 4.26 / 71 = $0.90).
    assert "<strong>$15.90</strong> will go back" in html
    assert "Refund $15.90</button>" in html
    assert "1 × Hope mug" in html
    assert not paid.refunds.exists()
    # "Change the refund" goes back to the form as it was filled in.
    hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))
    back = admin_client.post(refund_url(paid), {**hidden, "edit": ""})
    assert back.context["form"][f"line_{mug.pk}"].value() == "1"
    assert "will go back" not in back.content.decode()
    assert not paid.refunds.exists()


def test_one_item_with_the_whole_order_checked_is_refused_not_the_whole_order(
    admin_client, paid
):
    """The old form preselected "The whole order": typing 1 for one item
    refunded everything ($54.06 of a $54.06 order)."""
    shirt = lines(paid)["Hope T-shirt"]  # 2 bought
    response = review(admin_client, paid, {f"line_{shirt.pk}": 1, "whole": "on"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "You checked the whole order but typed fewer items" in html
    assert "will go back" not in html
    assert not paid.refunds.exists()
    # Nothing typed and nothing checked is a question, not a refund either.
    empty = review(admin_client, paid, {"reason": "oops"})
    assert "Choose what to refund" in empty.content.decode()


def test_a_whole_order_refund_is_a_deliberate_choice_to_the_cent(
    admin_client, paid, items
):
    shirt, mug = items
    data = {"whole": "on", f"restock_{lines(paid)['Hope mug'].pk}": "on"}
    confirm = review(admin_client, paid, data)
    assert "<strong>$75.26</strong> will go back" in confirm.content.decode()
    admin_client.post(refund_url(paid), {"token": token_of(confirm), "confirm": ""})
    paid.refresh_from_db()
    assert paid.status == S.REFUNDED and paid.refunded == D("75.26")
    assert (stock(shirt), stock(mug)) == (6, 5)  # only the mug came back


def test_the_shipping_is_refunded_only_when_chosen(admin_client, paid):
    shirt = lines(paid)["Hope T-shirt"]
    without = review(admin_client, paid, {f"line_{shirt.pk}": 1})
    assert "<strong>$26.50</strong>" in without.content.decode()
    # $25 shirt + $6 shipping, with their tax: 31 x 4.26 / 71 = $1.86.
    both = review(admin_client, paid, {f"line_{shirt.pk}": 1, "shipping": "on"})
    assert "<strong>$32.86</strong>" in both.content.decode()
    only = review(admin_client, paid, {"shipping": "on"})
    assert "<strong>$6.36</strong>" in only.content.decode()


def test_staff_refund_after_confirming_with_stock_line_by_line(
    admin_client, paid, items, django_capture_on_commit_callbacks
):
    shirt, mug = items
    shirt_line, mug_line = lines(paid)["Hope T-shirt"], lines(paid)["Hope mug"]
    too_many = review(admin_client, paid, {f"line_{shirt_line.pk}": 3})
    assert "Only 2 can still be refunded." in too_many.content.decode()
    stray = review(
        admin_client,
        paid,
        {f"line_{shirt_line.pk}": 1, f"restock_{mug_line.pk}": "on"},
    )
    assert "only refunded items go back in stock" in stray.content.decode()

    data = {
        f"line_{shirt_line.pk}": 2,
        f"restock_{shirt_line.pk}": "on",
        f"line_{mug_line.pk}": 1,
        "reason": "Too big",
    }
    confirm = review(admin_client, paid, data)
    html = confirm.content.decode()
    assert "<strong>$68.90</strong> will go back" in html
    assert "Goes back in stock" in html and "Not put back in stock" in html
    assert not paid.refunds.exists() and stock(shirt) == 6

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            refund_url(paid),
            {"token": token_of(confirm), "confirm": "", **data},
            follow=True,
        )
    html = response.content.decode()
    assert "$68.90 refunded for order" in html
    # The order's refunds table says which line went back in stock.
    assert f"2 × {shirt_line.sku} (back in stock), 1 × {mug_line.sku}</td>" in html
    refund = paid.refunds.get()
    assert refund.amount == D("68.90") and refund.reason == "Too big"
    assert refund.created_by.is_superuser
    assert (stock(shirt), stock(mug)) == (8, 4)  # the shirts came back, not the mug
    assert [(r.line_id, r.restock) for r in refund.lines.all()] == [
        (shirt_line.pk, True),
        (mug_line.pk, False),
    ]
    assert refund.restocked_cost == shirt_line.unit_cost * 2


def test_changed_hidden_fields_do_not_change_what_is_refunded(admin_client, paid):
    mug, shirt = lines(paid)["Hope mug"], lines(paid)["Hope T-shirt"]
    confirm = review(admin_client, paid, {f"line_{mug.pk}": 1})
    admin_client.post(
        refund_url(paid),
        {"token": token_of(confirm), "whole": "True", f"line_{shirt.pk}": "2"},
    )
    assert [r.amount for r in paid.refunds.all()] == [D("15.90")]


def test_a_tampered_or_stale_confirmation_is_refused(admin_client, paid, items):
    mug = lines(paid)["Hope mug"]
    confirm = review(admin_client, paid, {f"line_{mug.pk}": 1})
    token = token_of(confirm)

    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    response = admin_client.post(refund_url(paid), {"token": tampered})
    assert response.status_code == 400
    assert "changed or is not valid" in response.content.decode()

    other = paid.__class__.objects.create(
        **{
            f.name: getattr(paid, f.name)
            for f in paid._meta.concrete_fields
            if f.name
            not in ("id", "number", "token", "checkout_session_id", "payment_intent_id")
        }
    )
    wrong_order = admin_client.post(refund_url(other), {"token": token})
    assert wrong_order.status_code == 400
    assert "for another order" in wrong_order.content.decode()

    import shop.admin.refund_form as refund_form

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(refund_form, "CONFIRM_MAX_AGE_SECONDS", -1)  # 30 minutes on
        old = admin_client.post(refund_url(paid), {"token": token})
    assert old.status_code == 400 and "30 minutes old" in old.content.decode()
    assert not paid.refunds.exists()

    # Another refund since the review: this one is refused, not made twice.
    order_refund(order=paid, quantities={mug.pk: 1})
    shirt = lines(paid)["Hope T-shirt"]
    confirm = review(admin_client, paid, {f"line_{shirt.pk}": 1})
    order_refund(order=paid, quantities={shirt.pk: 1})
    stale = admin_client.post(
        refund_url(paid), {"token": token_of(confirm)}, follow=True
    )
    assert "changed since this refund was reviewed" in stale.content.decode()
    assert paid.refunds.count() == 2


def test_the_confirmed_amount_must_still_be_the_amount(paid):
    mug = lines(paid)["Hope mug"]
    with pytest.raises(RefundRefused, match="not the \\$9.00 you confirmed"):
        order_refund(order=paid, quantities={mug.pk: 1}, expected_amount=D("9.00"))
    assert not paid.refunds.exists()


def test_refunds_need_their_permission(client, paid, django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user(
        "packer", password="a long volunteer password", is_staff=True
    )
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    client.force_login(staff)
    mug = lines(paid)["Hope mug"]
    assert client.get(refund_url(paid)).status_code == 403
    assert client.post(refund_url(paid), {f"line_{mug.pk}": 1}).status_code == 403
    assert not paid.refunds.exists()


def paid_without_a_payment_record(variant, email="buyer@example.org"):
    """An order paid as the demo's used to be: no record of its payment."""
    from payments.registry import CheckoutOutcome
    from shop.services.outcomes import order_mark_paid
    from shop.services.placing import order_create_from_cart
    from tests.shop.factories import checkout_data

    order = order_create_from_cart(
        cart={variant.pk: 1}, customer=checkout_data(email=email)
    )
    order_mark_paid(
        order_number=order.number or "",
        outcome=CheckoutOutcome(
            action="paid",
            kind="order",
            reference=order.number or "",
            session_id=f"cs_demo_{order.pk}",
            amount_total=order.total,
            currency="usd",
            fee=D("0"),
        ),
    )
    return order


def test_a_payment_we_cannot_refund_is_said_before_the_form(admin_client, items):
    """The page says so instead of a form that fails after it is filled in
    ("We have no record of this payment")."""
    order = paid_without_a_payment_record(items[0])
    html = admin_client.get(refund_url(order)).content.decode()
    assert "We have no record of this payment" in html
    assert 'name="whole"' not in html


def test_demo_orders_are_refundable_through_the_local_gateway(
    admin_client, items, settings, django_capture_on_commit_callbacks
):
    from datetime import date

    from demo import shop as demo
    from shop.services.placing import order_create_from_cart
    from tests.shop.factories import checkout_data

    settings.STRIPE_SECRET_KEY = ""
    shirt, _mug = items
    order = order_create_from_cart(
        cart={shirt.pk: 2},
        customer=checkout_data(email=f"rosa{demo.DEMO_ORDER_DOMAIN}"),
    )
    demo._pay_demo_order(order, months_ago=1, today=date(2026, 11, 1))
    order.refresh_from_db()
    assert order.status == S.PAID
    line = order.lines.get()
    confirm = review(admin_client, order, {f"line_{line.pk}": 1})
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(refund_url(order), {"token": token_of(confirm)})
    refund = order.refunds.get()
    assert refund.status == OrderRefund.Status.SUCCEEDED
    assert refund.gateway_refund_id.startswith("re_local_")


def test_demo_orders_made_before_get_their_payment_record(admin_client, items):
    from demo import shop as demo

    order = paid_without_a_payment_record(
        items[0], email=f"ken{demo.DEMO_ORDER_DOMAIN}"
    )
    assert demo._seed_orders() == 0  # made nothing new
    html = admin_client.get(refund_url(order)).content.decode()
    assert "no record" not in html and 'name="whole"' in html


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

    monkeypatch.setattr("shop.services.refunds.refund_create", lost)
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
    (shop.selectors.sales): with partial refunds, restocked or not, a failed refund and
    orders that are not sales, they still equal `with_proceeds()` added up."""
    from django.db.models import Sum

    from shop.selectors import order_proceeds_total
    from shop.services.placing import order_create_from_cart
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
