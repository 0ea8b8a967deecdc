"""A monthly gift's whole life through Stripe's signed webhook events, from the
donate page to its end: started, paid twice (a replay changes nothing), one
failed payment, cancelled."""

import copy
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from donations.models import Donation, RecurringGift
from payments.models import CheckoutSession
from tests.payments.fixtures import stripe_event

pytestmark = pytest.mark.django_db

SUBSCRIPTION = "sub_1QmOnThLyGiFt0000000001"


def _for(name: str, gift: RecurringGift, **changes: object) -> dict:
    """A recorded event, made about this gift."""
    event = stripe_event(name)
    obj = event["data"]["object"]
    if "parent" in obj:
        obj["parent"]["subscription_details"]["metadata"] = {
            "kind": "recurring_gift",
            "reference": gift.reference,
        }
    elif "metadata" in obj:
        obj["metadata"] = {"kind": "recurring_gift", "reference": gift.reference}
    if obj.get("object") == "checkout.session":
        obj["client_reference_id"] = gift.reference
    obj.update(changes)
    return event


def test_a_monthly_gift_through_signed_events(
    client,
    presets,
    gift_data,
    fake_stripe,
    post_stripe_event,
    django_capture_on_commit_callbacks,
):
    response = client.post(
        reverse("donations:donate"),
        {**gift_data, "frequency": "monthly", "monthly_amount": "30.00"},
    )
    assert response.status_code == 302
    gift = RecurringGift.objects.get()
    session = CheckoutSession.objects.get(reference=gift.reference)
    assert session.recurring_interval == "month"

    with django_capture_on_commit_callbacks(execute=True):
        started = _for(
            "checkout_session_completed_subscription",
            gift,
            id=session.session_id,
            amount_total=3000,
        )
        assert post_stripe_event(started).status_code == 200
        first = _for("invoice_paid", gift, amount_paid=3000, amount_due=3000)
        assert post_stripe_event(first).content == b"invoice_paid"
        assert post_stripe_event(first).content == b"duplicate"  # a replay
        second = _for(
            "invoice_paid", gift, id="in_second", amount_paid=3000, amount_due=3000
        )
        post_stripe_event(second)

    gift.refresh_from_db()
    assert gift.status == RecurringGift.Status.ACTIVE
    assert gift.subscription_id == SUBSCRIPTION
    paid = Donation.objects.filter(recurring_gift=gift, status="paid")
    assert paid.count() == 2
    assert sum(d.charged_amount for d in paid) == Decimal("60.00")
    assert len(mail.outbox) == 2  # one receipt a month

    failed = _for("invoice_payment_failed", gift, id="in_third", amount_due=3000)
    assert post_stripe_event(failed).status_code == 200
    gift.refresh_from_db()
    assert gift.status == RecurringGift.Status.PAST_DUE
    assert Donation.objects.get(invoice_id="in_third").status == "failed"

    ended = _for("customer_subscription_deleted", gift)
    assert post_stripe_event(ended).status_code == 200
    assert post_stripe_event(copy.deepcopy(ended)).status_code == 200
    gift.refresh_from_db()
    assert gift.status == RecurringGift.Status.CANCELLED
    assert Donation.objects.filter(status="paid").count() == 2


def test_an_invoice_for_an_unknown_subscription_is_acknowledged_and_ignored(
    post_stripe_event, fake_stripe
):
    stranger = stripe_event("invoice_paid")
    stranger["data"]["object"]["parent"]["subscription_details"] = {
        "metadata": {},
        "subscription": "sub_unknown",
    }
    assert post_stripe_event(stranger).status_code == 200
    assert not Donation.objects.exists()
