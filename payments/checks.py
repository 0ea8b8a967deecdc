"""
Deployment checks (`manage.py check --deploy`): a production site must never
take orders it was not paid for, run Stripe without verified webhooks, nor make
Stripe's webhook wait on Stripe.
"""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

# Backends that run a task in the process that enqueues it (or never).
_IN_PROCESS_TASK_BACKENDS = (
    "django.tasks.backends.immediate.ImmediateBackend",
    "django.tasks.backends.dummy.DummyBackend",
)


@register("payments", deploy=True)
def check_payment_settings(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    warnings: list[CheckMessage] = []
    if settings.PAYMENTS_LOCAL_GATEWAY and not settings.DEBUG:
        warnings.append(
            Warning(
                "The local test payment gateway is enabled while DEBUG is off.",
                hint=(
                    "Without STRIPE_SECRET_KEY, anyone can mark a checkout paid "
                    "without paying. Unset PAYMENTS_LOCAL_GATEWAY in production."
                ),
                id="payments.W001",
            )
        )
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        warnings.append(
            Warning(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not.",
                hint=(
                    "The webhook refuses every event without it, so paid orders "
                    "are confirmed only when the buyer reaches the success page. "
                    "Copy the endpoint's signing secret (whsec_...) from Stripe."
                ),
                id="payments.W002",
            )
        )
    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    if settings.STRIPE_SECRET_KEY and backend in _IN_PROCESS_TASK_BACKENDS:
        warnings.append(
            Warning(
                f"Stripe is on but tasks run with {backend.rsplit('.', 1)[-1]}.",
                hint=(
                    "Processing fees are then fetched inside the request that "
                    "learned of the payment (or never). Set TASKS_BACKEND="
                    "django_tasks_db.DatabaseBackend and run `manage.py db_worker`."
                ),
                id="payments.W003",
            )
        )
    return warnings
