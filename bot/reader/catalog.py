"""The built-in catalog of geopolitics sources users can subscribe to by name."""

from __future__ import annotations

import enum
import functools
import json
from dataclasses import dataclass
from importlib import resources

CATALOG_RESOURCE = "data/catalog.json"


class SourceKind(enum.StrEnum):
    WIRE = "wire"
    WORLD_DESK = "world-desk"
    THINK_TANK = "think-tank"
    STATE_MEDIA = "state-media"
    INTERNATIONAL_ORG = "international-org"
    MAGAZINE = "magazine"


@dataclass(frozen=True, slots=True)
class CatalogSource:
    """One well-known feed: ``name`` is the short slug users type (``bbc-world``)."""

    name: str
    title: str
    url: str
    language: str  # ISO 639-1
    kind: SourceKind
    country: str  # ISO 3166-1 alpha-2 of the publisher; empty for international bodies


@functools.cache
def load_catalog() -> tuple[CatalogSource, ...]:
    """Every catalog source, in catalog order (read once, then cached)."""
    text = resources.files("bot.reader").joinpath(CATALOG_RESOURCE).read_text(encoding="utf-8")
    return tuple(
        CatalogSource(
            name=item["name"],
            title=item["title"],
            url=item["url"],
            language=item["language"],
            kind=SourceKind(item["kind"]),
            country=item["country"],
        )
        for item in json.loads(text)
    )


def _url_key(url: str) -> str:
    text = url.strip().lower()
    for prefix in ("https://", "http://"):
        text = text.removeprefix(prefix)
    return text.removeprefix("www.").rstrip("/")


def find_source(name_or_url: str) -> CatalogSource | None:
    """The catalog source with this slug (any case) or feed URL (scheme, www, final / ignored)."""
    wanted = name_or_url.strip().lower()
    if not wanted:
        return None
    key = _url_key(wanted)
    for source in load_catalog():
        if source.name == wanted or _url_key(source.url) == key:
            return source
    return None
