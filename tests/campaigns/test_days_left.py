"""How many days are left, counted in Kentucky dates, with the clock under control."""

import datetime as dt
from unittest import mock

import pytest
from django.template import Context, Template
from django.utils import timezone

from campaigns.templatetags.campaign_tags import date_range, days_left

TODAY = dt.date(2027, 1, 11)


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (TODAY, "today"),
        (TODAY + dt.timedelta(days=1), "tomorrow"),
        (TODAY + dt.timedelta(days=2), "in 2 days"),
        (TODAY + dt.timedelta(days=365), "in 365 days"),
        (TODAY - dt.timedelta(days=1), "this was yesterday"),
        (TODAY - dt.timedelta(days=4), "this was 4 days ago"),
    ],
)
def test_days_left_labels(day, label):
    assert days_left(day, TODAY) == label


def test_days_left_uses_the_local_date_not_utc():
    # 02:00 UTC on January 11 is still January 10 in Louisville.
    late = dt.datetime(2027, 1, 11, 2, 0, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=late):
        assert timezone.localdate() == dt.date(2027, 1, 10)
        rendered = Template("{% load campaign_tags %}{{ day|days_left }}").render(
            Context({"day": TODAY})
        )
    assert rendered == "tomorrow"


def test_days_left_of_nothing_is_empty():
    assert days_left(None) == ""


def test_date_range():
    assert date_range(dt.date(2027, 1, 1), dt.date(2027, 1, 31)) == (
        '<time datetime="2027-01-01">January 1</time> to '
        '<time datetime="2027-01-31">January 31, 2027</time>'
    )
    assert date_range(dt.date(2026, 12, 1), dt.date(2027, 1, 31)).startswith(
        '<time datetime="2026-12-01">December 1, 2026</time>'
    )
    assert (
        date_range(TODAY, TODAY)
        == '<time datetime="2027-01-11">January 11, 2027</time>'
    )
