"""
Stripe doubles for tests: `HTTPClient`s installed under the real Stripe library
(`payments.gateways.install_http_client`), so tests run its parameter encoding,
headers and error parsing without the network.

- `FakeStripe` answers from memory like Stripe's test mode;
- `UnreachableStripe` records each request and fails it as a timeout would;
- `RefusingStripe` (installed for every test) fails the test that reaches it.

The pytest fixtures that use them are in `tests/payments/fixtures.py`.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

import stripe


class FakeRequest(NamedTuple):
    method: str  # "GET" | "POST"
    url: str  # the path, e.g. "/v1/checkout/sessions"
    params: dict[str, Any]  # decoded form/query: nested dicts and lists of str


@dataclass
class FakeCall:
    method: str
    url: str
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


_KEY_PART = re.compile(r"\[([^\]]*)\]")


def decode_form(encoded: str) -> dict[str, Any]:
    """`a[b][0][c]=1` -> {"a": {"b": [{"c": "1"}]}} (values stay strings)."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(encoded, keep_blank_values=True):
        head = key.split("[", 1)[0]
        parts = [head, *_KEY_PART.findall(key[len(head) :])]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(value: Any) -> Any:
        if isinstance(value, dict):
            value = {k: listify(v) for k, v in value.items()}
            if value and all(k.isdigit() for k in value):
                return [value[k] for k in sorted(value, key=int)]
        return value

    return listify(root)


def _error(status: int, code: str, message: str, type_: str = "invalid_request_error"):
    return status, {"error": {"type": type_, "code": code, "message": message}}


class FakeStripe(stripe.HTTPClient):
    """
    Records every request and answers like Stripe's test mode would:

    - `POST /v1/checkout/sessions` creates an open, unpaid session from the
      parameters (with Stripe's idempotency: the same key and parameters return
      the same session, the same key with other parameters is an error);
    - `GET /v1/checkout/sessions/<id>` and `GET /v1/payment_intents/<id>` return
      what exists (expanding the payment intent and its charge's balance
      transaction on request), 404 otherwise;
    - `POST /v1/checkout/sessions/<id>/expire` expires an open session;
    - monthly gifts: `GET /v1/invoices/<id>` (its `payments` only when
      expanded, as Stripe does), `GET`/`DELETE /v1/subscriptions/<id>`
      (cancelling twice is refused, as Stripe refuses it),
      `POST /v1/billing_portal/sessions`.

    `respond(method, path_prefix, json, status=200)` queues a one-off answer that
    wins over these defaults; `mark_paid(session_id)` plays the buyer paying,
    `mark_subscription_paid(session_id)` a monthly gift's first month.
    """

    name = "fake"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[FakeRequest] = []
        self.calls: list[FakeCall] = []
        self.sessions: dict[str, dict[str, Any]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self._queued: list[tuple[str, str, int, Any]] = []
        self._idempotent: dict[str, tuple[dict[str, Any], tuple[int, Any]]] = {}
        self._counter = 0

    # -- what tests use -----------------------------------------------------
    def respond(
        self, method: str, path_prefix: str, json: Any, status: int = 200
    ) -> None:
        self._queued.append((method.upper(), path_prefix, status, json))

    def mark_paid(
        self,
        session_id: str,
        *,
        payment_intent_id: str | None = None,
        fee_cents: int | None = None,
    ) -> dict[str, Any]:
        """The buyer paid: the session completes, with a payment intent and fee."""
        session = self.sessions[session_id]
        intent_id = payment_intent_id or f"pi_test_fake{self._next():04d}"
        amount = session["amount_total"]
        fee = fee_cents if fee_cents is not None else round(amount * 0.029) + 30
        session.update(
            status="complete", payment_status="paid", payment_intent=intent_id
        )
        self.payment_intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount,
            "currency": session["currency"],
            "status": "succeeded",
            "metadata": dict(session.get("metadata") or {}),
            "livemode": False,
            "latest_charge": {
                "id": f"ch_test_fake{self._next():04d}",
                "object": "charge",
                "amount": amount,
                "balance_transaction": {
                    "id": f"txn_test_fake{self._next():04d}",
                    "object": "balance_transaction",
                    "amount": amount,
                    "fee": fee,
                    "net": amount - fee,
                    "currency": session["currency"],
                },
            },
        }
        return session

    def mark_subscription_paid(
        self, session_id: str, *, fee_cents: int = 88
    ) -> dict[str, Any]:
        """
        The donor paid a monthly gift's session: it completes with a
        subscription and a customer, and its first invoice is paid by a
        payment intent whose charge has a fee. Returns the paid invoice.
        """
        session = self.sessions[session_id]
        n = self._next()
        subscription_id, customer_id = f"sub_test_fake{n:04d}", f"cus_test_fake{n:04d}"
        session.update(
            status="complete",
            payment_status="paid",
            subscription=subscription_id,
            customer=customer_id,
        )
        self.subscriptions[subscription_id] = {
            "id": subscription_id,
            "object": "subscription",
            "status": "active",
            "customer": customer_id,
            "metadata": dict(session.get("metadata") or {}),
        }
        return self.add_paid_invoice(subscription_id, fee_cents=fee_cents)

    def add_paid_invoice(
        self, subscription_id: str, *, fee_cents: int = 88
    ) -> dict[str, Any]:
        """A paid invoice of `subscription_id` (a renewal), with its payment."""
        subscription = self.subscriptions[subscription_id]
        session = next(
            s
            for s in self.sessions.values()
            if s.get("subscription") == subscription_id
        )
        n = self._next()
        invoice_id, intent_id = f"in_test_fake{n:04d}", f"pi_test_fake{n:04d}"
        amount = session["amount_total"]
        self.payment_intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount,
            "currency": session["currency"],
            "status": "succeeded",
            "metadata": {},
            "livemode": False,
            "latest_charge": {
                "id": f"ch_test_fake{n:04d}",
                "object": "charge",
                "amount": amount,
                "balance_transaction": {
                    "id": f"txn_test_fake{n:04d}",
                    "object": "balance_transaction",
                    "amount": amount,
                    "fee": fee_cents,
                    "net": amount - fee_cents,
                    "currency": session["currency"],
                },
            },
        }
        invoice = {
            "id": invoice_id,
            "object": "invoice",
            "amount_due": amount,
            "amount_paid": amount,
            "currency": session["currency"],
            "customer": subscription["customer"],
            "status": "paid",
            "parent": {
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {
                    "metadata": dict(subscription["metadata"]),
                    "subscription": subscription_id,
                },
            },
            "payments": {
                "object": "list",
                "data": [
                    {
                        "id": f"inpay_test_fake{n:04d}",
                        "object": "invoice_payment",
                        "amount_paid": amount,
                        "currency": session["currency"],
                        "invoice": invoice_id,
                        "is_default": True,
                        "status": "paid",
                        "payment": {
                            "type": "payment_intent",
                            "payment_intent": intent_id,
                        },
                    }
                ],
                "has_more": False,
                "url": f"/v1/invoice_payments?invoice={invoice_id}",
            },
        }
        self.invoices[invoice_id] = invoice
        return invoice

    @property
    def last_call(self) -> FakeCall:
        return self.calls[-1]

    # -- the HTTPClient interface ------------------------------------------
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        method = method.upper()
        parts = urlsplit(url)
        encoded = post_data if method == "POST" else parts.query
        if isinstance(encoded, bytes):
            encoded = encoded.decode("utf-8")
        params = decode_form(encoded or "")
        self.requests.append(FakeRequest(method, parts.path, params))
        self.calls.append(FakeCall(method, parts.path, params, dict(headers or {})))
        status, body = self._answer(method, parts.path, params, dict(headers or {}))
        response_headers = {"request-id": f"req_fake{len(self.calls)}"}
        if status >= 400:
            response_headers["stripe-should-retry"] = "false"  # no sleeping in tests
        return json.dumps(body), status, response_headers

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError("The fake Stripe does not stream.")

    def close(self) -> None:
        pass

    # -- the fake server ----------------------------------------------------
    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _answer(
        self, method: str, path: str, params: dict, headers: Mapping[str, str]
    ) -> tuple[int, Any]:
        for index, (q_method, prefix, status, body) in enumerate(self._queued):
            if q_method == method and path.startswith(prefix):
                del self._queued[index]
                return status, body
        if method == "POST" and path == "/v1/checkout/sessions":
            key = headers.get("Idempotency-Key", "")
            if key in self._idempotent:
                first_params, answer = self._idempotent[key]
                if first_params != params:
                    return _error(
                        400,
                        "idempotency_key_in_use",
                        "Keys for idempotent requests can only be used with the "
                        "same parameters they were first used with.",
                        type_="idempotency_error",
                    )
                return answer
            answer = (200, self._create_session(params))
            if key:
                self._idempotent[key] = (params, answer)
            return answer
        match = re.fullmatch(r"/v1/checkout/sessions/([^/]+)(/expire)?", path)
        if match:
            session = self.sessions.get(match[1])
            if session is None:
                return _error(
                    404, "resource_missing", f"No such checkout.session: '{match[1]}'"
                )
            if match[2] and method == "POST":
                if session["status"] != "open":
                    return _error(400, "checkout_session_not_open", "Not open.")
                session["status"] = "expired"
            return 200, self._expand(session, params.get("expand") or [])
        subscriptions = self._answer_subscriptions(method, path, params)
        if subscriptions is not None:
            return subscriptions
        match = re.fullmatch(r"/v1/payment_intents/([^/]+)", path)
        if match and method == "GET":
            intent = self.payment_intents.get(match[1])
            if intent is None:
                return _error(
                    404, "resource_missing", f"No such payment_intent: '{match[1]}'"
                )
            return 200, self._expand_intent(intent, params.get("expand") or [])
        return _error(404, "fake_not_implemented", f"The fake has no {method} {path}.")

    def _answer_subscriptions(
        self, method: str, path: str, params: dict
    ) -> tuple[int, Any] | None:
        match = re.fullmatch(r"/v1/invoices/([^/]+)", path)
        if match and method == "GET":
            invoice = self.invoices.get(match[1])
            if invoice is None:
                return _error(404, "resource_missing", f"No such invoice: '{match[1]}'")
            invoice = json.loads(json.dumps(invoice))
            if "payments" not in (params.get("expand") or []):
                del invoice["payments"]  # includable: only there when asked for
            return 200, invoice
        match = re.fullmatch(r"/v1/subscriptions/([^/]+)", path)
        if match and method in ("GET", "DELETE"):
            subscription = self.subscriptions.get(match[1])
            if subscription is None:
                return _error(
                    404, "resource_missing", f"No such subscription: '{match[1]}'"
                )
            if method == "DELETE":
                if subscription["status"] == "canceled":
                    return _error(
                        400,
                        "resource_missing",
                        "A canceled subscription can only update its "
                        "cancellation_details and metadata.",
                    )
                subscription["status"] = "canceled"
            return 200, subscription
        if method == "POST" and path == "/v1/billing_portal/sessions":
            n = self._next()
            return 200, {
                "id": f"bps_test_fake{n:04d}",
                "object": "billing_portal.session",
                "customer": params.get("customer"),
                "return_url": params.get("return_url"),
                "url": f"https://billing.stripe.com/p/session/test_fake{n:04d}",
                "livemode": False,
            }
        return None

    def _create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        session_id = f"cs_test_fake{self._next():04d}"
        subtotal = sum(
            int(item["price_data"]["unit_amount"]) * int(item["quantity"])
            for item in params.get("line_items", [])
        )
        shipping = sum(
            int(option["shipping_rate_data"]["fixed_amount"]["amount"])
            for option in params.get("shipping_options", [])[:1]
        )
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params.get("mode"),
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "amount_subtotal": subtotal,
            "amount_total": subtotal + shipping,
            "currency": (params.get("line_items") or [{}])[0]
            .get("price_data", {})
            .get("currency", "usd"),
            "customer_email": params.get("customer_email"),
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata") or {},
            "payment_intent": None,
            "expires_at": int(params.get("expires_at") or 0),
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "livemode": False,
        }
        self.sessions[session_id] = session
        return session

    def _expand(self, session: dict[str, Any], expand: list[str]) -> dict[str, Any]:
        session = dict(session)
        intent = self.payment_intents.get(session.get("payment_intent") or "")
        if intent is not None and any(
            e == "payment_intent" or e.startswith("payment_intent.") for e in expand
        ):
            nested = [
                e.removeprefix("payment_intent.")
                for e in expand
                if e.startswith("payment_intent.")
            ]
            session["payment_intent"] = self._expand_intent(intent, nested)
        return session

    def _expand_intent(self, intent: dict[str, Any], expand: list[str]) -> dict:
        intent = json.loads(json.dumps(intent))
        charge = intent.get("latest_charge")
        if charge and not any(e.startswith("latest_charge") for e in expand):
            intent["latest_charge"] = charge["id"]
        elif charge and "latest_charge.balance_transaction" not in expand:
            charge["balance_transaction"] = charge["balance_transaction"]["id"]
        return intent


class RefusingStripe(stripe.HTTPClient):
    """Installed for every test by default: reaching Stripe is a test bug."""

    name = "refusing"

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        raise AssertionError(
            f"A test tried to reach Stripe ({method.upper()} {url}); use the "
            "fake_stripe fixture."
        )

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        self.request(method, url, headers, post_data)

    def close(self) -> None:
        pass


class UnreachableStripe(stripe.HTTPClient):
    """Stripe that never answers: each request is recorded, then times out."""

    name = "unreachable"

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        self.calls.append(f"{method.upper()} {urlsplit(url).path}")
        raise stripe.APIConnectionError(
            "Request to Stripe timed out (test double).", should_retry=False
        )

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        return self.request(method, url, headers, post_data)

    def close(self) -> None:
        pass
