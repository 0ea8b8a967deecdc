"""Forms validate and clean what the buyer sends; prices never come from them."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import HoneypotForm
from shop.cart import MAX_QUANTITY
from shop.models import Order, Product, StockAdjustment, Variant
from shop.services.quoting import CheckoutData
from shop.services.shipping import PACK_AND_SHIP
from shop.us import STATE_CHOICES, normalize_zip

QUANTITY_MESSAGES = {
    "required": _("Enter a quantity."),
    "invalid": _("Enter the quantity as a whole number, like 2."),
    "min_value": _("Enter a quantity of at least 1."),
    "max_value": _("You can order at most %(limit_value)s of one item."),
}


def quantity_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        error_messages=QUANTITY_MESSAGES,
        **kwargs,
    )


class AddToCartForm(HoneypotForm):
    """Which variant and how many. Only the variant's id and a quantity are read:
    any price or total in the POST is ignored."""

    variant = forms.ModelChoiceField(
        queryset=Variant.objects.none(),
        label=_("Choose an option"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose an option."),
            "invalid_choice": _("Choose one of the options shown."),
        },
    )
    quantity = quantity_field()

    def __init__(
        self,
        *args: Any,
        product: Product,
        in_cart: dict[int, int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.in_cart = in_cart
        variant_field = self.fields["variant"]
        assert isinstance(variant_field, forms.ModelChoiceField)
        variant_field.queryset = Variant.objects.filter(
            product=product, product__is_active=True, is_active=True
        )
        variants = getattr(product, "variants_on_sale", None)
        if variants and len(variants) == 1 and not self.is_bound:
            self.initial["variant"] = variants[0].pk

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        variant, quantity = cleaned.get("variant"), cleaned.get("quantity")
        if variant is None or quantity is None:
            return cleaned
        already = self.in_cart.get(variant.pk, 0)
        if variant.stock == 0:
            self.add_error("variant", _("That option has sold out."))
        elif already + quantity > MAX_QUANTITY:
            self.add_error(
                "quantity",
                _(
                    "You can order at most %(max)s of one item; "
                    "%(n)s already in your cart."
                )
                % {"max": MAX_QUANTITY, "n": already},
            )
        elif already + quantity > variant.stock:
            if already:
                message = _("Only %(stock)s left, and %(n)s already in your cart.") % {
                    "stock": variant.stock,
                    "n": already,
                }
            else:
                message = _("Only %(stock)s left.") % {"stock": variant.stock}
            self.add_error("quantity", message)
        return cleaned


class CartUpdateForm(HoneypotForm):
    variant = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantity = quantity_field()


class CartRemoveForm(forms.Form):
    variant = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class CheckoutForm(HoneypotForm):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We send your confirmation and order link here."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=30,
        required=False,
        help_text=_("Only used if there is a problem with your order."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    delivery_method = forms.ChoiceField(
        label=_("Delivery"),
        choices=Order.Delivery.choices,
        widget=forms.RadioSelect,
        initial=Order.Delivery.SHIP,
        error_messages={
            "required": _("Choose how you want to receive your order."),
            "invalid_choice": _("Choose how you want to receive your order."),
        },
    )
    address_line1 = forms.CharField(
        label=_("Address line 1"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = forms.CharField(
        label=_("Address line 2 (optional)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("Choose a state")), *STATE_CHOICES],
        required=False,
        initial="KY",
        error_messages={"invalid_choice": _("Choose a state from the list.")},
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
    )
    zip_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
        ),
    )

    ADDRESS_REQUIRED = {
        "address_line1": _("Enter the first line of your address."),
        "city": _("Enter your city."),
        "state": _("Choose your state."),
        "zip_code": _("Enter your ZIP code."),
    }

    def __init__(self, *args: Any, pickup_enabled: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not pickup_enabled:
            delivery = self.fields["delivery_method"]
            assert isinstance(delivery, forms.ChoiceField)
            delivery.choices = [
                c for c in Order.Delivery.choices if c[0] != Order.Delivery.PICKUP
            ]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_zip_code(self) -> str:
        value = self.cleaned_data["zip_code"].strip()
        return normalize_zip(value) if value else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("delivery_method") == Order.Delivery.SHIP:
            for field, message in self.ADDRESS_REQUIRED.items():
                if not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, message)
        return cleaned

    def checkout_data(self) -> CheckoutData:
        data = self.cleaned_data
        return CheckoutData(
            email=data["email"],
            name=data["name"],
            phone=data["phone"].strip(),
            delivery_method=data["delivery_method"],
            address_line1=data["address_line1"].strip(),
            address_line2=data["address_line2"].strip(),
            city=data["city"].strip(),
            state=data["state"],
            zip_code=data["zip_code"],
        )


class FulfilmentForm(forms.Form):
    """Staff take an order's next fulfilment step (admin); the service decides
    whether the order may take it."""

    status = forms.ChoiceField(
        label=_("Next step"), widget=forms.RadioSelect, choices=()
    )
    carrier = forms.ChoiceField(
        label=_("Carrier"),
        required=False,
        choices=[("", "---------"), *Order.Carrier.choices],
    )
    tracking_number = forms.CharField(
        label=_("Tracking number"), required=False, max_length=60
    )
    note = forms.CharField(
        label=_("Note for the buyer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. The buyer sees it on their order page."),
    )

    def __init__(self, *args: Any, steps: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        choices: list[tuple[str, Any]] = [
            (step, Order.Status(step).label) for step in steps
        ]
        if Order.Status.PACKED in steps:
            choices.append(
                (PACK_AND_SHIP, _("Packed and shipped (one step, with the tracking)"))
            )
        status.choices = choices
        if len(choices) == 1:
            self.fields["status"].initial = steps[0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in (Order.Status.SHIPPED, PACK_AND_SHIP):
            if not data.get("carrier"):
                self.add_error("carrier", _("Choose the carrier."))
            if not (data.get("tracking_number") or "").strip():
                self.add_error("tracking_number", _("Enter the tracking number."))
        return data


class ReportPeriodForm(forms.Form):
    """The period of the sales report (admin): both days included."""

    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(
                _("The start date is after the end date: swap them, or pick again.")
            )
        return data


class StockAdjustmentForm(forms.Form):
    """Staff change a variant's stock, with the reason (admin)."""

    change = forms.IntegerField(
        label=_("Change"),
        help_text=_("How many more (10) or fewer (-2) there are now."),
        error_messages={"invalid": _("Enter a whole number, like 10 or -2.")},
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        widget=forms.RadioSelect,
        choices=StockAdjustment.Reason.choices,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean_change(self) -> int:
        change = self.cleaned_data["change"]
        if change == 0:
            raise forms.ValidationError(_("Enter a change other than 0."))
        return int(change)


class PromoCodeForm(HoneypotForm):
    code = forms.CharField(label=_("Promo code"), max_length=40)
