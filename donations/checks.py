"""
Deployment checks (`manage.py check --deploy`): receipts are the donor's tax
record, so a production site must print the organization's EIN on them, and the
fee-cover and amount settings must make sense.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register("donations")
def check_donation_amounts(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    minimum, maximum = settings.DONATION_MINIMUM, settings.DONATION_MAXIMUM
    if not Decimal("0") < minimum <= maximum:
        problems.append(
            Error(
                "DONATION_MINIMUM must be above 0 and not above DONATION_MAXIMUM.",
                id="donations.E001",
            )
        )
    rate, fixed = settings.DONATION_FEE_RATE, settings.DONATION_FEE_FIXED
    if not (Decimal("0") <= rate < Decimal("1")) or fixed < 0:
        problems.append(
            Error(
                "DONATION_FEE_RATE must be from 0 to under 1 (0.029 is 2.9%) and "
                "DONATION_FEE_FIXED not negative.",
                id="donations.E002",
            )
        )
    return problems


@register("donations", deploy=True)
def check_receipt_settings(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if settings.ORGANIZATION_EIN.strip():
        return []
    return [
        Warning(
            "ORGANIZATION_EIN is not set: donation receipts will carry no EIN.",
            hint="Set ORGANIZATION_EIN (and ORGANIZATION_LEGAL_NAME) for receipts "
            "donors can use for their taxes.",
            id="donations.W001",
        )
    ]
