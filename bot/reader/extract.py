"""Article pages → clean paragraphs: trafilatura for HTML, then page furniture cut off."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Protocol

import trafilatura
from trafilatura.settings import Document

from bot.errors import ExtractError, GeodigestError
from bot.models import Entry
from bot.reader.htmltext import collapse_whitespace

logger = logging.getLogger(__name__)

# A line starting like one of these begins the page footer: it and everything after it go.
FOOTER_MARKERS = (
    "hashtags", "tags", "topics", "try our ai features", "comments", "no comments yet",
    "related articles", "related stories", "related news", "related content", "related topics",
    "more from", "more on this story", "you may also like", "recommended for you", "most read",
    "most popular", "read next", "sign up for our newsletter", "subscribe to our newsletter",
)  # fmt: skip
# A line starting like one of these is dropped on its own; the article goes on after it.
LONE_FURNITURE = (
    "advertisement", "read more", "share this", "share on", "share", "follow us",
    "continue reading", "skip to content", "subscribe", "click here", "listen to this article",
)  # fmt: skip
# "Share this story" is furniture; "Share prices fell sharply." is not.
_MAX_TAIL_WORDS = 3
_MARKER_SEPARATORS = (":", "|", "-", "–", "—", "»", "›", "(", "#")
_PAGE_MEDIA_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """The readable part of an article page."""

    title: str
    paragraphs: tuple[str, ...]
    author: str | None = None
    published: datetime | None = None


class PageFetcher(Protocol):
    async def fetch_page(self, url: str) -> tuple[str, bytes, str]: ...


def _starts_like(line: str, markers: tuple[str, ...], *, short_tail_ok: bool) -> bool:
    text = line.lower().strip(" .:!")
    for marker in markers:
        if text == marker:
            return True
        if not text.startswith(marker):
            continue
        tail = text[len(marker) :].strip()
        if tail.startswith(_MARKER_SEPARATORS) or not any(ch.isalpha() for ch in tail):
            return True
        # A short tail after a whole word ("Share this story") is furniture, a sentence is not.
        if short_tail_ok and text[len(marker)] == " " and len(tail.split()) <= _MAX_TAIL_WORDS:
            return not line.rstrip().endswith((".", "?", "!", "'", '"', "”"))
    return False


def strip_furniture(lines: list[str]) -> tuple[str, ...]:
    """Drop lone furniture lines and cut everything from the first footer marker on."""
    paragraphs: list[str] = []
    for raw in lines:
        line = collapse_whitespace(raw)
        if not line or not any(ch.isalnum() for ch in line):
            continue
        if _starts_like(line, FOOTER_MARKERS, short_tail_ok=False):
            break
        if not _starts_like(line, LONE_FURNITURE, short_tail_ok=True):
            paragraphs.append(line)
    return tuple(paragraphs)


def clean_plain_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Split a plain-text page into (title, paragraphs): first line is the title, footer cut."""
    lines = [collapse_whitespace(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return "", ()
    return lines[0], strip_furniture(lines[1:])


def _published(date_text: str | None) -> datetime | None:
    if not date_text:
        return None
    try:
        when = datetime.fromisoformat(date_text)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def extract_html(html: str | bytes, *, url: str | None = None) -> ExtractedPage:
    """Extract the article of an HTML page; raise ExtractError when it has no readable text."""
    document = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        with_metadata=True,
    )
    if not isinstance(document, Document) or not document.text:
        raise ExtractError(f"no article text found on {url or 'the page'}")
    title = collapse_whitespace(document.title or "")
    lines = str(document.text).split("\n")
    # trafilatura repeats the headline as the first line of the text.
    if lines and collapse_whitespace(lines[0]) == title:
        lines = lines[1:]
    paragraphs = strip_furniture(lines)
    if not paragraphs:
        raise ExtractError(f"no article text found on {url or 'the page'}")
    return ExtractedPage(
        title=title,
        paragraphs=paragraphs,
        author=collapse_whitespace(document.author or "") or None,
        published=_published(document.date),
    )


def _page_paragraphs(url: str, body: bytes, content_type: str) -> tuple[str, ...]:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in _PAGE_MEDIA_TYPES:
        raise ExtractError(f"the page is {media_type}, not an article")
    if media_type == "text/plain":
        header = Message()
        header["content-type"] = content_type
        charset = header.get_content_charset() or "utf-8"
        try:
            text = body.decode(charset, errors="replace")
        except LookupError:
            text = body.decode("utf-8", errors="replace")
        return clean_plain_text(text)[1]
    return extract_html(body, url=url).paragraphs


async def article_paragraphs(
    entry: Entry, fetcher: PageFetcher, *, min_words: int
) -> tuple[str, ...]:
    """The entry's text, fetched from its page when the feed carries fewer than ``min_words``."""
    if entry.word_count >= min_words or not entry.url:
        return entry.paragraphs
    try:
        final_url, body, content_type = await fetcher.fetch_page(entry.url)
        # Extraction is CPU-bound; keep it off the event loop the chat platforms share.
        paragraphs = await asyncio.to_thread(_page_paragraphs, final_url, body, content_type)
    except GeodigestError as exc:
        logger.info("keeping the feed text of %s: %s", entry.url, exc)
        return entry.paragraphs
    except Exception:
        logger.info("keeping the feed text of %s: extraction failed", entry.url, exc_info=True)
        return entry.paragraphs
    if sum(len(p.split()) for p in paragraphs) <= entry.word_count:
        logger.info("keeping the feed text of %s: the page has no more text", entry.url)
        return entry.paragraphs
    return paragraphs
