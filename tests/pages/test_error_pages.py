"""Each error page says what happened and points to the hotline and the home page."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

HOTLINE = "If you need help now, the hotline above is free and open day and night."
HOME = '<a href="/">Go to the home page</a>'

PAGES = {
    "400.html": (
        "Bad request",
        [
            "We could not understand that request. Please check the address or the "
            "form and try again."
        ],
    ),
    "403.html": ("Not allowed", ["You do not have permission to see this page."]),
    "404.html": (
        "Page not found",
        [
            "There is no page at this address. It may have moved, or the link may be "
            "mistyped."
        ],
    ),
    "429.html": (
        "Too many tries",
        [
            "We received this request too many times in a short while, so we paused "
            "it to keep the site fair for everyone. Nothing was charged.",
            "Please try again in about 2 minutes.",
        ],
    ),
    "500.html": (
        "Something went wrong",
        [
            "Sorry, the site had a problem showing this page. Please try again in a "
            "few minutes."
        ],
    ),
    "503.html": (
        "We will be right back",
        [
            "Sorry, part of the site is not working at the moment, so we cannot show "
            "this page. Please try again in a few minutes."
        ],
    ),
}


@pytest.mark.parametrize("template", sorted(PAGES))
def test_each_error_page(template):
    heading, message = PAGES[template]
    request = RequestFactory().get("/somewhere/")
    html = render_to_string(template, {"retry_minutes": 2}, request=request)
    assert f"<title>{heading} | " in html
    assert f'<meta name="description" content="{heading}">' in html
    body = re.search(r'<div class="wrap page">(.*?)</div>', html, re.S)
    assert body
    words = [
        " ".join(re.sub(r"<[^>]+>", "", text).split())
        for _, text in re.findall(r"<(h1|p)>(.*?)</\1>", body[1], re.S)
    ]
    assert words == [heading, *message, HOTLINE, "Go to the home page"]
    assert HOME in body[1]
