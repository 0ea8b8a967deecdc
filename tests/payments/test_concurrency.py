"""
Simultaneous Pay clicks and simultaneous deliveries of one Stripe event, on real
PostgreSQL connections: the handler hears of each exactly once.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from payments.models import CheckoutSession, ProcessedEvent
from payments.services.events import stripe_event_process
from payments.services.local_gateway import local_checkout_complete
from tests.payments.factories import CheckoutSessionFactory
from tests.payments.fixtures import stripe_event
from tests.payments.helpers import open_checkout

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
    ),
]

THREADS = 8


def run_together(work, arguments):
    """Run work(argument) in one thread each, released at the same moment."""
    barrier = threading.Barrier(len(arguments))
    results, errors = [], []

    def target(argument):
        try:
            barrier.wait()
            results.append(work(argument))
        except Exception as error:  # reported below, with the others
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_many_pay_clicks_pay_once(local_gateway, recording_handler):
    session_id = open_checkout().session_id
    results = run_together(
        lambda _n: local_checkout_complete(session_id=session_id, action="pay"),
        range(THREADS),
    )
    assert all(result.applied for result in results)
    assert recording_handler.names == ["paid"]
    assert CheckoutSession.objects.get().status == CheckoutSession.Status.PAID


def test_pay_racing_cancel_ends_one_way(local_gateway, recording_handler):
    session_id = open_checkout().session_id
    actions = ["pay", "cancel"] * (THREADS // 2)
    run_together(
        lambda action: local_checkout_complete(session_id=session_id, action=action),
        actions,
    )
    assert len(recording_handler.calls) == 1
    status = CheckoutSession.objects.get().status
    assert (recording_handler.names[0], status) in [
        ("paid", CheckoutSession.Status.PAID),
        ("expired", CheckoutSession.Status.EXPIRED),
    ]


def test_one_event_delivered_many_times_at_once_is_handled_once(recording_handler):
    event = stripe_event("checkout_session_completed_paid", kind="test")
    CheckoutSessionFactory(
        session_id=event["data"]["object"]["id"],
        payment_intent_id="",
        amount_total=Decimal("51.62"),
    )
    results = run_together(lambda _n: stripe_event_process(event=event), range(THREADS))
    assert results.count("paid") == 1
    assert results.count("duplicate") == THREADS - 1
    assert recording_handler.names == ["paid"]
    assert recording_handler.calls[0][1].amount_total == Decimal("51.62")
    assert ProcessedEvent.objects.count() == 1


def test_monthly_gifts_under_simultaneous_clicks(local_gateway, subscription_handler):
    """Pay starts one subscription; renewals queue up month after month; a
    cancel is told once."""
    from payments.models import InvoicePayment
    from payments.services.local_gateway import add_month
    from payments.services.subscriptions import (
        local_subscription_charge,
        subscription_cancel,
    )

    session_id = open_checkout(recurring_interval="month").session_id
    run_together(
        lambda _n: local_checkout_complete(session_id=session_id, action="pay"),
        range(THREADS),
    )
    assert subscription_handler.names == ["paid", "invoice_paid"]
    record = CheckoutSession.objects.get()
    start = record.current_period_end
    assert start is not None

    run_together(
        lambda _n: local_subscription_charge(
            subscription_id=record.subscription_id, succeed=True
        ),
        range(4),
    )
    assert InvoicePayment.objects.count() == 5  # five months, each its own
    record.refresh_from_db()
    expected = start
    for _month in range(4):
        expected = add_month(expected)
    assert record.current_period_end == expected

    run_together(
        lambda _n: subscription_cancel(subscription_id=record.subscription_id),
        range(THREADS),
    )
    assert subscription_handler.names.count("subscription_cancelled") == 1
