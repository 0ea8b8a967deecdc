"""What each staff role may open and do with pages and campaigns, and who sees
a draft: previews and draft calendar files need `campaigns.view_campaign`, not
just a staff account."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from pages.models import Page
from tests.campaigns.factories import (
    ActionDayFactory,
    CampaignFactory,
    StatisticFactory,
)
from tests.pages.factories import PageFactory
from tests.staff.role_users import ADMIN, EDITOR, FINANCE, NO_ROLE, SHOP, sign_in

pytestmark = pytest.mark.django_db

OTHERS = [SHOP, FINANCE, NO_ROLE]


def content_urls() -> dict[str, str]:
    page = PageFactory()
    campaign = CampaignFactory(status=Campaign.Status.DRAFT)
    statistic = StatisticFactory()
    return {
        "pages": reverse("admin:pages_page_changelist"),
        "page": reverse("admin:pages_page_change", args=[page.pk]),
        "add a campaign": reverse("admin:campaigns_campaign_add"),
        "campaign": reverse("admin:campaigns_campaign_change", args=[campaign.pk]),
        "statistic": reverse("admin:campaigns_statistic_change", args=[statistic.pk]),
        "preview": campaign.get_preview_url(),
    }


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(EDITOR, True), (ADMIN, True), *((role, False) for role in OTHERS)],
)
def test_which_content_pages_each_role_opens(client, role, allowed):
    sign_in(client, role)
    answers = {
        name: client.get(url).status_code for name, url in content_urls().items()
    }
    assert answers == {name: 200 if allowed else 403 for name in answers}


@pytest.mark.parametrize("role", OTHERS)
def test_others_cannot_change_a_page(client, role):
    page = PageFactory(title="About us")
    sign_in(client, role)
    response = client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        {"title": "Defaced", "slug": page.slug, "body": "x", "is_published": "on"},
    )
    assert response.status_code == 403
    assert Page.objects.get(pk=page.pk).title == "About us"


def test_the_content_editor_cannot_touch_the_shop_or_the_money(client):
    sign_in(client, EDITOR)
    response = client.post(
        reverse("admin:shop_product_add"), {"name": "Fake", "slug": "fake"}
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:donations_donation_changelist")).status_code == (
        403
    )


@pytest.mark.parametrize("role", OTHERS)
def test_a_draft_preview_needs_the_campaign_permission(client, role):
    """403, asked before the campaign is looked up: the same answer whether
    the slug exists or not, so it says nothing of unpublished campaigns."""
    campaign = CampaignFactory(status=Campaign.Status.DRAFT, title="Still secret")
    sign_in(client, role)
    response = client.get(campaign.get_preview_url())
    assert response.status_code == 403
    assert "Still secret" not in response.content.decode()
    unknown = reverse("campaigns:campaign-preview", args=["no-such-campaign"])
    assert client.get(unknown).status_code == 403


@pytest.mark.parametrize("role", OTHERS)
def test_a_drafts_calendar_file_is_404_without_the_permission(client, role):
    """The calendar file is a public address: without the permission a draft's
    day is as absent as it is for a visitor."""
    day = ActionDayFactory(campaign__status=Campaign.Status.DRAFT)
    sign_in(client, role)
    assert client.get(day.get_calendar_url()).status_code == 404
    public_day = ActionDayFactory()
    assert client.get(public_day.get_calendar_url()).status_code == 200


@pytest.mark.parametrize("role", [EDITOR, ADMIN])
def test_the_content_editor_previews_drafts_and_their_days(client, role):
    day = ActionDayFactory(campaign__status=Campaign.Status.DRAFT)
    sign_in(client, role)
    response = client.get(day.campaign.get_preview_url())
    assert response.status_code == 200
    assert "preview-banner" in response.content.decode()
    assert client.get(day.get_calendar_url()).status_code == 200
