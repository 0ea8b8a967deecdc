from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.related import ManyToManyField
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import (
    STATISTIC_STALE_AFTER_YEARS,
    ActionDay,
    Campaign,
    Statistic,
)
from campaigns.sharing import SOCIAL_IMAGE_RATIO
from core.admin_editing import (
    EDITING_CSS,
    FocalPointAdminMixin,
    ImageSlot,
    MarkdownTextarea,
    ThumbnailFileInput,
    markdown_preview,
)

# Where the hero image shows, cut as the templates cut it (crop="16:9"); on a
# laptop screen the campaign page's CSS cuts it again to at most 30rem high.
HERO_SLOTS = [
    ImageSlot(_("Campaign page, campaign list and home page"), crop=(16, 9)),
    ImageSlot(
        _("Top of the campaign page on a laptop screen (1280 pixels wide)"),
        crop=(16, 9),
        frame=(8, 3),
    ),
    ImageSlot(
        _("Link previews when the page is shared (unless a sharing image is set)"),
        crop=SOCIAL_IMAGE_RATIO,
    ),
]


class ActionDayInline(admin.StackedInline):
    model = ActionDay
    extra = 0
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 80})}
    }
    fields = [
        ("title", "hashtag"),
        ("date", "time"),
        "description",
        "call_to_action",
    ]


def _over_years_old() -> str:
    return gettext("Over %(years)s years old") % {"years": STATISTIC_STALE_AFTER_YEARS}


class StatisticChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Statistic) -> str:
        when = obj.as_of.isoformat() if obj.as_of else obj.year
        source = f"{obj.source_name}, {when}" if when else obj.source_name
        label = f"{obj.figure} {obj.description} ({source})"
        if obj.is_stale():
            label = f"{label} ⚠ {_over_years_old()}"
        return label


class StaleStatisticFilter(admin.SimpleListFilter):
    title = _("age of the source")
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("stale", _over_years_old()),
            ("recent", _("Recent enough")),
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Statistic]
    ) -> QuerySet[Statistic]:
        stale = Statistic.objects.stale()
        if self.value() == "stale":
            return queryset.filter(pk__in=stale)
        if self.value() == "recent":
            return queryset.exclude(pk__in=stale)
        return queryset


@admin.register(Statistic)
class StatisticAdmin(admin.ModelAdmin):
    list_display = [
        "figure",
        "description",
        "source_name",
        "year",
        "age_warning",
        "display_order",
    ]
    list_editable = ["display_order"]
    list_filter = [StaleStatisticFilter, "year"]
    search_fields = ["figure", "description", "source_name", "slug", "caveat"]
    prepopulated_fields = {"slug": ["figure", "description"]}
    readonly_fields = ["age_warning", "updated_at"]
    fieldsets = [
        (None, {"fields": ["figure", "description", "slug", "display_order"]}),
        (
            _("Source"),
            {
                "fields": [
                    "source_name",
                    "source_url",
                    "year",
                    "as_of",
                    "age_warning",
                    "caveat",
                ]
            },
        ),
        (_("History"), {"fields": ["updated_at"]}),
    ]

    @admin.display(description=_("Age"))
    def age_warning(self, obj: Statistic) -> SafeString | str:
        if obj.pk is None or not obj.is_stale():
            return ""
        return format_html(
            "<strong>⚠ {}</strong>: {}",
            _over_years_old(),
            gettext(
                "look for newer figures from the source, then update or replace "
                "this statistic."
            ),
        )


@admin.register(Campaign)
class CampaignAdmin(FocalPointAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "status",
        "visibility",
        "start_date",
        "end_date",
        "is_featured",
    ]
    list_filter = ["status", "start_date", "is_featured"]
    search_fields = ["title", "slug", "summary", "body", "hashtag", "theme"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    inlines = [ActionDayInline]
    readonly_fields = ["preview_link", "body_preview", "created_at", "updated_at"]
    save_on_top = True
    formfield_overrides = {
        models.TextField: {"widget": MarkdownTextarea},
        models.ImageField: {"widget": ThumbnailFileInput},
    }
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "summary",
                    "theme",
                    "hashtag",
                    "body",
                    "body_preview",
                ]
            },
        ),
        (
            _("Publishing"),
            {
                "fields": [
                    ("status", "publish_at"),
                    ("start_date", "end_date"),
                    "is_featured",
                    "preview_link",
                ]
            },
        ),
        (
            _("Images"),
            {
                "fields": [
                    "hero_image",
                    ("hero_focal_x", "hero_focal_y"),
                    "hero_image_alt",
                    "social_image",
                    "social_image_alt",
                ]
            },
        ),
        (_("Facts"), {"fields": ["statistics"]}),
        (_("Search and sharing"), {"fields": ["meta_description"]}),
        (_("History"), {"fields": ["created_at", "updated_at"]}),
    ]

    image_slots = {"hero_image": HERO_SLOTS}

    class Media:
        css = EDITING_CSS
        # Shows a statistic added with "Add a new statistic" in the list, checked.
        # It extends a function of Django's popup script: named first, so that
        # Django's media merging keeps it before.
        js = ["admin/js/admin/RelatedObjectLookups.js", "js/admin-checkbox-related.js"]

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # The "+" beside the statistics says what it does, in words (the widget
        # template is in campaigns/templates/: form widgets render with the
        # form renderer, which reads the apps' template folders).
        if db_field.name == "statistics" and formfield is not None:
            if isinstance(formfield.widget, RelatedFieldWidgetWrapper):
                formfield.widget.template_name = (
                    "admin/campaigns/campaign/statistics_widget.html"
                )
        return formfield

    def formfield_for_manytomany(
        self,
        db_field: ManyToManyField[Any, Any],
        request: HttpRequest,
        **kwargs: Any,
    ) -> forms.ModelMultipleChoiceField | None:
        # Checkboxes with each statistic's whole label: figure, words, source, date.
        if db_field.name == "statistics":
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["form_class"] = StatisticChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("Body as visitors see it (after saving)"))
    def body_preview(self, obj: Campaign) -> SafeString | str:
        return markdown_preview(obj.body)

    def view_on_site(self, obj: Campaign) -> str:
        # Drafts and scheduled campaigns are 404 for the public: staff see the preview.
        return obj.get_preview_url()

    @admin.display(description=_("Visible to the public"))
    def visibility(self, obj: Campaign) -> str | Promise:
        if obj.is_public():
            return _("Yes")
        if obj.status == Campaign.Status.PUBLISHED:
            return _("Scheduled")
        return _("No (draft)")

    @admin.display(description=_("Preview"))
    def preview_link(self, obj: Campaign) -> str | Promise:
        if not obj.pk:
            return _("Save the campaign first, then preview it here.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_preview_url(),
            _("Preview this campaign as visitors will see it"),
        )
