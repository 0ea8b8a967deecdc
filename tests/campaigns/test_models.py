"""Publishing rules, the reads that repeat, and the model's own validation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns.models import ActionDay, Campaign, Statistic
from tests.campaigns.factories import (
    ActionDayFactory,
    CampaignFactory,
    StatisticFactory,
    jpeg_file,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 1, 11, 15, 0, tzinfo=dt.UTC)  # 10:00 in Louisville
TODAY = dt.date(2027, 1, 11)


def _slugs(queryset) -> set[str]:
    return set(queryset.values_list("slug", flat=True))


def test_published_follows_status_and_publish_at():
    CampaignFactory(slug="draft", status=Campaign.Status.DRAFT)
    CampaignFactory(slug="published")
    CampaignFactory(slug="scheduled", publish_at=NOW + dt.timedelta(minutes=1))
    CampaignFactory(slug="was-scheduled", publish_at=NOW - dt.timedelta(minutes=1))
    CampaignFactory(slug="on-the-dot", publish_at=NOW)

    assert _slugs(Campaign.objects.published(now=NOW)) == {
        "published",
        "was-scheduled",
        "on-the-dot",
    }
    # The scheduled one appears by itself once its time comes: no job, no save.
    later = NOW + dt.timedelta(minutes=2)
    assert "scheduled" in _slugs(Campaign.objects.published(now=later))
    assert "draft" not in _slugs(Campaign.objects.published(now=later))


def test_is_public_agrees_with_the_queryset():
    scheduled = CampaignFactory(publish_at=NOW + dt.timedelta(hours=1))
    draft = CampaignFactory(status=Campaign.Status.DRAFT)
    assert not scheduled.is_public(now=NOW)
    assert scheduled.is_public(now=NOW + dt.timedelta(hours=1))
    assert not draft.is_public(now=NOW)


def test_current_upcoming_and_past_use_the_local_date():
    CampaignFactory(slug="now", start_date=TODAY, end_date=TODAY)
    CampaignFactory(
        slug="soon",
        start_date=TODAY + dt.timedelta(days=1),
        end_date=TODAY + dt.timedelta(days=2),
    )
    CampaignFactory(
        slug="over",
        start_date=TODAY - dt.timedelta(days=9),
        end_date=TODAY - dt.timedelta(days=1),
    )
    CampaignFactory(
        slug="hidden", status=Campaign.Status.DRAFT, start_date=TODAY, end_date=TODAY
    )

    assert _slugs(Campaign.objects.current(now=NOW)) == {"now"}
    assert _slugs(Campaign.objects.upcoming(now=NOW)) == {"soon"}
    assert _slugs(Campaign.objects.past(now=NOW)) == {"over"}

    # 03:00 UTC on the 12th is still the 11th in Kentucky.
    late_evening = dt.datetime(2027, 1, 12, 3, 0, tzinfo=dt.UTC)
    assert _slugs(Campaign.objects.current(now=late_evening)) == {"now"}


def test_with_phase_orders_current_upcoming_past():
    CampaignFactory(
        slug="over",
        start_date=TODAY - dt.timedelta(days=30),
        end_date=TODAY - dt.timedelta(days=1),
    )
    CampaignFactory(
        slug="soon",
        start_date=TODAY + dt.timedelta(days=5),
        end_date=TODAY + dt.timedelta(days=6),
    )
    CampaignFactory(
        slug="now",
        start_date=TODAY - dt.timedelta(days=1),
        end_date=TODAY + dt.timedelta(days=1),
    )
    rows = (
        Campaign.objects.with_phase(now=NOW)
        .order_by("phase")
        .values_list("slug", "phase")
    )
    assert list(rows) == [
        ("now", Campaign.Phase.CURRENT),
        ("soon", Campaign.Phase.UPCOMING),
        ("over", Campaign.Phase.PAST),
    ]


def _home() -> Campaign:
    campaign = Campaign.objects.for_home(now=NOW).first()
    assert campaign is not None, "no campaign for the home page"
    return campaign


def test_home_prefers_a_featured_campaign_then_the_current_one():
    CampaignFactory(slug="running", start_date=TODAY, end_date=TODAY)
    assert _home().slug == "running"

    CampaignFactory(
        slug="featured",
        is_featured=True,
        start_date=TODAY + dt.timedelta(days=30),
        end_date=TODAY + dt.timedelta(days=60),
    )
    assert _home().slug == "featured"

    CampaignFactory(
        slug="featured-draft",
        is_featured=True,
        status=Campaign.Status.DRAFT,
        start_date=TODAY,
        end_date=TODAY,
    )
    assert _home().slug == "featured"


def test_home_shows_nothing_when_nothing_is_featured_or_running():
    CampaignFactory(
        start_date=TODAY + dt.timedelta(days=3), end_date=TODAY + dt.timedelta(days=4)
    )
    assert Campaign.objects.for_home(now=NOW).first() is None


def test_upcoming_action_days_are_public_and_soonest_first():
    campaign = CampaignFactory()
    draft = CampaignFactory(status=Campaign.Status.DRAFT)
    ActionDayFactory(
        campaign=campaign, title="later", date=TODAY + dt.timedelta(days=9)
    )
    ActionDayFactory(campaign=campaign, title="today", date=TODAY)
    ActionDayFactory(campaign=campaign, title="gone", date=TODAY - dt.timedelta(days=1))
    ActionDayFactory(campaign=draft, title="secret", date=TODAY)

    titles = [day.title for day in ActionDay.objects.upcoming(now=NOW)]
    assert titles == ["today", "later"]


def test_action_day_time_is_kentucky_time():
    day = ActionDayFactory.build(date=TODAY, time=dt.time(10, 0))
    assert day.starts_at == dt.datetime(2027, 1, 11, 15, 0, tzinfo=dt.UTC)
    assert ActionDayFactory.build(date=TODAY, time=None).starts_at is None


# --- validation -----------------------------------------------------------------


def test_end_before_start_is_refused_by_clean():
    campaign = CampaignFactory.build(
        start_date=TODAY, end_date=TODAY - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "end_date" in error.value.message_dict


def test_end_before_start_is_refused_by_the_database():
    campaign = CampaignFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(
            end_date=campaign.start_date - dt.timedelta(days=1)
        )


def test_a_one_day_campaign_is_fine():
    CampaignFactory.build(start_date=TODAY, end_date=TODAY).full_clean()


def test_hero_image_needs_alt_text():
    campaign = CampaignFactory.build(hero_image=jpeg_file(), hero_image_alt="  ")
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "hero_image_alt" in error.value.message_dict


def test_hero_image_without_alt_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignFactory(hero_image=jpeg_file(), hero_image_alt="")


def test_a_draft_cannot_be_scheduled():
    campaign = CampaignFactory.build(status=Campaign.Status.DRAFT, publish_at=NOW)
    with pytest.raises(ValidationError) as error:
        campaign.full_clean()
    assert "publish_at" in error.value.message_dict


def test_slugs_are_unique_and_feed_is_reserved():
    CampaignFactory(slug="wear-blue")
    with pytest.raises(ValidationError) as error:
        CampaignFactory.build(slug="wear-blue").full_clean()
    assert "slug" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        CampaignFactory.build(slug="feed").full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.parametrize("hashtag", ["#WearBlue", "WearBlue", "wear_blue_2027", ""])
def test_good_hashtags(hashtag):
    CampaignFactory.build(hashtag=hashtag).full_clean()


@pytest.mark.parametrize("hashtag", ["#Wear Blue", "#<script>", "##x", "#1abc"])
def test_bad_hashtags(hashtag):
    with pytest.raises(ValidationError):
        CampaignFactory.build(hashtag=hashtag).full_clean()


def test_hashtag_text_drops_the_hash():
    assert CampaignFactory.build(hashtag="#WearBlue").hashtag_text == "WearBlue"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/report.pdf",
        "javascript:alert(1)",
        "mailto:someone@example.org",
        "example.org/no-scheme",
        "file:///etc/passwd",
    ],
)
def test_statistic_source_url_must_be_http(url):
    statistic = StatisticFactory.build(source_url=url)
    with pytest.raises(ValidationError) as error:
        statistic.full_clean()
    assert "source_url" in error.value.message_dict


@pytest.mark.parametrize("url", ["https://www.state.gov/x/", "http://example.org/"])
def test_statistic_source_url_http_is_fine(url):
    StatisticFactory.build(source_url=url).full_clean()


def test_statistic_source_url_is_checked_by_the_database_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        Statistic.objects.create(
            slug="bad",
            figure="1",
            description="thing",
            source_name="Nobody",
            source_url="ftp://example.org/",
        )


def test_one_statistic_on_several_campaigns():
    statistic = StatisticFactory()
    first, second = CampaignFactory(), CampaignFactory()
    first.statistics.add(statistic)
    second.statistics.add(statistic)
    assert set(statistic.campaigns.all()) == {first, second}


def test_string_forms():
    assert str(CampaignFactory.build(title="Wear blue")) == "Wear blue"
    assert (
        str(StatisticFactory.build(figure="178", description="parties"))
        == "178 parties"
    )
    day = ActionDayFactory.build(title="#WearBlue", date=TODAY)
    assert str(day) == "#WearBlue (2027-01-11)"


def test_today_default_uses_the_clock():
    campaign = CampaignFactory(
        start_date=timezone.localdate(), end_date=timezone.localdate()
    )
    assert campaign in Campaign.objects.current()
