"""
The local test gateway's stand-in for Stripe's billing portal: a signed link to
a test page (`payments:local-billing-portal`) that changes nothing.
"""

from urllib.parse import urlencode, urljoin

from django.core import signing
from django.urls import reverse

_PORTAL_SALT = "payments.local-billing-portal"
# How long a local portal link works (Stripe's portal sessions are short too).
PORTAL_LINK_MAX_AGE = 60 * 60


def local_billing_portal_url(*, customer_id: str, return_url: str) -> str:
    """The local portal page, on the host of `return_url`, with a signed link."""
    token = signing.dumps(
        {"customer": customer_id, "return": return_url}, salt=_PORTAL_SALT
    )
    path = reverse("payments:local-billing-portal")
    return urljoin(return_url, f"{path}?{urlencode({'t': token})}")


def local_billing_portal_read(token: str) -> tuple[str, str] | None:
    """(customer id, return URL) of a signed portal link; None when forged or old."""
    try:
        value = signing.loads(token, salt=_PORTAL_SALT, max_age=PORTAL_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict):
        return None
    customer_id, return_url = value.get("customer"), value.get("return")
    if not isinstance(customer_id, str) or not isinstance(return_url, str):
        return None
    return customer_id, return_url
