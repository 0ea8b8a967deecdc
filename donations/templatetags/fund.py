"""`{% fund_progress_bar %}`: the Home fund's progress bar on any page (home,
shop, donate), without the page's view knowing about donations."""

from typing import Any

from django import template

from core.pagecache import public_value
from donations.selectors import fund_progress

register = template.Library()


@register.inclusion_tag("includes/fund_progress.html")
def fund_progress_bar(*, link: bool = True, id: str = "main") -> dict[str, Any]:
    # Kept until a gift, an order or the fund changes (donations.signals), so
    # pages rendered afresh do not each recompute it.
    progress = public_value("fund-progress", fund_progress)
    return {"progress": progress, "link": link, "id": id}
