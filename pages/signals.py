"""The standing pages and the home page's intro are cached (core.pagecache):
staff editing a page drops the cached copies."""

from core.pagecache import invalidate_on_change
from pages.models import Page


def connect() -> None:
    invalidate_on_change(Page)
