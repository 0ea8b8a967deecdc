"""
What a campaign page tells other sites: share links, the social image, and the
schema.org Event data of its action days. Plain data here; templates render it.

Share links are ordinary URLs of each network's share endpoint, so no third-party
script is loaded and nothing is sent anywhere until the visitor clicks.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils.translation import gettext as _

from campaigns import ics
from campaigns.models import ActionDay, Campaign
from core.images import picture_for

SOCIAL_IMAGE_WIDTH = 1200
SOCIAL_IMAGE_RATIO = (1200, 630)  # what Open Graph and X cards display best


@dataclass(frozen=True)
class ShareLink:
    network: str
    label: str
    href: str


@dataclass(frozen=True)
class SocialImage:
    url: str  # absolute
    width: int
    height: int
    mime_type: str
    alt: str


def _query(params: dict[str, str]) -> str:
    return urlencode({k: v for k, v in params.items() if v}, quote_via=quote)


def share_links(
    *, url: str, title: str, summary: str = "", hashtag: str = ""
) -> list[ShareLink]:
    """Links for Facebook, X, LinkedIn, WhatsApp and email (`hashtag` without '#')."""
    return [
        ShareLink(
            "facebook",
            _("Facebook"),
            "https://www.facebook.com/sharer/sharer.php?" + _query({"u": url}),
        ),
        ShareLink(
            "x",
            _("X (Twitter)"),
            "https://twitter.com/intent/tweet?"
            + _query({"text": title, "url": url, "hashtags": hashtag}),
        ),
        ShareLink(
            "linkedin",
            _("LinkedIn"),
            "https://www.linkedin.com/sharing/share-offsite/?" + _query({"url": url}),
        ),
        ShareLink(
            "whatsapp",
            _("WhatsApp"),
            "https://wa.me/?" + _query({"text": f"{title} {url}"}),
        ),
        ShareLink(
            "email",
            _("Email"),
            "mailto:?"
            + _query(
                {"subject": title, "body": "\n\n".join(filter(None, [summary, url]))}
            ),
        ),
    ]


def social_image(
    campaign: Campaign, *, build_absolute_uri: Callable[[str], str]
) -> SocialImage | None:
    """The social sharing image, else the hero image, cropped for link previews."""
    if campaign.social_image:
        field, alt = campaign.social_image, campaign.social_image_alt
    else:
        field, alt = campaign.hero_image, campaign.hero_image_alt
    picture = picture_for(
        field, widths=[SOCIAL_IMAGE_WIDTH], crop_ratio=SOCIAL_IMAGE_RATIO
    )
    if picture is None:
        return None
    default = picture.default
    return SocialImage(
        url=build_absolute_uri(default.url),
        width=default.width,
        height=default.height,
        mime_type=default.mime_type,
        alt=alt,
    )


GOOGLE_CALENDAR_TEMPLATE = "https://calendar.google.com/calendar/render"


def google_calendar_url(day: ActionDay, *, page_url: str) -> str:
    """An "Add to Google Calendar" link: Google's event template URL with the
    day filled in. A plain link, like the share links: nothing reaches Google
    unless the visitor follows it. All-day dates end the next day (exclusive,
    as in the .ics file); a timed day lasts as long as in the .ics file, in UTC."""
    starts_at = day.starts_at
    if starts_at is None:
        end = day.date + dt.timedelta(days=1)
        dates = f"{day.date:%Y%m%d}/{end:%Y%m%d}"
    else:
        start = starts_at.astimezone(dt.UTC)
        end_at = start + ics.TIMED_EVENT_LENGTH
        dates = f"{start:%Y%m%dT%H%M%SZ}/{end_at:%Y%m%dT%H%M%SZ}"
    return (
        GOOGLE_CALENDAR_TEMPLATE
        + "?"
        + _query(
            {
                "action": "TEMPLATE",
                "text": day.title,
                "dates": dates,
                "details": ics.event_description(day, page_url=page_url),
            }
        )
    )


def action_day_event(
    day: ActionDay,
    *,
    page_url: str,
    home_url: str,
    image_url: str | None = None,
) -> dict:
    """A schema.org Event for one action day: an online event on the campaign page."""
    starts_at = day.starts_at
    if starts_at is None:
        start = end = day.date.isoformat()
    else:
        start = starts_at.isoformat()
        end = None
    description = " ".join(
        part for part in [day.description.strip(), day.call_to_action.strip()] if part
    )
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": day.title,
        "description": description or day.campaign.summary,
        "startDate": start,
        "endDate": end,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "location": {"@type": "VirtualLocation", "url": page_url},
        "organizer": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": home_url,
        },
        "url": page_url,
        "image": [image_url] if image_url else None,
    }
    return {key: value for key, value in event.items() if value is not None}
