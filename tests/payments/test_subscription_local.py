"""
Monthly gifts on the local test gateway: Pay starts the subscription and pays
its first month, later months succeed or fail on demand, cancelling is told
once, and the billing portal's stand-in changes nothing and leads back only to
this site.
"""

import time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from payments.errors import PaymentError
from payments.local_portal import PORTAL_LINK_MAX_AGE
from payments.models import CheckoutSession, InvoicePayment
from payments.services.local_gateway import add_month
from payments.services.subscriptions import (
    billing_portal_url,
    local_subscription_charge,
    subscription_cancel,
)
from tests.payments.helpers import open_checkout

pytestmark = pytest.mark.django_db

RETURN_URL = "http://testserver/donate/monthly/"


def open_monthly():
    return open_checkout(recurring_interval="month", reference="MG-9")


@pytest.fixture
def paid_monthly(client, local_gateway, subscription_handler):
    """A local monthly gift, paid: its subscription id."""
    local_gateway.pay(client, open_monthly().url)
    return CheckoutSession.objects.get().subscription_id


def test_the_local_page_says_monthly(client, local_gateway, subscription_handler):
    redirect = open_monthly()
    page = client.get(local_gateway.url(redirect.url)).content.decode()
    main = page.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]
    assert "Monthly" in main
    assert "$19.99 per month" in main
    assert "Shipping" not in main  # the footer links Shipping and returns


def test_a_local_monthly_gift_from_pay_to_cancel(
    client, local_gateway, subscription_handler
):
    redirect = open_monthly()
    response = local_gateway.pay(client, redirect.url)
    assert response.status_code == 302
    [(paid_name, paid), (invoice_name, first)] = subscription_handler.calls
    assert (paid_name, invoice_name) == ("paid", "invoice_paid")
    assert paid.subscription_id.startswith("sub_local_")
    assert paid.customer_id.startswith("cus_local_")
    assert first.invoice_id.startswith("in_local_")
    assert first.subscription_id == paid.subscription_id
    assert (first.amount_total, first.fee) == (Decimal("19.99"), Decimal("0"))
    record = CheckoutSession.objects.get()
    assert record.subscription_id == paid.subscription_id
    assert record.subscription_status == "active"
    assert first.current_period_end == record.current_period_end
    assert InvoicePayment.objects.get().fee == Decimal("0")

    # Pay again (a double click): one subscription, one first month.
    local_gateway.pay(client, redirect.url)
    assert subscription_handler.names == ["paid", "invoice_paid"]

    renewed = local_subscription_charge(
        subscription_id=paid.subscription_id, succeed=True
    )
    assert renewed.action == "invoice_paid"
    assert renewed.invoice_id != first.invoice_id
    assert renewed.current_period_end == add_month(first.current_period_end)
    assert renewed.fee == Decimal("0")

    failed = local_subscription_charge(
        subscription_id=paid.subscription_id, succeed=False
    )
    assert failed.action == "invoice_failed"
    assert failed.amount_total == Decimal("19.99")
    retried = local_subscription_charge(
        subscription_id=paid.subscription_id, succeed=True
    )
    assert retried.invoice_id == failed.invoice_id  # the same invoice, paid later
    assert InvoicePayment.objects.count() == 3

    subscription_cancel(subscription_id=paid.subscription_id)
    subscription_cancel(subscription_id=paid.subscription_id)  # told once
    assert subscription_handler.names == [
        "paid",
        "invoice_paid",
        "invoice_paid",
        "invoice_failed",
        "invoice_paid",
        "subscription_cancelled",
    ]
    cancelled = subscription_handler.calls[-1][1]
    assert cancelled.subscription_status == "canceled"
    assert cancelled.occurred_at is not None
    with pytest.raises(PaymentError):
        local_subscription_charge(subscription_id=paid.subscription_id, succeed=True)


def test_the_success_page_confirms_a_local_monthly_gift_without_a_second_month(
    client, local_gateway, subscription_handler
):
    from payments.services.checkout import checkout_confirm

    redirect = open_monthly()
    local_gateway.pay(client, redirect.url)
    outcome = checkout_confirm(session_id=redirect.session_id)
    assert outcome is not None and outcome.action == "paid"
    assert outcome.subscription_id == CheckoutSession.objects.get().subscription_id
    assert InvoicePayment.objects.count() == 1


def test_month_arithmetic():
    from datetime import UTC, datetime

    assert add_month(datetime(2026, 1, 31, tzinfo=UTC)) == datetime(
        2026, 2, 28, tzinfo=UTC
    )
    assert add_month(datetime(2026, 12, 15, tzinfo=UTC)) == datetime(
        2027, 1, 15, tzinfo=UTC
    )


def test_local_renewals_are_refused_unless_the_local_gateway_is_on(
    paid_monthly, settings, subscription_handler
):
    settings.PAYMENTS_LOCAL_GATEWAY = False
    with pytest.raises(PaymentError):
        local_subscription_charge(subscription_id=paid_monthly, succeed=True)
    with pytest.raises(CommandError):
        call_command("payments_local_renew", paid_monthly)
    assert subscription_handler.names == ["paid", "invoice_paid"]


def test_local_renewals_of_unknown_subscriptions(local_gateway, subscription_handler):
    for subscription_id in ["sub_local_unknown", "sub_test_notlocal", "sub_\x00"]:
        with pytest.raises(CheckoutSession.DoesNotExist):
            local_subscription_charge(subscription_id=subscription_id, succeed=True)
    with pytest.raises(PaymentError):
        subscription_cancel(subscription_id="sub_local_unknown")
    assert subscription_handler.calls == []


def test_the_renew_command(paid_monthly, subscription_handler, capsys):
    call_command("payments_local_renew", paid_monthly)
    call_command("payments_local_renew", paid_monthly, "--fail")
    assert subscription_handler.names[-2:] == ["invoice_paid", "invoice_failed"]
    out = capsys.readouterr().out
    assert "invoice_paid" in out and "invoice_failed" in out
    with pytest.raises(CommandError):
        call_command("payments_local_renew", "sub_local_unknown")


def test_the_local_billing_portal_changes_nothing_and_leads_back(
    client, paid_monthly, subscription_handler
):
    record = CheckoutSession.objects.get()
    url = billing_portal_url(customer_id=record.customer_id, return_url=RETURN_URL)
    parts = urlsplit(url)
    assert parts.netloc == "testserver"
    assert parts.path == reverse("payments:local-billing-portal")
    response = client.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "TEST PAGE" in page
    assert "no card is changed" in page
    assert f'href="{RETURN_URL}"' in page
    assert "MG-9" in page and "$19.99" in page
    assert subscription_handler.names == ["paid", "invoice_paid"]


def test_the_local_billing_portal_refuses_forged_links_and_other_sites(
    client, paid_monthly
):
    record = CheckoutSession.objects.get()
    path = reverse("payments:local-billing-portal")
    url = billing_portal_url(customer_id=record.customer_id, return_url=RETURN_URL)
    token = urlsplit(url).query.removeprefix("t=")
    assert client.get(f"{path}?t={token}x").status_code == 404
    assert client.get(path).status_code == 404
    assert client.get(f"{path}?t=%00").status_code == 404

    # A signed link whose way back leads elsewhere is still refused.
    evil = billing_portal_url(
        customer_id=record.customer_id, return_url="https://evil.example/phish"
    )
    evil_parts = urlsplit(evil)
    assert evil_parts.netloc == "evil.example"  # a link to another site's page...
    response = client.get(f"{path}?{evil_parts.query}")  # ...replayed here
    assert response.status_code == 400
    assert b"evil.example" not in response.content


def test_the_local_billing_portal_link_expires(client, paid_monthly, monkeypatch):
    record = CheckoutSession.objects.get()
    url = urlsplit(
        billing_portal_url(customer_id=record.customer_id, return_url=RETURN_URL)
    )
    later = time.time() + PORTAL_LINK_MAX_AGE + 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get(f"{url.path}?{url.query}").status_code == 404


def test_the_local_billing_portal_is_gone_without_the_local_gateway(
    client, paid_monthly, settings
):
    record = CheckoutSession.objects.get()
    url = billing_portal_url(customer_id=record.customer_id, return_url=RETURN_URL)
    settings.PAYMENTS_LOCAL_GATEWAY = False
    parts = urlsplit(url)
    assert client.get(f"{parts.path}?{parts.query}").status_code == 404
