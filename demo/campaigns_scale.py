"""
Many published campaigns for the benchmark (`manage.py seed_catalog`): each with
the demo campaign's body (a long, real page), its sourced statistics and two
action days, spread over the last year and the next months.

Fast (`bulk_create`) and idempotent: the campaigns are topped up to the number
asked for, keyed by slug. They share one hero picture, drawn once.
"""

import datetime as dt

from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from campaigns.models import ActionDay, Campaign, Statistic
from demo import campaigns as demo
from demo.images import wear_blue_image_file

HERO_NAME = "campaigns/catalog/wear-blue.jpg"
HERO_SIZE = (1600, 900)

TOPICS = [
    "Labor trafficking on farms",
    "Safe online for teens",
    "Truck stops on alert",
    "Signs at the salon",
    "Hotels against trafficking",
    "Back to school safety",
    "Faith communities respond",
    "Kentucky Derby awareness",
    "Restaurant workers' rights",
    "Runaway and homeless youth",
    "Healthcare workers see the signs",
    "Construction sites and debt bondage",
    "Domestic workers behind closed doors",
    "Survivors' voices",
    "Buying fair: supply chains",
    "Foster care and trafficking",
    "Summer jobs without traps",
    "Festival season awareness",
    "Coaches and mentors",
    "Rural routes, hidden victims",
    "College campus awareness",
    "Holiday giving for the home",
    "Freedom Day",
    "Know your rights at work",
]


def seed_campaigns(*, total: int) -> int:
    """Top the published campaigns up to `total`; returns how many were made."""
    if total < 0:
        raise ValueError("The number of campaigns cannot be negative.")
    with transaction.atomic():
        missing = total - Campaign.objects.count()
        if missing <= 0:
            return 0
        statistics = list(Statistic.objects.order_by("display_order", "pk"))
        body = (demo.CONTENT_DIR / f"{demo.CAMPAIGN_SLUG}.md").read_text("utf-8")
        body = body.replace("{get_help_url}", reverse("get-help"))
        hero = _hero()
        today = timezone.localdate()
        existing = set(Campaign.objects.values_list("slug", flat=True))
        campaigns: list[Campaign] = []
        number = 0
        while len(campaigns) < missing:
            topic = TOPICS[number % len(TOPICS)]
            cycle = number // len(TOPICS)
            title = f"{topic} {cycle + 1}" if cycle else topic
            number += 1
            if slugify(title) in existing:
                continue
            # One a fortnight, from eleven months ago to a few months ahead.
            start = today - dt.timedelta(days=330) + dt.timedelta(days=14 * number)
            campaigns.append(
                Campaign(
                    title=title,
                    slug=slugify(title),
                    summary=(
                        f"{topic}: how trafficking hides in plain sight, the signs "
                        "to look for in Kentucky, and what you can do."
                    ),
                    body=body,
                    theme="Activate Connections to Prevent Human Trafficking",
                    hero_image=hero,
                    hero_image_width=HERO_SIZE[0],
                    hero_image_height=HERO_SIZE[1],
                    hero_image_alt=demo.HERO_IMAGE_ALT,
                    start_date=start,
                    end_date=start + dt.timedelta(days=20),
                    status=Campaign.Status.PUBLISHED,
                    hashtag="#WearBlue",
                )
            )
        Campaign.objects.bulk_create(campaigns)
        links = Campaign.statistics.through
        links.objects.bulk_create(
            [
                links(campaign_id=campaign.pk, statistic_id=statistic.pk)
                for index, campaign in enumerate(campaigns)
                for statistic in statistics[: 3 + index % 2]
            ]
        )
        ActionDay.objects.bulk_create(
            [
                ActionDay(
                    campaign=campaign,
                    title=title,
                    date=campaign.start_date + dt.timedelta(days=offset),
                    description=(
                        "Join us in person or online: share what you learn with "
                        "someone who has not heard it yet."
                    ),
                    hashtag="#WearBlue",
                    call_to_action="Wear blue and share a photo with #WearBlue.",
                )
                for campaign in campaigns
                for offset, title in ((3, "Kick-off evening"), (10, "#WearBlue day"))
            ]
        )
    return missing


def _hero() -> str:
    if not default_storage.exists(HERO_NAME):
        picture = wear_blue_image_file(name=HERO_NAME, size=HERO_SIZE)
        return default_storage.save(HERO_NAME, picture)
    return HERO_NAME
