"""
Work done off the request, through Django's tasks framework.

Which backend runs them is a setting (`TASKS`, from `TASKS_BACKEND`): in
production the database backend with its worker (`manage.py db_worker`), so
that a webhook only writes a row and answers.
"""

from django.tasks import task

from payments.services import fees


@task()
def checkout_fee_fetch(session_id: str) -> str:
    """Learn the processor's fee of a paid checkout (see `payments.services.fees`)."""
    return fees.checkout_fee_update(session_id=session_id)


@task()
def invoice_fee_fetch(invoice_id: str) -> str:
    """Learn the processor's fee of one paid monthly charge (an invoice)."""
    return fees.invoice_fee_update(invoice_id=invoice_id)
