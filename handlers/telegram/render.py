"""Digests → Telegram HTML messages, split to the Bot API's length limit (pure functions).

Every piece of feed text is escaped; links are only ever http(s). A message is built from
*pieces*, each a balanced ``open + escaped text + close``, so a split between pieces can never
fall inside a tag or an entity; a piece too long for one message is cut in its raw text (before
escaping) and each part wrapped in the piece's tags again. One story is at most one message: a
story too long for one is cut short with "…" rather than sent as a string of messages.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

from bot.analysis.topics import country_name
from bot.models import Digest, DigestStory, Quote

# Bot API: 4096 characters per message, counted in UTF-16 code units. We count the HTML source,
# which is never shorter than the text Telegram measures after parsing the entities.
TELEGRAM_MESSAGE_LIMIT = 4096
MAX_QUOTES_PER_STORY = 3
MAX_SOURCE_LINKS = 10
# Longer URLs are almost always tracking junk; render the text without a link instead.
MAX_LINK_URL_LENGTH = 1024
# A part of a cut piece must have room for at least a few characters besides its tags.
_MIN_TEXT_BUDGET = 16
MIN_LIMIT = 64
_STORY_SEPARATOR = "\n\n"
_ELLIPSIS = "…"
_QUOTE_MARKS = "\"'“”‘’«»„"


@dataclass(frozen=True, slots=True)
class _Piece:
    """An unsplittable unit of a message (unless it alone exceeds the limit)."""

    sep: str  # what joins it to the previous piece of the same message
    text: str  # raw feed text, escaped when rendered
    open: str = ""
    close: str = ""

    @property
    def html(self) -> str:
        return self.open + html.escape(self.text, quote=False) + self.close


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (astral characters count 2)."""
    return len(text.encode("utf-16-le")) // 2


def safe_url(url: str) -> str | None:
    """The URL if it may become a link (absolute http/https, sane length), else None."""
    url = url.strip()
    if not url or len(url) > MAX_LINK_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def _clean(text: str) -> str:
    # Feed text arrives with arbitrary whitespace; Telegram would show every newline.
    return " ".join(text.split())


def _link(sep: str, text: str, url: str, *, bold: bool = False) -> _Piece:
    href = safe_url(url)
    open_, close = ("<b>", "</b>") if bold else ("", "")
    if href is not None:
        open_ += f'<a href="{html.escape(href, quote=True)}">'
        close = "</a>" + close
    return _Piece(sep, text, open_, close)


def _hashtag(value: str) -> str:
    # Hashtags end at the first non-word character: "human rights" → #human_rights.
    return re.sub(r"\W+", "_", value).strip("_")


def _quote_piece(quote: Quote) -> _Piece | None:
    text = _clean(quote.text).strip(_QUOTE_MARKS + " ")
    if not text:
        return None
    body = f"“{text}”"
    speaker = _clean(quote.speaker or "")
    if speaker:
        role = _clean(quote.role or "")
        body += f"\n— {speaker}, {role}" if role else f"\n— {speaker}"
    return _Piece("\n", body, "<blockquote>", "</blockquote>")


def _chosen_quotes(quotes: Sequence[Quote]) -> list[Quote]:
    key = [q for q in quotes if q.key]
    return (key or list(quotes))[:MAX_QUOTES_PER_STORY]


def _source_pieces(story: DigestStory) -> list[_Piece]:
    sources = [s for s in story.sources if _clean(s.name)]
    if not sources:
        return []
    if len(sources) == 1 and not story.update:
        return [
            _Piece("\n", "via ", "<i>", "</i>"),
            _link("", _clean(sources[0].name), sources[0].url),
        ]
    label = "Also reported by" if story.update else f"Reported by {len(sources)} outlets:"
    pieces = [_Piece("\n", label, "<i>", "</i>")]
    for index, source in enumerate(sources[:MAX_SOURCE_LINKS]):
        pieces.append(_link(" " if index == 0 else ", ", _clean(source.name), source.url))
    if len(sources) > MAX_SOURCE_LINKS:
        pieces.append(_Piece(" ", f"and {len(sources) - MAX_SOURCE_LINKS} more"))
    return pieces


def _story_pieces(story: DigestStory) -> list[_Piece]:
    headline = _clean(story.headline) or _clean(story.url) or "Untitled story"
    pieces = [_link("", headline, story.url, bold=True), *_source_pieces(story)]
    if story.update:
        # The chat had this story: only who else reported it since is news.
        return [_Piece("", "Update: ", "<b>", "</b>"), *pieces]
    sentences = [s for s in map(_clean, story.summary) if s]
    pieces += [_Piece("\n" if i == 0 else " ", s) for i, s in enumerate(sentences)]
    pieces += [p for p in map(_quote_piece, _chosen_quotes(story.quotes)) if p is not None]
    countries = [_hashtag(country_name(c.upper())) for c in story.countries]
    tags = countries + [_hashtag(t) for t in story.themes]
    tags = list(dict.fromkeys(t for t in tags if t))
    if tags:
        pieces.append(_Piece("\n", " ".join(f"#{t}" for t in tags)))
    return pieces


def _cut_raw(text: str, budget: int) -> list[str]:
    """Cut raw text into parts whose escaped form fits ``budget``, at a space when possible."""
    parts: list[str] = []
    start = 0
    while start < len(text):
        used, end, last_space = 0, start, -1
        while end < len(text):
            width = utf16_len(html.escape(text[end], quote=False))
            if used + width > budget:
                break
            used += width
            if text[end] == " ":
                last_space = end
            end += 1
        if end < len(text) and last_space > start:
            end = last_space + 1
        parts.append(text[start:end])
        start = end
    return [p.strip() for p in parts if p.strip()]


def _cut_piece(piece: _Piece, limit: int) -> list[_Piece]:
    budget = limit - utf16_len(piece.open + piece.close)
    if budget < _MIN_TEXT_BUDGET:
        # The tags alone (a huge link) leave no room: keep the text, drop the formatting.
        piece, budget = _Piece(piece.sep, piece.text), limit
    return [_Piece("", part, piece.open, piece.close) for part in _cut_raw(piece.text, budget)]


def _joined(pieces: Sequence[_Piece]) -> str:
    return "".join((p.sep if i else "") + p.html for i, p in enumerate(pieces))


def _one_message(pieces: Sequence[_Piece], limit: int) -> list[_Piece]:
    """The pieces that fit one message, the first that does not cut short with "…"."""
    kept: list[_Piece] = []
    used = 0
    for piece in pieces:
        sep = piece.sep if kept else ""
        size = utf16_len(sep + piece.html)
        if used + size <= limit:
            kept.append(piece)
            used += size
            continue
        room = limit - used - utf16_len(sep + piece.open + piece.close + _ELLIPSIS)
        head = _cut_raw(piece.text, room)[:1] if room >= _MIN_TEXT_BUDGET else []
        kept += [_Piece(piece.sep, h + _ELLIPSIS, piece.open, piece.close) for h in head]
        break
    if not kept:
        # Even the headline does not fit (its link is huge): its text alone, cut.
        first = _cut_piece(pieces[0], limit - len(_ELLIPSIS))[:1]
        kept = [_Piece("", f.text + _ELLIPSIS, f.open, f.close) for f in first]
    return kept


class _Packer:
    """Greedy packing of pieces into messages of at most ``limit`` UTF-16 units."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.messages: list[str] = []
        self._current: list[str] = []
        self._length = 0

    def _append_if_fits(self, addition: str) -> bool:
        length = utf16_len(addition)
        if self._length + length > self.limit:
            return False
        self._current.append(addition)
        self._length += length
        return True

    def flush(self) -> None:
        if self._current:
            self.messages.append("".join(self._current))
        self._current, self._length = [], 0

    def add_block(self, pieces: Sequence[_Piece], *, sep: str) -> None:
        """Keep a story whole when it fits a message; otherwise cut it to one message."""
        block = _joined(pieces)
        if not block:
            return
        if self._current and self._append_if_fits(sep + block):
            return
        self.flush()
        if not self._append_if_fits(block):
            self._append_if_fits(_joined(_one_message(pieces, self.limit)))

    def finish(self) -> list[str]:
        self.flush()
        return self.messages


def _header(digest: Digest) -> list[_Piece]:
    updates = sum(story.update for story in digest.stories)
    count = len(digest.stories) - updates
    line = f"{count} {'story' if count == 1 else 'stories'}"
    if updates:
        line += f" · {updates} {'update' if updates == 1 else 'updates'}"
    if digest.generated_at is not None:
        line = f"{_format_date(digest.generated_at)} · {line}"
    title = _clean(digest.title)
    pieces = [_Piece("", title, "<b>", "</b>")] if title else []
    return [*pieces, _Piece("\n" if pieces else "", line, "<i>", "</i>")]


def _format_date(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _check_limit(limit: int) -> None:
    if limit < MIN_LIMIT:
        raise ValueError(f"a message limit below {MIN_LIMIT} characters cannot hold a story")


def _pack(blocks: Iterable[list[_Piece]], limit: int) -> list[str]:
    packer = _Packer(limit)
    for block in blocks:
        packer.add_block(block, sep=_STORY_SEPARATOR)
    return packer.finish()


def render_telegram_html(digest: Digest, *, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    """Render a digest as Telegram HTML messages, each at most ``limit`` UTF-16 units."""
    _check_limit(limit)
    if not digest.stories:
        return [html.escape(render_empty_digest(), quote=False)]
    return _pack([_header(digest), *map(_story_pieces, digest.stories)], limit)


def render_telegram_alert(story: DigestStory, *, limit: int = TELEGRAM_MESSAGE_LIMIT) -> list[str]:
    """Render one story as an instant alert (Telegram HTML, split to ``limit``)."""
    _check_limit(limit)
    return _pack([_story_pieces(story)], limit)


def render_empty_digest() -> str:
    """The text sent when a scheduled digest has nothing new."""
    return (
        "No new stories since your last digest. Your feeds may be quiet, or your filters strict: "
        "/list shows your feeds."
    )


class _TextExtractor(HTMLParser):
    def __init__(self, *, with_urls: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.with_urls = with_urls
        self.parts: list[str] = []
        self._hrefs: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._hrefs.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._hrefs:
            href, start = self._hrefs.pop()
            text = "".join(self.parts[start:])
            if self.with_urls and href and href != text:
                self.parts.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def render_plain_text(markup: str, *, limit: int = TELEGRAM_MESSAGE_LIMIT) -> str:
    """Our Telegram HTML as plain text (links spelled out when they fit), for rejected markup."""
    for with_urls in (True, False):
        extractor = _TextExtractor(with_urls=with_urls)
        extractor.feed(markup)
        extractor.close()
        text = "".join(extractor.parts)
        if utf16_len(text) <= limit:
            break
    return text
