"""The brand: the mark's files under static/img/ are what its drawing makes, small,
referenced from every page and served."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from demo.drawings import brand
from tests.campaigns.factories import CampaignFactory

pytestmark = pytest.mark.django_db

STATIC_IMG = Path(settings.BASE_DIR) / "static" / "img"


def test_committed_svgs_are_what_the_drawing_makes():
    """After a change to the mark, `manage.py brand_images` rewrites them."""
    files = brand.static_files()
    for name in ("favicon.svg", "logo-mark.svg", "logo.svg", "home-at-dawn.svg"):
        assert (STATIC_IMG / name).read_bytes() == files[name], name


@pytest.mark.parametrize(
    ("name", "size", "limit"),
    [
        ("apple-touch-icon.png", (180, 180), 10_000),
        ("og-default.png", (1200, 630), 30_000),
    ],
)
def test_committed_pngs_are_the_right_size_and_small(name, size, limit):
    content = (STATIC_IMG / name).read_bytes()
    assert len(content) < limit
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        assert image.size == size
    with Image.open(io.BytesIO(brand.static_files()[name])) as drawn:
        assert drawn.size == size


def test_brand_images_command_writes_every_file(tmp_path):
    call_command("brand_images", directory=tmp_path, stdout=io.StringIO())
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        brand.static_files()
    )


def test_svgs_are_plain_shapes():
    for name in ("favicon.svg", "logo-mark.svg", "logo.svg", "home-at-dawn.svg"):
        text = (STATIC_IMG / name).read_text()
        assert text.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
        assert "<script" not in text and "href" not in text and "style" not in text


def test_header_carries_the_mark_as_drawn(client):
    html = client.get(reverse("home")).content.decode()
    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    assert brand.mark_svg_shapes() in header
    assert 'class="brand__mark"' in header and 'aria-hidden="true"' in header
    # The link's name is the organization's, in one piece.
    name = re.search(r'<span class="brand__name">(.*?)</span>\s*</a>', header, re.S)
    assert name and re.sub(r"<[^>]+>", "", name.group(1)) == "Redeeming Hope"
    assert "blue dot" not in header and 'brand__mark" aria-hidden' not in header


def test_every_page_links_the_icons_and_a_default_social_image(client):
    html = client.get(reverse("home")).content.decode()
    assert re.search(
        r'<link rel="icon" href="/static/img/favicon\.svg" type="image/svg\+xml">', html
    )
    assert (
        '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in html
    )
    # Link previews need an absolute address.
    assert (
        '<meta property="og:image" content="http://testserver/static/img/og-default.png">'
        in html
    )
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert html.count('property="og:image"') == 1


def test_a_page_with_its_own_open_graph_tags_does_not_get_the_default(client):
    """A template that fills the `og` block chooses its own picture (or none);
    `{% default_social_image %}` is there for it to use."""
    campaign = CampaignFactory(with_image=True)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert html.count('property="og:image"') == 1
    assert "og-default.png" not in html
    for url in (reverse("shop:product-list"), reverse("the-home")):
        html = client.get(url).content.decode()
        assert html.count('property="og:image"') == 1, url
        assert "og-default.png" in html, url


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("img/favicon.svg", "image/svg+xml"),
        ("img/apple-touch-icon.png", "image/png"),
        ("img/og-default.png", "image/png"),
        ("img/home-at-dawn.svg", "image/svg+xml"),
    ],
)
def test_brand_files_are_served(client, settings, path, content_type):
    assert finders.find(path)
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get(settings.STATIC_URL + path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
