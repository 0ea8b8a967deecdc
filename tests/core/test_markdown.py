from core.markdown import render_markdown


def test_markdown_renders_basic_formatting():
    html = render_markdown(
        "## Title\n\nSome **bold** and a [link](https://example.org)."
    )
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_markdown_cannot_inject_script_or_handlers():
    source = (
        "<script>alert(1)</script>\n\n"
        '<img src="x" onerror="alert(2)">\n\n'
        "[click](javascript:alert(3))\n\n"
        '<a href="#" onclick="alert(4)">x</a>\n\n'
        '<p style="background:url(x)">styled</p>\n\n'
        "<iframe src='https://evil.example'></iframe>"
    )
    html = render_markdown(source)
    lowered = html.lower()
    for forbidden in (
        "<script",
        "onerror",
        "javascript:",
        "onclick",
        "style=",
        "<iframe",
    ):
        assert forbidden not in lowered, forbidden


def test_markdown_keeps_tel_and_sms_links():
    html = render_markdown("[Call](tel:+18883737888) or [text](sms:233733)")
    assert 'href="tel:+18883737888"' in html
    assert 'href="sms:233733"' in html
