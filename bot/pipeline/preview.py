"""``geodigest preview``: the article pipeline on one page or feed, nothing stored."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.analysis.analyze import analyze
from bot.config import Settings
from bot.errors import FeedError
from bot.models import PARAGRAPH_SEPARATOR, Entry, FetchResult
from bot.reader.extract import article_paragraphs, clean_plain_text, extract_html
from bot.reader.feedparse import parse_feed
from bot.reader.localfile import decode_text, read_local_file, refuse_binary

_FEED_SUFFIXES = {".xml", ".rss", ".atom"}
_HTML_SUFFIXES = {".html", ".htm"}


def article_json(
    *,
    title: str,
    url: str,
    paragraphs: tuple[str, ...],
    published: datetime | None,
    author: str | None,
    settings: Settings,
) -> dict[str, Any]:
    """One article in the documented ``preview --json`` shape."""
    text = PARAGRAPH_SEPARATOR.join(paragraphs)
    analysis = analyze(
        title, text, summary_sentences=settings.summary_sentences, key_quotes=settings.key_quotes
    )
    return {
        "title": title,
        "url": url,
        "published": published.isoformat() if published else None,
        "author": author,
        "text": text,
        "summary": list(analysis.summary),
        "quotes": [asdict(q) for q in analysis.quotes],
        "countries": list(analysis.tags.countries),
        "organizations": list(analysis.tags.organizations),
        "themes": list(analysis.tags.themes),
        "geopolitics": round(analysis.tags.geopolitics, 3),
    }


def _entry_json(entry: Entry, settings: Settings) -> dict[str, Any]:
    return article_json(
        title=entry.title,
        url=entry.url,
        paragraphs=entry.paragraphs,
        published=entry.published,
        author=entry.author,
        settings=settings,
    )


def _feed_json(result: FetchResult, items: list[dict[str, Any]]) -> dict[str, Any]:
    feed = {"title": result.title, "url": result.url, "site_url": result.site_url}
    return {"feed": feed, "items": items}


def preview_file(path: Path, settings: Settings) -> dict[str, Any]:
    """Preview a local ``.txt`` / ``.html`` page or ``.xml`` / ``.rss`` / ``.atom`` feed.

    Raises GeodigestError for a file that cannot be previewed (missing, not a regular file,
    too large, binary, empty), saying which.
    """
    suffix = path.suffix.lower()
    data = read_local_file(path, max_bytes=settings.max_body_bytes)
    if suffix in _FEED_SUFFIXES:
        result = parse_feed(
            data, url=path.resolve().as_uri(), max_entries=settings.max_items_per_poll
        )
        return _feed_json(result, [_entry_json(e, settings) for e in result.entries])
    if suffix in _HTML_SUFFIXES:
        refuse_binary(data, path)
        page = extract_html(data, url=path.resolve().as_uri())
        return article_json(
            title=page.title,
            url=path.resolve().as_uri(),
            paragraphs=page.paragraphs,
            published=page.published,
            author=page.author,
            settings=settings,
        )
    title, paragraphs = clean_plain_text(decode_text(data, path))
    return article_json(
        title=title,
        url=path.resolve().as_uri(),
        paragraphs=paragraphs,
        published=None,
        author=None,
        settings=settings,
    )


async def preview_url(url: str, settings: Settings) -> dict[str, Any]:
    """Preview a URL: a feed (with each item's full text) or an article page."""
    # Imported here: the HTTP client is a tenth of a second that previewing a file never needs.
    from bot.reader.fetcher import FeedFetcher

    async with FeedFetcher(settings) as fetcher:
        final_url, body, content_type = await fetcher.fetch_page(url)
        try:
            result = parse_feed(
                body,
                url=final_url,
                headers={"content-type": content_type},
                max_entries=settings.max_items_per_poll,
            )
        except FeedError:
            page = extract_html(body, url=final_url)
            return article_json(
                title=page.title,
                url=final_url,
                paragraphs=page.paragraphs,
                published=page.published,
                author=page.author,
                settings=settings,
            )
        items = []
        for entry in result.entries:
            paragraphs = await article_paragraphs(
                entry, fetcher, min_words=settings.fetch_article_below_words
            )
            items.append(_entry_json(replace(entry, paragraphs=paragraphs), settings))
        return _feed_json(result, items)
