"""
Reading values that come from outside: webhook events, gateway answers, URLs.

A signed event is authentic, not necessarily well formed, and an id in a URL is
whatever the visitor typed. Everything read from them passes through one of
these functions first, which answer a clean value or "nothing" (never raise), so
junk becomes a logged no-op or a 404 instead of a 500 (PostgreSQL refuses a NUL
byte in a query, for one).
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from core.money import from_minor_units
from payments.registry import CheckoutOutcome

# Stripe ids are ASCII letters, digits and underscores ("cs_test_a1B2...",
# "pi_3Qa...", "evt_1Q..."); our local gateway's follow the same pattern.
MAX_ID_LENGTH = 255
_ID = re.compile(r"[A-Za-z0-9_]{1,255}")
_CURRENCY = re.compile(r"[A-Za-z]{3}")
# Stripe's statuses and similar enum values: "active", "past_due".
_WORD = re.compile(r"[a-z_]{1,30}")
# Unix times we accept: 2000-01-01 to 2100-01-01.
_EARLIEST, _LATEST = 946_684_800, 4_102_444_800
# Stripe allows metadata values of up to 500 characters.
MAX_METADATA_VALUE_LENGTH = 500
# The largest amount, in cents, that anything we store can hold (a
# DecimalField of 10 digits, 2 of them cents: $99,999,999.99). Stripe's own
# limit is far lower; a larger figure is junk, however it is signed.
MAX_MINOR_UNITS = 9_999_999_999
# The lengths our CheckoutSession stores.
MAX_KIND_LENGTH = 40
MAX_REFERENCE_LENGTH = 100


def clean_id(value: object, *, prefix: str = "") -> str:
    """`value` when it is a sane id starting with `prefix`, else ""."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return ""
    if prefix and (not value.startswith(prefix) or value == prefix):
        return ""
    return value


# A checkout session id: Stripe's "cs_test_a1B2..." / "cs_live_...", and the
# local test gateway's "cs_local_<hex>".
CHECKOUT_SESSION_PREFIX = "cs_"
LOCAL_SESSION_PREFIX = "cs_local_"


def clean_checkout_session_id(value: object, *, local: bool = False) -> str:
    """
    `value` when it has the shape of a checkout session id (with `local`, of the
    local test gateway's only), else "". The one check of a session id, wherever
    it comes from (a success page's `session_id`, a URL, an event, Stripe's
    answer): checked before any query, as a NUL byte would make PostgreSQL fail.
    """
    prefix = LOCAL_SESSION_PREFIX if local else CHECKOUT_SESSION_PREFIX
    return clean_id(value, prefix=prefix)


def clean_expandable_id(value: object, *, prefix: str = "") -> str:
    """An id given as itself or as an expanded object ({"id": ...})."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return clean_id(value, prefix=prefix)


def clean_minor_units(value: object) -> int | None:
    """An amount in cents when it is an int (not a bool, not a float), else None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def clean_amount(value: object) -> Decimal | None:
    """Cents from outside as Decimal dollars; None when not an int, or when
    beyond what can be stored (10**30 cents cannot even be made dollars of)."""
    cents = clean_minor_units(value)
    if cents is None or abs(cents) > MAX_MINOR_UNITS:
        return None
    return from_minor_units(cents)


def out_of_range_amount(obj: Mapping[str, Any]) -> str:
    """
    The name of the first of an object's own amounts ("amount", "amount_*",
    "fee", "net") that is an int beyond `MAX_MINOR_UNITS`, else "". Such an
    object is not a payment that could have happened: nothing of it is used.
    """
    for key, value in obj.items():
        if not isinstance(key, str) or not (
            key in ("amount", "fee", "net") or key.startswith("amount_")
        ):
            continue
        cents = clean_minor_units(value)
        if cents is not None and abs(cents) > MAX_MINOR_UNITS:
            return key
    return ""


def clean_currency(value: object) -> str:
    """A three-letter ISO code in lower case, else ""."""
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        return ""
    return value.lower()


def clean_metadata(value: object) -> dict[str, str]:
    """The string-to-string pairs of a metadata object (anything else dropped)."""
    if not isinstance(value, Mapping):
        return {}
    return {
        key: item
        for key, item in value.items()
        if isinstance(key, str)
        and isinstance(item, str)
        and len(item) <= MAX_METADATA_VALUE_LENGTH
        and "\x00" not in item
    }


def clean_text(value: object, *, max_length: int) -> str:
    """A non-empty string of at most `max_length` characters, without NUL; else ""."""
    if not isinstance(value, str) or len(value) > max_length or "\x00" in value:
        return ""
    return value


def clean_word(value: object) -> str:
    """A lower-case enum value such as a status ("past_due"), else ""."""
    if not isinstance(value, str) or not _WORD.fullmatch(value):
        return ""
    return value


def clean_timestamp(value: object) -> datetime | None:
    """A Unix time from outside as an aware datetime; None when not a sane int."""
    seconds = clean_minor_units(value)  # an int, not a bool or a float
    if seconds is None or not _EARLIEST <= seconds <= _LATEST:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


def mapping_at(value: object, *keys: str) -> Mapping[str, Any]:
    """`value[k1][k2]...` when each step is an object, else {}."""
    for key in keys:
        if not isinstance(value, Mapping):
            return {}
        value = value.get(key)
    return value if isinstance(value, Mapping) else {}


def object_of(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """An event's `data.object` when it is an object, else None."""
    data = event.get("data")
    if not isinstance(data, Mapping):
        return None
    obj = data.get("object")
    return dict(obj) if isinstance(obj, Mapping) else None


# ---------------------------------------------------------------------------
# What an event means: the planners of `payments.services.events` (one per
# event type; monthly gifts' in `payments.services.subscription_events`)
# ---------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class EventInfo:
    """What a planner knows of the event around the object it reads."""

    id: str
    livemode: bool = False
    occurred_at: datetime | None = None  # the event's `created`


# (the event's object, the event) -> the outcome it means, or None
Planner = Callable[[dict[str, Any], EventInfo], CheckoutOutcome | None]
