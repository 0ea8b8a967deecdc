"""
"Add to calendar" files for action days (RFC 5545), built with `icalendar`.

An all-day action day is a VEVENT with DTSTART;VALUE=DATE and DTEND the next day
(DTEND is exclusive). A timed one starts at its local (Kentucky) time, carries the
VTIMEZONE that time needs, and lasts one hour, as the admin's help text says.
"""

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from campaigns.models import ActionDay

PRODID = "-//Redeeming Hope//Campaigns//EN"
TIMED_EVENT_LENGTH = dt.timedelta(hours=1)


def action_day_uid(day: ActionDay, *, host: str) -> str:
    """Stable across downloads, so a second import updates the event, not doubles it."""
    return f"actionday-{day.pk}@{host}"


def action_day_calendar(
    day: ActionDay, *, page_url: str, host: str, now: dt.datetime | None = None
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")

    event = Event()
    event.add("uid", action_day_uid(day, host=host))
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    event.add("summary", day.title)
    starts_at = day.starts_at
    if starts_at is None:
        event.add("dtstart", day.date)
        event.add("dtend", day.date + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        event.add("dtstart", starts_at)
        event.add("dtend", starts_at + TIMED_EVENT_LENGTH)
    event.add("description", event_description(day, page_url=page_url))
    event.add("url", page_url)
    calendar.add_component(event)
    # Only the years around the event, so the VTIMEZONE stays a few lines long.
    calendar.add_missing_timezones(
        first_date=dt.date(day.date.year - 1, 1, 1),
        last_date=dt.date(day.date.year + 2, 1, 1),
    )
    return calendar.to_ical()


def event_description(day: ActionDay, *, page_url: str) -> str:
    """What a calendar shows under the event's title: the day's words, the
    hashtag and the campaign page's address."""
    parts = [day.description.strip(), day.call_to_action.strip()]
    hashtag = day.hashtag_text or day.campaign.hashtag_text
    if hashtag:
        parts.append(f"#{hashtag}")
    parts.append(page_url)
    return "\n\n".join(part for part in parts if part)
