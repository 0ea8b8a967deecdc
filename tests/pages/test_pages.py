import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from demo import pages as pages_demo
from pages.views import server_error
from tests.html import assert_valid_html, search
from tests.pages.factories import PageFactory

PUBLIC_PAGES = [
    "home",
    "get-help",
    "browsing-safely",
    "about",
    "the-home",
    "donations:donate",
]


@pytest.fixture
def standing_pages(db):
    """The standing pages' demo content: what these tests read, without the rest of
    the demo (campaigns, products and their generated images)."""
    pages_demo.seed()


def _title(html: str) -> str:
    return search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def _description(html: str) -> str:
    return search(r'<meta name="description" content="(.*?)">', html, re.S).group(1)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_has_the_shell(client, standing_pages, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:+18883737888"' in html
    assert 'href="sms:233733"' in html
    assert "humantraffickinghotline.org/chat" in html
    assert "data-quick-exit-button" in html
    assert 'href="#main-content"' in html
    assert '<main id="main-content"' in html
    assert "100% of the store" in html
    assert_valid_html(response.content)


def test_every_page_has_its_own_title_and_description(client, standing_pages):
    titles, descriptions = set(), set()
    for name in PUBLIC_PAGES:
        html = client.get(reverse(name)).content.decode()
        titles.add(_title(html))
        descriptions.add(_description(html))
    assert len(titles) == len(PUBLIC_PAGES)
    assert len(descriptions) == len(PUBLIC_PAGES)


def test_get_help_has_what_a_visitor_needs(client, standing_pages):
    html = client.get(reverse("get-help")).content.decode()
    for text in [
        "Signs of sex trafficking",
        "Signs of labor trafficking",
        "Do not confront",
        "1-877-597-2331",
        "911",
        "not</strong> law enforcement",
    ]:
        assert text in html, text


def test_unpublished_page_is_404_for_the_public(client, db):
    PageFactory(slug="about", is_published=False)
    response = client.get(reverse("about"))
    assert response.status_code == 404


def test_home_renders_without_its_intro_row(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200


def test_page_body_markdown_is_sanitized(client, db):
    PageFactory(
        slug="about", body='Hello <script>alert(1)</script><b onclick="x()">b</b>'
    )
    html = client.get(reverse("about")).content.decode()
    main = html.split('<main id="main-content"')[1].split("</main>")[0]
    assert "<script" not in main
    assert "onclick" not in main


def test_unknown_url_gets_the_styled_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "data-quick-exit-button" in html
    assert_valid_html(response.content)


def test_500_page_is_styled(db):
    request = RequestFactory().get("/")
    response = server_error(request)
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"tel:+18883737888" in response.content


def test_robots_txt(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"Disallow: /admin/" in response.content


def test_favicon_redirects_to_the_svg(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.svg")


def test_content_security_policy_allows_no_inline_script_or_third_party(client, db):
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    # No other site, but Stripe's payment pages that a form may be sent on to.
    with_sites = [part.split(" ")[0] for part in policy.split("; ") if "http" in part]
    assert with_sites == ["form-action"]
    assert "<script>" not in response.content.decode()
    assert " onclick=" not in response.content.decode()


def test_admin_login_page_is_titled_for_the_site(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"Redeeming Hope" in response.content


def test_staff_can_edit_a_page_in_the_admin(admin_client, standing_pages):
    response = admin_client.get("/admin/pages/page/")
    assert response.status_code == 200
    assert b"Get help" in response.content
    response = admin_client.get("/admin/pages/page/?q=hotline&is_published__exact=1")
    assert response.status_code == 200
