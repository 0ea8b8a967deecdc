"""The admin flags statistics older than five years, and the campaign form's
"+" for statistics says what it does and shows the new statistic, checked."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Statistic
from tests.campaigns.factories import CampaignFactory, StatisticFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 5)


def _today_is(day: dt.date):
    """Today's local date, as the age checks read it (the clock itself, which
    the admin's session checks read, is left alone)."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    return mock.patch("django.utils.timezone.localdate", side_effect=localdate)


@pytest.mark.parametrize(
    ("year", "as_of", "stale"),
    [
        (2022, None, False),
        (2021, None, True),  # 2027 - 2021 = 6 years
        (2022, None, False),  # five years: not older than five
        (None, dt.date(2022, 1, 5), False),  # five years to the day
        (None, dt.date(2022, 1, 4), True),
        (2015, dt.date(2023, 3, 1), False),  # the "as of" date decides
        (None, None, False),
    ],
)
def test_older_than_five_years(year, as_of, stale):
    statistic = StatisticFactory(year=year, as_of=as_of)
    assert statistic.is_stale(today=TODAY) is stale
    assert Statistic.objects.stale(today=TODAY).filter(pk=statistic.pk).exists() is (
        stale
    )


def test_a_leap_day_cutoff():
    statistic = StatisticFactory(year=None, as_of=dt.date(2019, 2, 28))
    assert not statistic.is_stale(today=dt.date(2024, 2, 29))
    assert statistic.is_stale(today=dt.date(2024, 3, 1))


def test_the_statistics_list_flags_old_ones_and_filters_them(admin_client):
    old = StatisticFactory(figure="178", year=2019)
    recent = StatisticFactory(figure="27.6 million", year=2024)
    url = reverse("admin:campaigns_statistic_changelist")
    with _today_is(TODAY):
        html = admin_client.get(url).content.decode()
        assert html.count("⚠ Over 5 years old") == 1
        stale_only = admin_client.get(url, {"age": "stale"})
        recent_only = admin_client.get(url, {"age": "recent"})
    assert list(stale_only.context["cl"].result_list) == [old]
    assert list(recent_only.context["cl"].result_list) == [recent]


def test_the_statistic_form_says_it_is_old(admin_client):
    old = StatisticFactory(year=2019)
    with _today_is(TODAY):
        html = admin_client.get(
            reverse("admin:campaigns_statistic_change", args=[old.pk])
        ).content.decode()
    assert "⚠ Over 5 years old" in html
    assert "look for newer figures from the source" in html


def test_the_campaign_form_flags_old_statistics_in_its_list(admin_client):
    campaign = CampaignFactory()
    StatisticFactory(figure="178", description="parties", year=2019)
    StatisticFactory(figure="27.6 million", description="people", year=2024)
    with _today_is(TODAY):
        html = admin_client.get(
            reverse("admin:campaigns_campaign_change", args=[campaign.pk])
        ).content.decode()
    assert "178 parties (A reliable source, 2019) ⚠ Over 5 years old" in html
    assert "27.6 million people (A reliable source, 2024)</label>" in html


def test_the_add_statistic_link_has_words_and_its_script(admin_client):
    html = admin_client.get(reverse("admin:campaigns_campaign_add")).content.decode()
    start = html.index('id="add_id_statistics"')
    link = html[start : html.index("</a>", start)]
    assert "Add a new statistic" in link
    assert "_popup=1" in link
    assert "appears in this list, checked" in html
    assert "js/admin-checkbox-related.js" in html
    # After Django's own popup script, whose function it extends.
    assert html.index("admin/RelatedObjectLookups.js") < html.index(
        "js/admin-checkbox-related.js"
    )
