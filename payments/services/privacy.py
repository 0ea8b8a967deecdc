"""
A person's email address in the payments app's own records.

Each checkout session keeps the email it was opened with (Stripe Checkout
prefills it). When an app erases a person's details from an order or a gift,
it erases them here too, for the sessions of that order or gift: the amounts,
ids and statuses stay, as the payment's record.
"""

from collections.abc import Iterable

from django.db import transaction

from payments.models import CheckoutSession


def checkout_sessions_erase_email(
    *, kind: str, references: Iterable[str], placeholder: str
) -> int:
    """Replace the customer email of the sessions opened for these references
    by `placeholder` (a valid, undeliverable address); returns how many rows
    changed. A second call changes nothing."""
    references = [reference for reference in references if reference]
    if not kind:
        raise ValueError("kind must name the app whose sessions these are.")
    if not references:
        return 0
    with transaction.atomic():
        return (
            CheckoutSession.objects.filter(kind=kind, reference__in=references)
            .exclude(customer_email=placeholder)
            .update(customer_email=placeholder)
        )
