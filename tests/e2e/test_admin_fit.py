"""The admin's busiest lists fit a 1280x800 laptop with the navigation sidebar
open: no sideways scrolling of the page or of the results table, and the money
columns in view. Each list is opened by the role that works in it, with long
real-world values (long email addresses, promo codes, product names)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from shop.models import PromoCode
from staff.roles import permissions_create, roles_sync
from tests.campaigns.factories import CampaignFactory
from tests.payments.factories import CheckoutSessionFactory
from tests.shop.factories import VariantFactory
from tests.staff.role_users import ADMIN, EDITOR, FINANCE, SHOP, paid_order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long volunteer password"
LONG_EMAIL = "supporter.with.a.rather.long.address@example.org"

# list -> (the role that works in it, the money column that must be in view)
LISTS = {
    "shop_order": (SHOP, "total_display"),
    "shop_variant": (SHOP, "price_display"),
    "shop_product": (SHOP, None),
    "campaigns_campaign": (EDITOR, None),
    "shop_promocode": (SHOP, "discount"),
    "payments_checkoutsession": (FINANCE, "amount_display"),
}


@pytest.fixture
def lists_with_data(live_server):
    # A browser test's database is emptied between tests, the roles with it.
    permissions_create()
    roles_sync()
    for _ in range(3):
        paid_order()
    VariantFactory(
        product__name="Redeeming Hope long-sleeve awareness T-shirt, organic cotton",
        size="XXL",
        colour="Heather navy blue",
        price=Decimal("1234.50"),
    )
    CampaignFactory(title="#WearBlue Day: wear blue to stand with survivors")
    PromoCode.objects.create(
        code="THANKYOUVOLUNTEERSANDSUPPORTERS2026",
        kind="fixed",
        value=Decimal("5"),
        minimum_order=Decimal("30"),
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(days=30),
        max_uses=100,
    )
    for kind, reference in [("order", "RH-2026-000123"), ("donation", "x" * 24)]:
        CheckoutSessionFactory(
            local=True,
            kind=kind,
            reference=reference,
            customer_email=LONG_EMAIL,
            amount_total=Decimal("12345.67"),
            amount_received=Decimal("12345.67"),
            currency_received="USD",
            fee=Decimal("358.32"),
        )


def sign_in(page: Page, live_server, django_user_model, role: str) -> None:
    username = f"fit-{role.lower().replace(' ', '-')}"
    if not django_user_model.objects.filter(username=username).exists():
        user = django_user_model.objects.create_user(
            username, password=PASSWORD, is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_be_visible()


MEASURE = """(money) => {
    const doc = document.scrollingElement;
    const results = document.querySelector(".results");
    const box = results.getBoundingClientRect();
    const table = document.querySelector("#result_list").getBoundingClientRect();
    const cell = money && document.querySelector("#result_list .field-" + money);
    const row = document.querySelectorAll("#result_list tbody tr:first-child > *");
    const sidebar = document.querySelector("#nav-sidebar");
    return {
        page: doc.scrollWidth - doc.clientWidth,
        results: results.scrollWidth - results.clientWidth,
        table: Math.ceil(table.width - box.width),
        money: cell ? Math.ceil(cell.getBoundingClientRect().right - box.right) : 0,
        cols: [...row].map(
            (c) => c.className + ":" + Math.round(c.getBoundingClientRect().width)
        ).join(", "),
        sidebar: getComputedStyle(sidebar).visibility,
    };
}"""


def overflow(page: Page, money_column: str | None) -> dict:
    """How far the page, the results and the money column reach past the
    screen (0 or less: they fit), with each column's width to say why."""
    return page.evaluate(MEASURE, money_column)


@pytest.mark.parametrize("role", [None, *sorted({role for role, _ in LISTS.values()})])
def test_the_busiest_lists_fit_a_laptop_with_the_sidebar_open(
    page, live_server, django_user_model, lists_with_data, role
):
    """Each role's lists; role None: the Administrator, who sees all six."""
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, django_user_model, role or ADMIN)
    for name, (works_in_it, money) in LISTS.items():
        if role is not None and works_in_it != role:
            continue
        page.goto(live_server.url + reverse(f"admin:{name}_changelist"))
        expect(page.locator("#result_list tbody tr").first).to_be_visible()
        measured = overflow(page, money)
        where = (name, role, measured["cols"])
        assert measured["sidebar"] == "visible", where
        assert measured["page"] <= 0, where  # the page does not scroll sideways
        assert measured["results"] <= 0, where  # nor does the table in it
        assert measured["table"] <= 0, where
        assert measured["money"] <= 0, where  # the money column is in view
