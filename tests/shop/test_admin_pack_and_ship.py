"""A volunteer who packs an order and posts it the same hour marks it packed
and shipped in one step, with the tracking number; the buyer gets one email."""

import pytest
from django.core import mail
from django.urls import reverse

from shop.errors import TransitionRefused
from shop.models import Order, OrderEvent
from shop.services.shipping import PACK_AND_SHIP, order_pack_and_ship
from tests.staff.role_users import paid_order

pytestmark = pytest.mark.django_db
S = Order.Status


@pytest.fixture
def make_paid():
    # Paid outside a captured commit: no confirmation email in the outbox.
    return paid_order


def steps(order: Order) -> list[str]:
    return list(
        OrderEvent.objects.filter(order=order)
        .order_by("pk")
        .values_list("status", flat=True)
    )


def test_packed_and_shipped_in_one_step_emails_the_buyer_once(
    make_paid, django_capture_on_commit_callbacks
):
    order = make_paid()
    with django_capture_on_commit_callbacks(execute=True):
        order_pack_and_ship(
            order=order, carrier="ups", tracking_number=" 1Z999 ", note="Thanks!"
        )
    order.refresh_from_db()
    assert order.status == S.SHIPPED
    assert (order.carrier, order.tracking_number) == ("ups", "1Z999")
    assert steps(order) == [S.PAID, S.PACKED, S.SHIPPED]
    assert OrderEvent.objects.get(order=order, status=S.SHIPPED).note == "Thanks!"
    assert len(mail.outbox) == 1
    assert "1Z999" in mail.outbox[0].body


def test_without_a_tracking_number_nothing_changes(
    make_paid, django_capture_on_commit_callbacks
):
    order = make_paid()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(TransitionRefused),
    ):
        order_pack_and_ship(order=order, carrier="ups", tracking_number="")
    order.refresh_from_db()
    assert order.status == S.PAID  # not left half-way, packed
    assert steps(order) == [S.PAID]
    assert not mail.outbox


def test_a_packed_order_cannot_be_packed_and_shipped(make_paid):
    order = make_paid()
    order_pack_and_ship(order=order, carrier="usps", tracking_number="94001")
    with pytest.raises(TransitionRefused):
        order_pack_and_ship(order=order, carrier="usps", tracking_number="94002")
    order.refresh_from_db()
    assert order.tracking_number == "94001"


def test_the_fulfil_page_packs_and_ships_in_one_form(
    admin_client, make_paid, django_capture_on_commit_callbacks
):
    order = make_paid()
    change = admin_client.get(reverse("admin:shop_order_change", args=[order.pk]))
    assert "Next step: Packed, or packed and shipped" in change.content.decode()
    fulfil = reverse("admin:shop_order_fulfil", args=[order.pk])
    page = admin_client.get(fulfil).content.decode()
    assert f'value="{PACK_AND_SHIP}"' in page
    assert "Packed and shipped (one step, with the tracking)" in page

    refused = admin_client.post(fulfil, {"status": PACK_AND_SHIP, "carrier": "usps"})
    assert refused.status_code == 200
    assert "Enter the tracking number." in refused.content.decode()
    order.refresh_from_db()
    assert order.status == S.PAID

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            fulfil,
            {"status": PACK_AND_SHIP, "carrier": "usps", "tracking_number": "9400"},
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == S.SHIPPED and order.tracking_number == "9400"
    assert steps(order) == [S.PAID, S.PACKED, S.SHIPPED]
    assert len(mail.outbox) == 1


def test_a_pickup_order_is_not_offered_shipping(admin_client, make_paid):
    order = make_paid(delivery_method="pickup")
    page = admin_client.get(reverse("admin:shop_order_fulfil", args=[order.pk]))
    assert PACK_AND_SHIP not in page.content.decode()
