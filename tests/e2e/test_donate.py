"""A supporter gives a monthly gift of their own amount, in a real browser, from
the home page's Donate link through the local test gateway; the Home fund's
progress moves, and the pages pass axe-core."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from demo import donations as demo
from donations.models import Donation, HomeFund, RecurringGift

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, local_gateway):
    demo.seed()  # the fund, presets and a few gifts
    return live_server.url


def _raised(page) -> Decimal:
    text = page.locator(".fund-progress__figures strong").first.inner_text()
    return Decimal(re.sub(r"[^0-9.]", "", text))


def test_a_monthly_gift_of_a_custom_amount_moves_the_fund(
    page, site, assert_accessible
):
    page.goto(site + reverse("the-home"))
    before = _raised(page)
    expect(page.locator("progress.fund-progress__bar")).to_have_count(1)
    assert_accessible(page)

    page.goto(site + reverse("home"))
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Donate"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Give to Redeeming Hope")
    assert_accessible(page)

    # Without choosing anything: the error summary takes focus.
    page.get_by_role("button", name="Continue to payment").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your name")
    assert_accessible(page)

    page.get_by_role("radio", name="Monthly").check()
    # Only the monthly amounts show once Monthly is chosen.
    expect(page.get_by_role("radio", name="$15.00")).to_be_visible()
    expect(page.get_by_role("radio", name="$25.00")).to_be_hidden()
    page.get_by_label("Other amount, in dollars").fill("42")
    expect(
        page.get_by_role("group", name="Amount each month").get_by_role(
            "radio", name="Other amount"
        )
    ).to_be_checked()
    page.get_by_label(re.compile("Add the card processing fee")).check()
    expect(page.locator("[data-fee-note]")).to_contain_text("Adds $1.57")
    page.get_by_label("Your full name").fill("Morgan Giver")
    page.get_by_label("Email address").fill("morgan@example.org")
    page.get_by_label("Show my name on the donor wall").check()
    page.get_by_role("button", name="Continue to payment").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Test payment")
    expect(page.get_by_text("$43.57").first).to_be_visible()
    page.get_by_role("button", name=re.compile("^Pay")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you for giving every month"
    )
    assert_accessible(page)
    gift = RecurringGift.objects.get(donor__email="morgan@example.org")
    assert gift.status == RecurringGift.Status.ACTIVE
    assert Donation.objects.filter(recurring_gift=gift, status="paid").count() == 1
    assert any("morgan@example.org" in m.to for m in mail.outbox)

    page.goto(site + reverse("the-home"))
    assert _raised(page) == before + Decimal("43.57")
    expect(page.get_by_text("Morgan Giver")).to_be_visible()
    assert HomeFund.objects.count() == 1
