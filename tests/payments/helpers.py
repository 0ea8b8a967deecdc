"""Small helpers shared by the payments tests."""

from decimal import Decimal

from payments.services import LineItem, checkout_create

SUCCESS_URL = "http://testserver/done/?session_id={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://testserver/cancelled/"


def open_checkout(**overrides):
    """checkout_create for kind "test" with a one-line cart of $19.99."""
    arguments = {
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
    return checkout_create(**arguments)
