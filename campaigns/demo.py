"""
Demo content for the awareness side of the site, written from the content brief.

`seed_demo` calls `seed()`. It only creates what is missing (keyed by slug), so a
second run changes nothing and never overwrites what staff have edited since.
"""

import datetime as dt
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone

from campaigns.models import ActionDay, Campaign, Statistic
from core.demo_images import image_demo_file

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"


def seed() -> int:
    """Create the demo statistics and campaign that do not exist yet.

    Returns how many rows were made (0 on a second run).
    """
    statistics, created = _seed_statistics()
    created += _seed_campaign(statistics)
    return created


# Each statistic from the content brief, with its source. Keyed by slug so staff may
# correct any of them in the admin without the next seed undoing or doubling it.
HOTLINE_CAVEAT = (
    "Hotline figures count the reports and contacts the hotline receives, not how "
    "many people are trafficked."
)
STATISTICS: list[dict[str, Any]] = [
    {
        "slug": "forced-labour-worldwide-2021",
        "figure": "27.6 million",
        "description": (
            "people, adults and children, in forced labour worldwide, the United "
            "States included"
        ),
        "source_name": (
            "ILO, Walk Free and IOM, Global Estimates of Modern Slavery: Forced "
            "Labour and Forced Marriage"
        ),
        "source_url": (
            "https://www.ilo.org/publications/major-publications/"
            "global-estimates-modern-slavery-forced-labour-and-forced-marriage"
        ),
        "year": 2022,
        "caveat": "An estimate for 2021, published in September 2022.",
        "display_order": 10,
    },
    {
        "slug": "modern-slavery-worldwide-2021",
        "figure": "About 50 million",
        "description": (
            "people in modern slavery in all (forced labour and forced marriage)"
        ),
        "source_name": (
            "ILO, Walk Free and IOM, Global Estimates of Modern Slavery: Forced "
            "Labour and Forced Marriage"
        ),
        "source_url": (
            "https://www.ilo.org/publications/major-publications/"
            "global-estimates-modern-slavery-forced-labour-and-forced-marriage"
        ),
        "year": 2022,
        "caveat": "An estimate for 2021, published in September 2022.",
        "display_order": 20,
    },
    {
        "slug": "un-protocol-parties",
        "figure": "178",
        "description": (
            "parties to the UN Protocol to Prevent, Suppress and Punish Trafficking "
            "in Persons"
        ),
        "source_name": "U.S. Department of State, citing the UN Protocol",
        "source_url": (
            "https://www.state.gov/"
            "humantrafficking-anti-trafficking-legal-authorities-and-mandates/"
        ),
        "year": None,
        "caveat": "The number of parties as cited by the U.S. Department of State.",
        "display_order": 30,
    },
    {
        "slug": "tip-report-2021-not-yet-adhering",
        "figure": "14 of 188",
        "description": (
            "countries and territories assessed had yet to adhere to the "
            "international standard: laws against every form of trafficking, and "
            "real steps to prevent it, protect victims and cooperate across borders"
        ),
        "source_name": "U.S. Department of State, 2021 Trafficking in Persons Report",
        "source_url": (
            "https://www.state.gov/reports/2021-trafficking-in-persons-report/"
        ),
        "year": 2021,
        "caveat": "",
        "display_order": 40,
    },
    {
        "slug": "kentucky-hotline-cases",
        "figure": "High, and rising",
        "description": (
            "the number of human trafficking cases in Kentucky known to the "
            "National Human Trafficking Hotline, more common in recent years"
        ),
        "source_name": "National Human Trafficking Hotline",
        "source_url": "https://humantraffickinghotline.org/en/statistics/kentucky",
        "year": None,
        "caveat": HOTLINE_CAVEAT,
        "display_order": 50,
    },
    {
        "slug": "hotline-languages",
        "figure": "24/7, 200+ languages",
        "description": (
            "the National Human Trafficking Hotline answers calls, texts and chats "
            "at any hour, in more than 200 languages"
        ),
        "source_name": "National Human Trafficking Hotline",
        "source_url": "https://humantraffickinghotline.org/en",
        "year": None,
        "caveat": "",
        "display_order": 60,
    },
    {
        "slug": "kentucky-duty-to-report",
        "figure": "Everyone",
        "description": (
            "in Kentucky who suspects a child is being trafficked has a legal duty "
            "to report it: 1-877-KYSAFE1 (1-877-597-2331), local police, or 911 in "
            "an emergency"
        ),
        "source_name": "Kentucky Attorney General, Human Trafficking",
        "source_url": (
            "https://www.ag.ky.gov/Resources/Human-Trafficking/Pages/default.aspx"
        ),
        "year": None,
        "caveat": "",
        "display_order": 70,
    },
]

CAMPAIGN_SLUG = "human-trafficking-prevention-month"


def _seed_statistics() -> tuple[list[Statistic], int]:
    statistics, created = [], 0
    for spec in STATISTICS:
        fields = dict(spec)
        slug = fields.pop("slug")
        statistic, was_created = Statistic.objects.get_or_create(
            slug=slug, defaults=fields
        )
        statistics.append(statistic)
        created += was_created
    return statistics, created


def _next_january(today: dt.date) -> int:
    """This January while it lasts, otherwise the next one: the demo stays current."""
    return today.year if today.month == 1 else today.year + 1


def _seed_campaign(statistics: list[Statistic]) -> int:
    """The January campaign and its #WearBlue day, made once with its children."""
    if Campaign.objects.filter(slug=CAMPAIGN_SLUG).exists():
        return 0
    year = _next_january(timezone.localdate())
    body = (CONTENT_DIR / f"{CAMPAIGN_SLUG}.md").read_text(encoding="utf-8")
    campaign = Campaign(
        slug=CAMPAIGN_SLUG,
        title="Human Trafficking Prevention Month",
        summary=(
            "January is Human Trafficking Prevention Month: learn how trafficking "
            "works, how to spot it in Kentucky, and how to help stop it."
        ),
        body=body.replace("{get_help_url}", reverse("get-help")),
        theme=("HHS theme for 2024: Activate Connections to Prevent Human Trafficking"),
        hero_image_alt=(
            "A blue banner reading Human Trafficking Prevention Month, January"
        ),
        start_date=dt.date(year, 1, 1),
        end_date=dt.date(year, 1, 31),
        status=Campaign.Status.PUBLISHED,
        is_featured=True,
        hashtag="#WearBlue",
        meta_description=(
            "January is Human Trafficking Prevention Month. Facts with their "
            "sources, the Kentucky picture, and #WearBlue day on January 11."
        ),
    )
    campaign.hero_image.save(
        f"{CAMPAIGN_SLUG}.jpg",
        image_demo_file(
            text="Human Trafficking Prevention Month · January",
            size=(1600, 900),
            colours=("#06245a", "#1d5bd6"),
            name=f"{CAMPAIGN_SLUG}.jpg",
        ),
        save=False,
    )
    campaign.full_clean()
    campaign.save()
    campaign.statistics.set(statistics)
    ActionDay.objects.create(
        campaign=campaign,
        title="#WearBlue day",
        date=dt.date(year, 1, 11),
        description=(
            "January 11 is National Human Trafficking Awareness Day. We join the "
            "DHS Blue Campaign's #WearBlueDay: blue is the colour of human "
            "trafficking awareness, and a photo of you in blue starts conversations."
        ),
        hashtag="#WearBlue",
        call_to_action=(
            "Wear blue, take a photo, and share it with #WearBlue (or #WearBlueDay)."
        ),
    )
    return 1
