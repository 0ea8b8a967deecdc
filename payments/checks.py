"""
Deployment checks (`manage.py check --deploy`): a production site must never
take orders it was not paid for, nor run Stripe without verified webhooks.
"""

from django.conf import settings
from django.core.checks import Warning, register


@register("payments", deploy=True)
def check_payment_settings(app_configs=None, **kwargs) -> list[Warning]:
    warnings = []
    if settings.PAYMENTS_LOCAL_GATEWAY and not settings.DEBUG:
        warnings.append(
            Warning(
                "The local test payment gateway is enabled while DEBUG is off.",
                hint=(
                    "Without STRIPE_SECRET_KEY, anyone can mark a checkout paid "
                    "without paying. Unset PAYMENTS_LOCAL_GATEWAY in production."
                ),
                id="payments.W001",
            )
        )
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        warnings.append(
            Warning(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not.",
                hint=(
                    "The webhook refuses every event without it, so paid orders "
                    "are confirmed only when the buyer reaches the success page. "
                    "Copy the endpoint's signing secret (whsec_...) from Stripe."
                ),
                id="payments.W002",
            )
        )
    return warnings
