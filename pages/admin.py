from django.contrib import admin
from django.db import models
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.admin_editing import EDITING_CSS, MarkdownTextarea, markdown_preview
from pages.models import Page


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

    class Media:
        css = EDITING_CSS

    @admin.display(description=_("Body as visitors see it (after saving)"))
    def body_preview(self, obj: Page) -> SafeString | str:
        return markdown_preview(obj.body)
