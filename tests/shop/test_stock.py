"""Stock tools: adjustments with a reason kept as history, never below zero,
a low-stock threshold per variant, and staff told when a variant runs low."""

import pytest
from django.core import mail
from django.urls import reverse

from shop.errors import StockRefused
from shop.models import StockAdjustment, Variant
from shop.services.placing import order_create_from_cart
from shop.services.stock import variant_adjust_stock
from tests.html import html_of
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
R = StockAdjustment.Reason


@pytest.fixture(autouse=True)
def _staff_addresses(settings):
    settings.SHOP_STAFF_EMAILS = ["stock@redeeminghope.example"]


def stock(variant) -> int:
    return Variant.objects.values_list("stock", flat=True).get(pk=variant.pk)


def test_adjustments_are_kept_as_history(django_user_model):
    staff = django_user_model.objects.create_user("vol", password="pw", is_staff=True)
    variant = VariantFactory(stock=5)
    variant_adjust_stock(variant=variant, change=10, reason=R.RESTOCK, by=staff)
    variant_adjust_stock(variant=variant, change=-2, reason=R.DAMAGED, note="Wet box")
    variant_adjust_stock(variant=variant, change=-1, reason=R.COUNT)
    assert variant.stock == stock(variant) == 12
    history = list(
        variant.stock_adjustments.order_by("pk").values_list(
            "change", "stock_after", "reason", "note", "created_by"
        )
    )
    assert history == [
        (10, 15, "restock", "", staff.pk),
        (-2, 13, "damaged", "Wet box", None),
        (-1, 12, "count", "", None),
    ]


def test_stock_never_goes_below_zero():
    variant = VariantFactory(stock=2)
    with pytest.raises(StockRefused, match="below zero"):
        variant_adjust_stock(variant=variant, change=-3, reason=R.DAMAGED)
    assert stock(variant) == 2 and not variant.stock_adjustments.exists()
    variant_adjust_stock(variant=variant, change=-2, reason=R.DAMAGED)
    assert stock(variant) == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [(0, "restock"), (True, "restock"), ("3", "restock"), (2, "gift")],
)
def test_bad_adjustments_are_refused(change, reason):
    variant = VariantFactory(stock=2)
    with pytest.raises(StockRefused):
        variant_adjust_stock(variant=variant, change=change, reason=reason)
    assert stock(variant) == 2


def test_staff_hear_once_when_an_adjustment_crosses_the_threshold(
    django_capture_on_commit_callbacks,
):
    variant = VariantFactory(stock=6, low_stock_threshold=3, product__name="Hope mug")
    with django_capture_on_commit_callbacks(execute=True):
        variant_adjust_stock(variant=variant, change=-2, reason=R.DAMAGED)  # 4
        assert mail.outbox == []
        variant_adjust_stock(variant=variant, change=-1, reason=R.COUNT)  # 3: low
        variant_adjust_stock(variant=variant, change=-1, reason=R.COUNT)  # 2
    [message] = mail.outbox
    assert message.to == ["stock@redeeminghope.example"]
    assert "Hope mug" in message.subject
    assert variant.sku in message.body and "2 left, low at 3" in message.body
    assert "stock=low" in html_of(message)


def test_a_sale_that_takes_a_variant_low_warns_staff(
    django_capture_on_commit_callbacks,
):
    variant = VariantFactory(stock=4, low_stock_threshold=2)
    with django_capture_on_commit_callbacks(execute=True):
        order_create_from_cart(cart={variant.pk: 1}, customer=checkout_data())  # 3
        assert mail.outbox == []
        order_create_from_cart(
            cart={variant.pk: 2}, customer=checkout_data(email="b@example.org")
        )  # 1
    assert len(mail.outbox) == 1 and variant.sku in mail.outbox[0].body


def test_a_failed_warning_is_logged_and_the_change_stands(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send",
        lambda *a, **k: (_ for _ in ()).throw(OSError("down")),
    )
    variant = VariantFactory(stock=4, low_stock_threshold=3)
    with django_capture_on_commit_callbacks(execute=True):
        variant_adjust_stock(variant=variant, change=-4, reason=R.DAMAGED)
    assert stock(variant) == 0
    assert "Could not warn staff of low stock" in caplog.text


def test_the_low_stock_filter_uses_each_variants_threshold(admin_client):
    low = VariantFactory(stock=5, low_stock_threshold=5)
    fine = VariantFactory(stock=5, low_stock_threshold=4)
    response = admin_client.get(
        reverse("admin:shop_variant_changelist"), {"stock": "low"}
    )
    shown = {v.pk for v in response.context["cl"].result_list}
    assert low.pk in shown and fine.pk not in shown
    assert set(Variant.objects.low_stock()) == {low}


def test_staff_adjust_stock_in_the_admin(admin_client):
    variant = VariantFactory(stock=1)
    url = reverse("admin:shop_variant_adjust_stock", args=[variant.pk])
    change = admin_client.get(reverse("admin:shop_variant_change", args=[variant.pk]))
    assert url in change.content.decode()
    refused = admin_client.post(url, {"change": "-2", "reason": "damaged"})
    assert "cannot go below zero" in refused.content.decode()
    response = admin_client.post(
        url, {"change": "12", "reason": "restock"}, follow=True
    )
    assert "+12, now 13 in stock." in response.content.decode()
    assert stock(variant) == 13
    assert "Restock (new items arrived)" in response.content.decode()  # history
