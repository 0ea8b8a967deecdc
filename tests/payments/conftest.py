"""
Tasks never run by themselves in the payments tests: they are enqueued on
Django's dummy backend, which keeps them, and a test runs them when it chooses
(`run_tasks`). That is how a test proves the webhook answers before any fee is
fetched, then that the fee reaches the handler afterwards.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend
from django.urls import reverse

from donations.models import Donation
from shop.models import Order
from tests.payments.helpers import GIFT, one_time_preset
from tests.shop.factories import SHIPPING_ADDRESS, VariantFactory

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _forget_task_backends() -> None:
    """Django caches its task backends; make it read TASKS again."""
    task_backends.__dict__.pop("settings", None)
    # Django's private cache of the TASKS setting, which its stubs do not declare.
    task_backends._settings = None  # type: ignore[attr-defined]
    for alias in ("default",):
        try:
            del task_backends[alias]
        except AttributeError:
            pass


@pytest.fixture(autouse=True)
def queued_tasks(settings: Any) -> Iterator[DummyBackend]:
    """The dummy task backend; `queued_tasks.results` lists what was enqueued."""
    settings.TASKS = DUMMY_TASKS
    _forget_task_backends()
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    yield backend
    backend.clear()
    _forget_task_backends()


@pytest.fixture
def run_tasks(queued_tasks: DummyBackend) -> Any:
    """`run_tasks()` runs the tasks enqueued so far and returns their values."""

    def run() -> list[Any]:
        pending = list(queued_tasks.results)
        queued_tasks.clear()
        return [result.task.call(*result.args, **result.kwargs) for result in pending]

    return run


@pytest.fixture
def stripe_order(client, fake_stripe) -> Order:
    """An order placed by `client` through the fake Stripe, awaiting payment."""
    shirt = VariantFactory(stock=5)
    client.post(shirt.product.get_absolute_url(), {"variant": shirt.pk, "quantity": 1})
    assert client.post(reverse("shop:checkout"), SHIPPING_ADDRESS).status_code == 302
    return Order.objects.get()


@pytest.fixture
def stripe_donation(client, fake_stripe) -> Donation:
    """A one-time gift started by `client` through the fake Stripe."""
    one_time_preset()
    assert client.post(reverse("donations:donate"), GIFT).status_code == 302
    return Donation.objects.get()
