"""
Who gets told when a checkout ends.

`payments` knows nothing of the shop or of donations. Each of them registers a
handler for its own *kind* in its `AppConfig.ready()`; the kind travels in the
Checkout Session's metadata, so when Stripe (or the local test gateway) reports
an outcome, payments looks the handler up here and hands it a `CheckoutOutcome`.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

# What happened to a checkout; each is also the name of the handler method that
# hears of it.
# - paid: the amount and currency asked for were paid.
# - failed / expired: it ended unpaid (declined, abandoned, cancelled).
# - refunded: the payment was refunded in full.
# - needs_review: money arrived, but not the amount or currency asked for (or the
#   gateway did not say how much): never treat it as paid; staff decide.
# - fee_known: the processor's fee of an earlier payment, learned afterwards.
Action = Literal["paid", "failed", "expired", "refunded", "needs_review", "fee_known"]
ACTIONS: tuple[Action, ...] = (
    "paid",
    "failed",
    "expired",
    "refunded",
    "needs_review",
    "fee_known",
)


@dataclass(frozen=True, kw_only=True)
class CheckoutOutcome:
    """One thing that happened to a checkout, built once and handed on as it is."""

    action: Action
    kind: str  # "order" (shop) | "donation"
    reference: str  # the creating app's own reference (shop: Order.number)
    session_id: str = ""  # "cs_..." (Stripe) or "cs_local_..." (local gateway)
    payment_intent_id: str = ""  # "" when unknown
    # What the gateway reports was paid, in dollars (None: it did not say).
    amount_total: Decimal | None = None
    # What we asked for when we opened the checkout (None: no record of it).
    amount_expected: Decimal | None = None
    currency: str = ""  # ISO code, lower case, as the gateway reported it
    # The processor's fee when known; Decimal("0") for the local gateway; None
    # while it is still to be fetched (a `fee_known` outcome follows).
    fee: Decimal | None = None
    event_id: str = ""  # Stripe event id; "" from a success page or the local gateway
    livemode: bool = False


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
