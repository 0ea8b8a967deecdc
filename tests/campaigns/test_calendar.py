"""The "Add to calendar" file: valid RFC 5545, parsed back with icalendar."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.utils import timezone

from campaigns.models import Campaign
from tests.campaigns.factories import ActionDayFactory, CampaignFactory

pytestmark = pytest.mark.django_db

LOUISVILLE = zoneinfo.ZoneInfo("America/Kentucky/Louisville")


def _download(client, day):
    response = client.get(day.get_calendar_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    return response


def _event(response) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    (event,) = calendar.walk("VEVENT")
    assert isinstance(event, icalendar.Event)
    return event


def test_all_day_action_day(client):
    campaign = CampaignFactory(slug="prevention-month", hashtag="#WearBlue")
    day = ActionDayFactory(
        campaign=campaign,
        title="#WearBlue day",
        date=dt.date(2027, 1, 11),
        time=None,
        hashtag="#WearBlue",
        description="Wear blue.",
    )
    response = _download(client, day)
    assert 'filename="wearblue-day-2027-01-11.ics"' in response["Content-Disposition"]
    event = _event(response)

    assert event.decoded("DTSTART") == dt.date(2027, 1, 11)
    assert event.decoded("DTEND") == dt.date(2027, 1, 12)
    assert b"DTSTART;VALUE=DATE:20270111" in response.content
    assert b"DTEND;VALUE=DATE:20270112" in response.content
    assert str(event["UID"]) == f"actionday-{day.pk}@testserver"
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["SUMMARY"]) == "#WearBlue day"
    page_url = "http://testserver/campaigns/prevention-month/"
    assert str(event["URL"]) == page_url
    description = str(event["DESCRIPTION"])
    assert "#WearBlue" in description
    assert page_url in description
    assert "Wear blue." in description
    # Lines are CRLF-terminated, as RFC 5545 requires.
    assert b"\r\n" in response.content


def test_timed_action_day_is_in_kentucky_time(client):
    day = ActionDayFactory(date=dt.date(2027, 7, 4), time=dt.time(18, 30))
    response = _download(client, day)
    event = _event(response)
    start = event.decoded("DTSTART")
    assert start == dt.datetime(2027, 7, 4, 18, 30, tzinfo=LOUISVILLE)
    assert start.utcoffset() == dt.timedelta(hours=-4)  # daylight time in July
    assert event.decoded("DTEND") - start == dt.timedelta(hours=1)
    assert b"TZID=America/Kentucky/Louisville" in response.content
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar.walk("VTIMEZONE"), "a timed event carries its VTIMEZONE"


def test_uid_is_stable_across_downloads(client):
    day = ActionDayFactory()
    first = _event(_download(client, day))["UID"]
    second = _event(_download(client, day))["UID"]
    assert first == second


def test_calendar_of_a_draft_is_404_for_the_public_but_not_for_staff(
    client, admin_client
):
    day = ActionDayFactory(campaign=CampaignFactory(status=Campaign.Status.DRAFT))
    assert client.get(day.get_calendar_url()).status_code == 404
    assert admin_client.get(day.get_calendar_url()).status_code == 200


def test_calendar_of_a_scheduled_campaign_is_404_for_the_public(client):
    campaign = CampaignFactory(publish_at=timezone.now() + dt.timedelta(days=1))
    day = ActionDayFactory(campaign=campaign)
    assert client.get(day.get_calendar_url()).status_code == 404


def test_calendar_needs_the_right_campaign_slug(client):
    day = ActionDayFactory()
    other = CampaignFactory()
    url = day.get_calendar_url().replace(day.campaign.slug, other.slug)
    assert client.get(url).status_code == 404
    assert (
        client.get(
            f"/campaigns/{day.campaign.slug}/days/999999/calendar.ics"
        ).status_code
        == 404
    )


def test_calendar_escapes_what_staff_write(client):
    day = ActionDayFactory(
        title="Vigil; then talk, with friends",
        description="Line one\nLine two, with a comma; and a semicolon",
    )
    event = _event(_download(client, day))
    assert str(event["SUMMARY"]) == "Vigil; then talk, with friends"
    assert "Line one\nLine two, with a comma; and a semicolon" in str(
        event["DESCRIPTION"]
    )
