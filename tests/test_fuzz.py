"""
Random and hostile input at every public form, every URL that takes a slug or
a token, and the Stripe webhook (Hypothesis): NUL bytes, huge and negative
numbers, NaN and infinities, unicode, several values for one field, missing
fields, junk bodies and signatures.

Two promises are checked on every example:
- the answer is never a 500 (the test client re-raises a view's exception, so
  an unhandled error fails here with its traceback);
- a refused request (4xx, a form shown again with its errors, or a redirect
  carrying an error message) changes nothing in the database: orders, their
  lines, stock, gifts, donors, monthly gifts, checkout sessions, Stripe events
  and the cart kept in the session are compared before and after.

Examples of one test share its database transaction (the `db` fixture): an
accepted request (an order placed, a gift started) stays for the next example,
which is what a real site sees. That is why the function-scoped fixture health
check is suppressed: nothing in `db`, `settings` or the data built once per
test needs resetting per example, and what does (the cache that counts rate
limits, the browser's cookies) is reset inside each example.
"""

import json
import string
import time
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from campaigns.models import Campaign
from donations.models import Donation, DonationPreset, Donor, RecurringGift
from donations.selectors import statement_token
from donations.services.monthly import manage_token
from payments.models import CheckoutSession, ProcessedEvent
from shop.models import Order, OrderLine, Variant
from tests.campaigns.factories import ActionDayFactory
from tests.donations.factories import DonationFactory, DonorFactory
from tests.payments.fixtures import TEST_WEBHOOK_SECRET, sign_stripe_payload
from tests.shop.factories import VariantFactory

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# ---------------------------------------------------------------------------
# Hostile values
# ---------------------------------------------------------------------------
# What HTTP can carry in a form: any character but lone surrogates (UTF-8
# cannot encode them); NUL bytes included.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=200)
NASTY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "1\x00",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "{{ 7*7 }}",
        "%00",
        "../../etc/passwd",
        "x" * 5000,
        "é" * 300,
        "١٢٣",  # Arabic-Indic digits
        "１２",  # full-width digits
        "NaN",
        "-Infinity",
        "1e309",
        "-0",
        "0.001",
        "9" * 400,
        "-1",
        "2147483648",
        "-9223372036854775809",
        "18446744073709551616",
        "true",
        "null",
        "[]",
        "{}",
    ]
)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)
SCALAR = st.one_of(TEXT, NASTY, NUMBERS)
# A list where one value is expected: the field is sent several times.
VALUE = st.one_of(SCALAR, st.lists(SCALAR, min_size=2, max_size=3))
MISSING = object()


def form_data(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Each field: a plausible value (the strategy given), a hostile one, or
    left out."""
    return st.fixed_dictionaries(
        {
            name: st.one_of(plausible, VALUE, st.just(MISSING))
            for name, plausible in fields.items()
        }
    ).map(lambda data: {k: v for k, v in data.items() if v is not MISSING})


def some(*values: str) -> st.SearchStrategy[str]:
    return st.sampled_from(values)


EMAIL = some("ann@example.org", "ANN@Example.Org", "a@b.c", "x@" + "y" * 250 + ".org")
NAME = some("Ann Lee", "Zoë Ñúñez", "李", "A" * 121)
YES = some("on", "1", "true", "")

DONATE = form_data(
    frequency=some("one_time", "monthly"),
    one_time_amount=some("50.00", "25", "other"),
    monthly_amount=some("30.00", "15", "other"),
    other_amount=some("5", "7.50", "25000", "25000.01", "4.99", "$1,000.00", "0"),
    cover_fee=YES,
    dedication=some("", "honor", "memory"),
    dedication_name=NAME,
    dedication_notify_email=EMAIL,
    name=NAME,
    email=EMAIL,
    is_anonymous=YES,
    show_on_wall=YES,
)
QUANTITY = some("1", "2", "20", "21", "0")
CHECKOUT = form_data(
    email=EMAIL,
    name=NAME,
    phone=some("502-555-0100", ""),
    delivery_method=some("ship", "pickup"),
    address_line1=some("1 Main Street", ""),
    address_line2=some("", "Apt 2"),
    city=some("Louisville", ""),
    state=some("KY", "IN", "ky", "XX"),
    zip_code=some("40202", "40202-1234", "4020", ""),
)


# ---------------------------------------------------------------------------
# What must not change when a request is refused
# ---------------------------------------------------------------------------
CART_KEYS = ("shop_cart", "shop_cart_id", "shop_promo_code", "shop_pending_order")


def _carts() -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            session.session_key,
            {k: v for k, v in session.get_decoded().items() if k in CART_KEYS},
        )
        for session in Session.objects.order_by("session_key")
    ]


def snapshot() -> dict[str, Any]:
    return {
        "orders": list(
            Order.objects.order_by("pk").values_list(
                "pk", "status", "email", "name", "total", "stock_released_at"
            )
        ),
        "lines": list(
            OrderLine.objects.order_by("pk").values_list(
                "pk", "order_id", "variant_id", "quantity", "unit_price"
            )
        ),
        "stock": list(Variant.objects.order_by("pk").values_list("pk", "stock")),
        "donations": list(
            Donation.objects.order_by("pk").values_list(
                "pk", "status", "amount", "donor_id", "dedication_name"
            )
        ),
        "donors": list(Donor.objects.order_by("pk").values_list("pk", "email", "name")),
        "monthly": list(
            RecurringGift.objects.order_by("pk").values_list("pk", "status", "amount")
        ),
        "checkouts": list(
            CheckoutSession.objects.order_by("pk").values_list("pk", "status")
        ),
        "events": ProcessedEvent.objects.count(),
        "carts": _carts(),
    }


def _error_messages(response: Any) -> list[str]:
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return [str(m) for m in queued if m.level >= message_levels.ERROR]


def refused(response: Any, method: str, *, form: bool) -> bool:
    """4xx; a form POSTed and answered with itself again (its errors); or a
    redirect that carries an error message (the cart's forms answer so)."""
    if 400 <= response.status_code < 500:
        return True
    if form and method == "POST" and response.status_code == 200:
        return True
    return bool(_error_messages(response))


def check(
    client: Client, method: str, path: str, *, form: bool = True, **kwargs: Any
) -> Any:
    """Send one request; `form`: a 200 answer to a POST means refused."""
    cache.clear()  # rate limits: every example starts with none used
    before = snapshot()
    response = getattr(client, method.lower())(path, **kwargs)
    assert response.status_code < 500, (method, path, response.status_code)
    if method == "GET" or refused(response, method, form=form):
        assert snapshot() == before, (method, path, response.status_code)
    return response


# ---------------------------------------------------------------------------
# The site, once per test
# ---------------------------------------------------------------------------
@pytest.fixture
def site(settings):
    settings.PAYMENTS_LOCAL_GATEWAY = True
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    variant = VariantFactory(stock=1000)
    for frequency, amount in (("one_time", "50.00"), ("monthly", "30.00")):
        DonationPreset.objects.create(frequency=frequency, amount=Decimal(amount))
    day = ActionDayFactory()
    donor = DonorFactory()
    DonationFactory(donor=donor)
    gift = RecurringGift.objects.create(
        donor=donor, amount=Decimal("30.00"), status=RecurringGift.Status.ACTIVE
    )
    return {
        "variant": variant,
        "product_url": variant.product.get_absolute_url(),
        "day": day,
        "campaign": day.campaign,
        "gift": gift,
        "manage_url": reverse("donations:manage", args=[manage_token(gift)]),
        "statement_token": statement_token(donor=donor, year=2026),
    }


def _with_cart(site: dict[str, Any]) -> Client:
    """A visitor with one item in their cart."""
    client = Client()
    cache.clear()
    response = client.post(
        site["product_url"], {"variant": site["variant"].pk, "quantity": "1"}
    )
    assert response.status_code == 302
    return client


# ---------------------------------------------------------------------------
# Public forms
# ---------------------------------------------------------------------------
VALID_GIFT = {
    "frequency": "one_time",
    "one_time_amount": "50.00",
    "name": "Ann Lee",
    "email": "ann@example.org",
}


@FUZZ
@given(data=DONATE)
@example(data=VALID_GIFT)  # accepted: the gift starts (the DB may change)
@example(data={**VALID_GIFT, "frequency": "monthly", "monthly_amount": "30.00"})
@example(data={**VALID_GIFT, "email": ["ann@example.org", "\x00"]})
def test_donate_form(site, data):
    check(Client(), "POST", reverse("donations:donate"), data=data)


@FUZZ
@given(data=form_data(variant=some("1", "999999"), quantity=QUANTITY))
def test_add_to_cart(site, data):
    if data.get("variant") == "1":
        data["variant"] = str(site["variant"].pk)
    check(Client(), "POST", site["product_url"], data=data)


@FUZZ
@given(
    name=some("shop:cart-update", "shop:cart-remove"),
    data=form_data(variant=some("1", "0", "-1"), quantity=QUANTITY),
)
def test_cart_update_and_remove(site, name, data):
    if data.get("variant") == "1":
        data["variant"] = str(site["variant"].pk)
    check(_with_cart(site), "POST", reverse(name), data=data)


@FUZZ
@given(data=form_data(code=some("WELCOME10", "welcome10", ""), remove=some("", "1")))
def test_promo_code(site, data):
    check(_with_cart(site), "POST", reverse("shop:cart-promo"), data=data)


@FUZZ
@given(data=CHECKOUT)
@example(
    data={
        "email": "ann@example.org",
        "name": "Ann Lee",
        "delivery_method": "ship",
        "address_line1": "1 Main Street",
        "city": "Louisville",
        "state": "KY",
        "zip_code": "40202",
    }
)
def test_checkout(site, data):
    check(_with_cart(site), "POST", reverse("shop:checkout"), data=data)


@FUZZ
@given(data=form_data(action=some("cancel", "card")))
def test_manage_monthly_gift(site, data):
    check(Client(), "POST", site["manage_url"], data=data)


@FUZZ
@given(
    session_id=st.one_of(TEXT, NASTY).filter(bool), data=form_data(action=some("pay"))
)
def test_local_test_gateway(site, session_id, data):
    path = reverse("payments:local-checkout", args=["cs_local_0"]).replace(
        "cs_local_0", quote(session_id, safe="")
    )
    check(Client(), "POST", path, data=data)


# ---------------------------------------------------------------------------
# URLs that take a slug or a token
# ---------------------------------------------------------------------------
PLACEHOLDER = "Zz0placeholder0Zz0placeholder"  # fits every slug and token pattern
PLACEHOLDER_PK = 4242424242


def _url_with(name: str, real: dict[str, Any], value: str) -> str:
    """The URL of `name` with its first part replaced by `value`."""
    key = next(iter(real))
    args = {**real, key: PLACEHOLDER_PK if key == "pk" else PLACEHOLDER}
    marker = str(PLACEHOLDER_PK) if key == "pk" else PLACEHOLDER
    return reverse(name, kwargs=args).replace(marker, quote(value, safe=""))


def _targets(site: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """(URL name, its real arguments, the query parameter fuzzed or "")."""
    campaign, day = site["campaign"], site["day"]
    return [
        ("campaigns:campaign-detail", {"slug": campaign.slug}, ""),
        ("campaigns:campaign-preview", {"slug": campaign.slug}, ""),
        ("campaigns:action-day-calendar", {"slug": campaign.slug, "pk": day.pk}, ""),
        ("campaigns:action-day-calendar", {"pk": day.pk, "slug": campaign.slug}, ""),
        ("shop:product-detail", {"slug": site["variant"].product.slug}, ""),
        ("shop:order-detail", {"token": "x" * 32}, ""),
        ("shop:checkout-cancel", {"token": "x" * 32}, ""),
        ("donations:statement", {"token": site["statement_token"]}, ""),
        ("donations:manage", {"token": manage_token(site["gift"])}, ""),
        ("payments:local-checkout", {"session_id": "cs_local_0"}, ""),
        # Pages that read a query string.
        ("shop:checkout-success", {}, "session_id"),
        ("donations:thank-you", {}, "session_id"),
        ("shop:product-list", {}, "category"),
        ("shop:product-list", {}, "page"),
        ("campaigns:campaign-list", {}, "page"),
        ("payments:local-billing-portal", {}, "t"),
        ("donations:donate", {}, "cancelled"),
        ("privacy", {}, "q"),
    ]


@FUZZ
@given(value=st.one_of(TEXT, NASTY, NUMBERS).filter(bool), which=st.integers(0, 17))
def test_urls_with_slugs_and_tokens(site, value, which):
    name, real, param = _targets(site)[which]
    if param:
        check(Client(), "GET", reverse(name), data={param: value})
    else:
        check(Client(), "GET", _url_with(name, real, value))


def test_a_real_campaign_still_answers(site, client):
    """The fuzzed URLs above are built from working ones."""
    assert client.get(site["campaign"].get_absolute_url()).status_code == 200
    assert client.get(site["manage_url"]).status_code == 200
    assert Campaign.objects.count() == 1


# ---------------------------------------------------------------------------
# The Stripe webhook
# ---------------------------------------------------------------------------
HEADER_TEXT = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=200
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4)
    ),
    max_leaves=20,
)
EVENT_TYPES = some(
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
    "charge.refunded",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "payment_intent.succeeded",
)
CHECKOUT_OBJECT = st.fixed_dictionaries(
    {
        "object": some("checkout.session", "charge", "invoice", "subscription"),
        "id": st.one_of(some("cs_test_1", "ch_1", "in_1", "sub_1"), TEXT),
        "metadata": st.one_of(
            JSON,
            st.fixed_dictionaries(
                {"kind": some("order", "donation", "recurring_gift"), "reference": TEXT}
            ),
        ),
        "amount_total": st.one_of(JSON, st.integers(-(10**20), 10**20)),
        "currency": st.one_of(some("usd", "eur"), TEXT),
        "payment_status": st.one_of(some("paid", "unpaid"), TEXT),
        "status": st.one_of(some("complete", "open", "expired"), TEXT),
    }
)


@FUZZ
@given(
    body=st.one_of(st.binary(max_size=500), JSON.map(lambda v: json.dumps(v).encode())),
    signature=st.one_of(
        HEADER_TEXT,
        st.builds(
            lambda t, v: f"t={t},v1={v}",
            st.integers(-(10**12), 10**20),
            st.text(string.hexdigits, max_size=64),
        ),
    ),
)
def test_webhook_refuses_unsigned_bodies(site, body, signature):
    response = check(
        Client(),
        "POST",
        reverse("payments:stripe-webhook"),
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": signature},
    )
    assert response.status_code == 400


@FUZZ
@given(
    event_id=st.one_of(st.just("evt_test_fuzz"), TEXT),
    event_type=st.one_of(EVENT_TYPES, TEXT),
    obj=st.one_of(CHECKOUT_OBJECT, JSON),
    livemode=st.one_of(st.booleans(), JSON),
)
def test_webhook_survives_signed_junk(site, event_id, event_type, obj, livemode):
    """A correctly signed event whose content is junk: handled (2xx) or refused
    (4xx), never a 500, whatever its object holds."""
    event = {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": livemode,
        "data": {"object": obj},
    }
    body = json.dumps(event).encode()
    check(
        Client(),
        "POST",
        reverse("payments:stripe-webhook"),
        form=False,  # 200: handled; 400: refused, or recorded as malformed
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": sign_stripe_payload(body, TEST_WEBHOOK_SECRET)},
    )
