"""Story grouping quality on a labelled set of report pairs we wrote (run on demand).

    python -m benchmarks.stories_quality [--show-tune-errors]

``benchmarks/data/story_pairs_*.json`` holds scenarios: one event reported by several outlets,
beside reports of other events that a careless grouping would merge (the same theme, another
actor doing the same thing, a follow-up a day or days later). Every report of every scenario
goes through the story index in the order it was published, as the pipeline would take it in;
a pair of reports counts as merged when they end in one story. Precision and recall are over
the pairs within each scenario (labelled "same" when both report the same event), split into a
tune part and a held-out part by scenario (``benchmarks.eval_split``), so the reports of one
scenario are never on both sides. Merges across scenarios (all wrong) are counted apart.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.eval_split import is_held_out
from bot.analysis.stories import story_signature
from bot.analysis.story_index import StoryIndex
from bot.analysis.topics import tag
from bot.models import StoryCandidate

DATA_DIR = Path(__file__).resolve().parent / "data"
WINDOW = timedelta(hours=48)
T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
# Scenarios start this far apart, so each shares its window with several others.
SCENARIO_SPACING = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Report:
    article_id: int
    scenario: str
    event: str
    kind: str  # how its event relates to the scenario's main one ("main" for the main one)
    outlet: str
    published: datetime
    title: str
    lead: str


def load_reports(data_dir: Path = DATA_DIR) -> list[Report]:
    """Every report of every scenario, with article ids in file order."""
    scenarios = [
        scenario
        for path in sorted(data_dir.glob("story_pairs_*.json"))
        for scenario in json.loads(path.read_text(encoding="utf-8"))
    ]
    reports: list[Report] = []
    for number, scenario in enumerate(scenarios):
        start = T0 + number * SCENARIO_SPACING
        for raw in scenario["reports"]:
            reports.append(
                Report(
                    article_id=len(reports) + 1,
                    scenario=scenario["id"],
                    event=raw["event"],
                    kind=raw.get("kind", "main"),
                    outlet=raw["outlet"],
                    published=start + timedelta(hours=raw["hours"]),
                    title=raw["title"],
                    lead=raw["lead"],
                )
            )
    return reports


def group_with_index(reports: Sequence[Report]) -> dict[int, int]:
    """Story id of each report, taking them in through the story index in published order."""
    feeds: dict[str, int] = {}
    index = StoryIndex(window=WINDOW)
    stories: dict[int, int] = {}
    for report in sorted(reports, key=lambda r: (r.published, r.article_id)):
        article = StoryCandidate(
            article_id=report.article_id,
            feed_id=feeds.setdefault(report.outlet, len(feeds) + 1),
            moment=report.published,
            fetched_at=report.published,
            countries=tag(report.title, report.lead).countries,
            signature=story_signature(report.title, report.lead),
        )
        stories[report.article_id] = index.assign(article)
    return stories


@dataclass
class Score:
    true_merges: int = 0
    false_merges: int = 0
    missed: int = 0
    pairs: int = 0

    @property
    def precision(self) -> float:
        merged = self.true_merges + self.false_merges
        return self.true_merges / merged if merged else 1.0

    @property
    def recall(self) -> float:
        same = self.true_merges + self.missed
        return self.true_merges / same if same else 1.0


def _pair_kind(a: Report, b: Report) -> str:
    if a.event == b.event:
        return "same event"
    return b.kind if a.kind == "main" else a.kind


def evaluate(
    reports: Sequence[Report], stories: dict[int, int], *, show_tune_errors: bool = False
) -> dict[str, Score]:
    """Pairwise scores per part; prints tune errors only (held-out cases stay unread)."""
    scores = {"tune": Score(), "held-out": Score(), "across scenarios": Score()}
    errors: Counter[str] = Counter()
    for a, b in itertools.combinations(reports, 2):
        merged = stories[a.article_id] == stories[b.article_id]
        if a.scenario != b.scenario:
            scores["across scenarios"].pairs += 1
            scores["across scenarios"].false_merges += merged
            continue
        part = "held-out" if is_held_out(a.scenario) else "tune"
        score = scores[part]
        score.pairs += 1
        same = a.event == b.event
        score.true_merges += same and merged
        score.false_merges += merged and not same
        score.missed += same and not merged
        if merged != same:
            errors[f"{part}: {'missed' if same else 'false merge'} ({_pair_kind(a, b)})"] += 1
            if show_tune_errors and part == "tune":
                print(f"  {'missed' if same else 'MERGED'}: [{a.outlet}] {a.title}")
                print(f"        {'':6}  [{b.outlet}] {b.title}")
    for line, count in sorted(errors.items()):
        print(f"  {line}: {count}")
    return scores


def report(
    grouping: Callable[[Sequence[Report]], dict[int, int]], *, show_tune_errors: bool
) -> dict[str, Score]:
    reports = load_reports()
    scores = evaluate(reports, grouping(reports), show_tune_errors=show_tune_errors)
    for part, score in scores.items():
        if part == "across scenarios":
            print(f"{part:>16}: {score.false_merges} wrong merges of {score.pairs} pairs")
            continue
        same = score.true_merges + score.missed
        print(
            f"{part:>16}: precision {score.precision:.3f}  recall {score.recall:.3f}  "
            f"({score.pairs} pairs, {same} same-event, {score.false_merges} false merges, "
            f"{score.missed} missed)"
        )
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    report(group_with_index, show_tune_errors="--show-tune-errors" in args)


if __name__ == "__main__":
    main()
