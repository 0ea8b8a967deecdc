"""The refund form of the order admin, and the signed choice its confirmation
page carries.

It starts from what is refunded, as a shop's staff think of it: nothing is
chosen until staff type how many of an item go back (and check the shipping);
a whole-order refund is its own checkbox, never preselected, and typing
quantities for only some items beside it is an error, not the whole order.
What staff chose is shown on a confirmation page with its amount, and only
that page's signed copy of the choice (the `token`) can make the refund: a
changed or stale one is refused.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from core.money import format_money, to_minor_units
from shop.models import Order, OrderLine

# A confirmation page older than this is stale: review the refund again.
CONFIRM_MAX_AGE_SECONDS = 30 * 60
_SALT = "shop.admin.order-refund"


@dataclass(frozen=True)
class RefundChoice:
    """What staff chose to refund: `quantities` None for the whole order."""

    quantities: dict[int, int] | None
    shipping: bool
    restock: tuple[int, ...]
    reason: str


class RefundForm(forms.Form):
    """Per line left to refund: how many (`line_<id>`) and whether they go back
    in stock (`restock_<id>`); the shipping; the whole order; a reason."""

    whole = forms.BooleanField(required=False)
    shipping = forms.BooleanField(required=False)
    reason = forms.CharField(
        label=_("Reason (for staff)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Why the money went back. The buyer does not see it."),
    )

    def __init__(
        self,
        *args: Any,
        lines: list[tuple[OrderLine, int]],
        whole_amount: Decimal,
        shipping_left: Decimal,
        **kwargs: Any,
    ) -> None:
        """`lines`: (order line, how many can still be refunded)."""
        super().__init__(*args, **kwargs)
        self.line_fields: list[tuple[OrderLine, int, str, str]] = []
        for line, left in lines:
            if left <= 0:
                continue
            quantity, restock = f"line_{line.pk}", f"restock_{line.pk}"
            self.fields[quantity] = forms.IntegerField(
                label=_("Refund how many of %(item)s (up to %(left)s)")
                % {"item": line.description, "left": left},
                min_value=0,
                max_value=left,
                required=False,
                error_messages={
                    "invalid": _("Enter a whole number, like 1."),
                    "min_value": _("Enter 0 or more."),
                    "max_value": _("Only %(limit_value)s can still be refunded."),
                },
                widget=forms.NumberInput(
                    attrs={
                        "class": "refund-quantity",
                        "data-unit-cents": str(to_minor_units(line.unit_price)),
                        "data-left": str(left),
                        "data-line": str(line.pk),
                        "inputmode": "numeric",
                    }
                ),
            )
            self.fields[restock] = forms.BooleanField(
                label=_("Put back in stock"), required=False
            )
            self.line_fields.append((line, left, quantity, restock))
        self.fields["whole"].label = _(
            "Refund the whole order: everything not refunded yet, with shipping "
            "and sales tax (%(amount)s)"
        ) % {"amount": format_money(whole_amount)}
        self.shipping_left = shipping_left
        if shipping_left > 0:
            self.fields["shipping"].label = _(
                "Refund the shipping too (%(amount)s, with its sales tax)"
            ) % {"amount": format_money(shipping_left)}
        else:
            del self.fields["shipping"]
        # The order in which the template shows them, and error messages read.
        self.order_fields(
            [name for _l, _n, q, r in self.line_fields for name in (q, r)]
            + ["shipping", "whole", "reason"]
        )

    @property
    def rows(self) -> list[tuple[OrderLine, int, Any, Any]]:
        """(line, how many left, quantity field, restock field), for the table."""
        return [
            (line, left, self[quantity], self[restock])
            for line, left, quantity, restock in self.line_fields
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = {
            line.pk: data.get(quantity) or 0
            for line, _left, quantity, _restock in self.line_fields
        }
        if data.get("whole"):
            partial = [
                line.description
                for line, left, _quantity, _restock in self.line_fields
                if typed[line.pk] not in (0, left)
            ]
            if partial:
                raise forms.ValidationError(
                    _(
                        "You checked the whole order but typed fewer items than are "
                        "left of %(items)s. Uncheck the whole order to refund only "
                        "some items, or clear those quantities."
                    )
                    % {"items": ", ".join(partial)}
                )
        elif not any(typed.values()) and not data.get("shipping"):
            raise forms.ValidationError(
                _(
                    "Choose what to refund: type how many of an item, check the "
                    "shipping, or check the whole order."
                )
            )
        for line, _left, _quantity, restock in self.line_fields:
            if data.get(restock) and not typed[line.pk] and not data.get("whole"):
                self.add_error(
                    restock,
                    _(
                        "Type how many of %(item)s to refund first: only refunded "
                        "items go back in stock."
                    )
                    % {"item": line.description},
                )
        return data

    def choice(self) -> RefundChoice:
        data = self.cleaned_data
        whole = bool(data.get("whole"))
        return RefundChoice(
            quantities=None
            if whole
            else {
                line.pk: data.get(quantity) or 0
                for line, _left, quantity, _restock in self.line_fields
                if data.get(quantity)
            },
            shipping=whole or bool(data.get("shipping")),
            restock=tuple(
                line.pk
                for line, _left, quantity, restock in self.line_fields
                if data.get(restock) and (whole or data.get(quantity))
            ),
            reason=data.get("reason", "").strip(),
        )


class ConfirmationRefused(Exception):
    """A confirmation that was changed, made for another order, or is too old."""


def confirmation_token(
    *, order: Order, choice: RefundChoice, amount: Decimal, refunded: Decimal
) -> str:
    """The choice, its amount and the order's refunds so far, signed and dated:
    what the confirmation page sends back."""
    return signing.dumps(
        {
            "order": order.pk,
            "quantities": None
            if choice.quantities is None
            else {str(pk): q for pk, q in choice.quantities.items()},
            "shipping": choice.shipping,
            "restock": list(choice.restock),
            "reason": choice.reason,
            "amount": str(amount),
            "refunded": str(refunded),
        },
        salt=_SALT,
        compress=True,
    )


@dataclass(frozen=True)
class Confirmation:
    choice: RefundChoice
    amount: Decimal
    refunded: Decimal  # the order's refunds when it was shown


def confirmation_read(token: str, *, order: Order) -> Confirmation:
    """The confirmed choice; `ConfirmationRefused` when the token was changed,
    names another order or is older than `CONFIRM_MAX_AGE_SECONDS`."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=CONFIRM_MAX_AGE_SECONDS)
    except signing.SignatureExpired as error:
        raise ConfirmationRefused(
            _(
                "This confirmation is more than 30 minutes old. Nothing was "
                "refunded: review the refund again."
            )
        ) from error
    except signing.BadSignature as error:
        raise ConfirmationRefused(
            _("This confirmation was changed or is not valid. Nothing was refunded.")
        ) from error
    if not isinstance(data, dict) or data.get("order") != order.pk:
        raise ConfirmationRefused(
            _("This confirmation is for another order. Nothing was refunded.")
        )
    quantities = data["quantities"]
    return Confirmation(
        choice=RefundChoice(
            quantities=None
            if quantities is None
            else {int(pk): int(q) for pk, q in quantities.items()},
            shipping=bool(data["shipping"]),
            restock=tuple(int(pk) for pk in data["restock"]),
            reason=str(data["reason"]),
        ),
        amount=Decimal(data["amount"]),
        refunded=Decimal(data["refunded"]),
    )
