"""Abuse limits and the spam trap on the donate form and the monthly gift's
manage link."""

import logging
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from donations.models import Donation, RecurringGift
from donations.services.monthly import manage_token
from tests.donations.factories import DonorFactory
from tests.html import assert_valid_html

pytestmark = pytest.mark.django_db
DONATE = reverse("donations:donate")


def manage(token: str) -> str:
    return reverse("donations:manage", args=[token])


@pytest.fixture
def gift():
    return RecurringGift.objects.create(
        donor=DonorFactory(email="ann@example.org"),
        amount=Decimal("30.00"),
        status=RecurringGift.Status.ACTIVE,
    )


def test_a_filled_trap_starts_no_gift(
    client, presets, gift_data, local_gateway, caplog
):
    with caplog.at_level(logging.INFO):
        response = client.post(DONATE, {**gift_data, "website": "http://x.example"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "a hidden field that only spam robots see was filled in" in html
    assert 'value="ann@example.org"' in html  # the donor's details are kept
    assert 'name="website" id="id_website" value=""' in html  # the trap is empty
    assert_valid_html(response.content)
    assert Donation.objects.count() == 0
    assert "Spam trap filled on the DonateForm form." in caplog.text
    assert "ann@example.org" not in caplog.text
    # Sent again by a person, with the trap empty, the gift starts.
    assert client.post(DONATE, gift_data).status_code == 302
    assert Donation.objects.count() == 1


def test_the_donate_minimum_stays(client, presets, gift_data, local_gateway):
    data = {**gift_data, "one_time_amount": "other", "other_amount": "1"}
    response = client.post(DONATE, data)
    assert response.status_code == 200
    assert "The smallest gift we can take online is $5.00." in (
        response.content.decode()
    )
    assert Donation.objects.count() == 0


def test_the_manage_link_is_limited_per_address(gift, settings):
    settings.DONATION_MANAGE_RATE_PER_IP = "3/10m"
    guesser = Client()
    codes = [guesser.get(manage(f"{n}:forged")).status_code for n in range(3)]
    assert codes == [404, 404, 404]
    # Over the limit, even the right link waits (a guesser cannot tell).
    response = guesser.get(manage(manage_token(gift)))
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many tries" in html and 'href="tel:+18883737888"' in html
    assert "ann@example.org" not in html
    # Posting counts too: nothing is canceled.
    refused = guesser.post(manage(manage_token(gift)), {"action": "cancel"})
    assert refused.status_code == 429
    gift.refresh_from_db()
    assert gift.status == RecurringGift.Status.ACTIVE
    # The donor, from another address, still gets in.
    donor = Client(REMOTE_ADDR="10.0.0.9")
    assert donor.get(manage(manage_token(gift))).status_code == 200


def test_the_refusal_logs_no_client_address(gift, settings, caplog):
    settings.DONATION_MANAGE_RATE_PER_IP = "1/10m"
    guesser = Client(REMOTE_ADDR="203.0.113.77")
    with caplog.at_level(logging.INFO):
        guesser.get(manage("1:forged"))
        assert guesser.get(manage("2:forged")).status_code == 429
    assert "Rate limit donation-manage refused ip-" in caplog.text
    assert "203.0.113.77" not in caplog.text


# ---------------------------------------------------------------------------
# What services log
# ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_broken_stripe_answer_is_logged_without_the_donor(
    client, presets, gift_data, fake_stripe, caplog
):
    fake_stripe.respond(
        "post",
        "/v1/checkout/sessions",
        {
            "id": "cs_test_broken",
            "object": "checkout.session",
            "url": None,
            "customer_email": gift_data["email"],
            "customer_details": {"email": gift_data["email"], "name": "Ann Lee"},
        },
    )
    with caplog.at_level(logging.INFO):
        response = client.post(DONATE, gift_data)
    assert response.status_code == 200  # the form says the payment page failed
    assert Donation.objects.count() == 1
    assert "without id or url" in caplog.text
    assert gift_data["email"] not in caplog.text and "Ann Lee" not in caplog.text
    assert "127.0.0.1" not in caplog.text


def test_a_refused_manage_link_stays_out_of_the_logs(gift, settings, caplog):
    settings.DONATION_MANAGE_RATE_PER_IP = "0/10m"
    token = manage_token(gift)
    with caplog.at_level(logging.INFO):
        assert Client().get(manage(token)).status_code == 429
    assert "Rate limit donation-manage refused" in caplog.text
    assert token not in caplog.text  # Django's "Too Many Requests: <path>" line
