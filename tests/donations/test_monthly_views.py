"""A monthly gift from the donate page through the local test gateway, its
renewals, and the signed link that manages it."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from donations.models import Donation, RecurringGift
from donations.services.monthly import manage_token
from payments.services.subscriptions import local_subscription_charge

pytestmark = pytest.mark.django_db


@pytest.fixture
def monthly_gift(
    client, presets, gift_data, local_gateway, django_capture_on_commit_callbacks
) -> RecurringGift:
    data = {
        **gift_data,
        "frequency": "monthly",
        "monthly_amount": "other",
        "other_amount": "42",
        "cover_fee": "on",
        "show_on_wall": "on",
    }
    response = client.post(reverse("donations:donate"), data)
    assert response.status_code == 302
    gift = RecurringGift.objects.get()
    assert gift.status == RecurringGift.Status.PENDING
    page = client.get(response.url).content.decode()
    assert "$43.57" in page  # (42 + 0.30) / 0.971 = 43.563 -> 43.57, each month
    with django_capture_on_commit_callbacks(execute=True):
        paid = local_gateway.pay(client, response.url)
        thank_you = client.get(paid.url)
    assert "Thank you for giving every month" in thank_you.content.decode()
    gift.refresh_from_db()
    return gift


def test_a_monthly_gift_starts_with_its_first_receipted_charge(monthly_gift):
    assert monthly_gift.status == RecurringGift.Status.ACTIVE
    assert monthly_gift.subscription_id.startswith("sub_local_")
    assert monthly_gift.charged_amount == Decimal("43.57")
    charge = Donation.objects.get()
    assert charge.recurring_gift == monthly_gift and charge.status == "paid"
    assert charge.show_on_wall
    assert len(mail.outbox) == 1
    assert reverse("donations:manage", args=[manage_token(monthly_gift)]) in (
        mail.outbox[0].body
    )


def test_renewals_on_the_local_gateway(
    monthly_gift, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        local_subscription_charge(
            subscription_id=monthly_gift.subscription_id, succeed=True
        )
        local_subscription_charge(
            subscription_id=monthly_gift.subscription_id, succeed=False
        )
    monthly_gift.refresh_from_db()
    assert monthly_gift.status == RecurringGift.Status.PAST_DUE
    assert Donation.objects.filter(status="paid").count() == 2
    assert Donation.objects.filter(status="failed").count() == 1
    assert len(mail.outbox) == 2  # a receipt per paid month, none for the failure


def test_the_manage_link_shows_and_cancels_the_gift_once(client, monthly_gift):
    url = reverse("donations:manage", args=[manage_token(monthly_gift)])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "$43.57" in html and "Cancel my monthly gift" in html
    assert "Change my card" in html
    cancelled = client.post(url, {"action": "cancel-confirmed"}, follow=True)
    assert "Your monthly gift is canceled" in cancelled.content.decode()
    monthly_gift.refresh_from_db()
    assert monthly_gift.status == RecurringGift.Status.CANCELLED
    when = monthly_gift.cancelled_at
    client.post(url, {"action": "cancel-confirmed"})
    monthly_gift.refresh_from_db()
    assert monthly_gift.cancelled_at == when
    assert "Cancel my monthly gift" not in client.get(url).content.decode()


def test_change_my_card_goes_to_the_billing_portal(client, monthly_gift):
    url = reverse("donations:manage", args=[manage_token(monthly_gift)])
    response = client.post(url, {"action": "card"})
    assert response.status_code == 302
    portal = client.get(response.url)
    assert portal.status_code == 200


@pytest.mark.parametrize(
    "token", ["forged", "MQ:1vXyZ:abcdef", "x" * 600, "\u00e9t\u00e9"]
)
def test_a_forged_manage_link_is_not_found(client, token):
    assert client.get(reverse("donations:manage", args=[token])).status_code == 404


def test_a_tampered_manage_link_is_not_found(client, monthly_gift):
    token = manage_token(monthly_gift)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(reverse("donations:manage", args=[tampered]))
    assert response.status_code == 404


def test_an_unknown_action_is_refused(client, monthly_gift):
    url = reverse("donations:manage", args=[manage_token(monthly_gift)])
    assert client.post(url, {"action": "refund-me"}).status_code == 400
