"""
Payment fixtures for the whole suite (loaded through `pytest_plugins` in
tests/conftest.py).

Every test starts with no Stripe keys, no local gateway and no way to reach
Stripe; a test chooses its gateway with one fixture:

- `local_gateway`: the local test gateway, with helpers to press Pay, Decline
  or Cancel on its page;
- `fake_stripe`: dummy Stripe keys and a fake Stripe behind the real library
  (`fake_stripe.requests` lists what was sent);
- `post_stripe_event`: posts a recorded event from tests/stripe_events/ to the
  webhook with a real signature.
"""

import copy
import hashlib
import hmac
import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from payments import gateways
from payments.registry import (
    CheckoutOutcome,
    register_checkout_handler,
    unregister_checkout_handler,
)
from tests.payments.stripe_double import FakeStripe, RefusingStripe

EVENTS_DIR = Path(__file__).resolve().parent.parent / "stripe_events"
TEST_WEBHOOK_SECRET = "whsec_test_secret_for_the_test_suite_only"
TEST_SECRET_KEY = "sk_test_fake_key_for_the_test_suite_only"
TEST_KIND = "test"
_LOCAL_ID = re.compile(r"(cs_local_[0-9a-f]+)")


@pytest.fixture(autouse=True)
def _payments_isolated(settings):
    """Production-like defaults, whatever a developer's .env says; no network."""
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    settings.PAYMENTS_LOCAL_GATEWAY = False
    gateways.install_http_client(RefusingStripe())
    yield
    gateways.install_http_client(None)


# ---------------------------------------------------------------------------
# The local test gateway
# ---------------------------------------------------------------------------
class LocalGateway:
    """Presses the buttons of the local test payment page, as a buyer would."""

    def url(self, session_or_url: str) -> str:
        return reverse(
            "payments:local-checkout", args=[self.session_id(session_or_url)]
        )

    @staticmethod
    def session_id(session_or_url: str) -> str:
        """A session id from itself or from the URL the buyer was sent to."""
        match = _LOCAL_ID.search(session_or_url)
        if match is None:
            raise ValueError(f"No local checkout session in {session_or_url!r}.")
        return match[1]

    def _press(self, client: Client, session_or_url: str, action: str, follow: bool):
        return client.post(self.url(session_or_url), {"action": action}, follow=follow)

    def pay(self, client: Client, session_or_url: str, *, follow: bool = False):
        return self._press(client, session_or_url, "pay", follow)

    def decline(self, client: Client, session_or_url: str, *, follow: bool = False):
        return self._press(client, session_or_url, "decline", follow)

    def cancel(self, client: Client, session_or_url: str, *, follow: bool = False):
        return self._press(client, session_or_url, "cancel", follow)


@pytest.fixture
def local_gateway(settings) -> LocalGateway:
    """No Stripe key, the local test gateway on (as `make run` has it)."""
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS_LOCAL_GATEWAY = True
    return LocalGateway()


# ---------------------------------------------------------------------------
# A fake Stripe behind the real library
# ---------------------------------------------------------------------------
@pytest.fixture
def fake_stripe(settings) -> FakeStripe:
    """
    Dummy Stripe keys and a `FakeStripe` HTTP client under the real library.

    `fake_stripe.requests`: `(method, url, params)` sent, url being the path
    ("/v1/checkout/sessions") and params the decoded form, values as strings;
    `fake_stripe.calls[i].headers` has the headers ("Idempotency-Key").
    `fake_stripe.respond(method, path_prefix, json, status=200)` queues an answer;
    `fake_stripe.mark_paid(session_id)` makes a created session paid.
    """
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    settings.PAYMENTS_LOCAL_GATEWAY = False
    fake = FakeStripe()
    gateways.install_http_client(fake)
    return fake


# ---------------------------------------------------------------------------
# Signed webhook events
# ---------------------------------------------------------------------------
def sign_stripe_payload(
    payload: bytes, secret: str, timestamp: int | None = None
) -> str:
    """
    A `Stripe-Signature` header as Stripe computes it: HMAC-SHA256 of
    "<timestamp>.<payload>" with the endpoint's secret. Written from Stripe's
    documentation rather than with the library, so the two check each other.
    """
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    signature = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={signature}"


def stripe_event(
    name_or_dict: str | dict[str, Any],
    *,
    event_id: str | None = None,
    kind: str | None = None,
    reference: str | None = None,
    **object_overrides: Any,
) -> dict[str, Any]:
    """
    A recorded event from tests/stripe_events/<name>.json (or a copy of a dict).

    A recorded event gets a fresh id (so two posts are two events) unless
    `event_id` is given; a dict keeps its id (post it again to replay it).
    `kind`/`reference` go in the object's metadata (and a session's
    client_reference_id); other keywords replace keys of `data.object`.
    """
    if isinstance(name_or_dict, str):
        event = json.loads((EVENTS_DIR / f"{name_or_dict}.json").read_text())
        event["id"] = f"evt_test_{uuid.uuid4().hex[:24]}"
        event["created"] = int(time.time())
    else:
        event = copy.deepcopy(name_or_dict)
    if event_id is not None:
        event["id"] = event_id
    if kind is None and reference is None and not object_overrides:
        return event  # as it is, even when its object is not an object
    obj = event["data"]["object"]
    if kind is not None or reference is not None:
        metadata = dict(obj.get("metadata") or {})
        if kind is not None:
            metadata["kind"] = kind
        if reference is not None:
            metadata["reference"] = reference
            if obj.get("object") == "checkout.session":
                obj["client_reference_id"] = reference
        obj["metadata"] = metadata
    obj.update(object_overrides)
    return event


@pytest.fixture
def post_stripe_event(settings):
    """
    `post_stripe_event(name_or_dict, **overrides)` posts an event to the webhook
    with a valid signature and returns the response; `response.stripe_event` is
    the event posted. Keywords: those of `stripe_event()`, plus `secret`,
    `timestamp` (to sign differently) and `signature` (a header to send as is).
    Sets a test STRIPE_WEBHOOK_SECRET when none is set.
    """
    if not settings.STRIPE_WEBHOOK_SECRET:
        settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    client = Client()  # Stripe has no cookies and no CSRF token

    def post(
        name_or_dict: str | dict[str, Any],
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
        **overrides: Any,
    ):
        event = stripe_event(name_or_dict, **overrides)
        body = json.dumps(event).encode()
        if signature is None:
            signature = sign_stripe_payload(
                body, secret or settings.STRIPE_WEBHOOK_SECRET, timestamp
            )
        response = client.post(
            reverse("payments:stripe-webhook"),
            data=body,
            content_type="application/json",
            headers={"Stripe-Signature": signature},
        )
        # The tests read the event they sent from the response.
        response.stripe_event = event  # type: ignore[attr-defined]
        return response

    return post


# ---------------------------------------------------------------------------
# A handler that records what it hears
# ---------------------------------------------------------------------------
class RecordingHandler:
    """A `CheckoutHandler` that records calls; set `fail_with` to make it raise."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, CheckoutOutcome]] = []
        self.fail_with: BaseException | None = None

    def _record(self, name: str, outcome: CheckoutOutcome) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.calls.append((name, outcome))

    def paid(self, outcome: CheckoutOutcome) -> None:
        self._record("paid", outcome)

    def failed(self, outcome: CheckoutOutcome) -> None:
        self._record("failed", outcome)

    def expired(self, outcome: CheckoutOutcome) -> None:
        self._record("expired", outcome)

    def refunded(self, outcome: CheckoutOutcome) -> None:
        self._record("refunded", outcome)

    def needs_review(self, outcome: CheckoutOutcome) -> None:
        self._record("needs_review", outcome)

    def fee_known(self, outcome: CheckoutOutcome) -> None:
        self._record("fee_known", outcome)

    @property
    def names(self) -> list[str]:
        return [name for name, _outcome in self.calls]


class RecordingSubscriptionHandler(RecordingHandler):
    """A `SubscriptionHandler` that records calls (monthly gifts too)."""

    def invoice_paid(self, outcome: CheckoutOutcome) -> None:
        self._record("invoice_paid", outcome)

    def invoice_failed(self, outcome: CheckoutOutcome) -> None:
        self._record("invoice_failed", outcome)

    def subscription_updated(self, outcome: CheckoutOutcome) -> None:
        self._record("subscription_updated", outcome)

    def subscription_cancelled(self, outcome: CheckoutOutcome) -> None:
        self._record("subscription_cancelled", outcome)


@pytest.fixture
def recording_handler():
    """A `RecordingHandler` registered for kind "test", unregistered afterwards."""
    handler = RecordingHandler()
    register_checkout_handler(TEST_KIND, handler)
    yield handler
    unregister_checkout_handler(TEST_KIND)


@pytest.fixture
def subscription_handler():
    """A `RecordingSubscriptionHandler` registered for kind "test"."""
    handler = RecordingSubscriptionHandler()
    register_checkout_handler(TEST_KIND, handler)
    yield handler
    unregister_checkout_handler(TEST_KIND)
