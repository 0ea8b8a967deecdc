import re

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.static import serve

from campaigns.sitemaps import SITEMAPS as CAMPAIGN_SITEMAPS
from core import outbox
from core.health import healthz
from donations import views as donation_views
from pages import views
from pages.sitemaps import PageSitemap

SITEMAPS = {"pages": PageSitemap, **CAMPAIGN_SITEMAPS}

admin.site.site_header = "Redeeming Hope administration"
admin.site.site_title = "Redeeming Hope admin"
admin.site.index_title = "Run the site"

urlpatterns = [
    path("", views.home, name="home"),
    path("get-help/", views.page_detail, {"slug": "get-help"}, name="get-help"),
    path(
        "browsing-safely/",
        views.page_detail,
        {"slug": "browsing-safely"},
        name="browsing-safely",
    ),
    path("about/", views.page_detail, {"slug": "about"}, name="about"),
    path("privacy/", views.page_detail, {"slug": "privacy"}, name="privacy"),
    path("contact/", views.contact, name="contact"),
    path("shipping-returns/", views.shipping_returns, name="shipping-returns"),
    path("the-home/", donation_views.fund_detail, name="the-home"),
    path("donate/", include("donations.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("shop/", include("shop.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("payments/", include("payments.urls")),
    # The second step of signing in, under the admin's path (ADMIN_URL).
    path(f"{settings.ADMIN_URL}two-factor/", include("staff.two_factor_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    # For load balancers: no trailing slash, the path they are usually given.
    path("healthz", healthz, name="healthz"),
    # Development only: the emails the site sent (404 unless DEBUG is on).
    path("dev/outbox/", outbox.outbox_list, name="dev-outbox"),
    path("dev/outbox/<str:name>/", outbox.outbox_detail, name="dev-outbox-email"),
    path("dev/outbox/<str:name>/html/", outbox.outbox_html, name="dev-outbox-html"),
]

if settings.DEBUG:
    # Uploaded images in development; production serves media from its storage.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.SERVE_MEDIA:
    # `make serve` only (production settings on one machine): see SERVE_MEDIA.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

handler400 = "pages.views.bad_request"
handler403 = "pages.views.permission_denied"
handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"
