"""Near-duplicate detection: the same event reported by several outlets becomes one story.

TF-IDF cosine on title + lead rather than MinHash/LSH: outlets reword the same event ("Kremlin
rejects…" / "Moscow dismisses…"), so shingle overlap (what MinHash estimates) is low even for
true duplicates, while weighted shared content words and names stay high. A story window holds
only hundreds of articles, so exact pairwise comparison of small sparse vectors costs well
under a millisecond per new article; LSH would only add an approximation. Names and numbers
weigh double (they identify an event), title words count twice, and two articles whose
countries are known and disjoint never match: the cheapest guard against two different events.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.analysis.lexicon import COUNTRY_ALIASES, STOPWORDS

# Tuned on our fixtures (tests/test_stories.py): rewordings of one event scored 0.21-0.63,
# different events about the same countries at most 0.12.
MATCH_THRESHOLD = 0.18
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
        "latest",
        "breaking",
        "update",
        "live",
    ]
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TOKEN = re.compile(r"[^\W_][\w'’-]*")
# Country names, demonyms and capitals are shared by every story about a country; they weigh
# little (``countries`` already guards), so "Russian drones hit Kyiv" and "Ukraine strikes
# Russian refinery" do not look alike just for naming the same two countries.
_PLACE_WORDS = frozenset(
    word.lower() for names in COUNTRY_ALIASES.values() for name in names for word in name.split()
)


@dataclass(frozen=True)
class StoryCandidate:
    """What story matching needs to know about one article."""

    article_id: int
    feed_id: int
    title: str
    lead: str
    countries: tuple[str, ...]
    published: datetime | None
    story_id: int | None = None


def match_story(
    candidate: StoryCandidate, recent: Sequence[StoryCandidate], *, window: timedelta
) -> StoryCandidate | None:
    """The most similar recent article from another feed within ``window``, if similar enough."""
    others = [r for r in recent if _comparable(candidate, r, window)]
    if not others:
        return None
    vectors = _vectors([candidate, *others])
    best, best_score = None, MATCH_THRESHOLD
    for other, vector in zip(others, vectors[1:], strict=True):
        score = _cosine(vectors[0], vector)
        if score >= best_score:
            best, best_score = other, score
    return best


def cluster(candidates: Sequence[StoryCandidate], *, window: timedelta) -> list[list[int]]:
    """Group article ids into stories, oldest article first, as if they arrived one by one."""
    ordered = sorted(candidates, key=lambda c: (_aware(c.published or _EPOCH), c.article_id))
    story_of: dict[int, int] = {}
    stories: list[list[int]] = []
    for i, candidate in enumerate(ordered):
        match = match_story(candidate, ordered[:i], window=window)
        if match is None:
            story_of[candidate.article_id] = len(stories)
            stories.append([candidate.article_id])
        else:
            story = story_of[match.article_id]
            story_of[candidate.article_id] = story
            stories[story].append(candidate.article_id)
    return stories


def _comparable(a: StoryCandidate, b: StoryCandidate, window: timedelta) -> bool:
    if a.article_id == b.article_id or a.feed_id == b.feed_id:
        return False  # one outlet's two articles are two stories (or an update we dedup elsewhere)
    if a.countries and b.countries and not set(a.countries) & set(b.countries):
        return False
    if a.published is None or b.published is None:
        return True
    return abs(_aware(a.published) - _aware(b.published)) <= window


def _aware(moment: datetime) -> datetime:
    # Feeds mix naive (assumed UTC) and aware timestamps; compare them on one clock.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _terms(candidate: StoryCandidate) -> dict[str, float]:
    terms: dict[str, float] = {}
    for text, repeat in ((candidate.title, _TITLE_REPEAT), (candidate.lead, 1)):
        for word in _TOKEN.findall(text):
            lowered = word.lower().replace("’", "'").removesuffix("'s")
            if lowered in STOPWORDS or lowered in _NEWS_FILLER or len(lowered) < 2:
                continue
            if lowered in _PLACE_WORDS:
                weight = _PLACE_WEIGHT
            elif word[0].isupper() or word[0].isdigit():
                weight = _NAME_WEIGHT
            else:
                weight = 1.0
            stem = _stem(lowered)
            terms[stem] = terms.get(stem, 0.0) + weight * repeat
    return terms


def _stem(word: str) -> str:
    """Crude suffix stripping: enough for "killed"/"killing"/"kills" to meet."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def _vectors(candidates: Iterable[StoryCandidate]) -> list[dict[str, float]]:
    counts = [_terms(c) for c in candidates]
    frequency: Counter[str] = Counter()
    for terms in counts:
        frequency.update(terms.keys())
    # Smoothed IDF: with only two articles every shared word still keeps most of its weight.
    total = len(counts)
    idf = {t: math.log((1 + total) / (1 + n)) + 1.0 for t, n in frequency.items()}
    return [{t: math.sqrt(c) * idf[t] for t, c in terms.items()} for terms in counts]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    norm = math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0
