"""Feed bytes → FetchResult: feedparser does the parsing, this module shapes its output."""

from __future__ import annotations

import calendar
import hashlib
import io
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser

from bot.errors import FeedError
from bot.models import Entry, FetchResult, FetchStatus
from bot.reader.bounds import MAX_TITLE_CHARS, bounded_entry, clean_line
from bot.reader.htmltext import html_paragraphs, plain_text

# Query parameters that only track the reader; two links differing in them are one article.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ocid", "cmpid"}
)
TRACKING_PREFIXES = ("utm_", "at_", "itm_")
_HTML_SNIFF_BYTES = 1024
_HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")
# feedparser flags these although the feed itself parsed fine: no warning for them.
_BENIGN_PROBLEMS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
# Bounds on what a feed may put into sized columns (storage/tables.py: dedup_key 512, url 2048);
# PostgreSQL would refuse a longer value and with it the feed's whole batch. A longer guid or
# link is hashed. The bound is the column's own size, not less: keys already stored verbatim
# must keep their value, or their items would be stored and sent a second time (Google News
# guids and links run to 300+ characters). Titles, authors and text: bot.reader.bounds.
MAX_KEY_CHARS = 512
MAX_LINK_CHARS = 2048


def normalize_link(link: str) -> str:
    """Canonical form of an article link: lower-case scheme/host, no fragment, no tracking."""
    parts = urlsplit(link.strip())
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), "")
    )


def _sha256_key(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def dedup_key(guid: str, link: str, title: str, date: str, summary: str) -> str:
    """Stable identity of an entry: its guid, else its normalized link, else a content hash.

    A guid or link longer than ``MAX_KEY_CHARS`` is replaced by its hash, which is as stable.
    """
    key = guid.strip() or (normalize_link(link) if link.strip() else "")
    if not key:
        return _sha256_key("\x1f".join((title, date, summary)))
    return key if len(key) <= MAX_KEY_CHARS else _sha256_key(key)


def _utc(parsed: time.struct_time | None) -> datetime | None:
    if parsed is None:
        return None
    try:
        # feedparser normalizes every date it understands to UTC.
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _entry_body(raw: Mapping[str, Any]) -> str:
    content = raw.get("content") or []
    if content and content[0].get("value"):
        return str(content[0]["value"])
    return str(raw.get("summary") or "")


def _to_entry(raw: Mapping[str, Any], base_url: str) -> Entry:
    body = _entry_body(raw)
    link = str(raw.get("link") or "")
    link = urljoin(base_url, link) if link else ""
    title = plain_text(str(raw.get("title") or ""))
    date_text = str(raw.get("published") or raw.get("updated") or "")
    key = dedup_key(str(raw.get("id") or ""), link, title, date_text, body)
    if len(link) > MAX_LINK_CHARS:
        # Kept without its link rather than skipped: a cut link would lead nowhere, but the
        # text can still be summarized and the dedup key above still tells the entry apart.
        link = ""
    entry = Entry(
        dedup_key=key,
        url=link,
        title=title,
        published=_utc(_parsed_date(raw)),
        author=plain_text(str(raw.get("author") or "")) or None,
        paragraphs=html_paragraphs(body),
    )
    return bounded_entry(entry)


def _parsed_date(raw: Mapping[str, Any]) -> time.struct_time | None:
    parsed = raw.get("published_parsed") or raw.get("updated_parsed")
    return parsed if isinstance(parsed, time.struct_time) else None


def _newest(raw_entries: Sequence[Mapping[str, Any]], limit: int | None) -> list[Any]:
    """The ``limit`` newest entries, in the feed's order; undated ones count as oldest."""
    if limit is None or len(raw_entries) <= limit:
        return list(raw_entries)

    def moment(index: int) -> float:
        parsed = _parsed_date(raw_entries[index])
        try:
            return float(calendar.timegm(parsed)) if parsed else float("-inf")
        except (OverflowError, ValueError):
            return float("-inf")

    # Stable: undated entries keep the feed's own order, which is newest first by custom.
    newest = sorted(range(len(raw_entries)), key=moment, reverse=True)[:limit]
    return [raw_entries[i] for i in sorted(newest)]


def _looks_like_web_page(body: bytes, content_type: str) -> bool:
    if content_type.split(";", 1)[0].strip().lower() in _HTML_MEDIA_TYPES:
        return True
    head = body[:_HTML_SNIFF_BYTES].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _not_a_feed(body: bytes, content_type: str, reason: object) -> FeedError:
    if _looks_like_web_page(body, content_type):
        return FeedError(
            "this is a web page, not an RSS/Atom feed; look on the site for its RSS feed link"
        )
    detail = f" ({reason})" if reason else ""
    return FeedError(f"not a feed: no RSS or Atom content found{detail}")


def parse_feed(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    max_entries: int | None = None,
) -> FetchResult:
    """Parse an RSS 0.9x/1.0/2.0 or Atom document; raise FeedError when it is not a feed.

    With ``max_entries``, only that many of the newest entries are taken (and converted: a
    feed listing 50,000 items costs the parse, not 50,000 entries' worth of work after it).
    """
    lowered = {key.lower(): value for key, value in (headers or {}).items()}
    # No Content-Location: feedparser would resolve bare guids against it, and a feed that moves
    # would then get new dedup keys for every entry. Links are resolved below instead.
    lowered.pop("content-location", None)
    # A file object, never bytes: feedparser would treat a short bytes body as a local file name.
    # No HTML sanitizing or link rewriting inside content: every piece of it is turned into plain
    # text here (htmltext drops all markup and the text of scripts and styles), and skipping
    # that work makes a large feed parse about a third faster.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers=lowered,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    taken = _newest(parsed.entries, max_entries)
    entries = tuple(_to_entry(raw, url) for raw in taken)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not entries and not parsed.get("version"):
        raise _not_a_feed(body, lowered.get("content-type", ""), problem)
    warning = None
    if problem is not None and not isinstance(problem, _BENIGN_PROBLEMS):
        warning = f"the feed is malformed ({problem}); {len(entries)} entries were recovered"
    feed = parsed.feed
    return FetchResult(
        status=FetchStatus.OK,
        url=url,
        etag=lowered.get("etag"),
        last_modified=lowered.get("last-modified"),
        title=clean_line(plain_text(str(feed.get("title") or "")), MAX_TITLE_CHARS),
        site_url=urljoin(url, str(feed.get("link") or "")),
        entries=entries,
        warning=warning,
        skipped=len(parsed.entries) - len(taken),
    )
