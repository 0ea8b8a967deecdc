from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.utils import unquote
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_editing import EDITING_CSS, MarkdownTextarea, markdown_preview
from pages.models import PAGE_URL_NAMES, Page


def standing_page_note(page: Page) -> SafeString:
    """Why the form will not let staff move, hide or delete a standing page."""
    return format_html(
        "{} <strong>{}</strong>. {}",
        gettext("The site links to this page from every page, at"),
        page.get_absolute_url(),
        gettext(
            "So its address (slug) stays as it is, and it stays published and "
            "cannot be deleted: otherwise everyone following those links would "
            "find “Page not found”. Its title and words are yours to edit."
        ),
    )


def _deletion_refused(pages: list[Page]) -> str:
    return gettext(
        "Nothing was deleted. %(pages)s: the site links to these standing pages "
        "from every page, so they cannot be deleted (visitors would find “Page not "
        "found”). Edit their words instead."
    ) % {"pages": get_text_list([page.title for page in pages], gettext("and"))}


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["body_preview", "updated_at"]
    formfield_overrides = {models.TextField: {"widget": MarkdownTextarea}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "is_published"]}),
        ("Content", {"fields": ["meta_description", "body", "body_preview"]}),
        ("History", {"fields": ["updated_at"]}),
    ]
    actions = ["delete_selected"]

    class Media:
        css = EDITING_CSS

    @admin.display(description=_("Body as visitors see it (after saving)"))
    def body_preview(self, obj: Page) -> SafeString | str:
        return markdown_preview(obj.body)

    # A standing page (PAGE_URL_NAMES) keeps its slug, stays published and is
    # never deleted, whichever way the admin is asked: its form, its delete
    # page, or the list's bulk action. A standing page found unpublished may
    # still be published again.

    def get_readonly_fields(
        self, request: HttpRequest, obj: Page | None = None
    ) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_standing:
            fields.append("slug")
            if obj.is_published:
                fields.append("is_published")
        return fields

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Page | None = None
    ) -> dict[str, Any]:
        if obj is not None and obj.is_standing:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_fieldsets(self, request: HttpRequest, obj: Page | None = None) -> Any:
        fieldsets = [
            (name, dict(options))
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None and obj.is_standing:
            fieldsets[0][1]["description"] = standing_page_note(obj)
        return fieldsets

    def has_delete_permission(
        self, request: HttpRequest, obj: Page | None = None
    ) -> bool:
        if obj is not None and obj.is_standing:
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(
        self,
        request: HttpRequest,
        object_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        page = self.get_object(request, unquote(object_id))
        if page is not None and page.is_standing:
            self.message_user(request, _deletion_refused([page]), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:pages_page_change", args=[page.pk])
            )
        return super().delete_view(request, object_id, extra_context)

    @admin.action(
        permissions=["delete"],
        description=admin_actions.delete_selected.short_description,  # type: ignore[attr-defined]
    )
    def delete_selected(
        self, request: HttpRequest, queryset: QuerySet[Page]
    ) -> HttpResponse | None:
        standing = list(queryset.filter(slug__in=PAGE_URL_NAMES).order_by("title"))
        if standing:
            self.message_user(request, _deletion_refused(standing), messages.ERROR)
            return None
        return admin_actions.delete_selected(self, request, queryset)
