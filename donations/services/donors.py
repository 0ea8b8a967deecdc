"""
Donors: one row per email address, found without regard to case, so a
supporter who types "Ann@Example.org" one month and "ann@example.org" the next
gets one annual statement.
"""

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from donations.models import Donor


def donor_get_or_create(*, email: str, name: str = "") -> Donor:
    """The donor with this email (any case), created when new. A name given now
    fills in a donor who had none; it never overwrites one staff corrected."""
    email = email.strip()
    if not email:
        raise ValueError("A donor needs an email address.")
    name = name.strip()
    for _attempt in range(2):
        donor = (
            Donor.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower=email.lower())
            .first()
        )
        if donor is not None:
            if name and not donor.name:
                Donor.objects.filter(pk=donor.pk, name="").update(name=name)
                donor.name = name
            return donor
        try:
            with transaction.atomic():
                return Donor.objects.create(email=email, name=name)
        except IntegrityError:
            # Another request created the same donor a moment ago: read theirs.
            continue
    raise RuntimeError(f"Could not find or create the donor {email!r}.")
