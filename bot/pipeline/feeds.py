"""Which feed a person means: one reading of "bbc-world", "example.com/rss" or "2" for the
command line and the chat commands alike."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from bot.models import Feed
from bot.reader.catalog import find_source


def web_address(text: str) -> str | None:
    """A web address from what a person typed, adding https:// when the scheme is missing."""
    text = text.strip()
    if "://" not in text:
        if "." not in text.split("/", 1)[0]:
            return None
        text = "https://" + text
    parts = urlsplit(text)
    return text if parts.scheme and parts.netloc else None


def feed_address(text: str) -> str | None:
    """The feed URL meant: a catalog name's URL, else a web address; None when neither."""
    source = find_source(text)
    if source is not None:
        return source.url
    return web_address(text)


def find_feed(numbered: Mapping[int, Feed], key: str) -> Feed | None:
    """The feed meant by ``key``: the number shown beside it (``numbered``'s keys), its URL
    (scheme optional), its catalog name or its title."""
    key = key.strip()
    if key.isdigit():
        return numbered.get(int(key))
    spellings = (key, web_address(key), feed_address(key))
    wanted = {s.casefold() for s in spellings if s}
    for feed in numbered.values():
        if {feed.url.casefold(), feed.title.casefold()} & wanted:
            return feed
    return None
