"""
The local test gateway: a test payment page on this site, for development,
demos and tests, used when there is no Stripe key and `PAYMENTS_LOCAL_GATEWAY`
is on (the default only with `DEBUG`).

Its Pay, Decline and Cancel buttons report through `checkout_dispatch` exactly
as a Stripe webhook would, so it exercises the real fulfilment code. It refuses
to run when not enabled, so a production site can never take free orders.

A monthly gift's Pay starts a local subscription ("sub_local_...", customer
"cus_local_...") and pays its first month ("in_local_..."), as Stripe's
`checkout.session.completed` and first `invoice.paid` would; the later months
are played by `local_subscription_charge` (or `manage.py payments_local_renew`).
"""

import calendar
import logging
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Literal
from urllib.parse import urljoin

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import to_minor_units
from payments import gateways
from payments.errors import PaymentError
from payments.models import CheckoutSession, InvoicePayment
from payments.registry import CheckoutOutcome
from payments.selectors import local_session_get
from payments.services.dispatch import checkout_dispatch
from payments.services.invoices import CANCELED
from payments.services.recording import payment_outcome
from payments.validation import (
    LOCAL_SESSION_PREFIX,
    clean_checkout_session_id,
    clean_id,
)

logger = logging.getLogger(__name__)

LocalAction = Literal["pay", "decline", "cancel"]
LOCAL_ACTIONS: tuple[LocalAction, ...] = ("pay", "decline", "cancel")
LOCAL_SUBSCRIPTION_PREFIX = "sub_local_"
Status = CheckoutSession.Status


def local_gateway_enabled() -> bool:
    """The local test gateway runs only without Stripe keys and when allowed."""
    return not gateways.stripe_enabled() and bool(settings.PAYMENTS_LOCAL_GATEWAY)


def unavailable_message() -> str:
    return _("Online payment is not available right now. Please try again later.")


@dataclass(frozen=True, kw_only=True)
class LocalSession:
    """The ids and page of a new local checkout session."""

    session_id: str
    payment_intent_id: str
    url: str


def local_session_new(*, base_url: str) -> LocalSession:
    """Fresh ids for a local session, its page on the host of `base_url`."""
    token = secrets.token_hex(16)
    session_id = f"{LOCAL_SESSION_PREFIX}{token}"
    return LocalSession(
        session_id=session_id,
        payment_intent_id=f"pi_local_{token}",
        url=urljoin(base_url, reverse("payments:local-checkout", args=[session_id])),
    )


@dataclass(frozen=True)
class LocalCheckoutResult:
    session: CheckoutSession
    applied: bool  # False: the session was no longer open (expired, completed)

    @property
    def redirect_url(self) -> str:
        if self.session.status == Status.PAID:
            return self.session.success_url.replace(
                "{CHECKOUT_SESSION_ID}", self.session.session_id
            )
        return self.session.cancel_url


def local_checkout_is_expired(session: CheckoutSession) -> bool:
    return session.status == Status.EXPIRED or (
        session.status == Status.OPEN and session.expires_at <= timezone.now()
    )


def add_month(moment: datetime) -> datetime:
    """The same day next month (the month's last day when it has fewer days)."""
    year, month = moment.year + moment.month // 12, moment.month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def local_subscription_ids(session: CheckoutSession) -> tuple[str, str]:
    """(subscription id, customer id) of a local monthly session: made from its
    own id, so that paying it twice starts one subscription."""
    if session.subscription_id:
        return session.subscription_id, session.customer_id
    token = session.session_id.removeprefix(LOCAL_SESSION_PREFIX)
    return f"sub_local_{token}", f"cus_local_{token}"


def _paid_outcome(session: CheckoutSession) -> CheckoutOutcome:
    """The local gateway "receives" exactly what our record asked, with no fee."""
    subscription_id, customer_id = (
        local_subscription_ids(session) if session.is_recurring else ("", "")
    )
    outcome = payment_outcome(
        record=session,
        kind=session.kind,
        reference=session.reference,
        session_id=session.session_id,
        payment_intent_id=session.payment_intent_id,
        amount=to_minor_units(session.amount_total),
        currency=session.currency,
        fee=Decimal("0"),
        subscription_id=subscription_id,
        customer_id=customer_id,
    )
    if session.is_recurring:
        period_end = session.current_period_end or add_month(timezone.now())
        outcome = replace(
            outcome, subscription_status="active", current_period_end=period_end
        )
    return outcome


def local_invoice_outcome(
    session: CheckoutSession, *, succeed: bool, period_end: datetime | None
) -> CheckoutOutcome:
    """
    The next monthly charge of a local subscription: "invoice_paid" (fee 0)
    or "invoice_failed". Its invoice id counts the months paid, so a failed
    month charged again keeps its id, as a Stripe invoice retried does.
    """
    subscription_id, customer_id = local_subscription_ids(session)
    paid_months = InvoicePayment.objects.filter(subscription_id=subscription_id)
    token = subscription_id.removeprefix("sub_local_")
    invoice_id = f"in_local_{token}_{paid_months.count() + 1:03d}"
    now = timezone.now()
    if not succeed:
        return CheckoutOutcome(
            action="invoice_failed",
            kind=session.kind,
            reference=session.reference,
            session_id=session.session_id,
            subscription_id=subscription_id,
            customer_id=customer_id,
            invoice_id=invoice_id,
            amount_total=session.amount_total,
            amount_expected=session.amount_total,
            currency=session.currency,
            current_period_end=session.current_period_end,
            occurred_at=now,
        )
    outcome = payment_outcome(
        record=session,
        kind=session.kind,
        reference=session.reference,
        session_id=session.session_id,
        payment_intent_id="",
        amount=to_minor_units(session.amount_total),
        currency=session.currency,
        fee=Decimal("0"),
        paid_action="invoice_paid",
        subscription_id=subscription_id,
        customer_id=customer_id,
        invoice_id=invoice_id,
        occurred_at=now,
    )
    return replace(outcome, current_period_end=period_end)


def _ended_outcome(
    session: CheckoutSession, action: Literal["failed", "expired"]
) -> CheckoutOutcome:
    return CheckoutOutcome(
        action=action,
        kind=session.kind,
        reference=session.reference,
        session_id=session.session_id,
        payment_intent_id=session.payment_intent_id,
        amount_expected=session.amount_total,
        currency=session.currency,
    )


def local_checkout_complete(
    *, session_id: str, action: LocalAction
) -> LocalCheckoutResult:
    """
    The buyer pressed Pay, Decline or Cancel on the local test page.

    Pay -> paid (fee 0), Decline -> failed, Cancel -> expired, each through
    `checkout_dispatch`. Pay on a session already paid changes nothing and
    reports success again (a double click pays once); anything else on a
    session that is no longer open is refused. A session past its expiry is
    expired here, as Stripe would have done.

    Raises `PaymentError` when the local gateway is not enabled and
    `CheckoutSession.DoesNotExist` for an unknown or malformed id.
    """
    if not local_gateway_enabled():
        raise PaymentError(unavailable_message())
    if action not in LOCAL_ACTIONS:
        raise ValueError(f"Unknown local checkout action {action!r}.")
    if not clean_checkout_session_id(session_id, local=True):
        raise CheckoutSession.DoesNotExist(session_id)
    with transaction.atomic():
        session = CheckoutSession.objects.select_for_update().get(
            session_id=session_id, gateway=CheckoutSession.Gateway.LOCAL
        )
        if session.status == Status.OPEN and local_checkout_is_expired(session):
            outcome = _ended_outcome(session, "expired")
            applied = False
        elif session.status == Status.PAID and action == "pay":
            return LocalCheckoutResult(session=session, applied=True)
        elif session.status != Status.OPEN:
            return LocalCheckoutResult(session=session, applied=False)
        elif action == "pay":
            outcome = _paid_outcome(session)
            if session.is_recurring and outcome.action == "paid":
                checkout_dispatch(outcome)
                session.refresh_from_db()
                # The first month, as Stripe's first invoice.paid would say.
                outcome = local_invoice_outcome(
                    session, succeed=True, period_end=session.current_period_end
                )
            applied = True
        else:
            outcome = _ended_outcome(
                session, "failed" if action == "decline" else "expired"
            )
            applied = True
        checkout_dispatch(outcome)
        session.refresh_from_db()
    return LocalCheckoutResult(session=session, applied=applied)


def local_payment_record(
    *,
    kind: str,
    reference: str,
    amount: Decimal,
    customer_email: str,
    session_id: str = "",
) -> CheckoutSession:
    """
    Our record of a payment taken by the local test gateway without its page:
    the demo's orders, paid as if their buyers had pressed Pay. It is what
    the page leaves behind (a paid local session, no fee), so these payments
    are refunded like any other local one. Made once per `session_id` (a new
    one when empty); the caller tells its app that it was paid.
    """
    if not isinstance(amount, Decimal) or amount <= 0:
        raise ValueError(f"A payment needs a positive Decimal amount, not {amount!r}.")
    base = settings.SITE_URL or "http://127.0.0.1:8000"
    local = local_session_new(base_url=base)
    now = timezone.now()
    record, _created = CheckoutSession.objects.get_or_create(
        session_id=session_id or local.session_id,
        defaults={
            "kind": kind,
            "reference": reference,
            "payment_intent_id": local.payment_intent_id,
            "gateway": CheckoutSession.Gateway.LOCAL,
            "status": Status.PAID,
            "currency": settings.CURRENCY,
            "currency_received": settings.CURRENCY.lower(),
            "amount_total": amount,
            "amount_received": amount,
            "fee": Decimal("0"),
            "customer_email": customer_email,
            "url": local.url,
            "success_url": base,
            "cancel_url": base,
            "idempotency_key": f"local-{kind}-{reference}",
            "expires_at": now,
            "completed_at": now,
        },
    )
    return record


def local_checkout_confirm(*, session_id: str) -> CheckoutOutcome | None:
    """For success pages: the paid outcome of a paid local session, else None."""
    if not local_gateway_enabled():
        return None
    session = local_session_get(session_id)
    if session is None or session.status != Status.PAID:
        return None
    return checkout_dispatch(_paid_outcome(session))


# ---------------------------------------------------------------------------
# Monthly gifts after the first month
# ---------------------------------------------------------------------------
def cancelled_message() -> str:
    return _("This monthly gift is cancelled, so nothing was charged.")


def _locked_subscription(subscription_id: str) -> CheckoutSession:
    """Our record of a local subscription, locked; DoesNotExist when unknown."""
    if not clean_id(subscription_id, prefix=LOCAL_SUBSCRIPTION_PREFIX):
        raise CheckoutSession.DoesNotExist(subscription_id)
    return CheckoutSession.objects.select_for_update().get(
        subscription_id=subscription_id, gateway=CheckoutSession.Gateway.LOCAL
    )


def local_subscription_charge(
    *, subscription_id: str, succeed: bool
) -> CheckoutOutcome:
    """
    Play the next month of a local monthly gift: the charge succeeds
    ("invoice_paid", fee 0, the period moved on a month) or fails
    ("invoice_failed"; charged again, the same invoice is then paid). Returns
    the outcome dispatched.

    Raises `PaymentError` when the local gateway is not enabled or the gift is
    cancelled, `CheckoutSession.DoesNotExist` for an unknown subscription.
    """
    if not local_gateway_enabled():
        raise PaymentError(unavailable_message())
    with transaction.atomic():
        session = _locked_subscription(subscription_id)
        if session.subscription_status == CANCELED:
            raise PaymentError(cancelled_message())
        period_end = None
        if succeed:
            period_end = add_month(session.current_period_end or timezone.now())
            session.current_period_end = period_end
            session.subscription_status = "active"
            session.save(update_fields=["current_period_end", "subscription_status"])
        outcome = local_invoice_outcome(session, succeed=succeed, period_end=period_end)
        return checkout_dispatch(outcome)


def local_subscription_cancel(*, subscription_id: str) -> CheckoutOutcome | None:
    """
    Cancel a local monthly gift: "subscription_cancelled" is dispatched the
    first time only (None afterwards). `CheckoutSession.DoesNotExist` for an
    unknown subscription.
    """
    with transaction.atomic():
        session = _locked_subscription(subscription_id)
        if session.subscription_status == CANCELED:
            logger.info("Local subscription %s is already canceled.", subscription_id)
            return None
        return checkout_dispatch(
            CheckoutOutcome(
                action="subscription_cancelled",
                kind=session.kind,
                reference=session.reference,
                session_id=session.session_id,
                subscription_id=session.subscription_id,
                customer_id=session.customer_id,
                subscription_status=CANCELED,
                current_period_end=session.current_period_end,
                amount_expected=session.amount_total,
                currency=session.currency,
                occurred_at=timezone.now(),
            )
        )
