"""Who stands behind the site: the organization's contact details, from settings
(ORGANIZATION_*), for the Contact page. A detail left empty is not shown."""

import re
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True, kw_only=True)
class OrganizationContact:
    legal_name: str
    email: str
    phone: str
    phone_uri: str
    address_lines: tuple[str, ...]


def phone_uri(phone: str) -> str:
    """A `tel:` link for a US number as people write it: "(502) 555-0100" ->
    "tel:+15025550100". Empty when the number has no digits."""
    digits = re.sub(r"\D", "", phone)
    if not digits:
        return ""
    if phone.strip().startswith("+"):
        return f"tel:+{digits}"
    if len(digits) == 10:
        return f"tel:+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"tel:+{digits}"
    return f"tel:{digits}"


def organization_contact() -> OrganizationContact:
    phone = settings.ORGANIZATION_PHONE.strip()
    return OrganizationContact(
        legal_name=settings.ORGANIZATION_LEGAL_NAME.strip(),
        email=settings.ORGANIZATION_EMAIL.strip(),
        phone=phone,
        phone_uri=phone_uri(phone),
        address_lines=tuple(
            line.strip()
            for line in settings.ORGANIZATION_MAILING_ADDRESS.splitlines()
            if line.strip()
        ),
    )
