"""OPML import and export of feed lists (the format every feed reader speaks)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from bot.errors import FeedError
from bot.models import Feed

OPML_TITLE = "geodigest feeds"


class _NoDoctypeBuilder(ET.TreeBuilder):
    """Refuses any DOCTYPE, so entity tricks (billion laughs, external entities) never run."""

    def doctype(self, name: str, pubid: str, system: str) -> None:
        raise FeedError("not a usable OPML file: it declares a DOCTYPE, which is not allowed")


def _parse_xml(data: bytes) -> ET.Element:
    # Safe without defusedxml: the builder refuses a DOCTYPE before any entity can be declared.
    parser = ET.XMLParser(target=_NoDoctypeBuilder())  # noqa: S314
    try:
        parser.feed(data)
        return parser.close()
    except ET.ParseError as exc:
        raise FeedError(f"not a valid OPML file: {exc}") from exc


def parse_opml(data: bytes) -> list[tuple[str, str]]:
    """(title, feed URL) for every outline with an xmlUrl, nested groups included, deduplicated."""
    root = _parse_xml(data)
    if root.tag.lower() != "opml":
        raise FeedError(f"not an OPML file: the document is <{root.tag}>, not <opml>")
    feeds: dict[str, str] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in feeds:
            feeds[url] = (outline.get("title") or outline.get("text") or url).strip()
    return [(title, url) for url, title in feeds.items()]


def render_opml(feeds: Sequence[Feed]) -> str:
    """An OPML 2.0 document listing ``feeds``."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = OPML_TITLE
    body = ET.SubElement(root, "body")
    for feed in feeds:
        attributes = {"type": "rss", "text": feed.display_name, "title": feed.display_name}
        attributes["xmlUrl"] = feed.url
        if feed.site_url:
            attributes["htmlUrl"] = feed.site_url
        ET.SubElement(body, "outline", attributes)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
