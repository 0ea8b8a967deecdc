"""Email tasks: queued on commit, idempotent, retried with growing delays on a
backend that can wait; tasks left running by a dead worker are queued again."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.tasks import task_backends
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.tasks import EmailNotSent, retry_delay, tasks_requeue_stuck
from donations.models import Donation
from donations.services.receipts import send_donation_receipt
from payments.models import CheckoutSession
from payments.services.fees import checkout_fee_fetch
from shop.services.emails import send_order_confirmation
from shop.services.stock import send_low_stock_warning
from tests.donations.factories import DonationFactory
from tests.payments.factories import CheckoutSessionFactory

pytestmark = pytest.mark.django_db


def _forget_task_backends() -> None:
    task_backends.__dict__.pop("settings", None)
    # Django's private cache of the TASKS setting, which its stubs do not declare.
    task_backends._settings = None  # type: ignore[attr-defined]
    try:
        del task_backends["default"]
    except AttributeError:
        pass


@pytest.fixture
def database_tasks(settings):
    """Tasks wait in the database, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _forget_task_backends()
    yield
    _forget_task_backends()


@pytest.fixture
def gift():
    return DonationFactory(amount=Decimal("40.00"), receipt_number="R-2026-000001")


@pytest.fixture
def broken_mail(monkeypatch):
    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("the mail server is down (test)")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)


def test_a_receipt_task_sends_once(gift):
    assert send_donation_receipt.call(donation_id=gift.pk) == "sent"
    assert send_donation_receipt.call(donation_id=gift.pk) == "not needed"
    assert len(mail.outbox) == 1
    gift.refresh_from_db()
    assert gift.receipt_sent_at is not None


def test_a_paid_gift_queues_its_receipt_and_dedication_note(gift, database_tasks):
    from donations.services.receipts import send_receipt_after_commit

    send_receipt_after_commit(gift.pk)
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert [row.task_path for row in queued] == [
        "donations.services.receipts.send_donation_receipt",
        "donations.services.receipts.send_dedication_notice",
    ]
    assert queued[0].args_kwargs["kwargs"] == {"donation_id": gift.pk}  # an id
    assert mail.outbox == []  # nothing sent in the request


def test_tasks_are_queued_only_once_the_transaction_commits(
    gift, database_tasks, django_capture_on_commit_callbacks
):
    from core.tasks import enqueue_on_commit

    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_on_commit(send_donation_receipt, donation_id=gift.pk)
        assert not DBTaskResult.objects.exists()
    for callback in callbacks:
        callback()
    assert DBTaskResult.objects.get().task_path.endswith("send_donation_receipt")


def test_a_failed_send_is_retried_later(gift, database_tasks, broken_mail, settings):
    settings.TASKS_RETRY_DELAY_SECONDS = 60
    before = timezone.now()
    with pytest.raises(EmailNotSent):
        send_donation_receipt.call(donation_id=gift.pk)
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"] == {"donation_id": gift.pk, "attempt": 2}
    assert retry.run_after >= before + timedelta(seconds=60)
    assert Donation.objects.get(pk=gift.pk).receipt_sent_at is None  # flagged


def test_retries_stop_after_the_last_attempt(
    gift, database_tasks, broken_mail, settings
):
    settings.TASKS_MAX_ATTEMPTS = 3
    with pytest.raises(EmailNotSent):
        # `attempt` is the retries' own argument, outside the task's typed ones.
        send_donation_receipt.call(donation_id=gift.pk, attempt=3)  # type: ignore[call-arg]
    assert not DBTaskResult.objects.exists()


def test_without_a_worker_a_failure_is_not_retried(gift, broken_mail):
    """The immediate backend (development, tests) cannot wait: logged, flagged."""
    result = send_donation_receipt.enqueue(donation_id=gift.pk)
    assert result.status == TaskResultStatus.FAILED
    assert Donation.objects.get(pk=gift.pk).receipt_sent_at is None


def test_the_retry_delays_grow(settings):
    settings.TASKS_RETRY_DELAY_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 240, 960]


def _task_row(*, status, started_ago):
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"donation_id": 1}},
        task_path="donations.tasks.send_donation_receipt",
        backend_name="default",
        run_after=timezone.now(),
        status=status,
        started_at=timezone.now() - started_ago,
        worker_ids=["dead-worker"],
    )


def test_tasks_of_a_dead_worker_are_queued_again():
    stuck = _task_row(status=TaskResultStatus.RUNNING, started_ago=timedelta(hours=1))
    busy = _task_row(status=TaskResultStatus.RUNNING, started_ago=timedelta(seconds=5))
    done = _task_row(status=TaskResultStatus.SUCCESSFUL, started_ago=timedelta(hours=1))
    assert tasks_requeue_stuck(older_than=timedelta(minutes=15)) == 1
    assert tasks_requeue_stuck(older_than=timedelta(minutes=15)) == 0  # again
    statuses = {row.pk: row.status for row in DBTaskResult.objects.all()}
    assert statuses == {
        stuck.pk: TaskResultStatus.READY,
        busy.pk: TaskResultStatus.RUNNING,
        done.pk: TaskResultStatus.SUCCESSFUL,
    }


def test_requeue_refuses_a_nonsense_timeout():
    with pytest.raises(ValueError):
        tasks_requeue_stuck(older_than=timedelta(0))


def test_an_email_whose_row_was_erased_is_dropped(gift):
    gift_id = gift.pk
    gift.delete()
    assert send_donation_receipt.call(donation_id=gift_id) == "gone"
    assert mail.outbox == []


def test_an_email_task_keeps_its_name_and_refuses_unknown_arguments(gift):
    """`core.tasks.email_task`: the worker finds the task by its module path."""
    assert send_donation_receipt.name == "send_donation_receipt"
    assert (
        send_donation_receipt.module_path
        == "donations.services.receipts.send_donation_receipt"
    )
    with pytest.raises(TypeError):
        send_donation_receipt.call(donor_id=gift.pk)  # type: ignore[call-arg]
    assert mail.outbox == []


def test_a_task_queued_under_its_former_name_still_runs(gift, database_tasks):
    """A receipt queued as `donations.tasks.…` before the task moved beside its
    sender is found by the worker under that name, and sent."""
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"donation_id": gift.pk}},
        task_path="donations.tasks.send_donation_receipt",
        backend_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.READY,
    )
    assert row.task.func is send_donation_receipt.func
    assert row.task.call(donation_id=gift.pk) == "sent"
    assert len(mail.outbox) == 1


def test_a_shop_task_queued_under_its_former_name_still_runs(database_tasks):
    """An order email queued as `shop.tasks.…` before the task moved beside its
    sender is found by the worker under that name."""
    moved: list[tuple[str, Any]] = [
        ("shop.tasks.send_order_confirmation", send_order_confirmation),
        ("shop.tasks.send_low_stock_warning", send_low_stock_warning),
    ]
    for path, task in moved:
        row = DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path=path,
            backend_name="default",
            run_after=timezone.now(),
            status=TaskResultStatus.READY,
        )
        assert row.task.func is task.func


def test_a_fee_lookup_queued_under_its_former_name_still_runs(database_tasks):
    """A fee lookup queued as `payments.tasks.…` before the task moved beside the
    service that runs it (`payments.services.fees`) is found under that name."""
    paid = CheckoutSessionFactory(
        gateway=CheckoutSession.Gateway.STRIPE,
        status=CheckoutSession.Status.PAID,
        payment_intent_id="pi_former_name",
    )
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {"session_id": paid.session_id}},
        task_path="payments.tasks.checkout_fee_fetch",
        backend_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.READY,
    )
    assert row.task.func is checkout_fee_fetch.func
    # No Stripe keys in the tests: the fee stays to be learned, and is tried.
    assert row.task.call(session_id=paid.session_id) == "pending"
    paid.refresh_from_db()
    assert paid.fee_attempts == 1
