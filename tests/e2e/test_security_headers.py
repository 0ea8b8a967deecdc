"""The security headers as a real browser reads them: Chromium reports no
Permissions-Policy feature it does not know and no Content Security Policy
violation on a page with forms."""

import pytest
from django.urls import reverse

from tests.donations.factories import HomeFundFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_browser_accepts_the_headers_without_complaint(page, live_server):
    HomeFundFactory()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(live_server.url + reverse("donations:donate"))
    page.wait_for_load_state("load")
    complaints = [
        text
        for text in messages
        if "Permissions-Policy" in text or "Content Security Policy" in text
    ]
    assert complaints == []
    policy = page.evaluate("document.featurePolicy?.allowedFeatures() ?? null")
    if policy is not None:  # Chromium's view of the policy, where it has one
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert feature not in policy
