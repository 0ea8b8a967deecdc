"""Campaigns, the statistics they cite, and their action days: one module per model
group, each model importable from here."""

from campaigns.models.action_day import ActionDay, ActionDayQuerySet
from campaigns.models.campaign import (
    RESERVED_CAMPAIGN_SLUGS,
    Campaign,
    CampaignQuerySet,
    hashtag_validator,
)
from campaigns.models.statistic import (
    STATISTIC_STALE_AFTER_YEARS,
    Statistic,
    StatisticQuerySet,
    http_url_validator,
)

__all__ = [
    "RESERVED_CAMPAIGN_SLUGS",
    "STATISTIC_STALE_AFTER_YEARS",
    "ActionDay",
    "ActionDayQuerySet",
    "Campaign",
    "CampaignQuerySet",
    "Statistic",
    "StatisticQuerySet",
    "hashtag_validator",
    "http_url_validator",
]
