import factory

from pages.models import Page
from tests.model_factory import ModelFactory


class PageFactory(ModelFactory[Page]):
    class Meta:
        model = Page
        django_get_or_create = ["slug"]

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    meta_description = "A page about something."
    body = "Some **text**."
    is_published = True
