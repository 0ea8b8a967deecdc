"""Every payment outcome (paid, refunded, failed, expired, a fee learned) is
recorded on a CheckoutSession or, for a month of a monthly gift, an
InvoicePayment, in the transaction in which the shop or donations apply it with
`QuerySet.update()`. These records' signals drop the cached public pages (core
.pagecache), whose Home fund total and stock those outcomes change."""

from core.pagecache import invalidate_on_change
from payments.models import CheckoutSession, InvoicePayment


def connect() -> None:
    invalidate_on_change(CheckoutSession, InvoicePayment)
