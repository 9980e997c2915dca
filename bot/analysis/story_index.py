"""The story window in memory: which earlier report, if any, is the same event as a new one.

Matching does not grow with the window. An inverted index maps each stem to the articles whose
signature holds it; a new article's terms are looked up rarest first, reading a bounded number
of postings, and it is scored in full (TF-IDF cosine, document frequencies taken over the
window) only against the few articles that share most of them, never against every article of
the last 48 hours. Reports of one event share names, numbers and unusual words, so their rarest
terms find each other; a term half the window uses (say, "sanction") is read only when the
budget allows. Each candidate must then pass the cheap guards: another feed, the story window,
countries that overlap, and agents each report also names (``bot.analysis.stories``).

Pure and synchronous: the caller decides when articles are added and evicted, and serializes
the calls (``bot.pipeline.assign``).
"""

from __future__ import annotations

import heapq
import math
import sys
from array import array
from collections import deque
from datetime import UTC, datetime, timedelta
from operator import itemgetter

from bot.models import StoryCandidate, StorySignature

# Tuned on the tune part of benchmarks/data/story_pairs_*.json (benchmarks/stories_quality.py).
# Reports of one event mostly come within hours of each other; a report a day later that looks
# alike is more often the next development (the reaction, the follow-up decision), so the
# similarity needed grows with the time between the two reports.
MATCH_THRESHOLD = 0.2
THRESHOLD_PER_HOUR = 0.01
# Candidates come from the query's rarest terms: terms are probed rarest first while the
# postings read stay within a budget (always the two rarest), so the cost of a match does not
# grow with the window; then the best-overlapping few are scored in full.
_POSTINGS_BUDGET = 400
_MIN_PROBES = 2
_MAX_CANDIDATES = 20


class _Entry:
    __slots__ = (
        "agents",
        "countries",
        "feed_id",
        "fetched",
        "mentions",
        "moment",
        "story_id",
        "terms",
        "weights",
    )

    def __init__(self, article: StoryCandidate, story_id: int) -> None:
        signature = article.signature
        self.story_id = story_id
        self.feed_id = article.feed_id
        self.moment = _seconds(article.moment)
        self.fetched = _seconds(article.fetched_at)
        # Tuples, not sets: a handful of codes each, and a set costs four times the memory.
        self.countries = article.countries
        self.agents = signature.agents
        self.mentions = signature.mentions
        # Interned: the window shares one copy of each stem between entries and postings.
        self.terms = tuple(map(sys.intern, signature.terms))
        # Sublinear term frequency, stored once.
        self.weights = array("f", map(math.sqrt, signature.weights))


class StoryIndex:
    """The articles of the story window, indexed by term, each with its story id."""

    def __init__(
        self,
        *,
        window: timedelta,
        threshold: float = MATCH_THRESHOLD,
        per_hour: float = THRESHOLD_PER_HOUR,
    ) -> None:
        self.window = window
        self.threshold = threshold
        self.per_hour = per_hour
        self._entries: dict[int, _Entry] = {}
        self._postings: dict[str, array[int]] = {}
        self._df: dict[str, int] = {}
        self._order: deque[int] = deque()
        self._dead_postings = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._entries

    def assign(self, article: StoryCandidate) -> int:
        """Add an article to the story of its best match, or to a new story of its own."""
        story_id = self.match(article)
        if story_id is None:
            story_id = article.article_id
        self.add(article, story_id)
        return story_id

    def match(self, article: StoryCandidate) -> int | None:
        """The story id of the most similar same-event report in the window, if any."""
        query = dict(zip(article.signature.terms, article.signature.weights, strict=True))
        if not query:
            return None
        idf = self._idf(query)
        vector = {term: math.sqrt(weight) * idf[term] for term, weight in query.items()}
        norm = math.sqrt(sum(w * w for w in vector.values()))
        moment = _seconds(article.moment)
        best, best_score = None, 0.0
        for candidate in self._candidates(vector):
            entry = self._entries[candidate]
            if not _comparable(article, entry, self.window):
                continue
            score = self._cosine(vector, norm, entry, idf)
            hours = abs(moment - entry.moment) / 3600
            if score >= self.threshold + self.per_hour * hours and score > best_score:
                best, best_score = entry.story_id, score
        return best

    def story_of(self, article_id: int) -> int | None:
        """The story an indexed article belongs to."""
        entry = self._entries.get(article_id)
        return None if entry is None else entry.story_id

    def add(self, article: StoryCandidate, story_id: int) -> None:
        """Index an article as a member of ``story_id`` (a second add of one id is ignored)."""
        if article.article_id in self._entries:
            return
        self._order.append(article.article_id)
        self._insert(article, story_id)

    def replace(self, article: StoryCandidate, story_id: int) -> None:
        """Index an article again, with a new signature or story (analyzed again, say)."""
        if article.article_id not in self._entries:
            self.add(article, story_id)
            return
        self._forget(article.article_id)
        self._insert(article, story_id)

    def _insert(self, article: StoryCandidate, story_id: int) -> None:
        entry = _Entry(article, story_id)
        self._entries[article.article_id] = entry
        postings, df = self._postings, self._df
        for term in entry.terms:
            posting = postings.get(term)
            if posting is None:
                postings[term] = array("i", (article.article_id,))
                df[term] = 1
            else:  # a term evicted articles left postings for keeps them until compaction
                posting.append(article.article_id)
                df[term] = df.get(term, 0) + 1

    def evict(self, before: datetime) -> int:
        """Drop the articles fetched before ``before``; returns how many went.

        Articles leave in the order they were added: one added late (a leftover) with an old
        fetch time waits for those added before it.
        """
        cutoff = _seconds(before)
        gone = 0
        while self._order and self._entries[self._order[0]].fetched < cutoff:
            self._forget(self._order.popleft())
            gone += 1
        if self._dead_postings > sum(self._df.values()):
            self._compact()
        return gone

    def _forget(self, article_id: int) -> None:
        # Its postings stay until the next compaction; lookups skip ids no longer indexed.
        entry = self._entries.pop(article_id)
        for term in entry.terms:
            remaining = self._df[term] - 1
            if remaining:
                self._df[term] = remaining
            else:
                del self._df[term]
        self._dead_postings += len(entry.terms)

    def _compact(self) -> None:
        # Postings keep evicted ids until the dead outnumber the live: rebuild them then.
        self._postings = {}
        for article_id, entry in self._entries.items():
            for term in entry.terms:
                self._postings.setdefault(term, array("i")).append(article_id)
        self._dead_postings = 0

    def _idf(self, query: dict[str, float]) -> dict[str, float]:
        total = len(self._entries)
        return {t: math.log((1 + total) / (1 + self._df.get(t, 0))) + 1.0 for t in query}

    def _candidates(self, vector: dict[str, float]) -> list[int]:
        """Articles sharing the query's rarest terms, best overlap first."""
        present = sorted((self._df[t], t) for t in vector if t in self._df)
        overlap: dict[int, float] = {}
        spent = 0
        for rank, (df, term) in enumerate(present):
            spent += df
            if rank >= _MIN_PROBES and spent > _POSTINGS_BUDGET:
                break
            weight = vector[term]
            for article_id in self._postings[term]:
                overlap[article_id] = overlap.get(article_id, 0.0) + weight
        best = heapq.nlargest(_MAX_CANDIDATES * 2, overlap.items(), key=itemgetter(1))
        return [a for a, _ in best if a in self._entries][:_MAX_CANDIDATES]

    def _cosine(
        self, vector: dict[str, float], norm: float, entry: _Entry, idf: dict[str, float]
    ) -> float:
        total = len(self._entries)
        dot = other = 0.0
        for term, tf in zip(entry.terms, entry.weights, strict=True):
            weight = idf.get(term)
            if weight is None:
                weight = idf[term] = math.log((1 + total) / (1 + self._df.get(term, 0))) + 1.0
            value = tf * weight
            other += value * value
            dot += vector.get(term, 0.0) * value
        return dot / (norm * math.sqrt(other)) if norm and other else 0.0


def _seconds(moment: datetime) -> float:
    # Feeds mix naive (taken as UTC) and aware timestamps; compare them on one clock.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _comparable(article: StoryCandidate, entry: _Entry, window: timedelta) -> bool:
    if article.feed_id == entry.feed_id:
        return False  # one outlet's two articles are two stories
    countries = article.countries
    if countries and entry.countries and not any(c in countries for c in entry.countries):
        return False
    if abs(_seconds(article.moment) - entry.moment) > window.total_seconds():
        return False
    return _same_agents(article.signature, entry)


def _same_agents(signature: StorySignature, entry: _Entry) -> bool:
    """Each report names the other's agents: the same actors, not merely the same theme.

    A report that names no country or organization at all cannot tell, and does not object.
    """
    mentioned = entry.mentions
    if signature.agents and mentioned and not any(a in mentioned for a in signature.agents):
        return False
    mentions = signature.mentions
    return not (entry.agents and mentions) or any(agent in mentions for agent in entry.agents)
