"""Promo codes staff create: a percentage or a fixed amount off the goods."""

from datetime import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import ZERO, round_money
from shop.models.catalog import MONEY


def normalize_code(code: str) -> str:
    """A promo code as stored and as looked up: spaces and capitals do not
    matter ("wear blue", "WEAR BLUE" and "wearblue" are one code). The admin,
    the model and the cart all read a code through this one function."""
    return "".join(code.split()).upper()[:40]


class PromoCode(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off the goods")
        FIXED = "fixed", _("Fixed amount off the goods")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_(
            "What buyers type, e.g. WEARBLUE10. Spaces and capitals do not "
            "matter: WEAR BLUE 10, wear blue 10 and wearblue10 all match it."
        ),
    )
    kind = models.CharField(_("type of discount"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(
        _("value"), **MONEY, help_text=_("10 is 10% (percentage) or $10.00 (fixed).")
    )
    is_active = models.BooleanField(_("active"), default=True)
    starts_at = models.DateTimeField(_("valid from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    minimum_order = models.DecimalField(
        _("minimum order"),
        **MONEY,
        default=ZERO,
        help_text=_("Goods of at least this much before the discount."),
    )
    max_uses = models.PositiveIntegerField(
        _("uses in all"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    max_uses_per_email = models.PositiveIntegerField(
        _("uses per email address"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("promo code")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0)
                & (Q(kind="fixed") | Q(value__lte=100))
                & Q(minimum_order__gte=0),
                name="shop_promocode_value_range",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: object, **kwargs: object) -> None:
        self.code = normalize_code(self.code)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        # Before the admin checks the code is unique: "wear blue" is WEARBLUE.
        self.code = normalize_code(self.code)

    def is_current(self, now: datetime) -> bool:
        return (self.starts_at is None or self.starts_at <= now) and (
            self.ends_at is None or now < self.ends_at
        )

    def discount_for(self, subtotal: Decimal, *, units: int = 1) -> Decimal:
        """What comes off goods worth `subtotal`: never all of it (every item
        still costs at least a cent, so the payment page can show it)."""
        if self.kind == self.Kind.PERCENT:
            discount = round_money(subtotal * self.value / 100)
        else:
            discount = self.value
        return max(min(discount, subtotal - Decimal("0.01") * max(units, 1)), ZERO)
