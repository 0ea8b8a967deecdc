import datetime as dt
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from campaigns.models import ActionDay, Campaign, Statistic
from tests.model_factory import ModelFactory


def jpeg_file(size=(1200, 675), name="hero.jpg", colour=(20, 60, 160)) -> ContentFile:
    """A real JPEG made in memory."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name=name)


class StatisticFactory(ModelFactory[Statistic]):
    class Meta:
        model = Statistic

    slug = factory.Sequence(lambda n: f"statistic-{n}")
    figure = factory.Sequence(lambda n: f"{n + 1} million")
    description = "people counted by a study"
    source_name = "A reliable source"
    source_url = factory.Sequence(lambda n: f"https://example.org/source/{n}")
    year = 2022
    display_order = factory.Sequence(lambda n: n)


class CampaignFactory(ModelFactory[Campaign]):
    """A published campaign running today (its dates are local, Kentucky dates)."""

    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    summary = "What this campaign is about, in a sentence."
    body = "## Why it matters\n\nSome **words**."
    start_date = factory.LazyFunction(
        lambda: timezone.localdate() - dt.timedelta(days=5)
    )
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=30))
    status = Campaign.Status.PUBLISHED
    hashtag = "#WearBlue"

    class Params:
        with_image = factory.Trait(
            hero_image=factory.LazyFunction(jpeg_file),
            hero_image_alt="People wearing blue",
        )


class ActionDayFactory(ModelFactory[ActionDay]):
    class Meta:
        model = ActionDay

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"Action day {n}")
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    description = "Do something together."
    hashtag = "#WearBlue"
    call_to_action = "Wear blue and share a photo."
