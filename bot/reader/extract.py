"""Article pages → clean paragraphs: trafilatura for HTML, then page furniture cut off."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Protocol

import trafilatura
from trafilatura.settings import Document

from bot.errors import ExtractError, GeodigestError
from bot.models import Entry
from bot.reader.furniture import (
    clean_headline,
    is_caption_label,
    is_footer_marker,
    is_furniture,
    strip_furniture,
)
from bot.reader.htmltext import collapse_whitespace

logger = logging.getLogger(__name__)

_PAGE_MEDIA_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
# A first line longer than this is article text (a one-paragraph page), never a headline.
_TITLE_MAX_WORDS = 30
# Navigation above a headline is a word or three ("All news", "World"); a headline is longer.
_HEADLINE_MIN_WORDS = 4
_ACRONYM_END = re.compile(r"(?:[A-Z]\.){2,}$")


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """The readable part of an article page."""

    title: str
    paragraphs: tuple[str, ...]
    author: str | None = None
    published: datetime | None = None


class PageFetcher(Protocol):
    async def fetch_page(self, url: str) -> tuple[str, bytes, str]: ...


def looks_like_title(line: str) -> bool:
    """Short and not closed like a sentence ("U.S." and a question mark may end a headline)."""
    words = line.split()
    if not words or len(words) > _TITLE_MAX_WORDS:
        return False
    end = line.rstrip(" \"'”’»)")[-1:]
    return end not in ".!…" or _ACRONYM_END.search(words[-1]) is not None


def _title_index(lines: list[str]) -> int | None:
    """The headline among the lines above the article: the first headline-sized one, else the
    last short one (navigation comes before the headline)."""
    short: int | None = None
    for i, line in enumerate(lines):
        if is_furniture(line) or is_footer_marker(line) or is_caption_label(line):
            continue
        if not looks_like_title(line):
            break  # the article has begun
        if len(line.split()) >= _HEADLINE_MIN_WORDS:
            return i
        short = i
    return short


def clean_plain_text(text: str) -> tuple[str, tuple[str, ...]]:
    """Split a plain-text page into (title, paragraphs), furniture cut.

    The headline is the first line only when it looks like one; a page that opens with
    navigation gets the headline under it, and a page that opens with its text has none.
    """
    lines = [collapse_whitespace(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    at = _title_index(lines)
    if at is None:
        return "", strip_furniture(lines)
    title = clean_headline(lines[at])
    body = [line for line in lines[at + 1 :] if clean_headline(line) != title]
    return title, strip_furniture(body)


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
    title = clean_headline(collapse_whitespace(document.title or ""))
    lines = str(document.text).split("\n")
    # trafilatura repeats the headline as the first line of the text.
    if lines and clean_headline(collapse_whitespace(lines[0])) == title:
        lines = lines[1:]
    paragraphs = strip_furniture([collapse_whitespace(line) for line in lines])
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
