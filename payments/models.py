"""
The payments app's own records: which checkout sessions it opened, which monthly
charges (invoices) were paid, and which Stripe events it has already processed
(so that a repeated event changes nothing).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# What each app's checkouts are for (the `kind` they register), in plain words
# for staff. An order's reference is its order number, which staff know; a
# gift's is a random token, so a gift's name leaves it out.
KIND_NAMES = {
    "order": _("Order"),
    "donation": _("One-time gift"),
    "recurring_gift": _("Monthly gift"),
}
PLAIN_REFERENCES = {"order"}


def payment_name(kind: str, reference: str) -> str:
    """ "Order RH-1042", "Monthly gift": what staff call a payment."""
    name = KIND_NAMES.get(kind)
    if name is None:
        return f"{kind} {reference}"
    if kind in PLAIN_REFERENCES:
        return f"{name} {reference}"
    return str(name)


class CheckoutSession(models.Model):
    """
    One Checkout Session opened at a gateway for one `kind` + `reference`.

    The gateway (Stripe, or the local test page) is the source of truth for
    whether money moved; this row is our log of what we asked for and what we
    were told, which the local test page and the admin read.
    """

    class Gateway(models.TextChoices):
        STRIPE = "stripe", _("Stripe")
        LOCAL = "local", _("Local test gateway")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        # Completed at Stripe with a delayed payment method (e.g. a bank debit):
        # waiting for async_payment_succeeded or async_payment_failed.
        PROCESSING = "processing", _("Processing")
        PAID = "paid", _("Paid")
        # Money arrived, but not the amount or currency we asked for (or the
        # gateway did not say how much, or we have no record to compare with):
        # never treated as paid; staff compare the two and decide.
        NEEDS_REVIEW = "needs_review", _("Payment needs review")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired or canceled")
        REFUNDED = "refunded", _("Refunded")

    kind = models.CharField(_("kind"), max_length=40)
    reference = models.CharField(_("reference"), max_length=100)
    session_id = models.CharField(_("session id"), max_length=255, unique=True)
    payment_intent_id = models.CharField(
        _("payment intent id"), max_length=255, blank=True, db_index=True
    )
    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    livemode = models.BooleanField(_("live mode"), default=False)
    currency = models.CharField(_("currency"), max_length=3)
    amount_total = models.DecimalField(
        _("amount total"), max_digits=10, decimal_places=2
    )
    shipping_amount = models.DecimalField(
        _("shipping"), max_digits=10, decimal_places=2, default=0
    )
    shipping_label = models.CharField(_("shipping label"), max_length=100, blank=True)
    tax_amount = models.DecimalField(
        _("tax"), max_digits=10, decimal_places=2, default=0
    )
    tax_label = models.CharField(_("tax label"), max_length=100, blank=True)
    # [{"name", "description", "unit_amount" (a decimal string), "quantity"}]
    line_items = models.JSONField(_("line items"), default=list)
    customer_email = models.EmailField(_("customer email"))
    url = models.URLField(_("payment page"), max_length=2000)
    success_url = models.URLField(_("success URL"), max_length=2000)
    cancel_url = models.URLField(_("cancel URL"), max_length=2000)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255)
    # What the gateway reported was paid, beside `amount_total` (what we asked
    # for), so that staff can compare them when a payment needs review.
    amount_received = models.DecimalField(
        _("amount received"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    currency_received = models.CharField(
        _("currency received"), max_length=3, blank=True
    )
    # None while the processor's fee is still to be fetched (off the request, by
    # a task, or by `manage.py payments_fetch_fees`, which counts its attempts).
    fee = models.DecimalField(
        _("processor fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_attempts = models.PositiveSmallIntegerField(_("fee lookups tried"), default=0)
    # Refunded so far (cumulative, as Stripe reports it); the status becomes
    # REFUNDED only when all of it is.
    amount_refunded = models.DecimalField(
        _("amount refunded"), max_digits=10, decimal_places=2, default=0
    )
    # Monthly gifts: "month" (else ""), and once paid the subscription and the
    # customer it created, so that later events (and local renewals) find what
    # this checkout was for even without metadata.
    recurring_interval = models.CharField(
        _("recurring interval"), max_length=10, blank=True
    )
    subscription_id = models.CharField(
        _("subscription id"), max_length=255, blank=True, db_index=True
    )
    customer_id = models.CharField(_("customer id"), max_length=255, blank=True)
    subscription_status = models.CharField(
        _("subscription status"), max_length=30, blank=True
    )
    current_period_end = models.DateTimeField(
        _("current period ends"), null=True, blank=True
    )
    # When the subscription change recorded above happened (the event's time):
    # an older event arriving later does not overwrite a newer one.
    subscription_changed_at = models.DateTimeField(
        _("subscription changed"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("checkout session")
        indexes = [models.Index(fields=["kind", "reference"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_total__gt=0), name="payments_session_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(shipping_amount__gte=0) & Q(tax_amount__gte=0),
                name="payments_session_extras_not_negative",
            ),
        ]

    def __str__(self) -> str:
        # Admin titles and breadcrumbs: the processor's id is not a name.
        return payment_name(self.kind, self.reference)

    @property
    def is_local(self) -> bool:
        return self.gateway == self.Gateway.LOCAL

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurring_interval)


class InvoicePayment(models.Model):
    """
    One paid monthly charge (a Stripe invoice) of a subscription we opened.

    Written when the charge is dispatched, so that its fee can be fetched
    afterwards and a refund of its charge (which names only the payment intent)
    finds whose gift it was. The fee task fills in the payment intent and charge.
    """

    class Status(models.TextChoices):
        PAID = "paid", _("Paid")
        NEEDS_REVIEW = "needs_review", _("Payment needs review")
        REFUNDED = "refunded", _("Refunded")

    kind = models.CharField(_("kind"), max_length=40)
    reference = models.CharField(_("reference"), max_length=100)
    invoice_id = models.CharField(_("invoice id"), max_length=255, unique=True)
    subscription_id = models.CharField(
        _("subscription id"), max_length=255, db_index=True
    )
    customer_id = models.CharField(_("customer id"), max_length=255, blank=True)
    payment_intent_id = models.CharField(
        _("payment intent id"), max_length=255, blank=True, db_index=True
    )
    charge_id = models.CharField(
        _("charge id"), max_length=255, blank=True, db_index=True
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PAID
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    amount_refunded = models.DecimalField(
        _("amount refunded"), max_digits=10, decimal_places=2, default=0
    )
    # None while the processor's fee is still to be fetched; 0 locally.
    fee = models.DecimalField(
        _("processor fee"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee_attempts = models.PositiveSmallIntegerField(_("fee lookups tried"), default=0)
    livemode = models.BooleanField(_("live mode"), default=False)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invoice payment")
        indexes = [models.Index(fields=["kind", "reference"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payments_invoice_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return payment_name(self.kind, self.reference)


class ProcessedEvent(models.Model):
    """A Stripe event we have handled; its id is unique, so it is handled once."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    # The id of the event's object (a Checkout Session "cs_..." or a Charge "ch_...").
    object_id = models.CharField(_("object id"), max_length=255, blank=True)
    livemode = models.BooleanField(_("live mode"), default=False)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("processed Stripe event")

    def __str__(self) -> str:
        return f"{self.event_id} ({self.type})"
