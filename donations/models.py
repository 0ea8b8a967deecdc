"""
Gifts and the Home fund.

- `Donor`: one per email address (compared without case).
- `RecurringGift`: a monthly gift (a Stripe subscription, or the local test
  gateway's stand-in); each month's charge is its own `Donation`.
- `Donation`: one gift or one monthly charge, online or recorded by staff
  (cash, check). Its money fields keep what the donor chose, what they added to
  cover the fee and what the processor kept, so the fund counts the net.
- `DonationPreset`: the amounts the donate page offers, edited by staff.
- `HomeFund` and `Milestone`: the goal the site shows progress toward. What has
  been raised is never stored: `donations.selectors` derives it from the records.

Writes live in `donations/services/`, reads in `donations/selectors.py`.
"""

import secrets
from decimal import Decimal
from typing import TypedDict

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.image_checks import validate_image_file
from core.uploads import StrippedImageField, UploadTo


class _MoneyArgs(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _MoneyArgs = {"max_digits": 10, "decimal_places": 2}


def new_reference() -> str:
    """The checkout reference of an online gift: unguessable, URL-safe."""
    return secrets.token_urlsafe(18)


class Frequency(models.TextChoices):
    ONE_TIME = "one_time", _("One time")
    MONTHLY = "monthly", _("Monthly")


class Dedication(models.TextChoices):
    NONE = "", _("No dedication")
    HONOR = "honor", _("In honor of")
    MEMORY = "memory", _("In memory of")


class DonationPreset(models.Model):
    """An amount button on the donate page."""

    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    display_order = models.PositiveSmallIntegerField(
        _("order on the page"), default=0, help_text=_("Lower numbers come first.")
    )
    is_active = models.BooleanField(
        _("shown on the donate page"),
        default=True,
    )

    class Meta:
        ordering = ["frequency", "display_order", "amount"]
        verbose_name = _("preset amount")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="donations_preset_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["frequency", "amount"], name="donations_preset_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"${self.amount:,.2f} ({self.get_frequency_display()})"


class Donor(models.Model):
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("first gift"), auto_now_add=True)

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("donor")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="donations_donor_email_ci"),
        ]

    def __str__(self) -> str:
        return self.name or self.email


class DonorChoices(models.Model):
    """What the donor chose on the donate form: a dedication, and how their name
    may appear. A monthly gift keeps them and copies them onto each month's gift."""

    dedication = models.CharField(
        _("dedication"),
        max_length=10,
        choices=Dedication.choices,
        default=Dedication.NONE,
        blank=True,
    )
    dedication_name = models.CharField(_("honoree"), max_length=200, blank=True)
    dedication_notify_email = models.EmailField(
        _("tell this person by email"), blank=True
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    show_on_wall = models.BooleanField(_("on the donor wall"), default=False)

    class Meta:
        abstract = True


class RecurringGift(DonorChoices):
    """A monthly gift: the promise; each month's charge is a `Donation`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting first payment")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment failed, retrying")
        CANCELLED = "cancelled", _("Canceled")

    donor = models.ForeignKey(
        Donor,
        on_delete=models.PROTECT,
        related_name="recurring_gifts",
        verbose_name=_("donor"),
    )
    reference = models.CharField(
        _("reference"), max_length=40, unique=True, default=new_reference
    )
    amount = models.DecimalField(_("monthly gift"), **MONEY)
    fee_covered = models.DecimalField(
        _("added to cover the fee"), **MONEY, default=Decimal("0")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # Filled when the gateway creates the subscription; NULL until then so that
    # the unique constraint lets several pending gifts wait.
    subscription_id = models.CharField(  # noqa: DJ001
        _("subscription id"), max_length=255, unique=True, null=True, blank=True
    )
    customer_id = models.CharField(_("customer id"), max_length=255, blank=True)
    checkout_session_id = models.CharField(  # noqa: DJ001
        _("checkout session id"), max_length=255, unique=True, null=True, blank=True
    )
    livemode = models.BooleanField(_("live mode"), default=False)
    next_charge_date = models.DateField(_("next charge"), null=True, blank=True)
    # When the gateway last told us the status: an older event arriving late
    # must not undo a newer one.
    status_changed_at = models.DateTimeField(_("status as of"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The donor was told it ended: one email, however many times it is cancelled.
    cancellation_email_sent_at = models.DateTimeField(
        _("cancellation email sent"), null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("monthly gift")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="donations_recurring_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(fee_covered__gte=0),
                name="donations_recurring_fee_covered_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"${self.amount:,.2f} monthly from {self.donor}"

    @property
    def charged_amount(self) -> Decimal:
        return self.amount + self.fee_covered


class DonationQuerySet(models.QuerySet["Donation"]):
    def counted(self) -> "DonationQuerySet":
        """Gifts whose money the home keeps: paid or partly refunded."""
        return self.filter(
            status__in=[Donation.Status.PAID, Donation.Status.PARTIALLY_REFUNDED]
        )


class Donation(DonorChoices):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partly refunded")
        NEEDS_REVIEW = "needs_review", _("Payment needs review")

    class Source(models.TextChoices):
        ONLINE = "online", _("Online")
        OFFLINE = "offline", _("Cash or check")

    class Method(models.TextChoices):
        CARD = "card", _("Card (online)")
        CASH = "cash", _("Cash")
        CHECK = "check", _("Check")

    Dedication = Dedication

    donor = models.ForeignKey(
        Donor,
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("donor"),
    )
    recurring_gift = models.ForeignKey(
        RecurringGift,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="donations",
        verbose_name=_("monthly gift"),
    )
    reference = models.CharField(
        _("reference"), max_length=40, unique=True, default=new_reference
    )
    frequency = models.CharField(
        _("frequency"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.ONE_TIME,
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ONLINE
    )
    method = models.CharField(
        _("paid by"), max_length=10, choices=Method.choices, default=Method.CARD
    )
    check_number = models.CharField(_("check number"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # The gift as the donor chose it, what they added so the home receives all of
    # it, and what the processor kept (NULL while not yet known).
    amount = models.DecimalField(_("gift"), **MONEY)
    fee_covered = models.DecimalField(
        _("added to cover the fee"), **MONEY, default=Decimal("0")
    )
    processor_fee = models.DecimalField(
        _("processor fee"), **MONEY, null=True, blank=True
    )
    amount_refunded = models.DecimalField(_("refunded"), **MONEY, default=Decimal("0"))
    # What the gateway reported when it did not match (status "needs review").
    amount_received = models.DecimalField(
        _("amount received"), **MONEY, null=True, blank=True
    )
    date = models.DateField(_("date of gift"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # Stripe's ids (or the local gateway's); NULL when none, so that "one
    # donation per checkout / per invoice" is a unique constraint.
    checkout_session_id = models.CharField(  # noqa: DJ001
        _("checkout session id"), max_length=255, unique=True, null=True, blank=True
    )
    invoice_id = models.CharField(  # noqa: DJ001
        _("invoice id"), max_length=255, unique=True, null=True, blank=True
    )
    payment_intent_id = models.CharField(
        _("payment intent id"), max_length=255, blank=True, db_index=True
    )
    charge_id = models.CharField(
        _("charge id"), max_length=255, blank=True, db_index=True
    )
    livemode = models.BooleanField(_("live mode"), default=False)
    dedication_notified_at = models.DateTimeField(
        _("honoree told"), null=True, blank=True
    )
    hidden_from_wall = models.BooleanField(
        _("hidden from the donor wall by staff"), default=False
    )
    send_receipt = models.BooleanField(_("send a receipt"), default=True)
    receipt_number = models.CharField(  # noqa: DJ001
        _("receipt number"), max_length=20, unique=True, null=True, blank=True
    )
    receipt_sent_at = models.DateTimeField(_("receipt sent"), null=True, blank=True)
    note = models.TextField(_("staff note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DonationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("donation")
        # Adding a gift in the admin records a cash or check gift (numbered and
        # receipted); exporting takes donors' details out of the site.
        permissions = [
            ("record_offline_donation", "Can record cash and check gifts"),
            ("export_donation", "Can export gifts as CSV"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="donations_donation_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(fee_covered__gte=0)
                & Q(amount_refunded__gte=0)
                & (Q(processor_fee__isnull=True) | Q(processor_fee__gte=0)),
                name="donations_donation_extras_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount") + F("fee_covered")),
                name="donations_donation_refund_not_above_charge",
            ),
        ]

    def __str__(self) -> str:
        return f"${self.amount:,.2f} from {self.donor}"

    @property
    def charged_amount(self) -> Decimal:
        """What the donor paid: the gift plus what they added for the fee."""
        return self.amount + self.fee_covered


class ReceiptSequence(models.Model):
    """The last receipt number given in a year (R-2026-000123)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("receipt sequence")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class HomeFund(models.Model):
    """The goal: building and running the Redeeming Hope home (one row)."""

    title = models.CharField(
        _("title"), max_length=200, default="The Redeeming Hope home"
    )
    goal_amount = models.DecimalField(_("goal"), **MONEY)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Markdown: ## headings, **bold**, lists, [links](https://…)."),
    )
    image = StrippedImageField(
        _("image"),
        upload_to=UploadTo("fund"),
        blank=True,
        validators=[validate_image_file],
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("image description"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Home fund")
        verbose_name_plural = _("Home fund")
        constraints = [
            models.CheckConstraint(
                condition=Q(goal_amount__gt=0), name="donations_fund_goal_positive"
            ),
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""),
                name="donations_fund_image_has_alt",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    fund = models.ForeignKey(
        HomeFund,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("fund"),
    )
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("reached at"), **MONEY)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["amount", "pk"]
        verbose_name = _("milestone")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="donations_milestone_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AnnualStatement(models.Model):
    """A year's giving statement sent to a donor: sent once per donor and year
    (unless staff ask to resend), so the yearly command is safe to run twice."""

    donor = models.ForeignKey(
        Donor,
        on_delete=models.CASCADE,
        related_name="statements",
        verbose_name=_("donor"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("total given"), **MONEY)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "donor"]
        verbose_name = _("annual giving statement")
        constraints = [
            models.UniqueConstraint(
                fields=["donor", "year"], name="donations_statement_once_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.donor}"
