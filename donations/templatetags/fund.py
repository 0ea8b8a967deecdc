"""`{% fund_progress_bar %}`: the Home fund's progress bar on any page (home,
shop, donate), without the page's view knowing about donations."""

from typing import Any

from django import template

from donations.selectors import fund_progress

register = template.Library()


@register.inclusion_tag("includes/fund_progress.html")
def fund_progress_bar(*, link: bool = True, id: str = "main") -> dict[str, Any]:
    return {"progress": fund_progress(), "link": link, "id": id}
