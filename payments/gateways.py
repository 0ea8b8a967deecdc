"""
The Stripe boundary: the only module of the site that imports `stripe`.

Everything crossing it is plain data (dicts, str, int), and every Stripe error
comes out as `GatewayError`, so the rest of the app never depends on the
library's types. Tests replace the HTTP client underneath (`install_http_client`)
and so exercise the real library, its parameter encoding and its error parsing.

Every request has a deadline: the library's own default is 80 seconds, retried,
which once held a webhook for half a minute. Two kinds of call, two deadlines:

- while a visitor waits on a page (opening a checkout, the success page,
  closing a payment page, the monthly gift's manage page): a short connect
  timeout (`STRIPE_CONNECT_TIMEOUT_SECONDS`, 2 s), a short read timeout
  (`STRIPE_PAGE_TIMEOUT_SECONDS`, 5 s) and no retry. A Stripe that hangs then
  costs a worker thread 5 seconds, not 20, and the visitor gets "try again";
- in a background task or a staff action (fees, refunds):
  `STRIPE_TIMEOUT_SECONDS` (10 s) per attempt, `STRIPE_MAX_NETWORK_RETRIES` (1).

The read timeout is the longest silence between two bytes of the answer (the
requests library's meaning), which is what a hanging Stripe produces.
"""

import json
import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import stripe
from django.conf import settings

from payments.validation import clean_id

if TYPE_CHECKING:
    from stripe.params.checkout import SessionCreateParams

# Stripe's own default: an event signed more than 5 minutes ago is refused.
WEBHOOK_TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE
# Used when the settings do not say. The library retries connection errors and
# 409/5xx answers with the same idempotency key, so a retry can never create a
# second session.
DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_NETWORK_RETRIES = 1
DEFAULT_CONNECT_TIMEOUT_SECONDS = 2.0
DEFAULT_PAGE_TIMEOUT_SECONDS = 5.0

# "checkout.session.completed", "charge.refunded", "v1.billing.meter...".
_EVENT_TYPE = re.compile(r"[a-z0-9_.]{1,100}")
# A JSON text's strings and punctuation, for `_top_level_strings`.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}:,]')

_http_client: stripe.HTTPClient | None = None
_clients: dict[str, stripe.StripeClient] = {}


class GatewayError(Exception):
    """Stripe refused a request or could not be reached."""

    def __init__(
        self, message: str, *, code: str = "", status: int | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class InvalidEvent(Exception):
    """A webhook body whose signature, timestamp or JSON is not acceptable."""


class UnreadableEvent(InvalidEvent):
    """A signed body too deeply nested to read (`event_id`: "" when its top
    level names none)."""

    def __init__(self, *, event_id: str, event_type: str) -> None:
        super().__init__("The body is nested too deeply to read.")
        self.event_id = event_id
        self.event_type = event_type


def install_http_client(http_client: stripe.HTTPClient | None) -> None:
    """Send every Stripe request through `http_client` (None: the library's own)."""
    global _http_client
    _http_client = http_client
    _clients.clear()


def stripe_enabled() -> bool:
    """Stripe takes the money when a secret key is set."""
    return bool(settings.STRIPE_SECRET_KEY)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def timeout_seconds() -> float:
    return _setting("STRIPE_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)


def max_network_retries() -> int:
    return int(_setting("STRIPE_MAX_NETWORK_RETRIES", DEFAULT_MAX_NETWORK_RETRIES))


def page_timeouts() -> tuple[float, float]:
    """(connect, read) seconds for a call a visitor waits on."""
    return (
        _setting("STRIPE_CONNECT_TIMEOUT_SECONDS", DEFAULT_CONNECT_TIMEOUT_SECONDS),
        _setting("STRIPE_PAGE_TIMEOUT_SECONDS", DEFAULT_PAGE_TIMEOUT_SECONDS),
    )


def _client(*, waiting: bool = False) -> stripe.StripeClient:
    """The client for a call a visitor waits on (`waiting`: short timeouts, no
    retry) or for one made in the background."""
    api_key = settings.STRIPE_SECRET_KEY
    if not api_key:
        raise GatewayError("STRIPE_SECRET_KEY is not set.")
    connect = page_timeouts()[0]
    if waiting:
        timeout, retries = page_timeouts(), 0
    else:
        timeout, retries = (connect, timeout_seconds()), max_network_retries()
    api_base = getattr(settings, "STRIPE_API_BASE", "") or stripe.DEFAULT_API_BASE
    cache_key = f"{api_key}|{api_base}|{timeout}|{retries}"
    client = _clients.get(cache_key)
    if client is None:
        # The requests-based client is the one of the library's clients that
        # takes a (connect, read) timeout (the library requires `requests`).
        http_client = _http_client or stripe.RequestsClient(timeout=timeout)
        client = stripe.StripeClient(
            api_key,
            http_client=http_client,
            max_network_retries=retries,
            base_addresses={"api": api_base},
        )
        _clients[cache_key] = client
    return client


def _plain(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _gateway_error(error: stripe.StripeError) -> GatewayError:
    if isinstance(error, stripe.IdempotencyError):
        code = "idempotency_error"
    else:
        code = getattr(error, "code", None) or ""
    return GatewayError(
        error.user_message or str(error) or type(error).__name__,
        code=code,
        status=error.http_status,
    )


def create_checkout_session(
    params: Mapping[str, Any], *, idempotency_key: str
) -> dict[str, Any]:
    try:
        session = _client(waiting=True).v1.checkout.sessions.create(
            # Built and checked by payments.services.stripe_checkout; the library's
            # TypedDict is too detailed to spell out there.
            params=cast("SessionCreateParams", dict(params)),
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        raise _gateway_error(error) from error
    return _plain(session)


def retrieve_checkout_session(
    session_id: str, *, expand: list[str] | None = None
) -> dict[str, Any]:
    try:
        session = _client(waiting=True).v1.checkout.sessions.retrieve(
            session_id, params={"expand": expand} if expand else None
        )
    except stripe.StripeError as error:
        raise _gateway_error(error) from error
    return _plain(session)


def expire_checkout_session(session_id: str) -> dict[str, Any]:
    """Close an open Checkout Session so that it can no longer be paid."""
    try:
        session = _client(waiting=True).v1.checkout.sessions.expire(session_id)
    except stripe.StripeError as error:
        raise _gateway_error(error) from error
    return _plain(session)


def retrieve_payment_intent(
    payment_intent_id: str, *, expand: list[str] | None = None
) -> dict[str, Any]:
    try:
        intent = _client().v1.payment_intents.retrieve(
            payment_intent_id, params={"expand": expand} if expand else None
        )
    except stripe.StripeError as error:
        raise _gateway_error(error) from error
    return _plain(intent)


def retrieve_invoice(
    invoice_id: str, *, expand: list[str] | None = None
) -> dict[str, Any]:
    try:
        invoice = _client().v1.invoices.retrieve(
            invoice_id, params={"expand": expand} if expand else None
        )
    except stripe.StripeError as error:
        raise _gateway_error(error) from error
    return _plain(invoice)


def create_refund(
    *,
    payment_intent_id: str,
    amount_cents: int,
    idempotency_key: str,
    metadata: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Refund part or all of a payment. The idempotency key makes a retried
    request (a timeout, a double click) refund once."""
    try:
        refund = _client().v1.refunds.create(
            params={
                "payment_intent": payment_intent_id,
                "amount": amount_cents,
                "reason": "requested_by_customer",
                "metadata": dict(metadata or {}),
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        raise _gateway_error(error) from error
    return _plain(refund)


def create_billing_portal_session(*, customer_id: str, return_url: str) -> str:
    """The URL of a new customer portal session (it lives a few minutes)."""
    try:
        session = _client(waiting=True).v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": return_url}
        )
    except stripe.StripeError as error:
        raise _gateway_error(error) from error
    url = _plain(session).get("url")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise GatewayError("Stripe answered a portal session without a URL.")
    return url


def cancel_subscription(subscription_id: str) -> dict[str, Any]:
    """Cancel now (not at the period's end): no further charge is attempted."""
    try:
        subscription = _client(waiting=True).v1.subscriptions.cancel(subscription_id)
    except stripe.StripeError as error:
        raise _gateway_error(error) from error
    return _plain(subscription)


def retrieve_subscription(subscription_id: str) -> dict[str, Any]:
    try:
        subscription = _client(waiting=True).v1.subscriptions.retrieve(subscription_id)
    except stripe.StripeError as error:
        raise _gateway_error(error) from error
    return _plain(subscription)


def _signed_at(signature: str) -> int:
    """The header's timestamp, read as the library reads it (the first `t=`);
    called after the library verified the header, so it is there."""
    for item in signature.split(","):
        name, _equals, value = item.partition("=")
        if name == "t":
            return int(value)
    raise InvalidEvent("The signature header has no timestamp.")


def _top_level_strings(text: str) -> dict[str, str]:
    """
    The string values of a JSON object's own keys ("id", "type"), read without
    building the whole value: for a body too deep for `json.loads`, so that
    its event can still be recorded by id. Keys whose value is not a string
    are left out; so is anything the text does not say plainly.
    """
    found: dict[str, str] = {}
    depth = 0
    key: str | None = None
    previous = ""
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("{", "["):
            depth += 1
        elif token in ("}", "]"):
            depth -= 1
        elif token.startswith('"') and depth == 1:
            if previous == ":" and key is not None:
                found.setdefault(key, json.loads(token))
                key = None
            else:
                key = json.loads(token)
        elif depth == 1 and token == ",":
            key = None
        previous = token
    return found


def construct_event(payload: bytes, signature: str, secret: str) -> dict[str, Any]:
    """
    Verify a webhook body against its `Stripe-Signature` header and parse it.

    Raises `InvalidEvent` when the header is missing or malformed, no signature
    matches `secret`, the timestamp is more than the tolerance (5 minutes) in
    the past or in the future (the library checks the past only; a signature
    dated ahead would stay valid until that time), or the body is not a JSON
    event. A signed body nested too deeply to parse raises `UnreadableEvent`,
    with the event's id when its top level names one.
    """
    if not secret:
        raise InvalidEvent("No webhook secret is configured.")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
        )
        if _signed_at(signature) > time.time() + WEBHOOK_TOLERANCE_SECONDS:
            raise InvalidEvent("The signature's timestamp is in the future.")
        text = payload.decode("utf-8")
    except stripe.SignatureVerificationError as error:
        raise InvalidEvent(str(error)) from error
    except (ValueError, TypeError, AttributeError) as error:
        raise InvalidEvent("The body is not a JSON event.") from error
    try:
        data = json.loads(text)
    except RecursionError:
        strings = _top_level_strings(text)
        raise UnreadableEvent(
            event_id=clean_id(strings.get("id"), prefix="evt_"),
            event_type=strings.get("type", "")
            if _EVENT_TYPE.fullmatch(strings.get("type", ""))
            else "",
        ) from None
    except ValueError as error:
        # The signature matched but the body is not JSON.
        raise InvalidEvent("The body is not a JSON event.") from error
    if not isinstance(data, dict):
        raise InvalidEvent("The body is not a JSON event.")
    if not clean_id(data.get("id"), prefix="evt_") or not isinstance(
        data.get("type"), str
    ):
        raise InvalidEvent("The event has no usable id or type.")
    if not _EVENT_TYPE.fullmatch(data["type"]):
        raise InvalidEvent("The event's type is not an event type.")
    return data
