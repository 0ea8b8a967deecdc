"""Staff publish campaigns in the admin: validation, images, preview link."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from campaigns.models import ActionDay, Campaign, Statistic
from tests.campaigns.factories import CampaignFactory, StatisticFactory
from tests.pages.factories import PageFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:campaigns_campaign_add")


def _image_upload(
    size=(1200, 675), mode="RGB", image_format="JPEG", name="hero.jpg", noise=False
):
    buffer = io.BytesIO()
    if noise:
        image = Image.effect_noise(size, 100).convert("RGB")
    else:
        image = Image.new(mode, size)
    image.save(buffer, image_format)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type=f"image/{image_format.lower()}"
    )


def _form_data(**overrides) -> dict:
    data = {
        "title": "Wear blue",
        "slug": "wear-blue",
        "summary": "A summary.",
        "theme": "",
        "hashtag": "#WearBlue",
        "body": "Some words.",
        "status": "published",
        "publish_at_0": "",
        "publish_at_1": "",
        "start_date": "2027-01-01",
        "end_date": "2027-01-31",
        "hero_image_alt": "",
        "social_image_alt": "",
        "meta_description": "",
        "action_days-TOTAL_FORMS": "1",
        "action_days-INITIAL_FORMS": "0",
        "action_days-MIN_NUM_FORMS": "0",
        "action_days-MAX_NUM_FORMS": "1000",
        "action_days-0-title": "#WearBlue day",
        "action_days-0-hashtag": "#WearBlue",
        "action_days-0-date": "2027-01-11",
        "action_days-0-time": "",
        "action_days-0-description": "",
        "action_days-0-call_to_action": "Wear blue.",
    }
    data.update(overrides)
    return data


def _errors(response) -> str:
    assert response.status_code == 200, "the form should have been shown again"
    return str(response.context["adminform"].form.errors) + str(
        response.context["adminform"].form.non_field_errors()
    )


def test_staff_create_a_campaign_with_an_action_day_and_statistics(admin_client):
    statistic = StatisticFactory()
    data = _form_data(
        statistics=[str(statistic.pk)],
        hero_image=_image_upload(),
        hero_image_alt="Blue banner",
    )
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context and _errors(response)
    campaign = Campaign.objects.get(slug="wear-blue")
    assert list(campaign.statistics.all()) == [statistic]
    assert ActionDay.objects.get(campaign=campaign).date == dt.date(2027, 1, 11)
    assert campaign.hero_image_width == 1200 and campaign.hero_image_height == 675


def test_end_before_start_is_refused_in_the_admin(admin_client):
    response = admin_client.post(ADD_URL, _form_data(end_date="2026-12-31"))
    assert "end date cannot be before the start" in _errors(response)
    assert not Campaign.objects.exists()


def test_image_without_alt_text_is_refused(admin_client):
    response = admin_client.post(ADD_URL, _form_data(hero_image=_image_upload()))
    assert "Describe the hero image" in _errors(response)


def test_draft_with_a_publish_time_is_refused(admin_client):
    response = admin_client.post(
        ADD_URL,
        _form_data(status="draft", publish_at_0="2027-01-01", publish_at_1="09:00"),
    )
    assert "A draft is never shown" in _errors(response)


def test_scheduling_is_accepted_and_in_kentucky_time(admin_client):
    response = admin_client.post(
        ADD_URL, _form_data(publish_at_0="2027-01-01", publish_at_1="09:00")
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.publish_at == dt.datetime(2027, 1, 1, 14, 0, tzinfo=dt.UTC)


def test_a_file_that_is_not_an_image_is_refused(admin_client):
    fake = SimpleUploadedFile(
        "hero.jpg", b"<html>not an image</html>", content_type="image/jpeg"
    )
    response = admin_client.post(
        ADD_URL, _form_data(hero_image=fake, hero_image_alt="x")
    )
    errors = _errors(response)
    assert "hero_image" in response.context["adminform"].form.errors
    assert "image" in errors.lower()
    assert not Campaign.objects.exists()


def test_an_image_over_the_size_limit_is_refused(admin_client, settings):
    settings.MAX_UPLOAD_IMAGE_BYTES = 20_000
    upload = _image_upload(size=(600, 400), noise=True)
    assert upload.size > 20_000
    response = admin_client.post(
        ADD_URL, _form_data(hero_image=upload, hero_image_alt="x")
    )
    assert "the largest accepted is" in _errors(response)
    assert not Campaign.objects.exists()


def test_a_decompression_bomb_is_refused(admin_client):
    # 8000 × 6000 one-bit pixels: a few kilobytes on the wire, 48 megapixels decoded.
    bomb = _image_upload(
        size=(8000, 6000), mode="1", image_format="PNG", name="bomb.png"
    )
    assert bomb.size < 100_000
    response = admin_client.post(
        ADD_URL, _form_data(hero_image=bomb, hero_image_alt="x")
    )
    assert "megapixels" in _errors(response)
    assert not Campaign.objects.exists()


def test_statistic_admin_refuses_a_non_http_source(admin_client):
    url = reverse("admin:campaigns_statistic_add")
    data = {
        "figure": "178",
        "description": "parties",
        "slug": "parties",
        "display_order": "1",
        "source_name": "Someone",
        "source_url": "ftp://example.org/file",
        "year": "2021",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "source_url" in response.context["adminform"].form.errors
    response = admin_client.post(url, {**data, "source_url": "https://www.state.gov/"})
    assert response.status_code == 302
    assert Statistic.objects.get().source_url == "https://www.state.gov/"


def test_campaign_form_is_made_for_writing(admin_client, settings, tmp_path):
    """A big Markdown box with a preview of what is saved, a thumbnail of the
    image, and the statistics with their whole labels as checkboxes."""
    settings.MEDIA_ROOT = tmp_path
    statistic = StatisticFactory(
        figure="178",
        description="parties to the UN Protocol, as of 2021",
        source_name="United Nations Treaty Collection",
        year=2021,
    )
    campaign = CampaignFactory(body="## Kentucky\n\n**Anyone** must report it.")
    campaign.hero_image.save("hero.jpg", _image_upload(), save=False)
    campaign.hero_image_alt = "A blue banner"
    campaign.save()

    response = admin_client.get(
        reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    )
    html = response.content.decode()
    assert 'class="markdown-editor"' in html and 'rows="24"' in html
    assert '<div class="markdown-preview"><h2>Kentucky</h2>' in html
    assert "<strong>Anyone</strong> must report it." in html
    assert 'class="focal-point__image"' in html  # the hero, with its crops
    assert 'type="checkbox" name="statistics"' in html
    assert (
        "178 parties to the UN Protocol, as of 2021 "
        "(United Nations Treaty Collection, 2021)"
    ) in html
    assert "css/admin-editing.css" in html
    assert statistic.pk


def test_page_form_has_a_big_markdown_box_and_a_preview(admin_client):
    page = PageFactory(body="- one\n- two")
    response = admin_client.get(reverse("admin:pages_page_change", args=[page.pk]))
    html = response.content.decode()
    assert 'class="markdown-editor"' in html
    assert '<div class="markdown-preview"><ul>' in html


def test_changelist_filters_search_and_preview_links(admin_client):
    draft = CampaignFactory(title="Draft one", status=Campaign.Status.DRAFT)
    CampaignFactory(title="Live one")
    url = reverse("admin:campaigns_campaign_changelist")
    response = admin_client.get(url, {"status__exact": "draft", "q": "Draft"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [draft]
    assert admin_client.get(url, {"is_featured__exact": "1"}).status_code == 200
    assert admin_client.get(url, {"start_date__year": "2027"}).status_code == 200

    change = admin_client.get(
        reverse("admin:campaigns_campaign_change", args=[draft.pk])
    )
    html = change.content.decode()
    # "View on site" opens the preview, which works for drafts too.
    assert f'href="{draft.get_preview_url()}" class="viewsitelink"' in html
    assert "Preview this campaign as visitors will see it" in html


def test_statistic_changelist_and_search(admin_client):
    StatisticFactory(figure="14 of 188")
    url = reverse("admin:campaigns_statistic_changelist")
    assert admin_client.get(url, {"q": "188"}).status_code == 200
