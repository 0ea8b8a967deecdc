"""Volunteers in one staff role each, for the role tests, and the data their
admin pages need. Signing in goes through `sign_in`, one place to change if
signing in ever needs more than a password."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from payments.registry import CheckoutOutcome
from shop.models import Order
from shop.services.outcomes import order_mark_paid
from shop.services.placing import order_create_from_cart
from tests.shop.factories import VariantFactory, checkout_data

# The staff roles (groups) the staff app's migration makes, and no role at all.
EDITOR, SHOP, FINANCE, ADMIN = (
    "Content editor",
    "Shop manager",
    "Finance",
    "Administrator",
)
NO_ROLE = ""


def volunteer(role: str, username: str | None = None):
    """A staff account in exactly one role (none with NO_ROLE)."""
    user = get_user_model().objects.create_user(
        username or (role.lower().replace(" ", "-") or "no-role"),
        password="a-long-test-password",
        is_staff=True,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def sign_in(client, role: str):
    user = volunteer(role)
    client.force_login(user)
    return user


def paid_order(delivery_method: str = "ship") -> Order:
    variant = VariantFactory(stock=20, low_stock_threshold=25)  # low on stock
    order = order_create_from_cart(
        cart={variant.pk: 2},
        customer=checkout_data(delivery_method=delivery_method),
    )
    order_mark_paid(
        order_number=order.number or "",
        outcome=CheckoutOutcome(
            action="paid",
            kind="order",
            reference=order.number or "",
            session_id=order.checkout_session_id or f"cs_test_{order.pk}",
            payment_intent_id=f"pi_test_{order.pk}",
            amount_total=order.total,
            fee=Decimal("1.23"),
        ),
    )
    order.refresh_from_db()
    return order


def admin_models(client) -> set[str]:
    """ "app_label.ModelName" of every model the admin's index lists."""
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {
        f"{app['app_label']}.{model['object_name']}"
        for app in response.context["app_list"]
        for model in app["models"]
    }
