"""HTML snippets from feeds → plain-text paragraphs (tags dropped, entities unescaped)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Elements that start a new paragraph when they open or close.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
        "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
# Elements whose text is never reader-facing.
HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "svg"})
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>|<!--")
_BLANK_LINE_RE = re.compile(r"\n\s*\n")
_SPACE_RE = re.compile(r"\s+")
_BREAK = "\x00"


class _ParagraphCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag in BLOCK_TAGS:
            self.parts.append(_BREAK)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append(_BREAK)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append(_BREAK)

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def collapse_whitespace(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space."""
    return _SPACE_RE.sub(" ", text.replace("\xa0", " ")).strip()


def looks_like_html(text: str) -> bool:
    """True when ``text`` contains at least one HTML tag or comment."""
    return _TAG_RE.search(text) is not None


def html_paragraphs(text: str) -> tuple[str, ...]:
    """Split an HTML (or plain-text) snippet into whitespace-collapsed paragraphs."""
    if not looks_like_html(text):
        chunks = _BLANK_LINE_RE.split(html.unescape(text))
    else:
        collector = _ParagraphCollector()
        collector.feed(text)
        collector.close()
        chunks = "".join(collector.parts).split(_BREAK)
    paragraphs = (collapse_whitespace(chunk) for chunk in chunks)
    return tuple(p for p in paragraphs if p)


def plain_text(text: str) -> str:
    """One line of plain text from an HTML or entity-escaped fragment (titles, author names)."""
    return " ".join(html_paragraphs(text))
