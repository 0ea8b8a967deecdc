"""
The site is written in American English: templates (emails included), the demo
content's Markdown and the text in the demo modules. Code identifiers are not
text: template variables and tag arguments, HTML attribute names and values other
than the ones people read, Python names, dictionary keys and docstrings, and web
addresses are left out before the words are checked.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# British spelling -> American spelling. Whole words, any case.
BRITISH_TO_AMERICAN = {
    "aluminium": "aluminum",
    "amongst": "among",
    "analyse": "analyze",
    "analysed": "analyzed",
    "apologise": "apologize",
    "authorise": "authorize",
    "authorised": "authorized",
    "behaviour": "behavior",
    "behaviours": "behaviors",
    "cancelled": "canceled",
    "cancelling": "canceling",
    "catalogue": "catalog",
    "catalogues": "catalogs",
    "categorise": "categorize",
    "centre": "center",
    "centres": "centers",
    "cheque": "check",
    "colour": "color",
    "coloured": "colored",
    "colourful": "colorful",
    "colours": "colors",
    "counselling": "counseling",
    "counsellor": "counselor",
    "customise": "customize",
    "defence": "defense",
    "emphasise": "emphasize",
    "enquiries": "inquiries",
    "enquiry": "inquiry",
    "favour": "favor",
    "favourite": "favorite",
    "fulfil": "fulfill",
    "fulfilment": "fulfillment",
    "grey": "gray",
    "honour": "honor",
    "honoured": "honored",
    "honours": "honors",
    "jewellery": "jewelry",
    "judgement": "judgment",
    "labelled": "labeled",
    "labour": "labor",
    "learnt": "learned",
    "licence": "license",
    "metre": "meter",
    "minimise": "minimize",
    "neighbour": "neighbor",
    "neighbourhood": "neighborhood",
    "neighbours": "neighbors",
    "offence": "offense",
    "organisation": "organization",
    "organisations": "organizations",
    "organise": "organize",
    "organised": "organized",
    "personalise": "personalize",
    "personalised": "personalized",
    "postcode": "ZIP code",
    "practise": "practice",
    "prioritise": "prioritize",
    "programme": "program",
    "realise": "realize",
    "recognise": "recognize",
    "recognised": "recognized",
    "summarise": "summarize",
    "tick": "check",
    "ticked": "checked",
    "untick": "uncheck",
    "travelled": "traveled",
    "travelling": "traveling",
    "whilst": "while",
    "working day": "business day",
    "working days": "business days",
}
WORD = re.compile(r"\b(" + "|".join(BRITISH_TO_AMERICAN) + r")\b", re.IGNORECASE)

# Titles of cited works keep the spelling they were published with.
PUBLISHED_TITLES = ["Forced Labour and Forced Marriage"]

# User-facing words in files other teams own, reported to them and not yet fixed:
# remove an entry once its file is in American English.
REPORTED: dict[str, set[str]] = {}

URL = re.compile(r"(https?://|www\.)\S+")
TEMPLATE_COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)
TEMPLATE_VARIABLE = re.compile(r"{{.*?}}", re.S)
TEMPLATE_TAG = re.compile(r"{%(.*?)%}", re.S)
QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")
# Attributes whose values people read or hear; every other attribute is code.
READ_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder", "content", "label"}
ATTRIBUTE = re.compile(r"\s([a-zA-Z_:][-\w:.]*)(\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
CODE_LIKE = re.compile(r"[a-z0-9_.-]+")
HTML_TAG = re.compile(r"<[a-zA-Z!/][^>]*>", re.S)


def _template_text(source: str) -> str:
    source = TEMPLATE_COMMENT.sub(" ", source)
    source = TEMPLATE_VARIABLE.sub(" ", source)

    def tag(match: re.Match[str]) -> str:
        # Only the strings of translate tags are text; other tags' arguments are code.
        body = match.group(1).strip()
        if body.startswith(("translate ", "trans ")):
            return " ".join(a or b for a, b in QUOTED.findall(body))
        return " "

    source = TEMPLATE_TAG.sub(tag, source)

    def html_tag(match: re.Match[str]) -> str:
        read = [
            value.strip("\"'")
            for name, _, value in ATTRIBUTE.findall(match.group(0))
            if name.lower() in READ_ATTRIBUTES
        ]
        return " " + " ".join(read) + " "

    return HTML_TAG.sub(html_tag, source)


def _python_text(source: str) -> str:
    """String literals that are not docstrings and do not look like code (a
    lowercase key, field name or slug such as "colour" or "forced-labour-2021")."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(
            node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
        ):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
            ):
                docstrings.add(id(body[0].value))
    texts = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and not CODE_LIKE.fullmatch(node.value)
        ):
            texts.append(node.value)
    return "\n".join(texts)


def _sources() -> list[Path]:
    files = sorted((ROOT / "templates").rglob("*.html"))
    files += sorted((ROOT / "templates").rglob("*.txt"))
    files += sorted(ROOT.glob("pages/content/*.md"))
    files += sorted(ROOT.glob("demo/content/**/*.md"))
    files += sorted(ROOT.glob("demo/*.py"))
    return files


def _text(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        source = _python_text(source)
    elif path.suffix in {".html", ".txt"}:
        source = _template_text(source)
    source = URL.sub(" ", source)
    for title in PUBLISHED_TITLES:
        source = source.replace(title, " ")
    return source


def _british_words(path: Path) -> set[str]:
    return {match.lower() for match in WORD.findall(_text(path))}


def test_the_sources_are_found():
    names = {path.relative_to(ROOT).as_posix() for path in _sources()}
    assert "templates/base.html" in names
    assert "pages/content/privacy.md" in names
    assert "demo/content/pages/get-help.md" in names
    assert "demo/campaigns.py" in names
    assert any(name.startswith("templates/emails/") for name in names)


@pytest.mark.parametrize(
    "path", _sources(), ids=lambda path: path.relative_to(ROOT).as_posix()
)
def test_text_is_in_american_english(path):
    found = _british_words(path) - REPORTED.get(
        path.relative_to(ROOT).as_posix(), set()
    )
    suggestions = ", ".join(
        f"{word} -> {BRITISH_TO_AMERICAN[word]}" for word in sorted(found)
    )
    assert not found, f"British spelling in {path.relative_to(ROOT)}: {suggestions}"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("<p>Our neighbours recognise it.</p>", {"neighbours", "recognise"}),
        ('{% translate "This order was cancelled." %}', {"cancelled"}),
        ('{% if order.status == "cancelled" %}<p>x</p>{% endif %}', set()),
        ('<span class="colour-swatch">{{ variant.colour }}</span>', set()),
        ('<img alt="A grey mug" src="/media/colour.png">', {"grey"}),
        ("{# catalogue #}<p>See https://example.org/labour/</p>", set()),
    ],
)
def test_template_text_skips_code(text, words):
    assert {m.lower() for m in WORD.findall(_template_text(URL.sub(" ", text)))} == (
        words
    )


def test_python_text_skips_identifiers_and_docstrings():
    source = (
        '"""A catalogue."""\n'
        'ROW = {"colour": "Grey", "slug": "labour-day", "label": "A labour of love"}\n'
    )
    assert {m.lower() for m in WORD.findall(_python_text(source))} == {
        "grey",
        "labour",
    }
