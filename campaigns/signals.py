"""Campaign pages, the list and the home page's campaign and next action day are
cached (core.pagecache): any change to what they show drops the cached copies."""

from campaigns.models import ActionDay, Campaign, Statistic
from core.pagecache import invalidate_on_change


def connect() -> None:
    # Campaign includes its statistics (many-to-many) and hero image.
    invalidate_on_change(Campaign, Statistic, ActionDay)
