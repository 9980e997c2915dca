"""Which feed a person means, read alike by the command line and the chat commands."""

from __future__ import annotations

import pytest

from bot.models import Feed
from bot.pipeline.feeds import feed_address, find_feed
from bot.reader.catalog import find_source

BBC = find_source("bbc-world")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("https://news.example/rss", "https://news.example/rss"),
        ("news.example/rss", "https://news.example/rss"),
        ("  news.example  ", "https://news.example"),
        ("http://news.example/rss", "http://news.example/rss"),
        ("BBC-World", BBC.url if BBC else ""),
        ("bbc-wrld", None),
        ("hello", None),
        ("https://", None),
    ],
)
def test_feed_address_reads_names_and_addresses_without_a_scheme(
    typed: str, meant: str | None
) -> None:
    assert feed_address(typed) == meant


FEEDS = (
    Feed(7, "https://news.example/rss", title="Daily World"),
    Feed(9, BBC.url if BBC else "https://bbc.example/rss", title=""),
)


@pytest.mark.parametrize(
    ("key", "feed_id"),
    [
        ("1", 7),  # numbered as the chat's /list shows them
        ("2", 9),
        ("3", None),
        ("news.example/rss", 7),
        ("HTTPS://NEWS.EXAMPLE/RSS", 7),
        ("daily world", 7),
        ("bbc-world", 9),
        ("", None),  # an untitled feed is not matched by an empty name
        ("nothing", None),
    ],
)
def test_find_feed_by_number_address_name_or_title(key: str, feed_id: int | None) -> None:
    found = find_feed(dict(enumerate(FEEDS, start=1)), key)
    assert (found.id if found else None) == feed_id


def test_the_command_line_numbers_feeds_by_id() -> None:
    by_id = {f.id: f for f in FEEDS}
    assert find_feed(by_id, "7") is FEEDS[0]
    assert find_feed(by_id, "1") is None
