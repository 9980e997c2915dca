"""Builders for the feed documents tests serve from the local feed server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape


def an_hour_ago() -> datetime:
    """An hour before now on the real clock: recent by every window the code applies."""
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


@dataclass(frozen=True)
class Item:
    """One feed item; undated items in tests are published an hour before the test runs."""

    title: str
    link: str
    guid: str = ""
    paragraphs: Sequence[str] = ()
    published: datetime = field(default_factory=an_hour_ago)
    author: str = ""


def rss_feed(title: str, items: Sequence[Item], *, link: str = "https://news.example/") -> bytes:
    """An RSS 2.0 document whose items carry their paragraphs as HTML content."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"',
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link><description>test</description>",
    ]
    for item in items:
        body = "".join(f"<p>{escape(p)}</p>" for p in item.paragraphs)
        parts.append(
            "<item>"
            f"<title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            + (f"<guid isPermaLink='false'>{escape(item.guid)}</guid>" if item.guid else "")
            + f"<pubDate>{format_datetime(item.published)}</pubDate>"
            + (f"<dc:creator>{escape(item.author)}</dc:creator>" if item.author else "")
            + f"<content:encoded>{escape(body)}</content:encoded></item>"
        )
    parts.append("</channel></rss>")
    return "\n".join(parts).encode()


def article_page(title: str, paragraphs: Sequence[str]) -> bytes:
    """An HTML article page with navigation and footer furniture around the article."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer><p>Related Articles</p><p>Subscribe to our newsletter for more.</p>"
        "<p>Copyright 2026 News Example. All rights reserved.</p></footer>"
        "</body></html>"
    ).encode()


# A world-affairs article with quotes, as outlets write them, for tests of any platform.
ARTICLE = [
    "India and Russia agreed on Tuesday to expand their trade in crude oil and fertilisers, "
    "despite growing pressure from Washington and Brussels to curb purchases of Russian energy.",
    "Indian External Affairs Minister Subrahmanyam Jaishankar met his Russian counterpart "
    "Sergey Lavrov in Moscow for talks that lasted more than three hours and covered trade, "
    "defence supplies and the war in Ukraine.",
    '"Our relationship has been one of the steadiest of the major relationships in the world '
    'since the Second World War," Jaishankar told reporters after the meeting.',
    "Lavrov said the two countries would settle a growing share of their bilateral trade in "
    'national currencies. "We are moving away from the dollar step by step, and this process '
    'is irreversible," he said.',
    "The European Union has urged New Delhi to reduce its imports of Russian crude, which rose "
    "sharply after Western sanctions were imposed on Moscow over its invasion of Ukraine.",
    "Analysts in New Delhi said the talks showed India's determination to keep its strategic "
    "autonomy while it deepens security cooperation with the United States and Japan.",
]
HEADLINE = "India and Russia agree to widen oil trade despite Western sanctions pressure"


def world_news_feed(link: str, published: datetime) -> bytes:
    """ "Daily World": one item, ``ARTICLE`` under ``HEADLINE`` at ``link``, by Priya Menon."""
    item = Item(HEADLINE, link, paragraphs=ARTICLE, published=published, author="Priya Menon")
    return rss_feed("Daily World", [item])
