"""Small helpers shared by the payments tests."""

from decimal import Decimal
from typing import Any

from donations.models import DonationPreset, Frequency
from payments.services.checkout import (
    CheckoutRedirect,
    CheckoutRequest,
    LineItem,
    checkout_open,
)

SUCCESS_URL = "http://testserver/done/?session_id={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://testserver/cancelled/"


def checkout_request(**overrides: Any) -> CheckoutRequest:
    """A request for kind "test" with a one-line cart of $19.99; `total` is
    computed from the lines, shipping and tax unless given."""
    arguments: dict[str, Any] = {
        "kind": "test",
        "reference": "T-1001",
        "line_items": [
            LineItem(name="Hope T-shirt", unit_amount=Decimal("19.99"), quantity=1)
        ],
        "customer_email": "supporter@example.org",
        "success_url": SUCCESS_URL,
        "cancel_url": CANCEL_URL,
    }
    arguments.update(overrides)
    arguments["line_items"] = tuple(arguments["line_items"])
    if "total" not in arguments:
        try:
            arguments["total"] = (
                sum(
                    (
                        item.unit_amount * item.quantity
                        for item in arguments["line_items"]
                    ),
                    Decimal("0"),
                )
                + arguments.get("shipping_amount", Decimal("0"))
                + arguments.get("tax_amount", Decimal("0"))
            )
        except TypeError:  # a float on purpose: checkout_open must refuse it
            arguments["total"] = Decimal("0")
    return CheckoutRequest(**arguments)


def open_checkout(**overrides: Any) -> CheckoutRedirect:
    """checkout_open for kind "test" with a one-line cart of $19.99."""
    return checkout_open(checkout_request(**overrides))


# A one-time gift of $50 as the donate form posts it (with `one_time_preset`).
GIFT = {
    "frequency": "one_time",
    "one_time_amount": "50.00",
    "name": "Ann Lee",
    "email": "ann@example.org",
}


def one_time_preset() -> DonationPreset:
    return DonationPreset.objects.create(
        frequency=Frequency.ONE_TIME, amount=Decimal("50")
    )
