"""Action days: the dated events of a campaign."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models.campaign import (
    Campaign,
    hashtag_text_of,
    hashtag_validator,
    published_q,
)


class ActionDayQuerySet(models.QuerySet):
    def public(self, *, now: dt.datetime | None = None) -> "ActionDayQuerySet":
        """Action days of campaigns the public can see."""
        return self.filter(published_q(now, prefix="campaign__"))

    def upcoming(self, *, now: dt.datetime | None = None) -> "ActionDayQuerySet":
        """Action days from today on, of campaigns the public can see, soonest first."""
        today = timezone.localdate(now)
        return (
            self.public(now=now)
            .filter(date__gte=today)
            .select_related("campaign")
            .order_by("date", "time", "pk")
        )


class ActionDay(models.Model):
    """A dated event of a campaign, e.g. #WearBlue on January 11."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="action_days",
        verbose_name=_("campaign"),
    )
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    time = models.TimeField(
        _("time"),
        null=True,
        blank=True,
        help_text=_(
            "Kentucky time. Leave empty for an all-day event; a timed event is "
            "put in calendars as one hour long."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    hashtag = models.CharField(
        _("hashtag"), max_length=60, blank=True, validators=[hashtag_validator]
    )
    call_to_action = models.CharField(
        _("call to action"),
        max_length=250,
        blank=True,
        help_text=_("What to do on the day, e.g. “Wear blue, take a photo, share it.”"),
    )

    objects = ActionDayQuerySet.as_manager()

    class Meta:
        ordering = ["date", "time", "pk"]
        verbose_name = _("action day")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return f"{self.campaign.get_absolute_url()}#action-day-{self.pk}"

    def get_calendar_url(self) -> str:
        return reverse(
            "campaigns:action-day-calendar",
            kwargs={"slug": self.campaign.slug, "pk": self.pk},
        )

    @property
    def hashtag_text(self) -> str:
        return hashtag_text_of(self.hashtag)

    @property
    def starts_at(self) -> dt.datetime | None:
        """The start as an aware datetime in the site's time zone (None: all day)."""
        if self.time is None:
            return None
        return dt.datetime.combine(
            self.date, self.time, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
        )

    def days_until(self, today: dt.date) -> int:
        return (self.date - today).days
