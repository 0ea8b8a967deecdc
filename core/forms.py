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
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

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
