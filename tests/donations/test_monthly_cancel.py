"""Canceling a monthly gift: the manage link asks once before it cancels (a
page of its own, no script needed), and the donor gets one email saying it
ended, whoever ended it (the donor, staff, or the payment processor) and however
many times."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from donations.handlers import recurring_gift_handler
from donations.models import RecurringGift
from donations.services import monthly
from payments.registry import CheckoutOutcome
from tests.donations.factories import DonorFactory
from tests.html import assert_valid_html, html_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def gift() -> RecurringGift:
    return RecurringGift.objects.create(
        donor=DonorFactory(email="ann@example.org", name="Ann Lee"),
        amount=Decimal("30.00"),
        status=RecurringGift.Status.ACTIVE,
    )


def manage(gift) -> str:
    return reverse("donations:manage", args=[monthly.manage_token(gift)])


def cancellation_emails() -> list:
    return [m for m in mail.outbox if "is canceled" in m.subject]


def ended_at_the_processor(gift) -> None:
    recurring_gift_handler.subscription_cancelled(
        CheckoutOutcome(
            action="subscription_cancelled",
            kind="recurring_gift",
            reference=gift.reference,
            subscription_status="canceled",
        )
    )


def test_the_first_press_asks_and_cancels_nothing(client, gift):
    response = client.post(manage(gift), {"action": "cancel"})
    assert response.status_code == 200
    html = response.content.decode()
    assert_valid_html(html)
    assert "Cancel your monthly gift?" in html
    assert 'value="cancel-confirmed"' in html
    assert "Yes, cancel my monthly gift" in html
    assert f'href="{manage(gift)}"' in html  # "No, keep giving" goes back
    gift.refresh_from_db()
    assert gift.status == RecurringGift.Status.ACTIVE
    assert not mail.outbox


def test_confirming_cancels_and_emails_the_donor_once(
    client, gift, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(manage(gift), {"action": "cancel-confirmed"})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage(gift), {"action": "cancel-confirmed"})
        client.post(manage(gift), {"action": "cancel"})
    gift.refresh_from_db()
    assert gift.status == RecurringGift.Status.CANCELLED
    assert gift.cancellation_email_sent_at is not None
    [message] = cancellation_emails()
    assert message.to == ["ann@example.org"]
    assert "Dear Ann Lee," in message.body
    assert "Your monthly gift of $30.00 to Redeeming Hope is canceled" in message.body
    assert "Nothing more will be charged." in message.body
    assert reverse("donations:donate") in message.body
    html = html_of(message)
    assert_valid_html(html)
    assert "What happens next" in html and "is canceled" in html


def test_the_processor_reporting_the_end_afterwards_sends_nothing_more(
    gift, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        monthly.recurring_gift_cancel(gift=gift)
        ended_at_the_processor(gift)
    assert len(cancellation_emails()) == 1


def test_an_end_at_the_processor_emails_the_donor(
    gift, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ended_at_the_processor(gift)
    assert len(cancellation_emails()) == 1


def test_a_gift_never_paid_ends_without_an_email(
    gift, django_capture_on_commit_callbacks
):
    RecurringGift.objects.filter(pk=gift.pk).update(status=RecurringGift.Status.PENDING)
    gift.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly.recurring_gift_cancel(gift=gift)
    assert not cancellation_emails()


def test_a_failed_send_is_tried_again_and_then_sent_once(gift, monkeypatch):
    monthly.recurring_gift_cancel(gift=gift)
    mail.outbox.clear()
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send",
        lambda self: (_ for _ in ()).throw(OSError("mail server down")),
    )
    assert not monthly.recurring_gift_send_cancelled(gift_id=gift.pk)
    gift.refresh_from_db()
    assert gift.cancellation_email_sent_at is None
    monkeypatch.undo()
    assert monthly.recurring_gift_send_cancelled(gift_id=gift.pk)
    assert not monthly.recurring_gift_send_cancelled(gift_id=gift.pk)
    assert len(cancellation_emails()) == 1
