"""Fulfilment after payment: paid -> packed -> shipped -> delivered, or paid ->
ready for pickup -> picked up; each step only from the one before, recorded in
the order's history, with the buyer's emails after the commit."""

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from shop.errors import TransitionRefused
from shop.models import Order, OrderEvent
from shop.selectors import shop_proceeds
from shop.services.outcomes import order_mark_paid
from shop.services.placing import order_create_from_cart
from shop.services.shipping import next_steps, order_transition, orders_transition
from tests.html import html_of
from tests.shop.factories import VariantFactory, checkout_data

pytestmark = pytest.mark.django_db
S = Order.Status


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        "volunteer", "volunteer@example.org", "pw", is_staff=True
    )


@pytest.fixture
def make_paid(outcome, django_capture_on_commit_callbacks):
    def make(delivery_method="ship", **customer) -> Order:
        variant = VariantFactory(stock=5, product__name="Hope T-shirt")
        order = order_create_from_cart(
            cart={variant.pk: 1},
            customer=checkout_data(delivery_method=delivery_method, **customer),
        )
        with django_capture_on_commit_callbacks(execute=True):
            order_mark_paid(order_number=order.number or "", outcome=outcome(order))
        mail.outbox.clear()
        order.refresh_from_db()
        return order

    return make


def ship(order, **kwargs):
    values: dict[str, Any] = {
        "carrier": "usps",
        "tracking_number": "9400111899223344556677",
    }
    values.update(kwargs)
    return order_transition(order=order, status=S.SHIPPED, **values)


def test_a_shipped_order_walks_paid_packed_shipped_delivered(
    make_paid, staff, django_capture_on_commit_callbacks
):
    order = make_paid()
    assert next_steps(order) == [S.PACKED]
    order_transition(order=order, status=S.PACKED, by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        ship(order, by=staff, note="Packed with care.")
    order_transition(order=order, status=S.DELIVERED, by=staff)

    assert order.status == S.DELIVERED and order.is_paid
    assert order.carrier == "usps"
    history = list(order.events.values_list("status", "created_by", "note"))
    assert history == [
        (S.PAID, None, ""),
        (S.PACKED, staff.pk, ""),
        (S.SHIPPED, staff.pk, "Packed with care."),
        (S.DELIVERED, staff.pk, ""),
    ]
    assert next_steps(order) == []


def test_a_pickup_order_walks_paid_ready_picked_up(
    make_paid, staff, django_capture_on_commit_callbacks
):
    order = make_paid("pickup")
    assert next_steps(order) == [S.READY_FOR_PICKUP]
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order=order, status=S.READY_FOR_PICKUP, by=staff)
    order_transition(order=order, status=S.PICKED_UP, by=staff)
    assert order.status == S.PICKED_UP
    assert list(order.events.values_list("status", flat=True)) == [
        S.PAID,
        S.READY_FOR_PICKUP,
        S.PICKED_UP,
    ]
    assert len(mail.outbox) == 1  # ready for pickup only


@pytest.mark.parametrize(
    ("delivery", "start", "step"),
    [
        ("ship", S.PAID, S.SHIPPED),  # not packed yet
        ("ship", S.PAID, S.DELIVERED),
        ("ship", S.PACKED, S.PACKED),  # the same step twice
        ("ship", S.PACKED, S.DELIVERED),
        ("ship", S.SHIPPED, S.PACKED),  # backwards
        ("ship", S.DELIVERED, S.SHIPPED),
        ("ship", S.PENDING, S.PACKED),  # unpaid
        ("ship", S.NEEDS_REVIEW, S.PACKED),
        ("ship", S.REFUNDED, S.PACKED),
        ("ship", S.CANCELLED, S.PACKED),
        ("ship", S.PAID, S.READY_FOR_PICKUP),  # the other delivery's steps
        ("ship", S.PAID, S.PAID),
        ("pickup", S.PAID, S.PICKED_UP),
        ("pickup", S.READY_FOR_PICKUP, S.READY_FOR_PICKUP),
        ("pickup", S.PICKED_UP, S.READY_FOR_PICKUP),
        ("pickup", S.PENDING, S.READY_FOR_PICKUP),
        ("pickup", S.PAID, S.PACKED),
        ("pickup", S.PAID, S.SHIPPED),
    ],
)
def test_a_step_from_the_wrong_state_is_refused_and_changes_nothing(
    make_paid, delivery, start, step
):
    order = make_paid(delivery)
    Order.objects.filter(pk=order.pk).update(status=start)
    order.refresh_from_db()
    events = order.events.count()
    with pytest.raises(TransitionRefused):
        ship(order) if step == S.SHIPPED else order_transition(order=order, status=step)
    order.refresh_from_db()
    assert order.status == start
    assert order.events.count() == events
    assert mail.outbox == []


@pytest.mark.parametrize(
    "tracking", [{"carrier": ""}, {"tracking_number": "  "}, {"carrier": "dhl"}]
)
def test_shipping_needs_a_carrier_and_a_tracking_number(make_paid, tracking):
    order = make_paid()
    order_transition(order=order, status=S.PACKED)
    with pytest.raises(TransitionRefused, match="tracking number"):
        ship(order, **tracking)
    order.refresh_from_db()
    assert order.status == S.PACKED and order.tracking_number == ""


def test_a_stale_order_object_cannot_take_a_step_twice(make_paid):
    order = make_paid()
    stale = Order.objects.get(pk=order.pk)
    order_transition(order=order, status=S.PACKED)
    with pytest.raises(TransitionRefused, match="packed"):
        order_transition(order=stale, status=S.PACKED)
    assert order.events.filter(status=S.PACKED).count() == 1


@pytest.mark.parametrize(
    ("carrier", "link"),
    [
        ("usps", "https://tools.usps.com/go/TrackConfirmAction?tLabels=1Z%20999"),
        ("ups", "https://www.ups.com/track?tracknum=1Z%20999"),
        ("fedex", "https://www.fedex.com/fedextrack/?trknbr=1Z%20999"),
    ],
)
def test_tracking_links_by_carrier(carrier, link):
    order = Order(carrier=carrier, tracking_number="1Z 999")
    assert order.tracking_url == link
    assert Order(carrier=carrier).tracking_url == ""


def test_shipped_email_has_the_tracking_link(
    make_paid, django_capture_on_commit_callbacks
):
    order = make_paid()
    order_transition(order=order, status=S.PACKED)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        ship(order, carrier="ups", tracking_number="1Z999AA10123456784")
    [message] = mail.outbox
    assert message.to == ["buyer@example.org"]
    assert order.number in message.subject and "shipped" in message.subject
    link = "https://www.ups.com/track?tracknum=1Z999AA10123456784"
    html = html_of(message)
    for body in (message.body, html):
        assert link in body
        assert "1 Main Street" in body
        assert f"/shop/orders/{order.token}/" in body


def test_ready_for_pickup_email(make_paid, django_capture_on_commit_callbacks):
    order = make_paid("pickup")
    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order=order, status=S.READY_FOR_PICKUP, note="Door B.")
    [message] = mail.outbox
    assert "ready for pickup" in message.subject
    for body in (message.body, html_of(message)):
        assert "Louisville" in body  # the pickup instructions
        assert "Door B." in body


def test_a_failed_email_never_undoes_the_step_and_staff_see_it(
    make_paid, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    order = make_paid()
    order_transition(order=order, status=S.PACKED)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        ship(order)
    order.refresh_from_db()
    assert order.status == S.SHIPPED
    event = order.events.get(status=S.SHIPPED)
    assert event.email_failed == "buyer's email"
    assert "Could not send the order_shipped email" in caplog.text


def test_staff_hear_of_each_new_paid_order_once(
    outcome, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_STAFF_EMAILS = ["orders@redeeminghope.example", "b@example.org"]
    variant = VariantFactory(product__name="Hope mug")
    order = order_create_from_cart(cart={variant.pk: 2}, customer=checkout_data())
    for _attempt in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            order_mark_paid(order_number=order.number or "", outcome=outcome(order))
    staff_mail = [m for m in mail.outbox if "b@example.org" in m.to]
    assert len(staff_mail) == 1
    message = staff_mail[0]
    assert message.to == ["orders@redeeminghope.example", "b@example.org"]
    assert order.number and order.number in str(message.subject)
    admin_url = reverse("admin:shop_order_change", args=[order.pk])
    for body in (message.body, html_of(message)):
        assert "2 x Hope mug" in body or "2 × Hope mug" in body
        assert admin_url in body


def test_no_staff_addresses_no_staff_email(
    outcome, settings, django_capture_on_commit_callbacks
):
    settings.SHOP_STAFF_EMAILS = []
    order = order_create_from_cart(
        cart={VariantFactory().pk: 1}, customer=checkout_data()
    )
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=order.number or "", outcome=outcome(order))
    assert [m.to for m in mail.outbox] == [["buyer@example.org"]]


def test_a_failed_staff_notice_is_noted_on_the_paid_step(
    outcome, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.SHOP_STAFF_EMAILS = ["orders@redeeminghope.example"]
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send",
        lambda *a, **k: (_ for _ in ()).throw(OSError("down")),
    )
    order = order_create_from_cart(
        cart={VariantFactory().pk: 1}, customer=checkout_data()
    )
    with django_capture_on_commit_callbacks(execute=True):
        order_mark_paid(order_number=order.number or "", outcome=outcome(order))
    order.refresh_from_db()
    assert order.status == S.PAID
    assert order.events.get(status=S.PAID).email_failed == "staff notice"


def test_fulfilment_steps_still_count_as_sales(make_paid):
    order = make_paid()
    before = shop_proceeds()
    assert before > Decimal("0")
    order_transition(order=order, status=S.PACKED)
    ship(order)
    order_transition(order=order, status=S.DELIVERED)
    assert shop_proceeds() == before


def test_bulk_steps_move_each_ready_order_and_name_the_refused(make_paid):
    ready = [make_paid(), make_paid()]
    pickup = make_paid("pickup")
    moved, refused = orders_transition(
        orders=Order.objects.filter(pk__in=[o.pk for o in [*ready, pickup]]),
        status=S.PACKED,
    )
    assert sorted(o.pk for o in moved) == sorted(o.pk for o in ready)
    assert [o.pk for o, _reason in refused] == [pickup.pk]


# ---------------------------------------------------------------------------
# The buyer's status page and the admin
# ---------------------------------------------------------------------------
def test_status_page_shows_the_history_and_tracking_link(client, make_paid, staff):
    order = make_paid()
    order_transition(order=order, status=S.PACKED, by=staff)
    ship(order, by=staff, note="On its way from Louisville.")
    html = client.get(order.get_absolute_url()).content.decode()
    assert "History" in html
    for label in ("Paid", "Packed", "Shipped"):
        assert f"<strong>{label}</strong>" in html
    assert "On its way from Louisville." in html
    assert "https://tools.usps.com/go/TrackConfirmAction?tLabels=" in html
    assert "volunteer" not in html  # who took a step stays with staff


def test_admin_bulk_action_reports_refused_orders(admin_client, make_paid):
    paid, pickup = make_paid(), make_paid("pickup")
    response = admin_client.post(
        reverse("admin:shop_order_changelist"),
        {"action": "mark_packed", "_selected_action": [paid.pk, pickup.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "1 order(s) marked packed." in html
    assert "1 order(s) refused" in html
    assert Order.objects.get(pk=paid.pk).status == S.PACKED
    assert Order.objects.get(pk=pickup.pk).status == S.PAID


def test_admin_ships_an_order_with_its_tracking_number(
    admin_client, make_paid, django_capture_on_commit_callbacks
):
    order = make_paid()
    order_transition(order=order, status=S.PACKED)
    change = admin_client.get(reverse("admin:shop_order_change", args=[order.pk]))
    fulfil = reverse("admin:shop_order_fulfil", args=[order.pk])
    assert fulfil in change.content.decode()
    assert admin_client.get(fulfil).status_code == 200

    refused = admin_client.post(fulfil, {"status": S.SHIPPED, "carrier": "usps"})
    assert refused.status_code == 200  # the form again, with its error
    assert "Enter the tracking number." in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            fulfil,
            {"status": S.SHIPPED, "carrier": "fedex", "tracking_number": "1234"},
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == S.SHIPPED and order.tracking_number == "1234"
    shipped_by = OrderEvent.objects.get(order=order, status=S.SHIPPED).created_by
    assert shipped_by is not None and shipped_by.is_staff
    assert len(mail.outbox) == 1
