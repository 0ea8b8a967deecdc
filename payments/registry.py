"""
What an app asks of payments and what it is told back, and who gets told when
a checkout ends.

An app opens a payment page with one `CheckoutRequest` (its `LineItem`s) and
gets a `CheckoutRedirect`; each outcome reaches it as a `CheckoutOutcome`.
`payments` knows nothing of the shop or of donations. Each of them registers a
handler for its own *kind* in its `AppConfig.ready()`; the kind travels in the
Checkout Session's metadata, so when Stripe (or the local test gateway) reports
an outcome, payments looks the handler up here and hands it a `CheckoutOutcome`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal, Protocol, get_args

# What happened to a checkout; each is also the name of the handler method that
# hears of it.
# - paid: the amount and currency asked for were paid (for a monthly gift: the
#   subscription started; `subscription_id` and `customer_id` say which).
# - failed / expired: it ended unpaid (declined, abandoned, cancelled).
# - refunded: money was refunded, in full or in part: `amount_total` is what the
#   charge took, `amount_refunded` how much of it is refunded so far.
# - needs_review: money arrived, but not the amount or currency asked for (or the
#   gateway did not say how much): never treat it as paid; staff decide. With
#   `invoice_id` set it is one monthly charge that did not match.
# - fee_known: the processor's fee of an earlier payment (or, with `invoice_id`,
#   of one monthly charge), learned afterwards.
# Monthly gifts only (a `SubscriptionHandler`'s methods):
# - invoice_paid: one month's charge was paid, the first one included.
# - invoice_failed: one month's charge failed (the gateway retries it).
# - subscription_updated: the subscription changed (`subscription_status`,
#   `current_period_end`); compare `occurred_at`, as events arrive out of order.
# - subscription_cancelled: the subscription ended; no more charges.
Action = Literal[
    "paid",
    "failed",
    "expired",
    "refunded",
    "needs_review",
    "fee_known",
    "invoice_paid",
    "invoice_failed",
    "subscription_updated",
    "subscription_cancelled",
]
ACTIONS: tuple[Action, ...] = get_args(Action)
SUBSCRIPTION_ACTIONS: tuple[Action, ...] = (
    "invoice_paid",
    "invoice_failed",
    "subscription_updated",
    "subscription_cancelled",
)


# How long a payment page lives. Stripe accepts 30 minutes to 24 hours; the shop
# holds stock no longer than this.
CHECKOUT_LIFETIME = timedelta(minutes=30)
# The smallest amount the card processor takes in one payment (Stripe's minimum
# for US dollars). Callers refuse a checkout below it before they make anything.
MINIMUM_CHARGE = Decimal("0.50")


@dataclass(frozen=True, kw_only=True)
class LineItem:
    name: str
    unit_amount: Decimal  # dollars, > 0
    quantity: int  # >= 1
    description: str = ""

    @property
    def amount(self) -> Decimal:
        return self.unit_amount * self.quantity


@dataclass(frozen=True, kw_only=True)
class CheckoutRequest:
    kind: str  # whose checkout: the registry's key ("order", "donation")
    reference: str  # the caller's own reference, handed back in every outcome
    line_items: tuple[LineItem, ...]
    customer_email: str
    success_url: str  # absolute; may contain "{CHECKOUT_SESSION_ID}"
    cancel_url: str  # absolute
    total: Decimal  # what the caller computed: lines + shipping + tax
    shipping_amount: Decimal = Decimal("0")
    shipping_label: str = ""
    tax_amount: Decimal = Decimal("0")
    tax_label: str = ""
    expires_in: timedelta = CHECKOUT_LIFETIME
    # "month": a monthly gift (a Stripe subscription charging `total` each
    # month, with no shipping or tax); None: a one-time payment.
    recurring_interval: Literal["month"] | None = None

    @property
    def computed_total(self) -> Decimal:
        lines = sum((item.amount for item in self.line_items), Decimal("0"))
        return lines + self.shipping_amount + self.tax_amount


@dataclass(frozen=True, kw_only=True)
class CheckoutRedirect:
    session_id: str
    url: str  # where to send the buyer: Stripe's hosted page or the local test page
    # When the page closes by itself (Stripe's expires_at): whatever the caller
    # holds for this payment must outlast it (the shop's stock hold does).
    expires_at: datetime


@dataclass(frozen=True, kw_only=True)
class CheckoutOutcome:
    """One thing that happened to a checkout, built once and handed on as it is."""

    action: Action
    kind: str  # "order" (shop) | "donation" | "recurring_gift"
    reference: str  # the creating app's own reference (shop: Order.number)
    session_id: str = ""  # "cs_..." (Stripe) or "cs_local_..." (local gateway)
    payment_intent_id: str = ""  # "" when unknown
    # What the gateway reports was paid (for "refunded": what the charge took),
    # in dollars (None: it did not say).
    amount_total: Decimal | None = None
    # What we asked for when we opened the checkout (None: no record of it).
    amount_expected: Decimal | None = None
    currency: str = ""  # ISO code, lower case, as the gateway reported it
    # The processor's fee when known; Decimal("0") for the local gateway; None
    # while it is still to be fetched (a `fee_known` outcome follows).
    fee: Decimal | None = None
    event_id: str = ""  # Stripe event id; "" from a success page or the local gateway
    livemode: bool = False
    # Monthly gifts: "sub_..." / "cus_..." / "in_..." ("..._local_..." locally).
    subscription_id: str = ""
    customer_id: str = ""
    invoice_id: str = ""
    # Stripe's subscription status: active, past_due, canceled, unpaid,
    # incomplete, incomplete_expired, trialing, paused ("" when not said).
    subscription_status: str = ""
    # When the current period ends: the next charge (aware; None when not said).
    current_period_end: datetime | None = None
    # When the gateway says it happened (a Stripe event's `created`, aware); for
    # ordering events that arrive out of order. None from success pages.
    occurred_at: datetime | None = None
    # "refunded" only: the charge's cumulative refunded amount, in dollars.
    amount_refunded: Decimal | None = None


class CheckoutHandler(Protocol):
    """
    Handlers MUST be idempotent: the same outcome may arrive twice (webhook and
    success page, retried events). An exception raised by a handler makes the
    webhook answer 500 so that Stripe retries, and the event is not recorded as
    processed (recording and handling share one transaction).
    """

    def paid(self, outcome: CheckoutOutcome) -> None: ...

    def failed(self, outcome: CheckoutOutcome) -> None: ...

    def expired(self, outcome: CheckoutOutcome) -> None: ...

    def refunded(self, outcome: CheckoutOutcome) -> None: ...

    def needs_review(self, outcome: CheckoutOutcome) -> None: ...

    def fee_known(self, outcome: CheckoutOutcome) -> None: ...


class SubscriptionHandler(CheckoutHandler, Protocol):
    """
    A handler that also hears of monthly gifts after they start. A handler
    without these methods is told nothing of subscriptions (logged, skipped).
    The same rules apply: idempotent, and an exception makes Stripe retry.
    """

    def invoice_paid(self, outcome: CheckoutOutcome) -> None: ...

    def invoice_failed(self, outcome: CheckoutOutcome) -> None: ...

    def subscription_updated(self, outcome: CheckoutOutcome) -> None: ...

    def subscription_cancelled(self, outcome: CheckoutOutcome) -> None: ...


_handlers: dict[str, CheckoutHandler] = {}


def register_checkout_handler(kind: str, handler: CheckoutHandler) -> None:
    """
    Register the handler for a kind (call it from `AppConfig.ready()`).

    Registering the same handler again is a no-op; registering a different
    handler for a kind that already has one is a programming error, because two
    apps would then both believe they own the same checkouts.
    """
    if not kind or not isinstance(kind, str):
        raise ValueError("A checkout kind must be a non-empty string.")
    current = _handlers.get(kind)
    if current is not None and current is not handler:
        raise ValueError(f"A checkout handler is already registered for {kind!r}.")
    _handlers[kind] = handler


def unregister_checkout_handler(kind: str) -> CheckoutHandler | None:
    """Remove and return the handler for a kind (tests use it to clean up)."""
    return _handlers.pop(kind, None)


def get_checkout_handler(kind: str) -> CheckoutHandler:
    """The handler registered for `kind`; `LookupError` when there is none."""
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"No checkout handler is registered for {kind!r}.") from None
