"""A volunteer refused an admin page sees the admin's own "not allowed" page,
with a way back to the admin; visitors keep the site's public page."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from pages.views import permission_denied
from tests.staff.role_users import SHOP, sign_in, volunteer

pytestmark = pytest.mark.django_db

PUBLIC_PAGE_WORDS = "Go to the home page"


def test_the_shop_manager_refused_the_sales_report_stays_in_the_admin(client):
    sign_in(client, SHOP)
    response = client.get(reverse("admin:shop_order_report"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "admin/403.html" in [t.name for t in response.templates]
    assert "Redeeming Hope administration" in html  # the admin's header
    assert f'href="{reverse("admin:index")}"' in html
    assert "Back to the admin home page" in html
    assert PUBLIC_PAGE_WORDS not in html


def test_a_visitor_refused_a_page_gets_the_public_page():
    request = RequestFactory().get(reverse("admin:index") + "shop/order/report/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert PUBLIC_PAGE_WORDS in response.content.decode()


def test_a_volunteer_refused_a_public_page_gets_the_public_page():
    request = RequestFactory().get("/shop/")
    request.user = volunteer(SHOP)
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert PUBLIC_PAGE_WORDS in response.content.decode()
