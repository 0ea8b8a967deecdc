"""
`checkout_dispatch`: the one call every source of news makes (the Stripe
webhook, a success page, the local test gateway, a refund).

It has the outcome recorded and its handler told (`payments.services.recording`)
and, when money arrived at Stripe and its fee is not known yet, queues the fee
lookup (`payments.services.fees`) once the transaction commits.
"""

from django.db import transaction

from payments.registry import CheckoutOutcome
from payments.services.fees import fee_fetch_enqueue
from payments.services.recording import checkout_outcome_record


def checkout_dispatch(outcome: CheckoutOutcome) -> CheckoutOutcome:
    """
    Record `outcome` on our `CheckoutSession` and call the handler for its kind
    (see `checkout_outcome_record`); queue the fee lookup after commit when one
    is due. Runs inside the caller's transaction when there is one, so a handler
    that raises undoes everything, the queued lookup included.
    """
    with transaction.atomic():
        fee_due = checkout_outcome_record(outcome)
        if fee_due is not None:
            session_id, invoice_id = fee_due.session_id, fee_due.invoice_id
            transaction.on_commit(
                lambda: fee_fetch_enqueue(session_id=session_id, invoice_id=invoice_id)
            )
    return outcome
