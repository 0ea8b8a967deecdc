"""The deployment checks that keep the local gateway out of production."""

import pytest
from django.core.checks.registry import registry
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from payments.checks import check_payment_settings
from tests.test_settings import PRODUCTION, manage


def ids(messages):
    return [message.id for message in messages]


def test_local_gateway_with_debug_off_warns(settings):
    settings.DEBUG = False
    settings.PAYMENTS_LOCAL_GATEWAY = True
    assert ids(check_payment_settings()) == ["payments.W001"]


def test_local_gateway_in_development_is_fine(settings):
    settings.DEBUG = True
    settings.PAYMENTS_LOCAL_GATEWAY = True
    assert check_payment_settings() == []


DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_stripe_without_webhook_secret_warns(settings):
    settings.TASKS = DATABASE_TASKS
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert ids(check_payment_settings()) == ["payments.W002"]


def test_stripe_with_webhook_secret_is_fine(settings):
    settings.TASKS = DATABASE_TASKS
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert check_payment_settings() == []


@pytest.mark.parametrize(
    "backend",
    [
        "django.tasks.backends.immediate.ImmediateBackend",
        "django.tasks.backends.dummy.DummyBackend",
    ],
)
def test_stripe_with_tasks_run_in_the_request_warns(settings, backend):
    """Fees would be fetched inside the webhook's request (or never)."""
    settings.TASKS = {"default": {"BACKEND": backend}}
    settings.STRIPE_SECRET_KEY = "sk_live_x"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_x"
    assert ids(check_payment_settings()) == ["payments.W003"]


def test_production_defaults_queue_tasks_in_the_database(tmp_path):
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TASKS)",
        env=PRODUCTION,
        tmp_path=tmp_path,
    )
    assert "django_tasks_db.DatabaseBackend" in result.stdout, result.stderr


def test_check_deploy_reports_the_local_gateway(settings):
    settings.DEBUG = False
    settings.PAYMENTS_LOCAL_GATEWAY = True
    with pytest.raises(SystemCheckError, match="payments.W001"):
        call_command(
            "check", "--deploy", "--tag", "payments", "--fail-level", "WARNING"
        )


def test_the_checks_run_only_with_deploy():
    assert check_payment_settings in registry.get_checks(include_deployment_checks=True)
    assert check_payment_settings not in registry.get_checks()


def test_production_defaults_keep_the_local_gateway_off(tmp_path):
    """DEBUG off and PAYMENTS_LOCAL_GATEWAY unset: the local gateway is off."""
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.PAYMENTS_LOCAL_GATEWAY)",
        env=PRODUCTION,
        tmp_path=tmp_path,
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_production_with_the_local_gateway_enabled_warns(tmp_path):
    result = manage(
        "check",
        "--deploy",
        env={**PRODUCTION, "PAYMENTS_LOCAL_GATEWAY": "1"},
        tmp_path=tmp_path,
    )
    assert "payments.W001" in result.stderr
