"""
Sending one of the site's emails: a plain-text body and its HTML version, both
rendered from `templates/emails/<name>.txt` and `.html` with one context.
Callers handle a failure (log it, mark what was not sent) as their email needs.
"""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


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
