"""
Response headers Django does not set itself.

Permissions-Policy switches off browser features this site never uses (camera,
microphone, location, payment handlers, USB...), for its own pages and for any
frame, so a bug or an injected script cannot ask a visitor for them. Its value
comes from settings.PERMISSIONS_POLICY: feature -> allowed origins (an empty
list: nobody). Only features current browsers know are listed there: Chromium
logs an error on every page for a feature it does not recognize.
"""

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def permissions_policy_header(policy: Mapping[str, Sequence[str]]) -> str:
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'."""
    return ", ".join(
        f"{feature}=({' '.join(origins)})" for feature, origins in policy.items()
    )


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Read per response (a join of a dozen strings), so a changed setting
        # applies at once.
        header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))
        if header:
            response.headers.setdefault("Permissions-Policy", header)
        return response
