"""Story matching at scale: time per new article and memory with 10k and 100k articles in the
story window (run on demand, never in tests).

    python -m benchmarks.stories_speed [WINDOW_SIZE ...] [--storage]

Articles are synthetic but shaped like news: events with their own names, numbers and words,
each reported by one to six outlets in their own wording, over a Zipf-distributed background
vocabulary and real country names (so agents, countries and the window's document frequencies
behave as they do on real feeds). The window is filled first; then 1,000 new articles (a third
of them new reports of events already in the window) go through the index one by one, as story
assignment takes them. ``--storage`` also stores the window in a temporary SQLite database and
times the assigner's first load, which reads signatures, never the text.
"""

from __future__ import annotations

import asyncio
import gc
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.analysis.stories import story_signature
from bot.analysis.story_index import StoryIndex
from bot.analysis.topics import tag
from bot.models import StoryCandidate

WINDOW = timedelta(hours=48)
# Ids of new reports of events already in the window.
_AGAIN = 20_000_000
NEW_ARTICLES = 1_000
FEEDS = 1_000
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
_COUNTRIES = (
    "Russia", "Ukraine", "China", "India", "France", "Germany", "Iran", "Israel", "Turkey",
    "Brazil", "Japan", "Egypt", "Pakistan", "Poland", "Nigeria", "Mexico", "Kenya", "Vietnam",
    "Indonesia", "Canada", "Spain", "Italy", "Sudan", "Syria", "Iraq", "Qatar", "Ethiopia",
)  # fmt: skip
_SYLLABLES = (
    "ka", "lo", "mi", "ren", "tas", "vo", "dri", "shan", "pel", "gor", "un", "ti", "bra", "nek",
    "sul", "fa", "quor", "zim", "hal", "dep", "os", "ver", "cam", "tru",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Event:
    countries: tuple[str, str]
    names: tuple[str, ...]
    words: tuple[str, ...]
    number: str


class _Newsroom:
    """Writes synthetic reports: an event's own words, reworded, over background vocabulary."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.events: dict[int, _Event] = {}  # article id → the event it reports
        self.vocabulary = self._words(20_000, 4)
        self.names = [w.capitalize() for w in self._words(5_000, 3)]
        # Zipf-like background: the k-th word is drawn with weight 1/k.
        self.weights = [1 / (k + 1) for k in range(len(self.vocabulary))]

    def _words(self, count: int, syllables: int) -> list[str]:
        """``count`` distinct made-up words (of 24**syllables possible) in random order."""
        made = ["".join(self.rng.choices(_SYLLABLES, k=syllables)) for _ in range(count * 2)]
        unique = list(dict.fromkeys(made))[:count]
        self.rng.shuffle(unique)
        return unique

    def event(self) -> _Event:
        rng = self.rng
        return _Event(
            countries=(rng.choice(_COUNTRIES), rng.choice(_COUNTRIES)),
            names=tuple(rng.sample(self.names, 2)),
            words=tuple(rng.choices(self.vocabulary[200:], k=6)),
            number=str(rng.randint(2, 900)),
        )

    def report(self, event: _Event) -> tuple[str, str]:
        """A headline and lead of ``event`` in one outlet's own wording."""
        rng = self.rng
        core = [*event.countries, *event.names, *event.words, event.number]
        title = rng.sample(core, 6) + rng.choices(self.vocabulary, self.weights, k=2)
        lead = rng.sample(core, 9) + rng.choices(self.vocabulary, self.weights, k=30)
        rng.shuffle(lead)
        return _sentence(title), _sentence(lead) + "."


def _sentence(words: Sequence[str]) -> str:
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _articles(count: int, newsroom: _Newsroom, start: int) -> Iterator[StoryCandidate]:
    """``count`` reports over the window ending at NOW, one to six per event."""
    article_id = start
    while article_id < start + count:
        event = newsroom.event()
        moment = NOW - WINDOW * newsroom.rng.random()
        for _ in range(newsroom.rng.randint(1, 6)):
            title, lead = newsroom.report(event)
            newsroom.events[article_id] = event
            moment += timedelta(minutes=newsroom.rng.randint(5, 120))
            yield _candidate(article_id, newsroom.rng.randrange(FEEDS), title, lead, moment)
            article_id += 1


def _candidate(
    article_id: int, feed_id: int, title: str, lead: str, moment: datetime
) -> StoryCandidate:
    return StoryCandidate(
        article_id=article_id,
        feed_id=feed_id,
        moment=moment,
        fetched_at=moment,
        countries=tag(title, lead).countries,
        signature=story_signature(title, lead),
    )


def _new_articles(newsroom: _Newsroom, window: Sequence[StoryCandidate]) -> list[StoryCandidate]:
    """New articles: a third are another outlet's own wording, half an hour later, of an event
    already in the window (whether the index finds it among the whole window)."""
    fresh = list(_articles(NEW_ARTICLES * 2 // 3, newsroom, 10_000_000))
    again: list[StoryCandidate] = []
    for n, old in enumerate(newsroom.rng.sample(list(window), NEW_ARTICLES - len(fresh))):
        title, lead = newsroom.report(newsroom.events[old.article_id])
        moment = old.moment + timedelta(minutes=30)
        again.append(_candidate(_AGAIN + n, (old.feed_id + 1) % FEEDS, title, lead, moment))
    return [*fresh, *again]


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def synthetic_window(size: int) -> tuple[_Newsroom, list[StoryCandidate], float]:
    """A window of ``size`` signed articles, and the milliseconds each took to sign."""
    newsroom = _Newsroom()
    started = time.perf_counter()
    window = list(_articles(size, newsroom, 1))
    return newsroom, window, (time.perf_counter() - started) / size * 1000


def measure(newsroom: _Newsroom, window: Sequence[StoryCandidate]) -> dict[str, float]:
    """Fill the index with ``window``, then time NEW_ARTICLES assignments."""
    size = len(window)
    news = _new_articles(newsroom, window)
    gc.collect()
    before = _rss_mib()
    index = StoryIndex(window=WINDOW)
    started = time.perf_counter()
    for article in sorted(window, key=lambda a: a.moment):
        index.assign(article)
    fill = time.perf_counter() - started
    gc.collect()
    grown = _rss_mib() - before
    stories: dict[int, int] = {}
    timings = []
    for article in news:
        started = time.perf_counter()
        stories[article.article_id] = index.assign(article)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    again = [a for a in news if a.article_id >= _AGAIN]
    return {
        "window": size,
        "fill ms/article": fill / size * 1000,
        "assign median ms": statistics.median(timings),
        "assign mean ms": statistics.fmean(timings),
        "assign p99 ms": timings[int(len(timings) * 0.99)],
        "re-reports joined": sum(stories[a.article_id] != a.article_id for a in again) / len(again),
        "index RSS MiB": grown,
    }


async def measure_storage(window: Sequence[StoryCandidate]) -> dict[str, float]:
    """Store ``window`` in SQLite; time the assigner's first load and what it adds to memory."""
    from bot.models import Analysis, Entry
    from bot.pipeline.assign import StoryAssigner
    from storage import ArticleRepository, Database, FeedRepository

    size = len(window)
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite+aiosqlite:///{Path(folder) / 'window.db'}")
        await db.migrate()
        feed = await FeedRepository(db).add("https://outlet.example/rss", now=NOW)
        articles = ArticleRepository(db)
        for start in range(0, size, 1_000):
            chunk = window[start : start + 1_000]
            entries = [Entry(str(a.article_id), "", "synthetic") for a in chunk]
            stored = await articles.add_new(feed.id, entries, now=NOW - timedelta(hours=1))
            await articles.save_analyses(
                [
                    (s.id, Analysis(signature=a.signature), s.id)
                    for s, a in zip(stored, chunk, strict=True)
                ],
                now=NOW,
            )
        assigner = StoryAssigner(articles, window=WINDOW)
        gc.collect()
        before = _rss_mib()
        started = time.perf_counter()
        await assigner.refresh(now=NOW)
        load = time.perf_counter() - started
        gc.collect()
        grown = _rss_mib() - before
        await db.aclose()
    return {"window": size, "first load s": load, "RSS added by the load MiB": grown}


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    sizes = [int(a) for a in args if a.isdigit()] or [10_000, 100_000]
    for size in sizes:
        newsroom, window, signing = synthetic_window(size)
        print(f"window: {size:,}  signature ms/article (synthetic text): {signing:.2g}")
        figures = measure(newsroom, window)
        print("  ".join(f"{name}: {value:,.3g}" for name, value in figures.items()))
        if "--storage" in args:
            stored = asyncio.run(measure_storage(window))
            print("  ".join(f"{name}: {value:,.3g}" for name, value in stored.items()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the run: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
