"""
A honeypot for the public forms: a field people never see and bots fill in.

Spam robots fill every field they find, above all one named like a web address.
People never see this one (templates/includes/honeypot.html hides it from eyes,
screen readers, the Tab key and autofill), so a value in it means a robot, or,
rarely, a browser extension that filled it anyway. Either way nothing is done:
the view answers 400 with the form's error summary saying, in plain words, what
happened and to send the form again (the field is rendered empty each time).
"""

import logging
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import AmountError, parse_money

logger = logging.getLogger(__name__)

HONEYPOT_FIELD = "website"
HONEYPOT_MESSAGE = _(
    "We could not accept this form: a hidden field that only spam robots see was "
    "filled in, perhaps by your browser's autofill. Nothing was saved or charged. "
    "Please check your details and send the form again."
)


def honeypot_filled(data: Any) -> bool:
    """True when the posted data (a QueryDict or dict) has the trap filled."""
    return bool(str(data.get(HONEYPOT_FIELD) or "").strip())


class HoneypotForm(forms.Form):
    """Base for public forms: adds the trap and refuses the form when it is filled.

    Subclasses that override `clean()` call `super().clean()` as usual.
    """

    # No length limit: a long value must not add a second, confusing error.
    website = forms.CharField(required=False)

    @property
    def honeypot_filled(self) -> bool:
        return self.is_bound and honeypot_filled(self.data)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.honeypot_filled:
            logger.warning("Spam trap filled on the %s form.", type(self).__name__)
            self.add_error(None, forms.ValidationError(HONEYPOT_MESSAGE, "honeypot"))
        return cleaned


class MoneyField(forms.Field):
    """An amount of dollars a visitor types, read as people write it (see
    `core.money.parse_money`): "$1,050.00" is 1050.00, and an ambiguous decimal
    comma ("10,50") is refused with a message that says how to write it. The
    cleaned value is a Decimal with two places (None when empty and optional).
    The form decides what range is acceptable, with its own words."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter an amount in dollars and cents, like 35 or 35.50."),
        "decimal_comma": _(
            "Write cents after a point, like 10.50. A comma separates thousands, "
            "like 1,050."
        ),
    }

    def to_python(self, value: Any) -> Decimal | None:
        text = "" if value is None else str(value)
        if not text.strip():
            return None
        try:
            return parse_money(text)
        except AmountError as error:
            raise forms.ValidationError(
                self.error_messages[error.code], code=error.code
            ) from None
