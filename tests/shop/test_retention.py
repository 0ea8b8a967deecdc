"""
`manage.py shop_forget_abandoned`: unpaid orders older than the retention
period lose the buyer's details; paid and recent orders keep them; a second run
changes nothing and says so.
"""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from shop.models import Order
from shop.services.placing import order_create_from_cart
from shop.services.privacy import orders_forget_unpaid
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = pytest.mark.django_db

DAYS = 30


def _order(*, status: str, age_days: float) -> Order:
    order = order_create_from_cart(
        cart={VariantFactory().pk: 1},
        customer=checkout_data(email=f"buyer-{status}-{age_days}@example.org"),
    )
    created = timezone.now() - timedelta(days=age_days)
    Order.objects.filter(pk=order.pk).update(
        status=status,
        created_at=created,
        expires_at=created + timedelta(minutes=30),
        paid_at=created if status == Order.Status.PAID else None,
    )
    order.refresh_from_db()
    return order


def _run(**options) -> str:
    out = StringIO()
    call_command("shop_forget_abandoned", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def orders(settings):
    settings.SHOP_UNPAID_ORDER_RETENTION_DAYS = DAYS
    old = DAYS + 1
    return {
        "expired": _order(status=Order.Status.EXPIRED, age_days=old),
        "cancelled": _order(status=Order.Status.CANCELLED, age_days=old),
        "failed": _order(status=Order.Status.FAILED, age_days=old),
        "abandoned": _order(status=Order.Status.PENDING, age_days=old),
        "paid": _order(status=Order.Status.PAID, age_days=old),
        "shipped": _order(status=Order.Status.SHIPPED, age_days=old),
        "review": _order(status=Order.Status.NEEDS_REVIEW, age_days=old),
        "recent": _order(status=Order.Status.EXPIRED, age_days=DAYS - 1),
    }


def _erased(order: Order) -> bool:
    order.refresh_from_db()
    return order.name == "Erased" and order.email.endswith("@erased.invalid")


def test_old_unpaid_orders_lose_personal_details(orders):
    before = {
        key: Order.objects.values("total", "number", "status", "created_at").get(
            pk=order.pk
        )
        for key, order in orders.items()
    }
    output = _run()
    assert "Erased the buyer's details from 4 unpaid order(s)" in output
    for key in ("expired", "cancelled", "failed", "abandoned"):
        assert _erased(orders[key]), key
        assert orders[key].phone == orders[key].city == orders[key].zip_code == ""
        assert orders[key].total == before[key]["total"]
        assert orders[key].number == before[key]["number"]
        assert orders[key].status == before[key]["status"]
        assert orders[key].lines.count() == 1


def test_paid_and_recent_orders_are_untouched(orders):
    _run()
    for key in ("paid", "shipped", "review", "recent"):
        order = orders[key]
        order.refresh_from_db()
        assert order.name == "Ada Buyer", key
        assert order.address_line1 == "1 Main Street", key


def test_twice_is_safe_and_says_so(orders):
    _run()
    snapshot = list(Order.objects.order_by("pk").values())
    output = _run()
    assert "Nothing to erase" in output
    assert list(Order.objects.order_by("pk").values()) == snapshot
    assert orders_forget_unpaid(days=DAYS) == 0


def test_a_pending_order_whose_page_is_still_open_is_kept(settings):
    settings.SHOP_UNPAID_ORDER_RETENTION_DAYS = DAYS
    order = _order(status=Order.Status.PENDING, age_days=DAYS + 1)
    Order.objects.filter(pk=order.pk).update(
        expires_at=timezone.now() + timedelta(minutes=5)
    )
    assert orders_forget_unpaid() == 0
    assert not _erased(order)


def test_days_option_and_bad_values(orders):
    assert "Nothing to erase" in _run(days=DAYS + 5)
    for bad in (0, -1):
        with pytest.raises(CommandError):
            _run(days=bad)
    for wrong in (0, -3, True, "30", Decimal("30")):
        with pytest.raises(ValueError):
            # Wrong types on purpose: the service must refuse them.
            orders_forget_unpaid(days=wrong)  # type: ignore[arg-type]
    assert not _erased(orders["expired"])
