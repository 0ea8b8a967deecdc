"""
The development outbox: with DEBUG on, every email the site sends is printed in
the terminal as before and also kept as a file in `DEV_OUTBOX_DIR` (var/outbox),
where a local page lists them and shows each one, its text and its HTML. `make
run` prints the page's address.

The page is for a developer on their own machine: it answers 404 unless DEBUG is
on, and then only to a request from this machine or from a signed-in staff
member. With DEBUG off (production, tests) nothing is written and the page does
not exist.
"""

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage as ParsedMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# How many of the newest emails the list shows.
LIST_LIMIT = 200


class OutboxEmailBackend(ConsoleEmailBackend):
    """The console backend, which also saves each message as an .eml file in
    `directory` (newest last by name)."""

    def __init__(self, *args: Any, directory: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.directory = Path(directory or settings.DEV_OUTBOX_DIR)

    def write_message(self, message: Any) -> None:
        super().write_message(message)
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        (self.directory / name).write_bytes(message.message().as_bytes())


@dataclass(frozen=True, kw_only=True)
class OutboxEmail:
    name: str
    subject: str
    to: str
    sender: str
    sent_at: datetime | None
    text: str
    html: str


def _read(path: Path) -> OutboxEmail:
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(parsed, ParsedMessage)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    date = parsed.get("Date")
    return OutboxEmail(
        name=path.name,
        subject=str(parsed.get("Subject", "")),
        to=str(parsed.get("To", "")),
        sender=str(parsed.get("From", "")),
        sent_at=parsedate_to_datetime(str(date)) if date else None,
        text=text.get_content() if text is not None else "",
        html=html.get_content() if html is not None else "",
    )


def outbox_emails(*, directory: Path | None = None) -> list[OutboxEmail]:
    """The newest emails first."""
    folder = directory or Path(settings.DEV_OUTBOX_DIR)
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.eml"), reverse=True)[:LIST_LIMIT]
    return [_read(path) for path in paths]


def outbox_email(name: str, *, directory: Path | None = None) -> OutboxEmail:
    """One email by its file name; Http404 for any other name."""
    folder = directory or Path(settings.DEV_OUTBOX_DIR)
    path = folder / name
    # Only a plain file name of this folder: no other path can be read.
    if Path(name).name != name or not name.endswith(".eml") or not path.is_file():
        raise Http404("No such email.")
    return _read(path)


def _is_local(request: HttpRequest) -> bool:
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def _allowed(request: HttpRequest) -> None:
    if not settings.DEBUG:
        raise Http404("No outbox outside development.")
    user = getattr(request, "user", None)
    if not (_is_local(request) or (user is not None and user.is_staff)):
        raise Http404("The outbox is for this machine only.")


@never_cache
@require_GET
def outbox_list(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    response = render(
        request,
        "dev/outbox_list.html",
        {"emails": outbox_emails(), "folder": settings.DEV_OUTBOX_DIR},
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_GET
def outbox_detail(request: HttpRequest, name: str) -> HttpResponse:
    _allowed(request)
    response = render(request, "dev/outbox_detail.html", {"email": outbox_email(name)})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_GET
def outbox_html(request: HttpRequest, name: str) -> HttpResponse:
    """The email's HTML as the email client gets it, alone in a sandbox: no
    script, no form, nothing from elsewhere but images."""
    _allowed(request)
    email = outbox_email(name)
    if not email.html:
        raise Http404("This email has no HTML version.")
    response = HttpResponse(email.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src data: https:; style-src 'unsafe-inline'"
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
