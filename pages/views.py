"""Site-wide pages: home, the standing pages staff edit, error pages, robots.txt."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from campaigns.selectors import campaign_for_home, next_action_day
from core.faults import (
    database_error_in_flight,
    render_without_database,
    service_unavailable,
)
from core.pagecache import public_page
from pages.contact import organization_contact
from pages.models import Page
from shop.selectors import featured_products, shop_settings


@public_page
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # The home page must never 404: without its intro row it still shows the rest.
    page = Page.objects.published().filter(slug="home").first()
    # One query each, however many campaigns exist.
    now = timezone.now()
    return render(
        request,
        "home.html",
        {
            "page": page,
            "campaign": campaign_for_home(now=now),
            "next_action_day": next_action_day(now=now),
            # Two queries (products, their images) whatever the catalogue's size.
            "shop_products": featured_products(limit=3),
        },
    )


@public_page
@require_GET
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Get help, Browsing safely, About: fixed URLs, words from the admin."""
    return _standing_page(request, slug, {})


@public_page
@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    """The words from the admin, then the ways to reach us, from settings."""
    return _standing_page(request, "contact", {"contact": organization_contact()})


@public_page
@require_GET
def shipping_returns(request: HttpRequest) -> HttpResponse:
    """The words from the admin, then what delivery costs today, read from the
    shop's settings (so the figures are always the ones checkout charges).
    Editing the shop's settings drops this cached page (shop.signals)."""
    rates = shop_settings(request)
    return _standing_page(
        request,
        "shipping-returns",
        {
            "shop_rates": rates,
            "sales_tax_percent": f"{(rates.sales_tax_rate * 100).normalize():f}",
            "taxed_states": sorted(rates.taxed_state_codes),
        },
    )


def _standing_page(
    request: HttpRequest, slug: str, context: dict[str, object]
) -> HttpResponse:
    page = get_object_or_404(Page.objects.published(), slug=slug)
    return render(request, "pages/page_detail.html", {"page": page, **context})


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    # The admin's pages tell robots not to index them (Django's admin template).
    # A moved admin (ADMIN_URL) is never named here: robots.txt is public, and the
    # point of moving it is that nobody reads where it went.
    admin_path = reverse("admin:index")
    lines = ["User-agent: *"]
    if admin_path == "/admin/":
        lines.append(f"Disallow: {admin_path}")
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; point them at the SVG."""
    return redirect(static("img/favicon.svg"))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Without the request: for a disallowed Host header, anything that builds an
    # absolute address from it (the social image tag) would fail again.
    return render_without_database("400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    # A volunteer refused an admin page stays in the admin, with a way back to
    # its index; everyone else gets the site's own page.
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_active
        and user.is_staff
        and request.path.startswith(reverse("admin:index"))
    ):
        context = {**admin.site.each_context(request), "title": _("Not allowed")}
        return render(request, "admin/403.html", context, status=403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # The chrome (Quick exit, hotline) comes from settings only: the error may be
    # the database itself, which the session and the cart would need. When it is,
    # the answer is the 503 page (the database is down, not the site broken).
    if database_error_in_flight():
        return service_unavailable()
    return render_without_database("500.html", status=500)
