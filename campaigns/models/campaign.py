import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
    URLValidator,
)
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.image_checks import validate_image_file
from core.uploads import StrippedImageField, UploadTo, focal_point_fields

# ---------------------------------------------------------------------------
# Campaigns, the statistics they cite, and their action days
# ---------------------------------------------------------------------------

# A statistic's source must be a web page a visitor can open: no ftp:, no javascript:.
http_url_validator = URLValidator(schemes=["http", "https"])
hashtag_validator = RegexValidator(
    r"^#?[A-Za-z][A-Za-z0-9_]*$",
    _("A hashtag is letters, digits and underscores, e.g. #WearBlue."),
)


# Paths under /campaigns/ that are not campaigns.
RESERVED_CAMPAIGN_SLUGS = {"feed"}


def _hashtag_text(value: str) -> str:
    return value.lstrip("#")


def _published_q(now: dt.datetime | None, prefix: str = "") -> Q:
    """The publishing rule as a filter: published, and its publish time has come."""
    now = now or timezone.now()
    return Q(**{f"{prefix}status": Campaign.Status.PUBLISHED}) & (
        Q(**{f"{prefix}publish_at__isnull": True})
        | Q(**{f"{prefix}publish_at__lte": now})
    )


class CampaignQuerySet(models.QuerySet):
    """
    Reads that repeat. Each takes `now` (an aware datetime) so that tests and
    callers can ask "as of when"; it defaults to the current time. "Today" is the
    local date in settings.TIME_ZONE (Kentucky), not the UTC date.
    """

    def published(self, *, now: dt.datetime | None = None) -> "CampaignQuerySet":
        """What the public may see: published, and its publish time has come."""
        return self.filter(_published_q(now))

    def current(self, *, now: dt.datetime | None = None) -> "CampaignQuerySet":
        """Published campaigns running today."""
        today = timezone.localdate(now)
        return self.published(now=now).filter(
            start_date__lte=today, end_date__gte=today
        )

    def upcoming(self, *, now: dt.datetime | None = None) -> "CampaignQuerySet":
        """Published campaigns that have not started yet."""
        today = timezone.localdate(now)
        return self.published(now=now).filter(start_date__gt=today)

    def past(self, *, now: dt.datetime | None = None) -> "CampaignQuerySet":
        """Published campaigns that have ended."""
        today = timezone.localdate(now)
        return self.published(now=now).filter(end_date__lt=today)

    def with_phase(self, *, now: dt.datetime | None = None) -> "CampaignQuerySet":
        """
        Annotate `phase` (0 current, 1 upcoming, 2 past) so one ordered query can
        feed the list page's three sections and its paginator.
        """
        today = timezone.localdate(now)
        return self.annotate(
            phase=Case(
                When(start_date__gt=today, then=Value(Campaign.Phase.UPCOMING)),
                When(end_date__lt=today, then=Value(Campaign.Phase.PAST)),
                default=Value(Campaign.Phase.CURRENT),
                output_field=models.PositiveSmallIntegerField(),
            )
        )

    def for_home(self, *, now: dt.datetime | None = None) -> "CampaignQuerySet":
        """
        The campaign the home page shows: a featured one first (the newest), else
        the current one. One query; `.first()` it.
        """
        today = timezone.localdate(now)
        running = Q(start_date__lte=today, end_date__gte=today)
        return (
            self.published(now=now)
            .filter(Q(is_featured=True) | running)
            .annotate(
                is_running=Case(
                    When(running, then=Value(True)),
                    default=Value(False),
                    output_field=models.BooleanField(),
                )
            )
            .order_by("-is_featured", "-is_running", "-start_date", "-pk")
        )


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


class Campaign(models.Model):
    """An awareness campaign page, e.g. Human Trafficking Prevention Month."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Phase(models.IntegerChoices):
        CURRENT = 0, _("Happening now")
        UPCOMING = 1, _("Coming up")
        PAST = 2, _("Past campaigns")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the page's address. Changing it breaks links."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two sentences for the list page, the home page and feeds."),
    )
    body = models.TextField(
        _("body"),
        help_text=_("Markdown: ## headings, **bold**, lists, [links](https://…)."),
    )
    theme = models.CharField(
        _("theme line"),
        max_length=250,
        blank=True,
        help_text=_(
            "Say whose theme it is and of which year, e.g. “In 2024, HHS's theme "
            "was …”, so it is not read as this year's."
        ),
    )
    hero_image = StrippedImageField(
        _("hero image"),
        upload_to=UploadTo("campaigns"),
        blank=True,
        validators=[validate_image_file],
        width_field="hero_image_width",
        height_field="hero_image_height",
        focal_point_fields=("hero_focal_x", "hero_focal_y"),
        help_text=_("JPEG, PNG, WebP or GIF, wide (16:9 works best)."),
    )
    hero_focal_x, hero_focal_y = focal_point_fields()
    hero_image_width = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    hero_image_height = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    hero_image_alt = models.CharField(
        _("hero image description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_(
            "Required with an image: what it shows, for people who cannot see it."
        ),
    )
    social_image = StrippedImageField(
        _("social sharing image"),
        upload_to=UploadTo("campaigns/social"),
        blank=True,
        validators=[validate_image_file],
        width_field="social_image_width",
        height_field="social_image_height",
        help_text=_("Shown when the page is shared. Empty: the hero image is used."),
    )
    social_image_width = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    social_image_height = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    social_image_alt = models.CharField(
        _("social image description (alt text)"), max_length=250, blank=True
    )
    start_date = models.DateField(_("starts"))
    end_date = models.DateField(_("ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to publish as soon as the status is Published; set a time "
            "(Kentucky time) to schedule it."
        ),
    )
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    hashtag = models.CharField(
        _("hashtag"), max_length=60, blank=True, validators=[hashtag_validator]
    )
    meta_description = models.CharField(
        _("meta description"),
        max_length=300,
        blank=True,
        help_text=_("For search engines and link previews. Empty: the summary."),
    )
    statistics = models.ManyToManyField(
        Statistic,
        verbose_name=_("statistics"),
        related_name="campaigns",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("campaign")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="campaign_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(hero_image="") | ~Q(hero_image_alt=""),
                name="campaign_hero_image_has_alt",
                violation_error_message=_("Describe the hero image (alt text)."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign-detail", kwargs={"slug": self.slug})

    def get_preview_url(self) -> str:
        return reverse("campaigns:campaign-preview", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.hero_image and not self.hero_image_alt.strip():
            errors["hero_image_alt"] = _(
                "Describe the hero image for people who cannot see it."
            )
        if self.social_image and not self.social_image_alt.strip():
            errors["social_image_alt"] = _(
                "Describe the social sharing image for people who cannot see it."
            )
        if self.slug in RESERVED_CAMPAIGN_SLUGS:
            errors["slug"] = _("This address is taken by the site; choose another.")
        if self.publish_at and self.status == self.Status.DRAFT:
            errors["publish_at"] = _(
                "A draft is never shown. To schedule this campaign, set the status "
                "to Published as well as the time."
            )
        if errors:
            raise ValidationError(errors)

    def is_public(self, *, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and (
            self.publish_at is None or self.publish_at <= now
        )

    @property
    def hashtag_text(self) -> str:
        """The hashtag without '#', as share URLs want it."""
        return _hashtag_text(self.hashtag)

    @property
    def description_for_meta(self) -> str:
        return self.meta_description or self.summary


class ActionDayQuerySet(models.QuerySet):
    def public(self, *, now: dt.datetime | None = None) -> "ActionDayQuerySet":
        """Action days of campaigns the public can see."""
        return self.filter(_published_q(now, prefix="campaign__"))

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
        return _hashtag_text(self.hashtag)

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
