from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from payments.models import CheckoutSession, ProcessedEvent
from tests.model_factory import ModelFactory


class CheckoutSessionFactory(ModelFactory[CheckoutSession]):
    class Meta:
        model = CheckoutSession

    kind = "test"
    reference = factory.Sequence(lambda n: f"T-{n:05d}")
    session_id = factory.Sequence(lambda n: f"cs_test_factory{n:05d}")
    payment_intent_id = factory.Sequence(lambda n: f"pi_test_factory{n:05d}")
    gateway = CheckoutSession.Gateway.STRIPE
    status = CheckoutSession.Status.OPEN
    currency = "usd"
    amount_total = Decimal("19.99")
    line_items = factory.LazyAttribute(
        lambda o: [
            {
                "name": "Hope T-shirt",
                "description": "",
                "unit_amount": str(o.amount_total),
                "quantity": 1,
            }
        ]
    )
    customer_email = "supporter@example.org"
    url = factory.LazyAttribute(
        lambda o: f"https://checkout.stripe.com/c/pay/{o.session_id}"
    )
    success_url = "http://testserver/done/?session_id={CHECKOUT_SESSION_ID}"
    cancel_url = "http://testserver/cancelled/"
    idempotency_key = factory.LazyAttribute(
        lambda o: f"checkout-{o.kind}-{o.reference}-1999-0"
    )
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=30))

    class Params:
        local = factory.Trait(
            gateway=CheckoutSession.Gateway.LOCAL,
            session_id=factory.Sequence(lambda n: f"cs_local_{n:032x}"),
            payment_intent_id=factory.Sequence(lambda n: f"pi_local_{n:032x}"),
            url=factory.LazyAttribute(
                lambda o: f"http://testserver/payments/test-checkout/{o.session_id}/"
            ),
        )


class ProcessedEventFactory(ModelFactory[ProcessedEvent]):
    class Meta:
        model = ProcessedEvent

    event_id = factory.Sequence(lambda n: f"evt_test_factory{n:05d}")
    type = "checkout.session.completed"
    object_id = factory.Sequence(lambda n: f"cs_test_factory{n:05d}")
