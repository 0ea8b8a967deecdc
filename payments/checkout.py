"""
Opening a checkout: what a caller asks for travels as one `CheckoutRequest`.

The caller (the shop, donations) states the total it computed from its own
records; `checkout_open` refuses a request whose lines, shipping and tax do not
add up to it, so a rounding slip or a tampered figure can never reach a payment
page.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

# How long a payment page lives. Stripe accepts 30 minutes to 24 hours; the shop
# holds stock no longer than this.
CHECKOUT_LIFETIME = timedelta(minutes=30)


@dataclass(frozen=True, kw_only=True)
class LineItem:
    name: str
    unit_amount: Decimal  # dollars, > 0
    quantity: int  # >= 1
    description: str = ""

    @property
    def amount(self) -> Decimal:
        return self.unit_amount * self.quantity


@dataclass(frozen=True, kw_only=True)
class CheckoutRequest:
    kind: str  # whose checkout: the registry's key ("order", "donation")
    reference: str  # the caller's own reference, handed back in every outcome
    line_items: tuple[LineItem, ...]
    customer_email: str
    success_url: str  # absolute; may contain "{CHECKOUT_SESSION_ID}"
    cancel_url: str  # absolute
    total: Decimal  # what the caller computed: lines + shipping + tax
    shipping_amount: Decimal = Decimal("0")
    shipping_label: str = ""
    tax_amount: Decimal = Decimal("0")
    tax_label: str = ""
    expires_in: timedelta = CHECKOUT_LIFETIME

    @property
    def computed_total(self) -> Decimal:
        lines = sum((item.amount for item in self.line_items), Decimal("0"))
        return lines + self.shipping_amount + self.tax_amount


@dataclass(frozen=True, kw_only=True)
class CheckoutRedirect:
    session_id: str
    url: str  # where to send the buyer: Stripe's hosted page or the local test page


def checkout_open(request: CheckoutRequest) -> CheckoutRedirect:
    """Open a payment page for `request` (see `payments.services.checkout_create`)."""
    from payments import services

    if request.computed_total != request.total:
        raise ValueError(
            f"Checkout {request.kind} {request.reference}: the lines, shipping and "
            f"tax add up to {request.computed_total}, not the stated {request.total}."
        )
    redirect = services.checkout_create(
        kind=request.kind,
        reference=request.reference,
        line_items=request.line_items,
        customer_email=request.customer_email,
        success_url=request.success_url,
        cancel_url=request.cancel_url,
        shipping_amount=request.shipping_amount,
        shipping_label=request.shipping_label,
        tax_amount=request.tax_amount,
        tax_label=request.tax_label,
        expires_in=request.expires_in,
    )
    return CheckoutRedirect(session_id=redirect.session_id, url=redirect.url)
