"""Tests for leerplatform.text: user Markdown in, safe HTML (and plain-text previews) out.

The injection tests do not compare strings with a known-good rendering; they parse what
``render_markdown`` returns and check properties that must hold for *any* input: only
allow-listed elements and attributes, no event handlers, only http/https/mailto (or relative)
link targets, every link carrying ``rel="nofollow noopener ugc"``.
"""

from __future__ import annotations

import html
import re
import time
from html.parser import HTMLParser

import pytest
from markupsafe import Markup, escape

from leerplatform import text
from leerplatform.text import MAX_SOURCE_LENGTH, plain_text, render_markdown

# The specification, written out here on purpose rather than imported from the module, so that
# widening the module's allow-list is a deliberate change that also has to change this file.
SPEC_TAGS = frozenset(
    {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr"}
    | {"h3", "h4", "h5", "h6"}
)
SPEC_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "rel"}),
    "ol": frozenset({"start"}),
}
SPEC_PROTOCOLS = frozenset({"http", "https", "mailto"})
SPEC_REL = "nofollow noopener ugc"
FORBIDDEN_ELEMENTS = (
    "script",
    "iframe",
    "svg",
    "style",
    "img",
    "object",
    "embed",
    "form",
    "math",
    "base",
    "meta",
    "link",
)

# A URL scheme as the WHATWG URL parser recognises one: a letter, then letters, digits, + - .
_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# Whitespace and C0 control characters (and DEL) - browsers drop some of these from URLs.
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]+")


class _Collector(HTMLParser):
    """Records everything an HTML fragment contains, as a browser's tokenizer would see it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.start_tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.end_tags: list[str] = []
        self.data: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start_tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.start_tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.end_tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.data.append(data)

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment: {data}")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"declaration: {decl}")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"processing instruction: {data}")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"unknown declaration: {data}")

    @property
    def links(self) -> list[dict[str, str | None]]:
        return [dict(attrs) for tag, attrs in self.start_tags if tag == "a"]

    @property
    def text(self) -> str:
        return "".join(self.data)


def _parse(fragment: str) -> _Collector:
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector


def _href_scheme(value: str) -> str | None:
    """The scheme a browser would act on for this (already once-unescaped) href, or None.

    The value is unescaped once more and stripped of all whitespace and control characters
    before lowercasing. That is stricter than a browser (which unescapes once and drops only
    tab/newline inside the URL), so a doubly encoded ``javascript:`` would also be caught.
    Percent-escapes are not decoded: ``%`` cannot occur in a scheme, so ``jav%09ascript:x`` is
    a relative path to a browser, not a javascript: URL.
    """
    cleaned = _CONTROL_RE.sub("", html.unescape(value)).lower()
    match = _SCHEME_RE.match(cleaned)
    return match.group(1) if match else None


def assert_safe(output: Markup) -> _Collector:
    """Fail unless ``output`` is HTML a browser can show without running or loading anything."""
    assert isinstance(output, Markup)
    raw = str(output)
    lowered = raw.lower()
    for element in FORBIDDEN_ELEMENTS:
        assert f"<{element}" not in lowered, f"<{element}> element in output: {raw!r}"
    assert "\x00" not in raw

    parsed = _parse(raw)
    assert parsed.other == [], f"comment/declaration in output: {parsed.other!r}"
    for tag in parsed.end_tags:
        assert tag in SPEC_TAGS, f"</{tag}> is not allowed: {raw!r}"
    for tag, attrs in parsed.start_tags:
        assert tag in SPEC_TAGS, f"<{tag}> is not allowed: {raw!r}"
        allowed = SPEC_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name!r} on <{tag}>: {raw!r}"
            assert name in allowed, f"attribute {name!r} not allowed on <{tag}>: {raw!r}"
            assert value is not None, f"valueless attribute {name!r} on <{tag}>: {raw!r}"
            if name == "href":
                scheme = _href_scheme(value)
                assert scheme is None or scheme in SPEC_PROTOCOLS, (
                    f"href with scheme {scheme!r}: {value!r} in {raw!r}"
                )
            elif name == "rel":
                assert value == SPEC_REL
            elif name == "start":
                assert value.isdigit(), f"odd ol start {value!r}"
        if tag == "a":
            assert dict(attrs).get("rel") == SPEC_REL, f"link without rel: {raw!r}"
    return parsed


# --------------------------------------------------------------------------------------------
# 1. Injection vectors
# --------------------------------------------------------------------------------------------


INJECTION_VECTORS = [
    # -- script tags -------------------------------------------------------------------------
    pytest.param("<script>alert(1)</script>", id="script"),
    pytest.param("<SCRIPT>alert(1)</SCRIPT>", id="script-upper"),
    pytest.param("<ScRiPt>alert(1)</sCrIpT>", id="script-mixed-case"),
    pytest.param(
        '<script type="text/javascript" src="https://evil.example/x.js"></script>',
        id="script-with-attributes",
    ),
    pytest.param("<script>alert(1)", id="script-unclosed-element"),
    pytest.param("<script src=//evil.example/x.js", id="script-unclosed-tag"),
    pytest.param("<scr<script>ipt>alert(1)</scr</script>ipt>", id="script-split"),
    pytest.param("<scr\x00ipt>alert(1)</script>", id="script-null-byte-inside-name"),
    pytest.param("<\x00script>alert(1)</script>", id="script-null-byte-before-name"),
    pytest.param("<script\x00>alert(1)</script>", id="script-null-byte-after-name"),
    pytest.param("<script\t>alert(1)</script\n>", id="script-tab-newline"),
    pytest.param("<script/xss src=x></script>", id="script-slash-attribute"),
    pytest.param("<<script>alert(1)//<</script>", id="script-double-open-bracket"),
    pytest.param("Tekst\n\n<script>\nalert(1)\n</script>\n", id="script-html-block"),
    pytest.param("- <script>alert(1)</script>", id="script-in-list"),
    pytest.param("> <script>alert(1)</script>", id="script-in-blockquote"),
    pytest.param("# <script>alert(1)</script>", id="script-in-heading"),
    pytest.param("**<script>alert(1)</script>**", id="script-in-strong"),
    pytest.param("[<script>alert(1)</script>](https://x.nl)", id="script-in-link-text"),
    pytest.param("`</code><script>alert(1)</script>`", id="script-break-out-of-code-span"),
    pytest.param("```\n</code></pre><script>alert(1)</script>\n```", id="script-break-out-of-pre"),
    # -- event handlers ----------------------------------------------------------------------
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("<IMG SRC=x ONERROR=alert(1)>", id="img-onerror-upper"),
    pytest.param("<img src=x\tonerror=alert(1)>", id="img-onerror-tab"),
    pytest.param("<img src=x\nonerror=alert(1)>", id="img-onerror-newline"),
    pytest.param("<img/src=x/onerror=alert(1)>", id="img-onerror-slashes"),
    pytest.param("<img src=x onerror\t=\talert(1)>", id="img-onerror-tab-around-equals"),
    pytest.param('<a onclick="alert(1)" href="https://x.nl">x</a>', id="a-onclick"),
    pytest.param('<a href="https://x.nl"/onclick=alert(1)>x</a>', id="a-onclick-after-slash"),
    pytest.param('<a href="https://x.nl" onmouseover="alert(1)">x</a>', id="a-onmouseover"),
    pytest.param("<div onmouseover=alert(1)>hover</div>", id="div-onmouseover"),
    pytest.param('<p onclick="alert(1)">x</p>', id="allowed-tag-onclick"),
    pytest.param("<body onload=alert(1)>", id="body-onload"),
    pytest.param("<details open ontoggle=alert(1)>", id="details-ontoggle"),
    pytest.param("<input autofocus onfocus=alert(1)>", id="input-onfocus"),
    # -- javascript: and friends in Markdown links --------------------------------------------
    pytest.param("[x](javascript:alert(1))", id="md-link-javascript"),
    pytest.param("[x](JaVaScRiPt:alert(1))", id="md-link-javascript-mixed-case"),
    pytest.param("[x](JAVASCRIPT:alert(1))", id="md-link-javascript-upper"),
    pytest.param("[x]( javascript:alert(1))", id="md-link-javascript-leading-space"),
    pytest.param("[x](\tjavascript:alert(1))", id="md-link-javascript-leading-tab"),
    pytest.param("[x](\x01javascript:alert(1))", id="md-link-javascript-leading-control"),
    pytest.param("[x](<javascript:alert(1)>)", id="md-link-javascript-angle-brackets"),
    pytest.param("[x](jav&#x09;ascript:alert(1))", id="md-link-javascript-entity-tab"),
    pytest.param("[x](jav&#9;ascript:alert(1))", id="md-link-javascript-decimal-tab"),
    pytest.param("[x](jav&#x0A;ascript:alert(1))", id="md-link-javascript-entity-newline"),
    pytest.param("[x](java\x00script:alert(1))", id="md-link-javascript-null-byte"),
    pytest.param("[x](&#106;avascript:alert(1))", id="md-link-javascript-decimal-entity"),
    pytest.param(
        "[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
        id="md-link-javascript-all-hex-entities",
    ),
    pytest.param("[x](javascript&#58;alert(1))", id="md-link-javascript-entity-colon"),
    pytest.param("[x](javascript&colon;alert(1))", id="md-link-javascript-named-colon"),
    pytest.param("[x](%6Aavascript:alert(1))", id="md-link-javascript-percent-encoded"),
    pytest.param("[x](javascript://%0Aalert(1))", id="md-link-javascript-comment-newline"),
    pytest.param("[x](vbscript:msgbox(1))", id="md-link-vbscript"),
    pytest.param("[x](VBScript:msgbox(1))", id="md-link-vbscript-mixed-case"),
    pytest.param(
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        id="md-link-data-html-base64",
    ),
    pytest.param("[x](data:text/html,<script>alert(1)</script>)", id="md-link-data-html"),
    pytest.param("[x](data:image/png;base64,AAAA)", id="md-link-data-image"),
    pytest.param("[x](data:image/svg+xml;base64,PHN2Zz4=)", id="md-link-data-svg"),
    pytest.param("[x](file:///etc/passwd)", id="md-link-file"),
    pytest.param("[x](ftp://x.nl/bestand)", id="md-link-ftp"),
    pytest.param("[x](tel:06-1234-5678)", id="md-link-tel-with-dashes"),
    pytest.param(
        "[x](tel:0612345678)",
        id="md-link-tel-digits-only",
    ),
    # -- images -------------------------------------------------------------------------------
    pytest.param("![x](https://remote.example/x.png)", id="image-remote"),
    pytest.param('![x](https://remote.example/x.png "titel")', id="image-remote-with-title"),
    pytest.param("![x][img]\n\n[img]: https://remote.example/x.png", id="image-reference"),
    pytest.param("![x](data:image/png;base64,AAAA)", id="image-data-png"),
    pytest.param("![x](data:text/html;base64,PHNjcmlwdD4=)", id="image-data-html"),
    pytest.param("![x](javascript:alert(1))", id="image-javascript"),
    pytest.param("[![x](https://remote.example/x.png)](https://x.nl)", id="image-inside-link"),
    # -- reference-style links ----------------------------------------------------------------
    pytest.param("[x][r]\n\n[r]: javascript:alert(1)", id="reference-javascript"),
    pytest.param("[x]\n\n[x]: JaVaScRiPt:alert(1)", id="reference-collapsed-javascript"),
    pytest.param('[x][r]\n\n[r]: <javascript:alert(1)> "t"', id="reference-angle-javascript"),
    pytest.param("[x][r]\n\n[r]: data:text/html;base64,PHNjcmlwdD4=", id="reference-data-html"),
    pytest.param("[x][r]\n\n[r]: vbscript:msgbox(1)", id="reference-vbscript"),
    # -- autolinks and bare text --------------------------------------------------------------
    pytest.param("<javascript:alert(1)>", id="autolink-javascript"),
    pytest.param("<JAVASCRIPT:alert(1)>", id="autolink-javascript-upper"),
    pytest.param("<vbscript:msgbox(1)>", id="autolink-vbscript"),
    pytest.param("<data:text/html;base64,PHNjcmlwdD4=>", id="autolink-data"),
    pytest.param("<file:///etc/passwd>", id="autolink-file"),
    pytest.param(
        "<tel:0612345678>",
        id="autolink-tel-digits-only",
    ),
    pytest.param("javascript:alert(1)", id="bare-javascript"),
    pytest.param("javascript://x.nl/%0Aalert(1)", id="bare-javascript-with-domain"),
    pytest.param(
        "data:x.nl",
        id="bare-data-linkified",
    ),
    pytest.param(
        "data://x.nl/a",
        id="bare-data-slashes-linkified",
    ),
    pytest.param(
        "Download via ftp://x.nl/bestand",
        id="bare-ftp-linkified",
    ),
    pytest.param(
        "webcal://x.nl/agenda.ics",
        id="bare-webcal-linkified",
    ),
    pytest.param(
        "feed:x.nl",
        id="bare-feed-linkified",
    ),
    # -- svg, iframe, style, object, embed, form, math, meta, base, link ----------------------
    pytest.param("<svg onload=alert(1)>", id="svg-onload"),
    pytest.param("<svg/onload=alert(1)>", id="svg-onload-slash"),
    pytest.param("<svg><script>alert(1)</script></svg>", id="svg-script"),
    pytest.param(
        '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', id="svg-xlink-href"
    ),
    pytest.param("<svg><animate onbegin=alert(1) attributeName=x>", id="svg-animate"),
    pytest.param('<iframe src="javascript:alert(1)"></iframe>', id="iframe-javascript"),
    pytest.param('<iframe srcdoc="<script>alert(1)</script>">', id="iframe-srcdoc"),
    pytest.param("<IFRAME SRC=https://evil.example>", id="iframe-remote-upper"),
    pytest.param("<style>body{background:url(javascript:alert(1))}</style>", id="style-element"),
    pytest.param("<STYLE>@import 'https://evil.example/x.css';</STYLE>", id="style-import"),
    pytest.param('<p style="background:url(javascript:alert(1))">x</p>', id="style-attribute"),
    pytest.param(
        '<a href="https://x.nl" style="position:fixed;top:0">x</a>', id="style-attribute-on-a"
    ),
    pytest.param('<object data="javascript:alert(1)"></object>', id="object-javascript"),
    pytest.param('<object data="data:text/html;base64,PHNjcmlwdD4="></object>', id="object-data"),
    pytest.param('<embed src="javascript:alert(1)">', id="embed-javascript"),
    pytest.param('<embed src="https://evil.example/x.swf">', id="embed-remote"),
    pytest.param('<form action="javascript:alert(1)"><button>x</button></form>', id="form"),
    pytest.param("<form><button formaction=javascript:alert(1)>x</button></form>", id="formaction"),
    pytest.param("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", id="math-mxss"),
    pytest.param('<math href="javascript:alert(1)">x</math>', id="math-href"),
    pytest.param(
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta-refresh"
    ),
    pytest.param('<base href="https://evil.example/">', id="base-href"),
    pytest.param('<base href="javascript:alert(1)//">', id="base-href-javascript"),
    pytest.param('<link rel="stylesheet" href="https://evil.example/x.css">', id="link-element"),
    # -- broken and nested markup -------------------------------------------------------------
    pytest.param('<a href="x"<b>', id="broken-a-b"),
    pytest.param('<a href="javascript:alert(1)"<b>x</b></a>', id="broken-a-javascript"),
    pytest.param('<<a href="javascript:alert(1)">x</a>', id="double-bracket-a"),
    pytest.param('<a href="https://x.nl"><a href="javascript:alert(1)">x</a></a>', id="nested-a"),
    pytest.param('<a\nhref\n=\n"javascript:alert(1)">x</a>', id="a-newlines-in-tag"),
    pytest.param("</p><script>alert(1)</script><p>", id="close-p-first"),
    pytest.param("[a](https://x.nl)<script>alert(1)</script>[b](https://y.nl)", id="between-links"),
    # -- comments, conditional comments, CDATA, declarations ----------------------------------
    pytest.param("<!-- <script>alert(1)</script> -->", id="comment"),
    pytest.param("<!--[if IE]><script>alert(1)</script><![endif]-->", id="conditional-comment"),
    pytest.param(
        "<!--[if gte IE 4]><SCRIPT>alert(1);</SCRIPT><![endif]-->", id="conditional-comment-upper"
    ),
    pytest.param("<!-- --!><script>alert(1)</script> -->", id="comment-bang-close"),
    pytest.param("<!--><script>alert(1)</script>-->", id="comment-abrupt-close"),
    pytest.param("<![CDATA[<script>alert(1)</script>]]>", id="cdata"),
    pytest.param('<?xml version="1.0"?><script>alert(1)</script>', id="processing-instruction"),
    pytest.param("<!DOCTYPE html><script>alert(1)</script>", id="doctype"),
    # -- entity tricks ------------------------------------------------------------------------
    pytest.param("&lt;script&gt;alert(1)&lt;/script&gt;", id="entity-named"),
    pytest.param("&#60;script&#62;alert(1)&#60;/script&#62;", id="entity-decimal"),
    pytest.param("&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;", id="entity-hex"),
    pytest.param("&amp;lt;script&amp;gt;", id="entity-double-encoded"),
    pytest.param("\\<script>alert(1)\\</script>", id="backslash-escaped-brackets"),
    pytest.param("&#0;&#x0;&#xD800;", id="entity-null-and-surrogate"),
    # -- link titles and URLs that try to break out of the attribute --------------------------
    pytest.param('[a](https://x.nl "\\" onmouseover=\\"alert(1)")', id="title-double-quote"),
    pytest.param("[a](https://x.nl '\\' onmouseover=\\'alert(1)')", id="title-single-quote"),
    pytest.param('[a](https://x.nl "x\\"><script>alert(1)</script>")', id="title-close-tag"),
    pytest.param('[a][r]\n\n[r]: https://x.nl "\\" onclick=\\"alert(1)"', id="reference-title"),
    pytest.param('[a](https://x.nl"onmouseover="alert(1))', id="href-double-quote"),
    pytest.param('https://x.nl/"onmouseover=alert(1)//', id="bare-url-double-quote"),
    pytest.param("https://x.nl/'onmouseover=alert(1)//", id="bare-url-single-quote"),
    pytest.param('www.x.nl/"><script>alert(1)</script>', id="bare-www-close-tag"),
]


@pytest.mark.parametrize("source", INJECTION_VECTORS)
def test_injection_vector_renders_safely(source: str) -> None:
    assert_safe(render_markdown(source))


LONG_INPUTS = [
    pytest.param("<script>" * (MAX_SOURCE_LENGTH // 8), id="many-script-tags"),
    pytest.param(
        "[x](javascript:alert(1)) " * (MAX_SOURCE_LENGTH // 25), id="many-javascript-links"
    ),
    pytest.param("<img src=x onerror=alert(1)>\n" * 600, id="many-img-lines"),
    pytest.param(">" * 5000 + " <script>alert(1)</script>", id="deep-blockquote"),
    pytest.param("- " * 5000 + "<script>alert(1)</script>", id="deep-list"),
    pytest.param("[" * MAX_SOURCE_LENGTH, id="open-brackets"),
    pytest.param("*" * MAX_SOURCE_LENGTH + "a", id="asterisks"),
    pytest.param("a_" * (MAX_SOURCE_LENGTH // 2), id="underscores"),
    pytest.param("<" * MAX_SOURCE_LENGTH, id="open-angles"),
    pytest.param("[a](" * (MAX_SOURCE_LENGTH // 4), id="unclosed-links"),
    pytest.param("https://x.nl/" + "a" * MAX_SOURCE_LENGTH, id="long-url"),
    pytest.param("https://x.nl " * (MAX_SOURCE_LENGTH // 13), id="many-urls"),
    pytest.param("a\n" * (MAX_SOURCE_LENGTH // 2), id="many-lines"),
]


@pytest.mark.parametrize("source", LONG_INPUTS)
def test_long_input_renders_safely_in_reasonable_time(source: str) -> None:
    started = time.perf_counter()
    output = render_markdown(source)
    preview = plain_text(source)
    elapsed = time.perf_counter() - started

    assert_safe(output)
    assert len(preview) <= 200
    # Each of these takes well under half a second; the bound only catches pathological
    # (super-linear) behaviour, not ordinary slowness.
    assert elapsed < 10, f"took {elapsed:.1f}s"


@pytest.mark.parametrize(
    ("source", "visible"),
    [
        pytest.param("<script>alert(1)</script>", "<script>alert(1)</script>", id="script"),
        pytest.param("<SCRIPT>alert(1)</SCRIPT>", "<SCRIPT>alert(1)</SCRIPT>", id="script-upper"),
        pytest.param(
            "<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>", id="img-onerror"
        ),
        pytest.param(
            "<<script>alert(1)//<</script>", "<<script>alert(1)//<</script>", id="double-open"
        ),
        pytest.param('<a href="x"<b>', '<a href="x"<b>', id="broken-a-b"),
        pytest.param("<!-- geheim -->", "<!-- geheim -->", id="comment"),
        pytest.param("<![CDATA[x]]>", "<![CDATA[x]]>", id="cdata"),
        pytest.param("&lt;script&gt;", "<script>", id="entity-stays-text"),
        pytest.param("&amp;lt;script&amp;gt;", "&lt;script&gt;", id="double-entity-stays-text"),
        pytest.param("[x](javascript:alert(1))", "[x](javascript:alert(1))", id="md-javascript"),
        pytest.param("<javascript:alert(1)>", "<javascript:alert(1)>", id="autolink-javascript"),
        pytest.param("`<script>`", "<script>", id="code-span"),
        pytest.param("\x00", "\ufffd", id="null-byte-replaced"),
    ],
)
def test_rejected_markup_stays_visible_as_text(source: str, visible: str) -> None:
    output = render_markdown(source)
    parsed = assert_safe(output)

    assert parsed.text == visible
    assert parsed.links == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "<script>alert(1)</script>",
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
            id="script",
        ),
        pytest.param("&lt;script&gt;", "<p>&lt;script&gt;</p>", id="entity"),
        pytest.param("&#60;script&#62;", "<p>&lt;script&gt;</p>", id="numeric-entity"),
        pytest.param("&amp;lt;script&amp;gt;", "<p>&amp;lt;script&amp;gt;</p>", id="double-entity"),
        pytest.param(
            "<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>", id="img"
        ),
        pytest.param("<!-- x -->", "<p>&lt;!-- x --&gt;</p>", id="comment"),
    ],
)
def test_raw_html_is_escaped_exactly_once(source: str, expected: str) -> None:
    assert str(render_markdown(source)) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("![x](https://remote.example/x.png)", id="inline"),
        pytest.param('![x](https://remote.example/x.png "titel")', id="inline-with-title"),
        pytest.param("![x][img]\n\n[img]: https://remote.example/x.png", id="reference"),
        pytest.param("<img src=https://remote.example/x.png>", id="raw-html"),
    ],
)
def test_images_are_never_loaded(source: str) -> None:
    output = render_markdown(source)
    parsed = assert_safe(output)

    assert all(tag != "img" for tag, _ in parsed.start_tags)
    for _, attrs in parsed.start_tags:
        names = {name for name, _ in attrs}
        assert names.isdisjoint({"src", "srcset", "poster", "background", "style"})
    # At most a plain link to the picture remains, which loads nothing until clicked.
    for link in parsed.links:
        assert link["href"] == "https://remote.example/x.png"


def test_markdown_image_becomes_at_most_a_link() -> None:
    output = render_markdown("![Een foto](https://remote.example/x.png)")

    assert output == Markup(
        '<p>!<a href="https://remote.example/x.png" rel="nofollow noopener ugc">Een foto</a></p>'
    )


def test_data_image_keeps_no_href() -> None:
    output = render_markdown("![x](data:image/png;base64,AAAA)")
    parsed = assert_safe(output)

    assert parsed.links == [{"rel": "nofollow noopener ugc"}]
    assert "data:" not in output


def test_title_with_quotes_stays_inside_the_title_attribute() -> None:
    output = render_markdown('[a](https://x.nl "\\" onmouseover=\\"alert(1)")')
    parsed = assert_safe(output)

    assert parsed.start_tags == [
        ("p", []),
        (
            "a",
            [
                ("href", "https://x.nl"),
                ("title", '" onmouseover="alert(1)'),
                ("rel", "nofollow noopener ugc"),
            ],
        ),
    ]
    assert 'title="&quot; onmouseover=&quot;alert(1)"' in output


def test_quote_in_link_destination_is_percent_encoded() -> None:
    parsed = assert_safe(render_markdown('[a](https://x.nl"onmouseover="alert(1))'))

    assert parsed.links == [
        {"href": "https://x.nl%22onmouseover=%22alert(1)", "rel": "nofollow noopener ugc"}
    ]


def test_entity_tab_in_javascript_link_leaves_only_a_relative_path() -> None:
    # markdown-it decodes &#x09; to a tab and percent-encodes it; a browser does not decode
    # %09 in a scheme, so this is the relative path "jav%09ascript:alert(1)", not javascript:.
    parsed = assert_safe(render_markdown("[x](jav&#x09;ascript:alert(1))"))

    assert [link["href"] for link in parsed.links] == ["jav%09ascript:alert(1)"]
    assert _href_scheme("jav%09ascript:alert(1)") is None


@pytest.mark.parametrize(
    ("href", "scheme"),
    [
        pytest.param("https://x.nl", "https", id="https"),
        pytest.param("HTTPS://X.NL", "https", id="upper"),
        pytest.param(" \tjava\nscript:alert(1)", "javascript", id="whitespace"),
        pytest.param("\x01javascript:alert(1)", "javascript", id="control"),
        pytest.param("&#106;avascript:alert(1)", "javascript", id="entity"),
        pytest.param("/pad", None, id="relative"),
        pytest.param("//x.nl", None, id="protocol-relative"),
        pytest.param("#anker", None, id="fragment"),
        pytest.param("jav%09ascript:alert(1)", None, id="percent"),
    ],
)
def test_href_scheme_helper(href: str, scheme: str | None) -> None:
    """The checker itself must not be the weak link."""
    assert _href_scheme(href) == scheme


@pytest.mark.parametrize(
    "fragment",
    [
        pytest.param("<script>alert(1)</script>", id="script"),
        pytest.param('<img src="x" onerror="alert(1)">', id="img"),
        pytest.param('<a href="javascript:alert(1)" rel="nofollow noopener ugc">x</a>', id="js"),
        pytest.param(
            '<a href=" JaVa&#x09;Script:alert(1)" rel="nofollow noopener ugc">x</a>', id="js2"
        ),
        pytest.param('<a href="ftp://x.nl" rel="nofollow noopener ugc">x</a>', id="ftp"),
        pytest.param('<a href="https://x.nl">x</a>', id="no-rel"),
        pytest.param('<p onclick="alert(1)">x</p>', id="onclick"),
        pytest.param('<p class="x">x</p>', id="class"),
        pytest.param("<p><!-- x --></p>", id="comment"),
        pytest.param("<h1>x</h1>", id="h1"),
    ],
)
def test_assert_safe_rejects_unsafe_html(fragment: str) -> None:
    """The checker itself must not be the weak link."""
    with pytest.raises(AssertionError):
        assert_safe(Markup(fragment))  # noqa: S704 - deliberately unsafe fixture for the checker


def test_allow_lists_have_not_grown() -> None:
    assert text.ALLOWED_TAGS == SPEC_TAGS
    assert {tag: frozenset(attrs) for tag, attrs in text.ALLOWED_ATTRIBUTES.items()} == (
        SPEC_ATTRIBUTES
    )
    assert text.ALLOWED_PROTOCOLS == SPEC_PROTOCOLS
    assert text.LINK_REL == SPEC_REL


# --------------------------------------------------------------------------------------------
# 2. Ordinary Markdown
# --------------------------------------------------------------------------------------------

REL = 'rel="nofollow noopener ugc"'

ORDINARY_MARKDOWN = [
    pytest.param(
        "Eerste alinea.\n\nTweede alinea.",
        "<p>Eerste alinea.</p>\n<p>Tweede alinea.</p>",
        id="paragraphs",
    ),
    pytest.param("regel een\nregel twee", "<p>regel een\nregel twee</p>", id="soft-break"),
    pytest.param(
        "*schuin* en **vet** en _ook_ __vet__",
        "<p><em>schuin</em> en <strong>vet</strong> en <em>ook</em> <strong>vet</strong></p>",
        id="emphasis-and-strong",
    ),
    pytest.param("***beide***", "<p><em><strong>beide</strong></em></p>", id="strong-emphasis"),
    pytest.param("\\*geen nadruk\\*", "<p>*geen nadruk*</p>", id="escaped-asterisks"),
    pytest.param("- een\n- twee", "<ul>\n<li>een</li>\n<li>twee</li>\n</ul>", id="bullets-dash"),
    pytest.param(
        "* een\n* twee", "<ul>\n<li>een</li>\n<li>twee</li>\n</ul>", id="bullets-asterisk"
    ),
    pytest.param("1. een\n2. twee", "<ol>\n<li>een</li>\n<li>twee</li>\n</ol>", id="numbered"),
    pytest.param(
        "1) een\n2) twee", "<ol>\n<li>een</li>\n<li>twee</li>\n</ol>", id="numbered-paren"
    ),
    pytest.param(
        "3. drie\n4. vier",
        '<ol start="3">\n<li>drie</li>\n<li>vier</li>\n</ol>',
        id="numbered-start-3",
    ),
    pytest.param(
        "1. een\n   - sub a\n   - sub b\n2. twee",
        "<ol>\n<li>een\n<ul>\n<li>sub a</li>\n<li>sub b</li>\n</ul>\n</li>\n<li>twee</li>\n</ol>",
        id="nested-list",
    ),
    pytest.param(
        "> citaat\n> tweede regel\n>\n> > genest",
        "<blockquote>\n<p>citaat\ntweede regel</p>\n"
        "<blockquote>\n<p>genest</p>\n</blockquote>\n</blockquote>",
        id="blockquote-nested",
    ),
    pytest.param(
        "Gebruik `a < b && c > d`.",
        "<p>Gebruik <code>a &lt; b &amp;&amp; c &gt; d</code>.</p>",
        id="inline-code",
    ),
    pytest.param("`&lt;`", "<p><code>&amp;lt;</code></p>", id="inline-code-entity-is-literal"),
    pytest.param(
        "```\na < b & c\n```",
        "<pre><code>a &lt; b &amp; c\n</code></pre>",
        id="fenced-code",
    ),
    pytest.param(
        '```python\nif a < b & c:\n    print("<ok>")\n```',
        "<pre><code>if a &lt; b &amp; c:\n    print(&quot;&lt;ok&gt;&quot;)\n</code></pre>",
        id="fenced-code-with-language-class-dropped",
    ),
    pytest.param(
        "    x = a < b & c", "<pre><code>x = a &lt; b &amp; c\n</code></pre>", id="indented-code"
    ),
    pytest.param("# Kop", "<h3>Kop</h3>", id="h1-becomes-h3"),
    pytest.param("## Kop", "<h4>Kop</h4>", id="h2-becomes-h4"),
    pytest.param("### Kop", "<h5>Kop</h5>", id="h3-becomes-h5"),
    pytest.param("#### Kop", "<h6>Kop</h6>", id="h4-becomes-h6"),
    pytest.param("##### Kop", "<h6>Kop</h6>", id="h5-capped-at-h6"),
    pytest.param("###### Kop", "<h6>Kop</h6>", id="h6-stays-h6"),
    pytest.param("Titel\n=====\n\nSub\n---", "<h3>Titel</h3>\n<h4>Sub</h4>", id="setext"),
    pytest.param(
        "# <b>vet</b> & co", "<h3>&lt;b&gt;vet&lt;/b&gt; &amp; co</h3>", id="heading-escaped"
    ),
    pytest.param("een  \ntwee", "<p>een<br>\ntwee</p>", id="hard-break-spaces"),
    pytest.param("een\\\ntwee", "<p>een<br>\ntwee</p>", id="hard-break-backslash"),
    pytest.param("***", "<hr>", id="thematic-break"),
    pytest.param(
        '[Leerplatform](https://leer.example.nl/ "De titel")',
        f'<p><a href="https://leer.example.nl/" title="De titel" {REL}>Leerplatform</a></p>',
        id="link-with-title",
    ),
    pytest.param(
        '[ref][1]\n\n[1]: https://x.nl "T"',
        f'<p><a href="https://x.nl" title="T" {REL}>ref</a></p>',
        id="reference-link",
    ),
    pytest.param(
        "[x](/les/3#stap-2)", f'<p><a href="/les/3#stap-2" {REL}>x</a></p>', id="relative-link"
    ),
    pytest.param(
        "[x](https://x.nl/a_(b))", f'<p><a href="https://x.nl/a_(b)" {REL}>x</a></p>', id="parens"
    ),
    pytest.param(
        "Zie https://leer.example.nl/les?id=3&stap=2.",
        '<p>Zie <a href="https://leer.example.nl/les?id=3&amp;stap=2" '
        f"{REL}>https://leer.example.nl/les?id=3&amp;stap=2</a>.</p>",
        id="bare-url-linkified",
    ),
    pytest.param(
        "Ga naar www.example.nl!",
        f'<p>Ga naar <a href="http://www.example.nl" {REL}>www.example.nl</a>!</p>',
        id="bare-www-linkified",
    ),
    pytest.param(
        "<https://d.nl>", f'<p><a href="https://d.nl" {REL}>https://d.nl</a></p>', id="autolink"
    ),
    pytest.param(
        "[Mail ons](mailto:info@example.nl)",
        f'<p><a href="mailto:info@example.nl" {REL}>Mail ons</a></p>',
        id="mailto-link",
    ),
    pytest.param(
        "<info@example.nl>",
        f'<p><a href="mailto:info@example.nl" {REL}>info@example.nl</a></p>',
        id="email-autolink",
    ),
    pytest.param(
        "Één café, naïeve reünie, coördinatie: ë ï é ü ö.",
        "<p>Één café, naïeve reünie, coördinatie: ë ï é ü ö.</p>",
        id="dutch-diacritics",
    ),
    pytest.param(
        "Hij zei \"hoi\" & 'dag' <3",
        "<p>Hij zei &quot;hoi&quot; &amp; 'dag' &lt;3</p>",
        id="quotes-and-ampersand",
    ),
    pytest.param("", "", id="empty"),
    pytest.param("   \n\t\n", "", id="whitespace-only"),
]


@pytest.mark.parametrize(("source", "expected"), ORDINARY_MARKDOWN)
def test_ordinary_markdown_renders(source: str, expected: str) -> None:
    output = render_markdown(source)

    assert str(output) == expected
    assert_safe(output)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("", id="empty"),
        pytest.param("tekst", id="text"),
        pytest.param("<script>", id="script"),
    ],
)
def test_returns_markup(source: str) -> None:
    output = render_markdown(source)

    assert type(output) is Markup
    # Markup is not escaped again by Jinja or markupsafe.
    assert escape(output) == output


def test_empty_source_gives_empty_markup() -> None:
    assert render_markdown("") == Markup("")


def test_every_link_gets_rel() -> None:
    source = (
        "[een](https://a.nl) en [twee](/relatief) en https://c.nl en <https://d.nl> "
        "en www.e.nl en [mail](mailto:f@g.nl) en [ref][r]\n\n[r]: https://h.nl"
    )
    parsed = assert_safe(render_markdown(source))

    assert [link["href"] for link in parsed.links] == [
        "https://a.nl",
        "/relatief",
        "https://c.nl",
        "https://d.nl",
        "http://www.e.nl",
        "mailto:f@g.nl",
        "https://h.nl",
    ]
    assert all(link["rel"] == SPEC_REL for link in parsed.links)


def test_link_text_that_is_a_url_is_not_linkified_again() -> None:
    output = render_markdown("[https://a.nl](https://b.nl)")

    assert str(output) == f'<p><a href="https://b.nl" {REL}>https://a.nl</a></p>'


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("`https://x.nl/?a=1&b=<2>`", id="code-span"),
        pytest.param("```\nhttps://x.nl/?a=1&b=<2>\n```", id="fenced"),
        pytest.param("    https://x.nl/?a=1&b=<2>", id="indented"),
    ],
)
def test_url_in_code_is_escaped_exactly_once(source: str) -> None:
    # Regression: bleach's linkify with skip_tags escaped the text of <pre>/<code> twice.
    output = render_markdown(source)
    parsed = assert_safe(output)

    assert "&amp;amp;" not in output
    assert "&amp;lt;" not in output
    assert parsed.text.strip() == "https://x.nl/?a=1&b=<2>"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("`a < b & c`", id="code-span"),
        pytest.param("```\na < b & c\n```", id="fenced"),
        pytest.param("```sh\na < b & c\n```", id="fenced-with-language"),
        pytest.param("    a < b & c", id="indented"),
        pytest.param("> ```\n> a < b & c\n> ```", id="fenced-in-quote"),
    ],
)
def test_code_is_escaped_exactly_once(source: str) -> None:
    output = render_markdown(source)
    parsed = assert_safe(output)

    assert "a &lt; b &amp; c" in output
    assert "&amp;lt;" not in output
    assert "&amp;amp;" not in output
    assert parsed.text.strip() == "a < b & c"


# --------------------------------------------------------------------------------------------
# 3. plain_text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "# Kop\n\nDit is *schuin* en **vet** met [een link](https://x.nl) en `code`.",
            "Kop Dit is schuin en vet met een link en code.",
            id="strips-markup",
        ),
        pytest.param("- een\n- twee\n\n1. drie", "een twee drie", id="lists"),
        pytest.param("> citaat\n\n```\ncode <x>\n```", "citaat code <x>", id="quote-and-code"),
        pytest.param("a  \nb", "a b", id="hard-break"),
        pytest.param("![foto](https://x.nl/f.png)", "!foto", id="image-alt-text"),
        pytest.param("zie https://x.nl/?a=1&b=2", "zie https://x.nl/?a=1&b=2", id="bare-url"),
        pytest.param("Jan & Piet", "Jan & Piet", id="ampersand"),
        pytest.param("a < b > c", "a < b > c", id="angle-brackets"),
        pytest.param("&amp;", "&", id="amp-entity"),
        pytest.param("&lt;b&gt;", "<b>", id="lt-gt-entities"),
        pytest.param("caf&eacute; &quot;x&quot;", 'café "x"', id="named-entities"),
        pytest.param("&amp;lt;", "&lt;", id="double-entity-unescaped-once"),
        pytest.param("Één naïef, reünie", "Één naïef, reünie", id="dutch-diacritics"),
        pytest.param("een   twee\n\n\ndrie\tvier  ", "een twee drie vier", id="whitespace"),
        pytest.param("  \n voor en na \n ", "voor en na", id="trimmed"),
        pytest.param("", "", id="empty"),
        pytest.param("kort", "kort", id="short-unchanged"),
    ],
)
def test_plain_text(source: str, expected: str) -> None:
    assert plain_text(source) == expected


def test_plain_text_keeps_raw_html_as_literal_text_and_is_not_markup() -> None:
    preview = plain_text("<script>alert(1)</script> tekst")

    assert preview == "<script>alert(1)</script> tekst"
    # A plain str, so templates escape it; it must never be marked safe.
    assert type(preview) is str
    assert escape(preview) == Markup("&lt;script&gt;alert(1)&lt;/script&gt; tekst")


def test_plain_text_of_exactly_the_limit_is_unchanged() -> None:
    source = "een twee drie"
    assert plain_text(source, limit=len(source)) == source


@pytest.mark.parametrize(
    ("source", "limit", "expected"),
    [
        pytest.param("een twee drie", 12, "een twee\u2026", id="one-short"),
        pytest.param("een twee drie vier", 10, "een twee\u2026", id="space-at-cut"),
        pytest.param("een twee drie vier", 15, "een twee drie\u2026", id="mid-word"),
        pytest.param("abcdefghij", 5, "abcd\u2026", id="single-long-word-hard-cut"),
    ],
)
def test_plain_text_cuts_with_ellipsis(source: str, limit: int, expected: str) -> None:
    assert plain_text(source, limit=limit) == expected


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("woord " * 60, id="repeated-word"),
        pytest.param(
            " ".join(f"w{n}" + "x" * (n % 7) for n in range(120)), id="varied-word-lengths"
        ),
        pytest.param("Dit is **vet** en *schuin*. " * 20, id="with-markup"),
        pytest.param("Één naïeve reünie & co. " * 20, id="diacritics-and-entities"),
    ],
)
def test_plain_text_long_cuts_at_word_boundary(source: str) -> None:
    full = plain_text(source, limit=10_000)
    preview = plain_text(source)

    assert len(full) > 200
    assert len(preview) <= 200
    assert preview.endswith("\u2026")
    kept = preview.removesuffix("\u2026")
    assert kept
    assert not kept.endswith(" ")
    assert full.startswith(kept)
    # The cut falls between two words, never inside one.
    assert full[len(kept)] == " "
