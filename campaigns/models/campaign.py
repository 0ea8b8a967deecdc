"""Campaigns: the awareness campaign pages and the reads that pick them."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import (
    RegexValidator,
)
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from campaigns.models.statistic import Statistic
from core.image_checks import validate_image_file
from core.uploads import StrippedImageField, UploadTo, focal_point_fields

hashtag_validator = RegexValidator(
    r"^#?[A-Za-z][A-Za-z0-9_]*$",
    _("A hashtag is letters, digits and underscores, e.g. #WearBlue."),
)


# Paths under /campaigns/ that are not campaigns.
RESERVED_CAMPAIGN_SLUGS = {"feed"}


def hashtag_text_of(value: str) -> str:
    """A hashtag without its '#' (campaigns and action days share the rule)."""
    return value.lstrip("#")


def published_q(now: dt.datetime | None, prefix: str = "") -> Q:
    """The publishing rule as a filter: published, and its publish time has come
    (`prefix` reaches a campaign through a relation, e.g. "campaign__")."""
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
        return self.filter(published_q(now))

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
        return hashtag_text_of(self.hashtag)

    @property
    def description_for_meta(self) -> str:
        return self.meta_description or self.summary
