"""Statistics: sourced facts that campaigns cite."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A statistic's source must be a web page a visitor can open: no ftp:, no javascript:.
http_url_validator = URLValidator(schemes=["http", "https"])


# A statistic whose source is older than this is flagged in the admin: newer
# figures have probably been published.
STATISTIC_STALE_AFTER_YEARS = 5


def _stale_cutoff(today: dt.date) -> dt.date:
    """The day STATISTIC_STALE_AFTER_YEARS years before `today` (Feb 29 -> 28)."""
    year = today.year - STATISTIC_STALE_AFTER_YEARS
    try:
        return today.replace(year=year)
    except ValueError:
        return today.replace(year=year, day=28)


class StatisticQuerySet(models.QuerySet):
    def stale(self, *, today: dt.date | None = None) -> "StatisticQuerySet":
        """Statistics whose source is older than STATISTIC_STALE_AFTER_YEARS: an
        "as of" date before the cutoff, or (without one) an earlier year."""
        cutoff = _stale_cutoff(today or timezone.localdate())
        return self.filter(
            Q(as_of__lt=cutoff) | Q(as_of__isnull=True, year__lt=cutoff.year)
        )


class Statistic(models.Model):
    """
    One sourced fact ("27.6 million people in forced labor"). Several campaigns
    can cite the same row, so a correction is made once.
    """

    slug = models.SlugField(
        _("short name"),
        max_length=80,
        unique=True,
        help_text=_("A unique short name for staff, e.g. forced-labor-2021."),
    )
    figure = models.CharField(
        _("figure"),
        max_length=60,
        help_text=_("As it is displayed, e.g. “27.6 million” or “14 of 188”."),
    )
    description = models.CharField(
        _("what it counts"),
        max_length=300,
        help_text=_("Completes the figure, e.g. “people in forced labor worldwide”."),
    )
    source_name = models.CharField(_("source"), max_length=250)
    source_url = models.URLField(
        _("source link"),
        max_length=500,
        validators=[http_url_validator],
        help_text=_("The web page (http or https) where a reader can check it."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2200)],
        help_text=_("Year of the source. Leave empty if you give an “as of” date."),
    )
    as_of = models.DateField(
        _("as of"),
        null=True,
        blank=True,
        help_text=_("For counts that change, the date they were taken."),
    )
    caveat = models.CharField(
        _("caveat"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the figure does not say, e.g. “Hotline figures count reports, "
            "not how many people are trafficked.”"
        ),
    )
    display_order = models.PositiveSmallIntegerField(
        _("display order"), default=100, help_text=_("Lower numbers come first.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StatisticQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "pk"]
        verbose_name = _("statistic")
        constraints = [
            models.CheckConstraint(
                condition=Q(source_url__istartswith="http://")
                | Q(source_url__istartswith="https://"),
                name="statistic_source_url_http",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.figure} {self.description}"

    def is_stale(self, *, today: dt.date | None = None) -> bool:
        """The same rule as `Statistic.objects.stale()`, for one row in hand."""
        cutoff = _stale_cutoff(today or timezone.localdate())
        if self.as_of is not None:
            return self.as_of < cutoff
        return self.year is not None and self.year < cutoff.year
