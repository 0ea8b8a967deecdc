"""Opening a gift's payment page, one way for one-time and monthly gifts: what
the processor is asked for, and what a page that cannot be opened leaves
behind (nothing charged, nothing left pending)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from donations.models import Donation, Frequency, RecurringGift
from donations.services import gifts, monthly
from donations.services.gifts import GiftChoice
from payments.errors import PaymentError
from payments.registry import CheckoutRedirect, CheckoutRequest

pytestmark = pytest.mark.django_db

URLS = {
    "success_url": "https://example.org/thanks?session_id={CHECKOUT_SESSION_ID}",
    "cancel_url": "https://example.org/donate/",
}


def _choice(frequency: str) -> GiftChoice:
    return GiftChoice(
        frequency=frequency,
        amount=Decimal("25.00"),
        cover_fee=True,
        email="ann@example.org",
        name="Ann Lee",
        is_anonymous=False,
        show_on_wall=True,
        dedication="memory",
        dedication_name="Grandma",
        dedication_notify_email="",
    )


@pytest.fixture
def opened(monkeypatch) -> list[CheckoutRequest]:
    requests: list[CheckoutRequest] = []

    def checkout_open(request: CheckoutRequest) -> CheckoutRedirect:
        requests.append(request)
        return CheckoutRedirect(
            url="https://pay.example/cs_test_1",
            session_id="cs_test_1",
            expires_at=timezone.now() + timedelta(minutes=31),
        )

    monkeypatch.setattr(gifts, "checkout_open", checkout_open)
    return requests


@pytest.fixture
def page_down(monkeypatch) -> None:
    def checkout_open(request: CheckoutRequest) -> CheckoutRedirect:
        raise PaymentError("The payment page cannot be opened right now.")

    monkeypatch.setattr(gifts, "checkout_open", checkout_open)


def test_a_one_time_gift_opens_a_one_time_payment(opened):
    url = gifts.donation_checkout(choice=_choice(Frequency.ONE_TIME), **URLS)
    assert url == "https://pay.example/cs_test_1"
    donation = Donation.objects.get()
    (request,) = opened
    assert request.kind == "donation"
    assert request.reference == donation.reference
    assert request.recurring_interval is None
    assert request.total == donation.charged_amount == Decimal("26.06")
    assert [line.name for line in request.line_items] == [
        "Gift to Redeeming Hope",
        "Card processing fee, covered by you",
    ]
    assert donation.status == Donation.Status.PENDING
    assert donation.checkout_session_id == "cs_test_1"
    assert donation.dedication_name == "Grandma"


def test_a_monthly_gift_opens_a_monthly_subscription(opened):
    url = monthly.recurring_gift_checkout(choice=_choice(Frequency.MONTHLY), **URLS)
    assert url == "https://pay.example/cs_test_1"
    gift = RecurringGift.objects.get()
    (request,) = opened
    assert request.kind == "recurring_gift"
    assert request.reference == gift.reference
    assert request.recurring_interval == "month"
    assert request.total == gift.charged_amount == Decimal("26.06")
    assert request.line_items[0].name == "Monthly gift to Redeeming Hope"
    assert request.customer_email == "ann@example.org"
    assert gift.status == RecurringGift.Status.PENDING
    assert gift.checkout_session_id == "cs_test_1"
    assert not Donation.objects.exists()  # a month's gift comes with its charge


def test_a_one_time_gift_whose_page_cannot_open_is_marked_failed(page_down):
    with pytest.raises(PaymentError):
        gifts.donation_checkout(choice=_choice(Frequency.ONE_TIME), **URLS)
    donation = Donation.objects.get()
    assert donation.status == Donation.Status.FAILED
    assert donation.checkout_session_id is None


def test_a_monthly_gift_whose_page_cannot_open_is_canceled(page_down):
    with pytest.raises(PaymentError):
        monthly.recurring_gift_checkout(choice=_choice(Frequency.MONTHLY), **URLS)
    gift = RecurringGift.objects.get()
    assert gift.status == RecurringGift.Status.CANCELLED
    assert gift.cancelled_at is not None
    assert gift.checkout_session_id is None
    assert not Donation.objects.exists()
