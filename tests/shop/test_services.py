from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from payments.registry import CHECKOUT_LIFETIME
from shop.errors import EmptyCart, InvalidQuantity, SoldOut, VariantUnavailable
from shop.models import Order, OrderLine, Variant
from shop.services import outcomes
from shop.services import quoting as services
from shop.services.outcomes import order_mark_paid
from shop.services.placing import order_create_from_cart
from shop.services.stock import order_cancel, order_release_stock
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
D = Decimal


def stock(variant) -> int:
    return Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)


def place(cart, **customer):
    return order_create_from_cart(cart=cart, customer=checkout_data(**customer))


# ---------------------------------------------------------------------------
# order_create_from_cart
# ---------------------------------------------------------------------------
def test_order_reserves_stock_and_snapshots_lines():
    shirt = VariantFactory(price=D("25.00"), unit_cost=D("9.50"), stock=5, size="L")
    mug = VariantFactory(
        product__name="Mug", price=D("14.00"), unit_cost=D("4.00"), stock=3, size=""
    )
    order = place({shirt.pk: 2, mug.pk: 1})

    assert order.status == Order.Status.PENDING
    year = timezone.localtime(order.created_at).year
    assert order.number == f"RH-{year}-{order.pk:06d}"
    assert Order.objects.get(pk=order.pk).number == order.number
    assert len(order.token) >= 32
    assert stock(shirt) == 3 and stock(mug) == 2
    # 64.00 goods + 6.00 shipping, 6% tax on 70.00
    assert (order.subtotal, order.shipping_amount, order.tax_amount, order.total) == (
        D("64.00"),
        D("6.00"),
        D("4.20"),
        D("74.20"),
    )
    assert order.shipping_cost == D("6.00")
    # The hold outlasts the payment page's shortest life (it is set from the
    # page's own expiry once the page opens), by a few minutes at most.
    assert (
        timezone.now() + CHECKOUT_LIFETIME
        < order.expires_at
        <= timezone.now() + CHECKOUT_LIFETIME + timedelta(minutes=5)
    )
    lines = list(order.lines.order_by("variant_id"))
    snapshot = [(x.sku, x.unit_price, x.unit_cost, x.quantity) for x in lines]
    assert snapshot == [
        (shirt.sku, D("25.00"), D("9.50"), 2),
        (mug.sku, D("14.00"), D("4.00"), 1),
    ]
    assert lines[0].product_name == shirt.product.name
    assert lines[0].variant_label == "L / Blue"
    # Later catalogue edits do not touch the snapshot.
    Variant.objects.filter(pk=shirt.pk).update(price=D("99.00"))
    assert OrderLine.objects.get(pk=lines[0].pk).unit_price == D("25.00")


def test_local_pickup_drops_shipping_and_the_address():
    variant = VariantFactory(price=D("10.00"))
    order = place({variant.pk: 1}, delivery_method="pickup")
    assert order.shipping_amount == D("0.00") and order.shipping_cost == D("0.00")
    assert order.address_line1 == "" and order.zip_code == ""
    assert order.total == D("10.60")


def test_order_numbers_are_unique_and_follow_the_rows():
    variant = VariantFactory(stock=10)
    numbers = [place({variant.pk: 1}).number for _ in range(3)]
    assert len(set(numbers)) == 3


def test_empty_cart_is_refused():
    with pytest.raises(EmptyCart):
        place({})
    assert not Order.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1, "abc", 10**9, 2.5, True, None])
def test_bad_quantity_is_refused_and_changes_nothing(quantity):
    variant = VariantFactory(stock=10)
    with pytest.raises(InvalidQuantity):
        place({variant.pk: quantity})
    assert stock(variant) == 10
    assert not Order.objects.exists()


def test_unknown_variant_is_refused():
    variant = VariantFactory(stock=10)
    with pytest.raises(VariantUnavailable) as error:
        place({variant.pk: 1, 999999: 1})
    assert error.value.variant_id == 999999
    assert stock(variant) == 10
    assert not Order.objects.exists()


def test_inactive_variant_or_product_is_refused():
    off_variant = VariantFactory(is_active=False)
    off_product = VariantFactory(product__is_active=False)
    for variant in (off_variant, off_product):
        with pytest.raises(VariantUnavailable) as error:
            place({variant.pk: 1})
        assert error.value.variant_id == variant.pk
        assert str(variant) in str(error.value)
    assert not Order.objects.exists()


def test_quantity_beyond_stock_is_sold_out_with_the_line():
    plenty = VariantFactory(stock=10)
    scarce = VariantFactory(stock=2)
    with pytest.raises(SoldOut) as error:
        place({plenty.pk: 1, scarce.pk: 3})
    assert error.value.variant_id == scarce.pk
    assert "only 2" in str(error.value)
    assert (stock(plenty), stock(scarce)) == (10, 2)
    assert not Order.objects.exists()


def test_sold_out_midway_rolls_everything_back(monkeypatch):
    """Another buyer takes the last unit between our check and our reservation:
    the guarded UPDATE catches it and nothing of this order remains."""
    first = VariantFactory(stock=5)
    second = VariantFactory(stock=1)
    real_totals = services.calculate_totals

    def someone_else_buys(**kwargs):
        Variant.objects.filter(pk=second.pk).update(stock=0)
        return real_totals(**kwargs)

    monkeypatch.setattr(services, "calculate_totals", someone_else_buys)
    with pytest.raises(SoldOut) as error:
        place({first.pk: 2, second.pk: 1})
    assert error.value.variant_id == second.pk
    # Our transaction rolled back whole (including the simulated purchase).
    assert (stock(first), stock(second)) == (5, 1)
    assert not Order.objects.exists() and not OrderLine.objects.exists()


def test_prices_come_from_the_database_not_the_cart():
    variant = VariantFactory(price=D("25.00"))
    order = place({variant.pk: 1})
    assert order.subtotal == D("25.00")


# ---------------------------------------------------------------------------
# Releasing stock
# ---------------------------------------------------------------------------
def test_cancel_releases_stock_exactly_once():
    variant = VariantFactory(stock=5)
    order = place({variant.pk: 3})
    assert stock(variant) == 2
    assert order_cancel(order=order) is True
    assert stock(variant) == 5
    assert order_cancel(order=order) is False
    assert outcomes.order_mark_expired(order_number=order.number) is False
    assert outcomes.order_mark_failed(order_number=order.number) is False
    assert stock(variant) == 5
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.stock_released_at is not None


def test_a_paid_order_never_releases_stock(outcome):
    variant = VariantFactory(stock=5)
    order = place({variant.pk: 2})
    order_mark_paid(order_number=order.number, outcome=outcome(order))
    assert outcomes.order_mark_expired(order_number=order.number) is False
    assert stock(variant) == 3
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID


def test_a_page_ended_before_its_time_is_a_cancellation():
    """An unpaid timeout says expired; a page closed before the order's hold
    ran out (the local gateway's Cancel) says cancelled."""
    variant = VariantFactory(stock=5)
    early = place({variant.pk: 1})
    assert outcomes.order_mark_expired(order_number=early.number)
    assert Order.objects.get(pk=early.pk).status == Order.Status.CANCELLED
    assert not outcomes.order_mark_expired(order_number=early.number)
    assert stock(variant) == 5


def test_failed_and_expired_release_stock():
    variant = VariantFactory(stock=5)
    failed = place({variant.pk: 1})
    expired = place({variant.pk: 2})
    assert outcomes.order_mark_failed(order_number=failed.number)
    assert outcomes.order_mark_expired(
        order_number=expired.number, now=expired.expires_at
    )
    assert stock(variant) == 5
    assert Order.objects.get(pk=failed.pk).status == Order.Status.FAILED
    assert Order.objects.get(pk=expired.pk).status == Order.Status.EXPIRED


def test_release_to_a_non_release_status_is_a_bug():
    order = place({VariantFactory().pk: 1})
    with pytest.raises(ValueError):
        order_release_stock(order=order, status=Order.Status.PAID)


def test_expire_command_releases_stale_orders_once():
    variant = VariantFactory(stock=10)
    stale = place({variant.pk: 2})
    fresh = place({variant.pk: 3})
    paid_long_ago = place({variant.pk: 1})
    Order.objects.filter(pk__in=[stale.pk, paid_long_ago.pk]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    Order.objects.filter(pk=paid_long_ago.pk).update(status=Order.Status.PAID)
    assert stock(variant) == 4

    call_command("shop_expire_orders", verbosity=0)
    assert stock(variant) == 6
    assert Order.objects.get(pk=stale.pk).status == Order.Status.EXPIRED
    assert Order.objects.get(pk=fresh.pk).status == Order.Status.PENDING
    assert Order.objects.get(pk=paid_long_ago.pk).status == Order.Status.PAID

    call_command("shop_expire_orders", verbosity=0)
    assert stock(variant) == 6
