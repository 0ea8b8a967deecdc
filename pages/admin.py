from django.contrib import admin

from pages.models import Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "updated_at"]
    list_filter = ["is_published"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "is_published"]}),
        ("Content", {"fields": ["meta_description", "body"]}),
        ("History", {"fields": ["updated_at"]}),
    ]
