"""HTML checks shared by the page tests: a strict HTML5 parse and unique ids; the
HTML part of an email."""

import re
from collections import Counter

import html5lib
from django.core.mail import EmailMessage, EmailMultiAlternatives


def assert_valid_html(content: bytes | str) -> None:
    """Fail on HTML5 parse errors (bad nesting, stray end tags) and duplicate ids."""
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    document = parser.parse(content)
    assert not parser.errors, [
        f"line {pos[0]} col {pos[1]}: {code} {data}"
        for pos, code, data in parser.errors
    ]
    ids = Counter(el.get("id") for el in document.iter() if el.get("id"))
    duplicates = [name for name, count in ids.items() if count > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"


def html_of(message: EmailMessage) -> str:
    """The HTML part of an email sent as text plus HTML."""
    assert isinstance(message, EmailMultiAlternatives), "no HTML part"
    content, _mimetype = message.alternatives[0]
    assert isinstance(content, str)
    return content


def search(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    """`re.search` that fails the test when the pattern is not found."""
    match = re.search(pattern, text, flags)
    assert match, f"not found: {pattern}"
    return match
