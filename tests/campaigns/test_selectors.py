"""What the home page reads of campaigns, through campaigns.selectors."""

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from campaigns.selectors import campaign_for_home, next_action_day
from tests.campaigns.factories import ActionDayFactory, CampaignFactory

pytestmark = pytest.mark.django_db


def test_nothing_to_show_without_public_campaigns():
    CampaignFactory(status=Campaign.Status.DRAFT)
    assert campaign_for_home() is None
    assert next_action_day() is None


def test_a_featured_campaign_comes_before_the_running_one():
    CampaignFactory(title="Running")
    featured = CampaignFactory(
        is_featured=True, start_date=timezone.localdate() + dt.timedelta(days=20)
    )
    assert campaign_for_home() == featured


def test_the_next_action_day_is_the_soonest_still_to_come():
    today = timezone.localdate()
    ActionDayFactory(date=today - dt.timedelta(days=1))
    ActionDayFactory(date=today + dt.timedelta(days=9))
    soonest = ActionDayFactory(date=today + dt.timedelta(days=2))
    assert next_action_day() == soonest


def test_each_is_one_query(django_assert_num_queries):
    ActionDayFactory()
    with django_assert_num_queries(1):
        campaign_for_home()
    with django_assert_num_queries(1):
        next_action_day()
