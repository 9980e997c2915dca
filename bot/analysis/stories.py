"""Story signatures: what tells one event from another, computed once per article.

Two reports are one story when they are the same event: the same actors doing the same thing
within the story window, not merely the same theme. A signature holds two kinds of evidence:

- weighted stems of the headline and lead, compared as TF-IDF cosine (``bot.analysis.
  story_index``). Outlets reword an event ("Kremlin rejects…" / "Moscow dismisses…"), so
  weighted shared content words, names and numbers say more than shingle overlap (what MinHash
  estimates), which is low even for true rewordings;
- the *agents* (the first country and organization the headline names: "US Treasury widens
  sanctions…" → US) and every country and organization of the headline and lead. Each report's
  agents must appear in the other: "US sanctions tankers" and "EU adopts sanctions package"
  share a theme and words, but neither names the other's actor, so they stay two stories.
"""

from __future__ import annotations

import functools
import re

import pycountry

from bot.analysis.lexicon import AMBIGUOUS_COUNTRY_ALIASES, COUNTRY_ALIASES, STOPWORDS
from bot.analysis.terms import normalize, stem, words
from bot.analysis.topics import tag
from bot.models import StorySignature

# The lead of an article: enough to name the event, cheap to compare.
LEAD_CHARS = 600
# The heaviest terms kept per signature: a headline and lead rarely hold more content words,
# and a bound keeps the index small.
MAX_TERMS = 40
_TITLE_REPEAT = 2
_NAME_WEIGHT = 2.0
_PLACE_WEIGHT = 0.5
# Words every news lead uses; they say when and who reported, not what happened.
_NEWS_FILLER = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "overnight",
        "week",
        "month",
        "officials",
        "official",
        "reported",
        "report",
        "reports",
        "statement",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "latest",
        "breaking",
        "update",
        "live",
        "reuters",
        "ap",
        "afp",
    ]
)
# Country names, demonyms and capitals are shared by every story about a country; they weigh
# little (the agents and the country guard use them), so "Russian drones hit Kyiv" and "Ukraine
# strikes Russian refinery" do not look alike just for naming the same two countries.
_PLACE_WORDS = frozenset(
    word.lower() for names in COUNTRY_ALIASES.values() for name in names for word in name.split()
)
# Endings that make a demonym of a country's name ("Cambodia" → "Cambodian", "Iraq" → "Iraqi").
_DEMONYM_ENDINGS = ("ian", "an", "n", "i", "ese")


def story_signature(title: str, text: str) -> StorySignature:
    """The signature of an article from its headline and the start of its text."""
    lead = text[:LEAD_CHARS]
    headline = tag(title, "")
    both = tag(title, lead)
    agents = headline.countries[:1] + headline.organizations[:1]
    if not agents:
        # A headline naming no country or organization: the lead's main ones act.
        agents = both.countries[:1] + both.organizations[:1]
    weights: dict[str, float] = {}
    named: list[str] = []
    for part, repeat in ((title, _TITLE_REPEAT), (lead, 1)):
        for word in words(part):
            term, weight, country = _word(word)
            if term:
                weights[term] = weights.get(term, 0.0) + weight * repeat
            if country:
                named.append(country)
    # Heaviest first; ties keep their order of appearance (sorted is stable).
    ranked = sorted(weights.items(), key=lambda item: -item[1])[:MAX_TERMS]
    mentions = tuple(dict.fromkeys((*both.countries, *both.organizations, *named)))
    return StorySignature(
        terms=tuple(term for term, _ in ranked),
        weights=tuple(weight for _, weight in ranked),
        agents=agents,
        mentions=mentions,
    )


# Memoized: news vocabulary repeats, and this runs for every word of every headline and lead.
@functools.lru_cache(maxsize=50_000)
def _word(word: str) -> tuple[str, float, str]:
    """A word as written → its index term ("" for none), the term's weight, and the country it
    names ("" for none)."""
    lowered = normalize(word)
    if lowered in STOPWORDS or lowered in _NEWS_FILLER or len(lowered) < 2:
        return "", 0.0, ""
    if lowered in _PLACE_WORDS:
        weight = _PLACE_WEIGHT
    elif word[0].isupper() or word[0].isdigit():
        weight = _NAME_WEIGHT
    else:
        weight = 1.0
    term = lowered.replace(",", "") if word[0].isdigit() else stem(lowered)
    return term, weight, _country_named(lowered)


def _country_named(lowered: str) -> str:
    """The country a word names, also where the tagger has no alias for it ("Philippine",
    "Cambodian"): a missing alias must not split one event in two."""
    names = _one_word_country_names()
    code = names.get(lowered) or names.get(lowered + "s")
    for ending in _DEMONYM_ENDINGS:
        if code is None and lowered.endswith(ending):
            code = names.get(lowered.removesuffix(ending))
    return code or ""


@functools.cache
def _one_word_country_names() -> dict[str, str]:
    """Lower-cased one-word country names, demonyms and capitals → ISO code, unambiguous only."""
    codes: dict[str, set[str]] = {}
    pairs = [
        (name, country.alpha_2)
        for country in pycountry.countries
        for name in (country.name, getattr(country, "common_name", ""))
    ]
    pairs += [(alias, code) for code, aliases in COUNTRY_ALIASES.items() for alias in aliases]
    for name, code in pairs:
        name = re.sub(r"\s*\(.*\)|,.*", "", name)
        if name and " " not in name and name not in AMBIGUOUS_COUNTRY_ALIASES:
            codes.setdefault(name.lower(), set()).add(code)
    return {name: next(iter(c)) for name, c in codes.items() if len(c) == 1 and len(name) > 3}
