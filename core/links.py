"""Absolute links for emails, which have no request to build them from."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` on this site: settings.SITE_URL when set, else the first allowed
    host (https when the site runs behind HTTPS)."""
    base = getattr(settings, "SITE_URL", "")
    if not base:
        host = next(
            (h.lstrip(".") for h in settings.ALLOWED_HOSTS if h and h != "*"),
            "localhost",
        )
        scheme = "https" if getattr(settings, "HTTPS", False) else "http"
        base = f"{scheme}://{host}"
    return base.rstrip("/") + path
