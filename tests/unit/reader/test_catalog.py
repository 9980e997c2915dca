"""The built-in source catalog."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from bot.reader.catalog import SourceKind, find_source, load_catalog

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def test_catalog_lists_real_sources_of_every_kind() -> None:
    catalog = load_catalog()
    assert 25 <= len(catalog) <= 60
    assert {source.kind for source in catalog} == set(SourceKind)
    names = [source.name for source in catalog]
    assert len(set(names)) == len(names)
    urls = [source.url for source in catalog]
    assert len(set(urls)) == len(urls)


def test_catalog_entries_are_well_formed() -> None:
    for source in load_catalog():
        assert SLUG.match(source.name), source.name
        assert source.title, source.name
        parts = urlsplit(source.url)
        assert parts.scheme == "https", source.url
        assert parts.hostname, source.url
        assert re.fullmatch(r"[a-z]{2}", source.language), source.name
        assert source.country == "" or re.fullmatch(r"[A-Z]{2}", source.country), source.name


@pytest.mark.parametrize(
    "query",
    [
        "bbc-world",
        "BBC-World",
        " bbc-world ",
        "https://feeds.bbci.co.uk/news/world/rss.xml",
        "http://feeds.bbci.co.uk/news/world/rss.xml/",
    ],
)
def test_find_source_by_name_or_url(query: str) -> None:
    source = find_source(query)
    assert source is not None
    assert source.name == "bbc-world"
    assert source.url == "https://feeds.bbci.co.uk/news/world/rss.xml"


@pytest.mark.parametrize("query", ["", "no-such-source", "https://example.org/rss"])
def test_unknown_source(query: str) -> None:
    assert find_source(query) is None
