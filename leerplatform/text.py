"""The one place where text a person wrote becomes HTML.

Markdown is parsed with CommonMark rules and raw HTML switched off, then the result is cleaned
with bleach against a short allow-list. Links get ``rel="nofollow noopener ugc"``; images are
not rendered at all, because loading a remote image tells a third party who reads the page.
The HTML is made once, when a post is saved; the source is kept for editing.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import bleach
from bleach.linkifier import Linker, build_url_re
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

MAX_SOURCE_LENGTH = 20_000
"""The longest body we accept, in characters: about ten pages of text."""

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "code",
        "pre",
        "hr",
        "h3",
        "h4",
        "h5",
        "h6",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener ugc"
# A heading in a post sits below the page's h1 and the post's own h2.
HEADING_SHIFT = 2

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.disable("image")


_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def _allowed_href(href: str) -> bool:
    """http, https and mailto only; bleach reads ``tel:0612345678`` as a relative address."""
    cleaned = "".join(ch for ch in html.unescape(href) if ch > " ").lower()
    match = _SCHEME.match(cleaned)
    return match is None or match.group(1) in ALLOWED_PROTOCOLS


def _check_link(attrs: dict[Any, str], new: bool = False) -> dict[Any, str] | None:
    href = attrs.get((None, "href"), "")
    if not _allowed_href(href):
        if new:
            return None  # an address found in plain text stays plain text
        del attrs[(None, "href")]
    attrs[(None, "rel")] = LINK_REL
    return attrs


# No skip_tags: bleach 6 escapes the text of skipped tags a second time. Only http(s) addresses
# in plain text become links.
_linker = Linker(
    url_re=build_url_re(protocols=["http", "https"]), callbacks=[_check_link], parse_email=False
)


def _html_from_markdown(source: str) -> str:
    tokens = _markdown.parse(source)
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"
    return _markdown.renderer.render(tokens, _markdown.options, {})


def render_markdown(source: str) -> Markup:
    """Markdown in, safe HTML out: the only way user text becomes markup."""
    cleaned = bleach.clean(
        _html_from_markdown(source),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return Markup(_linker.linkify(cleaned).strip())  # noqa: S704 - cleaned by bleach above


@lru_cache(maxsize=512)
def plain_text(source: str, *, limit: int = 200) -> str:
    """A short plain-text preview of a Markdown source, for lists, notifications and search
    snippets. Remembered: the same posts come back page after page, and bleach takes about
    a third of a millisecond per post."""
    text = html.unescape(bleach.clean(_html_from_markdown(source), tags=set(), strip=True))
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def stored_html(html_made_here: str) -> Markup:
    """HTML that ``render_markdown`` made earlier and that was stored with the post."""
    return Markup(html_made_here)  # noqa: S704 - only ever output of render_markdown


_WORDS = re.compile(r"(\w+)", re.UNICODE)


def highlight(
    text: str, is_match: Callable[[str], bool], *, before: int = 12, length: int = 40
) -> Markup:
    """About ``length`` words of plain text around its first match, each match in ``<mark>``.

    The text is escaped piece by piece here; only the ``<mark>`` tags are ours.
    """
    pieces = _WORDS.split(text)  # separators at even places, words at odd places
    word_places = range(1, len(pieces), 2)
    first = next((place for place in word_places if is_match(pieces[place])), 1)
    start = max(0, first - 2 * before)
    start -= start % 2  # begin at a separator
    end = min(len(pieces), start + 2 * length)
    # The text between two matches is escaped in one go: a piece at a time cost more than the
    # rest of the search page's Python together.
    out: list[str] = [] if start == 0 else ["… "]
    run: list[str] = [pieces[start].lstrip()] if start == 0 else []
    for place in range(start + 1, end):
        piece = pieces[place]
        if place % 2 and is_match(piece):
            out.append(escape("".join(run)))
            out.append(f"<mark>{escape(piece)}</mark>")
            run = []
        else:
            run.append(piece)
    out.append(escape("".join(run)))
    if end < len(pieces):
        out.append(" …")
    return Markup("".join(out).strip())  # noqa: S704 - every piece of the text escaped above


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, buffer: Any) -> None:
        self._writer = csv.writer(buffer, delimiter=";")

    def writerow(self, row: Any) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Any) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(buffer: Any) -> _SafeWriter:
    """A ``;``-separated CSV writer (what Dutch spreadsheets expect) that escapes formulas."""
    return _SafeWriter(buffer)
