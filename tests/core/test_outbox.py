"""The development outbox: with DEBUG on, emails are kept as files and a local
page lists and shows them (text and HTML); with DEBUG off the page does not
exist, and `make run`'s banner (seed_demo) prints its address."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.urls import reverse

from core.outbox import OutboxEmailBackend, outbox_emails

OUTBOX = {"BACKEND": "core.outbox.OutboxEmailBackend"}


@pytest.fixture
def outbox(settings, tmp_path):
    """DEBUG on, as `make run` has it, emails into a folder of this test."""
    settings.DEBUG = True
    settings.DEV_OUTBOX_DIR = str(tmp_path)
    settings.MAILERS = {"default": {**OUTBOX, "OPTIONS": {"directory": str(tmp_path)}}}
    return tmp_path


def send(subject="Your Redeeming Hope order RH-1", html=True) -> None:
    message = EmailMultiAlternatives(
        subject=subject, body="Hello Ann,\nThank you.", to=["ann@example.org"]
    )
    if html:
        message.attach_alternative("<p>Hello <strong>Ann</strong></p>", "text/html")
    message.send()


def test_the_backend_prints_and_keeps_each_email(outbox, tmp_path):
    stream = io.StringIO()
    backend = OutboxEmailBackend(stream=stream, directory=str(tmp_path))
    message = EmailMultiAlternatives(subject="Hi", body="Body", to=["a@example.org"])
    assert backend.send_messages([message, message]) == 2
    assert stream.getvalue().count("Subject: Hi") == 2
    assert len(list(tmp_path.glob("*.eml"))) == 2


def test_the_local_page_lists_and_shows_the_emails(client, outbox):
    send()
    send("A refund for your Redeeming Hope order RH-1", html=False)
    assert len(list(outbox.glob("*.eml"))) == 2
    listing = client.get(reverse("dev-outbox"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Your Redeeming Hope order RH-1" in html and "ann@example.org" in html
    # Newest first.
    assert html.index("A refund for") < html.index("Your Redeeming Hope order")
    [refund, order] = outbox_emails()
    detail = client.get(reverse("dev-outbox-email", args=[order.name]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Hello Ann," in page and "Open the HTML version" in page
    as_html = client.get(reverse("dev-outbox-html", args=[order.name]))
    assert as_html.status_code == 200
    assert as_html.content.decode() == "<p>Hello <strong>Ann</strong></p>\n"
    assert as_html["Content-Security-Policy"].startswith("sandbox;")
    # A text-only email has no HTML version.
    assert "Open the HTML version" not in (
        client.get(reverse("dev-outbox-email", args=[refund.name])).content.decode()
    )
    assert client.get(reverse("dev-outbox-html", args=[refund.name])).status_code == 404


@pytest.mark.parametrize("name", ["nope.eml", "..%2Fsecret.eml", "x.txt", ".."])
def test_no_other_file_can_be_read(client, outbox, name):
    (outbox.parent / "secret.eml").write_text("Subject: secret\n\nkey")
    response = client.get(f"/dev/outbox/{name}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_only_this_machine_or_staff_see_it(client, outbox):
    send()
    url = reverse("dev-outbox")
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 404
    staff = get_user_model().objects.create_user("dev", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200


@pytest.mark.django_db
def test_without_debug_the_outbox_does_not_exist(client, settings, tmp_path):
    settings.DEBUG = False
    settings.DEV_OUTBOX_DIR = str(tmp_path)
    (tmp_path / "20260101T000000000000-abcd.eml").write_text("Subject: x\n\ny")
    staff = get_user_model().objects.create_user("dev", password="pw", is_staff=True)
    client.force_login(staff)
    for url in (
        reverse("dev-outbox"),
        reverse("dev-outbox-email", args=["20260101T000000000000-abcd.eml"]),
        reverse("dev-outbox-html", args=["20260101T000000000000-abcd.eml"]),
    ):
        assert client.get(url).status_code == 404


def test_tests_keep_emails_in_memory():
    """The settings under test never write an outbox."""
    send()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_run_banner_prints_the_outbox_address(settings):
    settings.DEBUG = True
    settings.MAILERS = {"default": OUTBOX}
    out = io.StringIO()
    call_command("seed_demo", "--site", "http://127.0.0.1:8105", stdout=out)
    assert "http://127.0.0.1:8105/dev/outbox/" in out.getvalue()
