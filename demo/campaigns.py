"""
Demo content for the awareness side of the site, written from the content brief.

`seed_demo` calls `seed()`. It only creates what is missing (keyed by slug), so a
second run changes nothing and never overwrites what staff have edited since.
"""

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from campaigns.models import ActionDay, Campaign, Statistic
from demo.images import wear_blue_image_file

CONTENT_DIR = Path(__file__).resolve().parent / "content" / "campaigns"


def seed() -> int:
    """Create the demo statistics and campaign that do not exist yet.

    Returns how many rows were made (0 on a second run).
    """
    statistics, created = _seed_statistics()
    created += _seed_campaign(statistics)
    _replace_earlier_hero_image()
    _update_earlier_words()
    return created


# The campaign's picture: people in blue and a blue awareness ribbon, drawn by code.
HERO_IMAGE_ALT = (
    "An illustration of five people of different ages and skin tones standing "
    "together in blue tops at sunrise, one waving and one wearing a blue ribbon "
    "pin, beside a large blue awareness ribbon"
)
# What earlier demos drew instead (a gradient with the campaign's name on it).
EARLIER_HERO_IMAGE_ALT = (
    "A blue banner reading Human Trafficking Prevention Month, January"
)


def _hero_image_file() -> ContentFile:
    return wear_blue_image_file(name=f"{CAMPAIGN_SLUG}.jpg", size=(1600, 900))


def _replace_earlier_hero_image() -> None:
    """A database seeded by an earlier demo gets the illustration in place of its
    text banner; a picture staff chose is kept."""
    campaign = Campaign.objects.filter(
        slug=CAMPAIGN_SLUG, hero_image_alt=EARLIER_HERO_IMAGE_ALT
    ).first()
    if campaign is None:
        return
    campaign.hero_image.delete(save=False)
    campaign.hero_image.save(f"{CAMPAIGN_SLUG}.jpg", _hero_image_file(), save=False)
    campaign.hero_image_alt = HERO_IMAGE_ALT
    campaign.save()


# Each statistic from the content brief: a number, the source that states it, and
# its year or "as of" date. Statements without a number (the duty to report, the
# hotline's hours) are in the campaign's text instead; a claim that needs a
# figure and has no sourced one (Kentucky's rising case counts) is left out.
# Keyed by slug so staff may correct any of them in the admin without the next seed
# undoing or doubling it.
GLOBAL_ESTIMATES = (
    "ILO, Walk Free and IOM, Global Estimates of Modern Slavery: Forced Labour and "
    "Forced Marriage"
)
GLOBAL_ESTIMATES_URL = (
    "https://www.ilo.org/publications/major-publications/"
    "global-estimates-modern-slavery-forced-labour-and-forced-marriage"
)
STATISTICS: list[dict[str, Any]] = [
    {
        "slug": "forced-labour-worldwide-2021",
        "figure": "27.6 million",
        "description": (
            "people, adults and children, in forced labor worldwide, the United "
            "States included"
        ),
        "source_name": GLOBAL_ESTIMATES,
        "source_url": GLOBAL_ESTIMATES_URL,
        "year": 2022,
        "caveat": "An estimate for 2021, published in September 2022.",
        "display_order": 10,
    },
    {
        "slug": "modern-slavery-worldwide-2021",
        "figure": "About 50 million",
        "description": (
            "people in modern slavery in all (forced labor and forced marriage)"
        ),
        "source_name": GLOBAL_ESTIMATES,
        "source_url": GLOBAL_ESTIMATES_URL,
        "year": 2022,
        "caveat": "An estimate for 2021, published in September 2022.",
        "display_order": 20,
    },
    {
        "slug": "un-protocol-parties",
        "figure": "178",
        "description": (
            "parties to the UN Protocol to Prevent, Suppress and Punish Trafficking "
            "in Persons, as of 2021"
        ),
        "source_name": (
            "United Nations Treaty Collection, status of the Protocol (chapter "
            "XVIII, 12.a)"
        ),
        "source_url": (
            "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&"
            "mtdsg_no=XVIII-12-a&chapter=18&clang=_en"
        ),
        "year": 2021,
        "caveat": (
            "As cited by the U.S. Department of State in 2021. More countries have "
            "joined since: the Treaty Collection's page has today's count."
        ),
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
]

CAMPAIGN_SLUG = "human-trafficking-prevention-month"
# HHS's theme is HHS's, and of the year it chose it: not this year's theme.
THEME = "In 2024, HHS's theme was “Activate Connections to Prevent Human Trafficking”"
META_DESCRIPTION = (
    "January is National Human Trafficking Prevention Month: #WearBlue on January "
    "11, learn the signs, facts with their sources, and Kentucky's duty to report."
)

# What earlier demos wrote. A campaign still carrying these words exactly gets
# today's (the action first, HHS's theme with its year, no Kentucky claim
# without a sourced figure); words staff changed are left as they are.
EARLIER_THEME = "HHS theme for 2024: Activate Connections to Prevent Human Trafficking"
EARLIER_META_DESCRIPTION = (
    "January is National Human Trafficking Prevention Month. Facts with "
    "their sources, the Kentucky picture, and #WearBlue day on January 11."
)
# SHA-256 of the earlier body as written in content/campaigns/ (placeholders unfilled).
EARLIER_BODY_SHA256 = "fa27237909d9e792b05240d79f9ded0aef1f493dfdb000ea3b1d6cc33a38bdd4"


def _fill(body: str) -> str:
    return body.replace("{get_help_url}", reverse("get-help"))


def _body_template() -> str:
    return (CONTENT_DIR / f"{CAMPAIGN_SLUG}.md").read_text(encoding="utf-8")


def _update_earlier_words() -> None:
    campaign = Campaign.objects.filter(slug=CAMPAIGN_SLUG).first()
    if campaign is None:
        return
    changed = []
    unfilled = campaign.body.replace(reverse("get-help"), "{get_help_url}")
    if hashlib.sha256(unfilled.encode()).hexdigest() == EARLIER_BODY_SHA256:
        campaign.body = _fill(_body_template())
        changed.append("body")
    if campaign.theme == EARLIER_THEME:
        campaign.theme = THEME
        changed.append("theme")
    if campaign.meta_description == EARLIER_META_DESCRIPTION:
        campaign.meta_description = META_DESCRIPTION
        changed.append("meta_description")
    if changed:
        campaign.save(update_fields=[*changed, "updated_at"])


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
    body = _body_template()
    campaign = Campaign(
        slug=CAMPAIGN_SLUG,
        title="Human Trafficking Prevention Month",
        summary=(
            "January is National Human Trafficking Prevention Month: learn how "
            "trafficking works, how to spot it in Kentucky, and how to help stop it."
        ),
        body=_fill(body),
        theme=THEME,
        hero_image_alt=HERO_IMAGE_ALT,
        start_date=dt.date(year, 1, 1),
        end_date=dt.date(year, 1, 31),
        status=Campaign.Status.PUBLISHED,
        is_featured=True,
        hashtag="#WearBlue",
        meta_description=META_DESCRIPTION,
    )
    campaign.hero_image.save(f"{CAMPAIGN_SLUG}.jpg", _hero_image_file(), save=False)
    campaign.full_clean()
    campaign.save()
    campaign.statistics.set(statistics)
    ActionDay.objects.create(
        campaign=campaign,
        title="#WearBlue day",
        date=dt.date(year, 1, 11),
        description=(
            "January 11 is National Human Trafficking Awareness Day. We join the "
            "DHS Blue Campaign's #WearBlueDay: blue is the color of human "
            "trafficking awareness, and a photo of you in blue starts conversations."
        ),
        hashtag="#WearBlue",
        call_to_action=(
            "Wear blue, take a photo, and share it with #WearBlue (or #WearBlueDay)."
        ),
    )
    return 1
