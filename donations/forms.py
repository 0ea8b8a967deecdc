"""
The donate form: validates and cleans what the donor sends. It never decides
what is charged: `donations.services.donation_start` computes that again from
the cleaned amount and the fee settings.

Works without JavaScript: the one-time and the monthly presets are two radio
groups, and the one that matches the chosen frequency is read (the script only
hides the other).
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import HoneypotForm, MoneyField
from core.money import format_money
from donations.models import Donation, DonationPreset, Frequency
from donations.services.gifts import GiftChoice

OTHER = "other"


def _preset_choices(presets: list[DonationPreset]) -> list[tuple[str, str]]:
    choices = [(f"{p.amount:.2f}", format_money(p.amount)) for p in presets]
    return [*choices, (OTHER, str(_("Other amount")))]


class DonateForm(HoneypotForm):
    frequency = forms.ChoiceField(
        label=_("How often would you like to give?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        initial=Frequency.ONE_TIME,
        error_messages={"required": _("Choose one time or monthly.")},
    )
    one_time_amount = forms.ChoiceField(
        label=_("Amount"),
        widget=forms.RadioSelect,
        required=False,
    )
    monthly_amount = forms.ChoiceField(
        label=_("Amount each month"),
        widget=forms.RadioSelect,
        required=False,
    )
    other_amount = MoneyField(label=_("Other amount, in dollars"), required=False)
    cover_fee = forms.BooleanField(
        label=_("Add the card processing fee so the home receives my whole gift"),
        required=False,
    )
    dedication = forms.ChoiceField(
        label=_("Dedicate this gift"),
        choices=Donation.Dedication.choices,
        widget=forms.RadioSelect,
        required=False,
        initial=Donation.Dedication.NONE,
    )
    dedication_name = forms.CharField(
        label=_("Name of the person you are honoring"),
        required=False,
        max_length=200,
    )
    dedication_notify_email = forms.EmailField(
        label=_("Email someone about your dedication (optional)"),
        help_text=_("We send them a short note with your name, never the amount."),
        required=False,
    )
    name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        error_messages={"required": _("Enter your name, for your receipt.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We email your receipt here."),
        error_messages={
            "required": _("Enter your email address, for your receipt."),
            "invalid": _("Enter an email address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    is_anonymous = forms.BooleanField(
        label=_("Give anonymously"),
        help_text=_("We will not show your name anywhere on the site."),
        required=False,
    )
    show_on_wall = forms.BooleanField(
        label=_("Show my name on the donor wall"),
        help_text=_("Only your name, never the amount."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        presets = list(DonationPreset.objects.filter(is_active=True))
        self.presets = {
            frequency: [p for p in presets if p.frequency == frequency]
            for frequency in Frequency.values
        }
        one_time = self.fields["one_time_amount"]
        monthly = self.fields["monthly_amount"]
        assert isinstance(one_time, forms.ChoiceField)
        assert isinstance(monthly, forms.ChoiceField)
        one_time.choices = _preset_choices(self.presets[Frequency.ONE_TIME])
        monthly.choices = _preset_choices(self.presets[Frequency.MONTHLY])
        for field in (one_time, monthly):
            field.error_messages["invalid_choice"] = _(
                "That amount is no longer offered. Choose another amount."
            )

    @staticmethod
    def _preset_field(frequency: str) -> str:
        if frequency == Frequency.MONTHLY:
            return "monthly_amount"
        return "one_time_amount"

    def _amount(self, frequency: str) -> tuple[Decimal | None, str]:
        """The amount asked for, and the field to attach an error to."""
        field = self._preset_field(frequency)
        choice = self.cleaned_data.get(field) or ""
        if not choice:
            if field not in self.errors:  # a removed preset has said so already
                self.add_error(field, _("Choose an amount, or enter another amount."))
            return None, field
        if choice != OTHER:
            # A preset was chosen: whatever is in the other box is not read.
            self.errors.pop("other_amount", None)
            return Decimal(choice), field
        if "other_amount" in self.errors:  # typed, but not an amount: said so
            return None, "other_amount"
        amount = self.cleaned_data.get("other_amount")
        if amount is None:
            self.add_error(
                "other_amount", _("Enter the amount you would like to give.")
            )
        return amount, "other_amount"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        frequency = cleaned.get("frequency")
        if frequency:
            amount, field = self._amount(frequency)
            minimum = settings.DONATION_MINIMUM
            maximum = settings.DONATION_MAXIMUM
            if amount is None:
                pass
            elif amount < minimum:
                self.add_error(
                    field,
                    _("The smallest gift we can take online is %(min)s.")
                    % {"min": format_money(minimum)},
                )
            elif amount > maximum:
                self.add_error(
                    field,
                    _(
                        "For a gift over %(max)s, please contact us so we can "
                        "help you give it."
                    )
                    % {"max": format_money(maximum)},
                )
            else:
                cleaned["amount"] = amount
        dedication_name = (cleaned.get("dedication_name") or "").strip()
        if cleaned.get("dedication") and not dedication_name:
            self.add_error(
                "dedication_name", _("Enter the name of the person you are honoring.")
            )
        return cleaned

    def gift_choice(self) -> GiftChoice:
        data = self.cleaned_data
        dedication = data.get("dedication") or ""
        return GiftChoice(
            frequency=data["frequency"],
            amount=data["amount"],
            cover_fee=bool(data.get("cover_fee")),
            email=data["email"],
            name=data["name"].strip(),
            is_anonymous=bool(data.get("is_anonymous")),
            show_on_wall=bool(data.get("show_on_wall")),
            dedication=dedication,
            dedication_name=(data.get("dedication_name") or "").strip()
            if dedication
            else "",
            dedication_notify_email=(data.get("dedication_notify_email") or "")
            if dedication
            else "",
        )
