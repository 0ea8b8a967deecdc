"""
The payments app's reads: which payments a job still has to look at, and our
record of a local test checkout or of the checkout that started a subscription.
"""

from django.db.models import QuerySet

from payments.models import CheckoutSession, InvoicePayment
from payments.validation import clean_checkout_session_id

Status = CheckoutSession.Status
# Statuses in which money has arrived: a late "failed" or "expired" must not undo
# them, a refund may be asked of them, and their fee is worth knowing.
MONEY_ARRIVED = (Status.PAID, Status.NEEDS_REVIEW, Status.REFUNDED)


def fee_pending() -> QuerySet[CheckoutSession]:
    """Stripe payments whose fee we have not learned yet."""
    return CheckoutSession.objects.filter(
        gateway=CheckoutSession.Gateway.STRIPE,
        status__in=MONEY_ARRIVED,
        fee__isnull=True,
    ).exclude(payment_intent_id="")


def invoice_fee_pending() -> QuerySet[InvoicePayment]:
    """Stripe invoices whose fee we have not learned yet (local ones have 0)."""
    return InvoicePayment.objects.filter(fee__isnull=True).exclude(
        invoice_id__startswith="in_local_"
    )


def local_session_get(session_id: object) -> CheckoutSession | None:
    """Our record of a local session; None for an unknown or malformed id."""
    session_id = clean_checkout_session_id(session_id, local=True)
    if not session_id:
        return None
    return CheckoutSession.objects.filter(
        session_id=session_id, gateway=CheckoutSession.Gateway.LOCAL
    ).first()


def session_of_subscription(
    subscription_id: str, *, lock: bool = False
) -> CheckoutSession | None:
    """The checkout that started a subscription, when we recorded it (with
    `lock`, locked until the transaction ends)."""
    if not subscription_id:
        return None
    records = CheckoutSession.objects.all()
    if lock:
        records = records.select_for_update()
    return (
        records.filter(subscription_id=subscription_id)
        .order_by("-created_at", "-pk")
        .first()
    )
