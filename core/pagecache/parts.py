"""Each visitor's own parts of a stored page: the CSRF token of forms and the
`{% per_visitor %}` fragments, cut out when a page is stored and filled in for
each request."""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, get_token
from django.template.loader import render_to_string

# Where the CSRF token goes in a stored page (template names never start with
# a colon).
CSRF_SLOT = ":csrf"


STATE_ATTRIBUTE = "_page_cache"


_CSRF_INPUT = re.compile(
    rb'<input type="hidden" name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})">'
)


_TOKEN_LIKE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


@dataclass
class State:
    """This request's dealings with the cache (kept on the request)."""

    outcome: str  # "hit", "miss" or "bypass"
    key: str = ""
    version: str = ""
    marker: str = ""  # the fragment marker's random part, on a miss
    fragments: set[str] = field(default_factory=set)


def fragment_marker(request: HttpRequest | None, template_name: str) -> str | None:
    """What `{% per_visitor %}` writes instead of its fragment when the page is
    being rendered for the cache; None otherwise (render it in place)."""
    state = getattr(request, STATE_ATTRIBUTE, None)
    if not isinstance(state, State) or not state.marker:
        return None
    state.fragments.add(template_name)
    return f"<!--pagecache:{state.marker}:{template_name}-->"


def split_fragments(body: bytes, state: State) -> list[bytes | str]:
    """The body cut at this request's fragment markers (the random part of the
    marker means staff-written text cannot forge one)."""
    pattern = re.compile(
        b"<!--pagecache:" + re.escape(state.marker.encode()) + rb":([^>]{1,200})-->"
    )
    parts: list[bytes | str] = []
    position = 0
    for match in pattern.finditer(body):
        name = match.group(1).decode()
        if name not in state.fragments:
            continue
        parts += [body[position : match.start()], name]
        position = match.end()
    parts.append(body[position:])
    return parts


def _unmask(token: str) -> str:
    """The secret behind a masked CSRF token (as Django unmasks it)."""
    mask, cipher = token[:32], token[32:]
    chars = CSRF_ALLOWED_CHARS
    return "".join(
        chars[chars.index(c) - chars.index(m)]
        for c, m in zip(cipher, mask, strict=True)
    )


def cut_csrf(
    parts: list[bytes | str], request: HttpRequest
) -> list[bytes | str] | None:
    """Replace the CSRF token of forms with CSRF_SLOT. None when a token of
    this visitor is left anywhere else (the page must not be stored)."""
    secret = request.META.get("CSRF_COOKIE")
    if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or not secret:
        return parts  # no token was rendered
    tokens = {
        token
        for part in parts
        if isinstance(part, bytes)
        for token in _CSRF_INPUT.findall(part)
    }
    cut: list[bytes | str] = []
    for part in parts:
        if isinstance(part, str) or not tokens:
            cut.append(part)
            continue
        pieces = re.split(b"(" + b"|".join(map(re.escape, tokens)) + b")", part)
        cut += [CSRF_SLOT if piece in tokens else piece for piece in pieces]
    for part in cut:
        if isinstance(part, bytes):
            for found in _TOKEN_LIKE.findall(part):
                if _unmask(found.decode()) == secret:
                    return None
    return cut


# A fragment as a visitor without a session sees it (no cart, not signed in)
# depends only on the page's URL name: rendered once per process, kept here.
SESSIONLESS_FRAGMENTS: dict[tuple[str, str, str], bytes] = {}


def render_fragment(request: HttpRequest, name: str, charset: str) -> bytes:
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return render_to_string(name, request=request).encode(charset)
    match = request.resolver_match
    key = (name, match.view_name if match else "", charset)
    fragment = SESSIONLESS_FRAGMENTS.get(key)
    if fragment is None:
        fragment = render_to_string(name, request=request).encode(charset)
        if len(SESSIONLESS_FRAGMENTS) < 1000:
            SESSIONLESS_FRAGMENTS[key] = fragment
    return fragment


def fill(request: HttpRequest, parts: tuple[bytes | str, ...], charset: str) -> bytes:
    token = ""
    out: list[bytes] = []
    for part in parts:
        if isinstance(part, bytes):
            out.append(part)
        elif part == CSRF_SLOT:
            token = token or get_token(request)
            out.append(token.encode())
        else:
            out.append(render_fragment(request, part, charset))
    return b"".join(out)
