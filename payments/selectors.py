"""
The payments app's reads: which payments a job still has to look at.
"""

from django.db.models import QuerySet

from payments.models import CheckoutSession, InvoicePayment

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
