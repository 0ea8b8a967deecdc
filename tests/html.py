"""HTML checks shared by the page tests: a strict HTML5 parse and unique ids."""

from collections import Counter

import html5lib


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
