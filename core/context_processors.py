from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """What every page's chrome needs (Quick exit target, the site's name)."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
    }
