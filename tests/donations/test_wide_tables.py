"""Wide tables show that they scroll: each sits in a focusable, labelled box
with a hint just before it (shown by table-scroll.js while the table is wider
than its box), on every page that has one."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from donations.models import RecurringGift
from donations.services import monthly
from tests.donations.factories import DonorFactory

pytestmark = pytest.mark.django_db

BOX = re.compile(
    r'<p class="table-scroll__hint small muted" data-scroll-hint hidden>[^<]+</p>\s*'
    r'<div class="table-scroll" tabindex="0" role="region" aria-labelledby="[^"]+">'
)


def assert_hinted(html: str, tables: int) -> None:
    assert html.count('class="table-scroll"') == tables
    assert len(BOX.findall(html)) == tables
    assert "scroll it sideways to see every column" in html
    assert 'src="/static/js/table-scroll.js" defer' in html


def test_the_fund_pages_tables_say_they_scroll(client):
    assert_hinted(client.get(reverse("the-home")).content.decode(), 2)


def test_the_monthly_gifts_table_says_it_scrolls(client):
    gift = RecurringGift.objects.create(
        donor=DonorFactory(), amount=Decimal("20.00"), status="active"
    )
    gift.donations.create(
        donor=gift.donor, amount=Decimal("20.00"), status="paid", reference="g-1"
    )
    url = reverse("donations:manage", args=[monthly.manage_token(gift)])
    assert_hinted(client.get(url).content.decode(), 1)
