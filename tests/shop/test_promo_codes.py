"""Promo codes: percentage or fixed, valid dates, usage limits overall and per
email, a minimum order, an active flag; entered in the cart, applied at
checkout, charged exactly, out of the proceeds, counted only once paid."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.registry import LineItem
from shop.errors import InvalidPromoCode
from shop.models import Order, PromoCode
from shop.services.checkout import checkout_lines
from shop.services.outcomes import order_mark_expired, order_mark_paid
from shop.services.placing import order_create_from_cart
from shop.services.promos import promo_uses
from shop.services.refunds import order_refund
from tests.shop.factories import SHIPPING_ADDRESS, VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
D = Decimal


def promo(code="WEARBLUE10", kind="percent", value="10", **overrides) -> PromoCode:
    return PromoCode.objects.create(code=code, kind=kind, value=D(value), **overrides)


@pytest.fixture
def shirt():
    return VariantFactory(product__name="Hope T-shirt", price=D("25.00"), stock=20)


def place(shirt, quantity=2, code="WEARBLUE10", **customer):
    return order_create_from_cart(
        cart={shirt.pk: quantity},
        customer=checkout_data(promo_code=code, **customer),
    )


def test_a_percentage_off_the_goods_before_tax(shirt):
    promo(code="wearblue10")  # stored in capitals
    order = place(shirt, code=" wearBlue10 ")
    # $50 goods - 10% = $45; + $6 shipping; 6% of $51 = $3.06.
    assert order.discount_amount == D("5.00") and order.promo_code.code == "WEARBLUE10"
    assert order.tax_amount == D("3.06") and order.total == D("54.06")


def test_a_fixed_amount_and_free_shipping_after_the_discount(shirt):
    promo(code="FIVE", kind="fixed", value="5.00")
    order = place(shirt, quantity=3, code="FIVE")  # $75 - $5 = $70: not free
    assert order.discount_amount == D("5.00")
    assert order.shipping_amount == D("6.00") and order.total == D("80.56")


def test_a_fixed_amount_never_makes_the_goods_free(shirt):
    promo(code="BIG", kind="fixed", value="500.00")
    order = place(shirt, quantity=2, code="BIG")
    assert order.discount_amount == D("49.98")  # a cent per item is left


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"is_active": False}, "not valid"),
        ({"starts_at": timezone.now() + timedelta(days=1)}, "not valid yet"),
        ({"ends_at": timezone.now() - timedelta(seconds=1)}, "expired"),
        ({"minimum_order": D("60.00")}, r"needs an order of \$60\.00 or more"),
        ({"max_uses": 0}, "used up"),
    ],
)
def test_a_code_that_cannot_be_used_says_why(shirt, overrides, message):
    promo(**overrides)
    with pytest.raises(InvalidPromoCode, match=message):
        place(shirt)
    assert not Order.objects.exists()
    assert shirt.__class__.objects.get(pk=shirt.pk).stock == 20


def test_an_unknown_code_is_refused(shirt):
    with pytest.raises(InvalidPromoCode, match="not valid"):
        place(shirt, code="NOPE")


def test_uses_per_email_and_overall(shirt, outcome):
    promo(max_uses=2, max_uses_per_email=1)
    place(shirt)  # pending: holds a use
    with pytest.raises(InvalidPromoCode, match="already used"):
        place(shirt, email="BUYER@example.org")
    place(shirt, email="other@example.org")
    with pytest.raises(InvalidPromoCode, match="used up"):
        place(shirt, email="third@example.org")


def test_uses_count_only_paid_orders_and_an_unpaid_order_gives_its_use_back(
    shirt, outcome
):
    code = promo(max_uses=1)
    order = place(shirt)
    assert promo_uses(code) == 0  # pending: holds the use, not counted
    order_mark_expired(order_number=order.number, now=order.expires_at)
    other = place(shirt, email="other@example.org")  # the use came back
    order_mark_paid(order_number=other.number, outcome=outcome(other))
    assert promo_uses(code) == 1
    with pytest.raises(InvalidPromoCode, match="used up"):
        place(shirt, email="third@example.org")


def test_the_discount_is_out_of_the_proceeds(shirt, outcome):
    promo()
    order = place(shirt)
    order_mark_paid(order_number=order.number, outcome=outcome(order))
    # Goods $45 paid - cost $20 + shipping $6 - postage $6 - fee $1.23.
    assert order.proceeds == D("23.77")


@pytest.mark.parametrize(
    ("quantities", "discount"),
    [((3,), "1.00"), ((2, 1), "0.01"), ((1, 4, 7), "13.37"), ((5,), "0.04")],
)
def test_payment_lines_add_up_to_the_goods_paid_to_the_cent(quantities, discount):
    variants = [VariantFactory(price=D("9.99"), stock=20) for _q in quantities]
    cart = {v.pk: q for v, q in zip(variants, quantities, strict=True)}
    promo(code="X", kind="fixed", value=discount)
    order = order_create_from_cart(cart=cart, customer=checkout_data(promo_code="X"))
    items = checkout_lines(order)
    assert all(isinstance(item, LineItem) and item.unit_amount > 0 for item in items)
    assert sum(item.amount for item in items) == order.subtotal - D(discount)
    assert sum(item.quantity for item in items) == sum(quantities)
    assert order.total == sum(item.amount for item in items) + (
        order.shipping_amount + order.tax_amount
    )


def test_a_discounted_order_refunds_what_was_paid(
    shirt, outcome, local_gateway, client
):
    promo()
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 2})
    client.post(reverse("shop:cart-promo"), {"code": "wearblue10"})
    response = client.post(reverse("shop:checkout"), SHIPPING_ADDRESS)
    local_gateway.pay(client, response.url, follow=True)
    order = Order.objects.get()
    assert order.status == Order.Status.PAID  # charged exactly our total
    assert "shop_promo_code" not in client.session  # used by this order
    assert order.amount_paid == order.total == D("54.06")
    line = order.lines.get()
    part = order_refund(order=order, quantities={line.pk: 1})
    assert part.goods_amount == D("22.50")  # the shirt's price after 10% off
    rest = order_refund(order=order)
    order.refresh_from_db()
    assert part.amount + rest.amount == order.total and order.refunded == order.total


# ---------------------------------------------------------------------------
# The cart
# ---------------------------------------------------------------------------
def test_the_cart_applies_a_code_and_shows_the_discount(client, shirt):
    promo()
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 2})
    response = client.post(
        reverse("shop:cart-promo"), {"code": "wearblue10"}, follow=True
    )
    html = response.content.decode()
    assert "Promo code WEARBLUE10 applied." in html
    assert "Promo discount" in html and "−$5.00" in html
    checkout = client.get(reverse("shop:checkout")).content.decode()
    assert "−$5.00" in checkout
    removed = client.post(reverse("shop:cart-promo"), {"remove": "1"}, follow=True)
    assert "Promo discount" not in removed.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"ends_at": timezone.now() - timedelta(days=1)},
            "This promo code has expired.",
        ),
        ({"is_active": False}, "This promo code is not valid."),
    ],
)
def test_the_cart_says_clearly_when_a_code_cannot_be_used(
    client, shirt, overrides, message
):
    promo(**overrides)
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 1})
    response = client.post(
        reverse("shop:cart-promo"), {"code": "WEARBLUE10"}, follow=True
    )
    html = response.content.decode()
    assert message in html and "Promo discount" not in html


def test_a_code_that_expires_in_the_cart_is_refused_at_checkout(client, shirt):
    code = promo()
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 1})
    client.post(reverse("shop:cart-promo"), {"code": "WEARBLUE10"})
    PromoCode.objects.filter(pk=code.pk).update(
        ends_at=timezone.now() - timedelta(seconds=1)
    )
    cart = client.get(reverse("shop:cart")).content.decode()
    assert "This promo code has expired." in cart
    response = client.post(reverse("shop:checkout"), SHIPPING_ADDRESS, follow=True)
    assert "This promo code has expired." in response.content.decode()
    assert not Order.objects.exists()


def test_staff_see_uses_in_the_admin(admin_client, shirt, outcome):
    code = promo()
    order = place(shirt)
    order_mark_paid(order_number=order.number, outcome=outcome(order))
    place(shirt, email="pending@example.org")
    response = admin_client.get(reverse("admin:shop_promocode_changelist"))
    assert [c.pk for c in response.context["cl"].result_list] == [code.pk]
    assert response.context["cl"].result_list[0]._uses == 1
    page = admin_client.get(reverse("admin:shop_order_change", args=[order.pk]))
    assert "-$5.00 (WEARBLUE10)" in page.content.decode()


def test_stripe_is_asked_for_exactly_our_total(client, shirt, fake_stripe):
    promo(code="THIRD", kind="percent", value="33.33")
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 3})
    client.post(reverse("shop:cart-promo"), {"code": "third"})
    assert client.post(reverse("shop:checkout"), SHIPPING_ADDRESS).status_code == 302
    order = Order.objects.get()
    [(_method, _path, params)] = [
        r for r in fake_stripe.requests if r[1] == "/v1/checkout/sessions"
    ]
    cents = sum(
        int(item["price_data"]["unit_amount"]) * int(item["quantity"])
        for item in params["line_items"]
    )
    [shipping] = params["shipping_options"]
    cents += int(shipping["shipping_rate_data"]["fixed_amount"]["amount"])
    assert order.discount_amount == D("25.00")  # 33.33% of $75.00, rounded
    assert cents == int(order.total * 100)


@pytest.mark.parametrize("typed", ["wear blue", "WEAR BLUE", "wearblue"])
def test_a_code_entered_with_a_space_in_the_admin_is_redeemed(
    admin_client, client, shirt, typed
):
    """Staff, the model and the cart read a code the same way: spaces and
    capitals do not matter (the help text says so)."""
    form = admin_client.get(reverse("admin:shop_promocode_add")).content.decode()
    assert "Spaces and capitals do not matter" in form
    admin_client.post(
        reverse("admin:shop_promocode_add"),
        {
            "code": "wear blue",
            "kind": "percent",
            "value": "10",
            "is_active": "on",
            "minimum_order": "0.00",
        },
    )
    saved = PromoCode.objects.get()
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 2})
    response = client.post(reverse("shop:cart-promo"), {"code": typed}, follow=True)
    assert f"Promo code {saved.code} applied." in response.content.decode()
    order = place(shirt, code=typed)
    assert order.promo_code == saved and order.discount_amount == D("5.00")
