"""
What other apps read of campaigns: today, the home page's two highlights.

Each is one query, however many campaigns and action days exist.
"""

import datetime as dt

from campaigns.models import ActionDay, Campaign


def campaign_for_home(*, now: dt.datetime | None = None) -> Campaign | None:
    """The campaign the home page features, if any is public."""
    return Campaign.objects.for_home(now=now).first()


def next_action_day(*, now: dt.datetime | None = None) -> ActionDay | None:
    """The next public action day still to come, if any."""
    return ActionDay.objects.upcoming(now=now).first()
