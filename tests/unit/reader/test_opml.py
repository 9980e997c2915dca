"""OPML import and export."""

from __future__ import annotations

import pytest

from bot.errors import FeedError
from bot.models import Feed
from bot.reader.opml import parse_opml, render_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My reader</title></head>
  <body>
    <outline text="World">
      <outline text="BBC World" title="BBC News - World" type="rss"
               xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
      <outline text="Analysis">
        <outline text="The Diplomat" type="rss" xmlUrl="https://thediplomat.com/feed/"/>
      </outline>
    </outline>
    <outline text="Duplicate BBC" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
    <outline text="A folder without feeds"/>
    <outline xmlUrl="https://example.org/untitled.xml"/>
  </body>
</opml>
"""


def test_nested_outlines_are_flattened_and_deduplicated() -> None:
    assert parse_opml(NESTED) == [
        ("BBC News - World", "https://feeds.bbci.co.uk/news/world/rss.xml"),
        ("The Diplomat", "https://thediplomat.com/feed/"),
        ("https://example.org/untitled.xml", "https://example.org/untitled.xml"),
    ]


def test_round_trip_keeps_titles_and_urls() -> None:
    feeds = [
        Feed(id=1, url="https://feeds.bbci.co.uk/news/world/rss.xml", title="BBC <World> & more"),
        Feed(id=2, url="https://example.org/rss?a=1&b=2", site_url="https://example.org/"),
    ]
    document = render_opml(feeds)
    assert document.startswith("<?xml")
    assert parse_opml(document.encode("utf-8")) == [
        ("BBC <World> & more", "https://feeds.bbci.co.uk/news/world/rss.xml"),
        ("https://example.org/rss?a=1&b=2", "https://example.org/rss?a=1&b=2"),
    ]


def test_entity_expansion_is_refused() -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<opml version="2.0"><body><outline text="&b;" xmlUrl="https://example.org/&b;"/></body></opml>
"""
    with pytest.raises(FeedError, match="DOCTYPE"):
        parse_opml(bomb)


def test_external_entities_are_refused() -> None:
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://example.org/"/></body></opml>
"""
    with pytest.raises(FeedError, match="DOCTYPE"):
        parse_opml(xxe)


def test_broken_xml_is_a_clear_error() -> None:
    with pytest.raises(FeedError, match="not a valid OPML file"):
        parse_opml(b"<opml><body><outline></body>")


def test_other_xml_is_not_opml() -> None:
    with pytest.raises(FeedError, match="not an OPML file"):
        parse_opml(b'<rss version="2.0"><channel/></rss>')
