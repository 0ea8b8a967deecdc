"""
A person's request about their data, across the shop and donations: what we
hold, a copy of it, and its erasure. Finance staff make these from the admin
("Privacy requests"); each is recorded as a `PrivacyRequest` without the
person's details.

Erasure keeps orders and gifts as accounting records (amounts, numbers, dates,
statuses, receipt numbers) and replaces what names or reaches the person (see
`shop.services.privacy` and `donations.services.privacy`). It sends nothing
and reissues no receipt. It refuses, changing nothing anywhere, while an order
is on an open payment page or a monthly gift still charges: the lists say
which.
"""

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from donations.errors import GiftsStillActive
from donations.models import Donation, Donor, RecurringGift
from donations.services.privacy import (
    donor_erase,
    donor_export,
    donor_of,
    gifts_still_charging,
)
from shop.errors import OrdersStillAtCheckout
from shop.services.privacy import orders_erase, orders_export, orders_of
from staff.models import PrivacyRequest

_HASH_SALT = "staff.PrivacyRequest.email_hash"

User = AbstractBaseUser | AnonymousUser


class ErasureRefused(Exception):
    """Nothing was erased; str() says why, in staff's words."""


@dataclass(frozen=True, kw_only=True)
class Holdings:
    """What the site holds about one email address, without the details."""

    email: str
    order_numbers: tuple[str, ...]
    receipt_numbers: tuple[str, ...]
    donations: int
    monthly_gifts: int
    active_monthly_gifts: int

    @property
    def orders(self) -> int:
        return len(self.order_numbers)

    @property
    def anything(self) -> bool:
        return bool(self.orders or self.donations or self.monthly_gifts)


def clean_email(email: object) -> str:
    """The email as typed, trimmed; ValueError when it is not an address."""
    if not isinstance(email, str):
        raise ValueError("Enter an email address.")
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError("Enter a valid email address.") from None
    return email


def email_hash(email: str) -> str:
    """A keyed hash of the address (case ignored): the same person's requests
    share it; nobody can read the address back without the site's secret."""
    return salted_hmac(
        _HASH_SALT, clean_email(email).lower(), algorithm="sha256"
    ).hexdigest()


def privacy_holdings(*, email: str) -> Holdings:
    email = clean_email(email)
    numbers = tuple(
        number for number in orders_of(email=email).values_list("number", flat=True)
    )
    donor = donor_of(email=email)
    receipts: tuple[str, ...] = ()
    donations = monthly = active = 0
    if donor is not None:
        receipts = tuple(
            number
            for number in donor.donations.order_by("created_at", "pk").values_list(
                "receipt_number", flat=True
            )
            if number
        )
        donations = donor.donations.count()
        monthly = donor.recurring_gifts.count()
        active = len(gifts_still_charging(donor, now=timezone.now()))
    return Holdings(
        email=email,
        order_numbers=tuple(number or "" for number in numbers),
        receipt_numbers=receipts,
        donations=donations,
        monthly_gifts=monthly,
        active_monthly_gifts=active,
    )


def _record(
    *, kind: str, email: str, by: User | None, outcome: str = "done", **counts: Any
) -> PrivacyRequest:
    # Any: the project's user model, whichever AUTH_USER_MODEL names.
    user: Any = by if by is not None and by.is_authenticated else None
    return PrivacyRequest.objects.create(
        kind=kind,
        outcome=outcome,
        email_hash=email_hash(email),
        handled_by=user,
        **counts,
    )


def privacy_export(*, email: str, by: User | None = None) -> dict[str, Any]:
    """A copy of everything held about this email, recorded as a request."""
    email = clean_email(email)
    with transaction.atomic():
        orders = orders_export(email=email)
        donor = donor_export(email=email)
        _record(
            kind=PrivacyRequest.Kind.EXPORT,
            email=email,
            by=by,
            orders=len(orders),
            donations=len(donor["gifts"]) if donor else 0,
            monthly_gifts=len(donor["monthly_gifts"]) if donor else 0,
        )
    return {
        "about": (
            "What Redeeming Hope holds about this email address: shop orders and "
            "gifts. Card numbers are never stored by us: the payment processor "
            "(Stripe) holds them."
        ),
        "email": email,
        "exported": timezone.now().isoformat(),
        "shop_orders": orders,
        "donor": donor,
    }


def privacy_export_json(*, email: str, by: User | None = None) -> bytes:
    data = privacy_export(email=email, by=by)
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode(
        "utf-8"
    )


def _erase_admin_history(donor: Donor) -> int:
    """The admin's history names what staff changed by its str(): a donor's name
    or email, a gift "from" them. Those lines keep what was done and when, and
    say "Erased" for what. (An order's line shows only its number.)"""
    targets = [
        (Donor, [donor.pk]),
        (Donation, list(donor.donations.values_list("pk", flat=True))),
        (RecurringGift, list(donor.recurring_gifts.values_list("pk", flat=True))),
    ]
    changed = 0
    for model, pks in targets:
        if not pks:
            continue
        changed += LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in pks],
        ).update(object_repr="Erased")
    return changed


def privacy_erase(*, email: str, by: User | None = None) -> PrivacyRequest:
    """Erase this person's details from the shop and donations, all or nothing.

    Raises ErasureRefused (and records the refusal) when an order is at checkout
    or a monthly gift still charges. A second call finds nothing and records a
    request with zero counts."""
    email = clean_email(email)
    try:
        with transaction.atomic():
            orders = orders_erase(email=email)
            found = donor_of(email=email)
            donor = donor_erase(email=email)
            if found is not None:
                _erase_admin_history(found)
            return _record(
                kind=PrivacyRequest.Kind.ERASE,
                email=email,
                by=by,
                orders=orders.found,
                donations=donor.donations,
                monthly_gifts=donor.monthly_gifts,
            )
    except (OrdersStillAtCheckout, GiftsStillActive) as refusal:
        reason = (
            "An order was still at checkout."
            if isinstance(refusal, OrdersStillAtCheckout)
            else "A monthly gift was still active."
        )
        _record(
            kind=PrivacyRequest.Kind.ERASE,
            email=email,
            by=by,
            outcome=PrivacyRequest.Outcome.REFUSED,
            reason=reason,
        )
        raise ErasureRefused(str(refusal)) from refusal
