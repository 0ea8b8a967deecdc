"""
Sending one of the site's emails: a plain-text body and its HTML version, both
rendered from `templates/emails/<name>.txt` and `.html` with one context.
`email_send_for_record` sends one about a record (a gift, an order) and reports
a failure the one way the email tasks expect (`core.tasks.email_task`).
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from core.tasks import EmailNotSent


def email_send_templated(
    *, template: str, subject: str, to: list[str], context: dict[str, object]
) -> None:
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context),
        to=to,
    )
    message.attach_alternative(
        render_to_string(f"emails/{template}.html", context), "text/html"
    )
    message.send()


def email_send_for_record(
    *,
    template: str,
    subject: str,
    to: list[str],
    context: dict[str, object],
    record_id: int,
    failure: str,
    log: logging.Logger,
    raise_on_failure: bool,
) -> bool:
    """Send one templated email about a record and say whether it went. A
    failure is logged as `failure % record_id` (the record by id, never the
    address) and, for a task that tries again later (`raise_on_failure`),
    raised as `EmailNotSent`; otherwise the answer is False. The caller marks
    the record sent only when the answer is True."""
    try:
        email_send_templated(template=template, subject=subject, to=to, context=context)
    except Exception as error:
        log.exception(failure, record_id)
        if raise_on_failure:
            raise EmailNotSent(record_id) from error
        return False
    return True
