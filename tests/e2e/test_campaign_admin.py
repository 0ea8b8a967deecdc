"""A Content editor adds a statistic from a campaign's form, in a real browser:
the "Add a new statistic" link opens the statistic form, and once it is saved
the new statistic is in the campaign's list, checked, and saved with it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Campaign, Statistic
from tests.campaigns.factories import CampaignFactory, StatisticFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long volunteer password"


def test_a_statistic_added_from_the_campaign_form_is_listed_and_checked(
    page, live_server, django_user_model
):
    django_user_model.objects.create_superuser("editor", "e@example.org", PASSWORD)
    campaign = CampaignFactory(title="Wear blue")
    StatisticFactory(figure="27.6 million", description="people in forced labor")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("admin:index"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(
        live_server.url + reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    )

    with page.expect_popup() as opened:
        page.get_by_role("link", name="Add a new statistic").click()
    popup = opened.value
    popup.get_by_label("Figure").fill("14 of 188")
    popup.get_by_label("What it counts").fill("countries yet to adhere")
    popup.get_by_label("Short name").fill("tip-2021")
    popup.locator("#id_source_name").fill("U.S. Department of State")
    popup.get_by_label("Source link").fill("https://www.state.gov/")
    popup.get_by_label("Year").fill("2021")
    # Listen before clicking: the popup may close before a later wait begins.
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()

    new = page.get_by_role("checkbox", name="14 of 188 countries yet to adhere")
    expect(new).to_be_checked()
    older = page.get_by_role("checkbox", name="27.6 million", exact=False)
    expect(older).not_to_be_checked()

    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    statistic = Statistic.objects.get(figure="14 of 188")
    assert list(Campaign.objects.get(pk=campaign.pk).statistics.all()) == [statistic]
