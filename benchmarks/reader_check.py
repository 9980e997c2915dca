"""A reader's check of real news pages read through ``geodigest preview``: the figures.

    python -m benchmarks.reader_check [JUDGEMENTS.jsonl]

A person reads each page through ``geodigest preview`` and writes one JSON object a line, with
no page text: ``url``, ``outlet``, ``world_affairs`` (bool: is the page world affairs?),
``summary_score`` (1-5), ``quotes`` (one ``{"speaker_ok": bool, "role_ok": bool or null}`` per
quote found; ``role_ok`` null when the article gives no role; optional ``"key": true`` on the key
quotes, the ones a digest shows), ``tags_ok``, ``relevance_ok`` (bools) and ``note``. This prints
speaker accuracy (on all quotes and on key quotes), role accuracy, the mean summary score, tag
and relevance agreement, and whether the set has the pages and outlets the check asks for.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).resolve().parent / "pages" / "reader-check.jsonl"
SPEAKER_TARGET = 0.93
SUMMARY_TARGET = 4.0
MIN_WORLD_AFFAIRS_PAGES = 20
MIN_OUTLETS = 8
MIN_OTHER_PAGES = 5


class JudgementError(ValueError):
    """A line of the judgements file that does not say what the check needs."""


@dataclass(frozen=True, slots=True)
class QuoteJudgement:
    speaker_ok: bool
    role_ok: bool | None
    key: bool = False


@dataclass(frozen=True, slots=True)
class Judgement:
    url: str
    outlet: str
    world_affairs: bool
    summary_score: int
    quotes: tuple[QuoteJudgement, ...]
    tags_ok: bool
    relevance_ok: bool
    note: str = ""


def parse_judgement(row: dict[str, Any]) -> Judgement:
    """One judgement from its JSON object; JudgementError says what is wrong with it."""
    try:
        score = row["summary_score"]
        if not isinstance(score, int) or not 1 <= score <= 5:
            raise JudgementError(f"summary_score must be 1 to 5, not {score!r}")
        quotes = tuple(
            QuoteJudgement(
                bool(q["speaker_ok"]),
                None if q.get("role_ok") is None else q["role_ok"],
                key=bool(q.get("key", False)),
            )
            for q in row.get("quotes", [])
        )
        return Judgement(
            url=str(row["url"]),
            outlet=str(row["outlet"]),
            world_affairs=bool(row["world_affairs"]),
            summary_score=score,
            quotes=quotes,
            tags_ok=bool(row["tags_ok"]),
            relevance_ok=bool(row["relevance_ok"]),
            note=str(row.get("note", "")),
        )
    except KeyError as missing:
        raise JudgementError(f"missing {missing}") from None


def load_judgements(path: Path) -> list[Judgement]:
    """Every judgement of a JSONL file (none when the file is absent or empty)."""
    if not path.exists():
        return []
    judgements = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            judgements.append(parse_judgement(json.loads(line)))
        except (JudgementError, json.JSONDecodeError) as error:
            raise JudgementError(f"{path.name} line {number}: {error}") from None
    return judgements


def _share(flags: Iterable[bool]) -> float | None:
    values = list(flags)
    return sum(values) / len(values) if values else None


def figures(judgements: Sequence[Judgement]) -> dict[str, float | None]:
    """Speaker and role accuracy, mean summary score, tag and relevance agreement."""
    quotes = [quote for judgement in judgements for quote in judgement.quotes]
    key_quotes = [quote for quote in quotes if quote.key]
    world = [j for j in judgements if j.world_affairs]
    return {
        "pages": float(len(judgements)),
        "world-affairs pages": float(len(world)),
        "other pages": float(len(judgements) - len(world)),
        "outlets (world affairs)": float(len({j.outlet for j in world})),
        "quotes judged": float(len(quotes)),
        "speaker accuracy": _share(q.speaker_ok for q in quotes),
        "key quotes judged": float(len(key_quotes)),
        "speaker accuracy, key": _share(q.speaker_ok for q in key_quotes),
        "role accuracy": _share(q.role_ok for q in quotes if q.role_ok is not None),
        "mean summary score": (statistics.mean(j.summary_score for j in world) if world else None),
        "tag agreement": _share(j.tags_ok for j in judgements),
        "relevance agreement": _share(j.relevance_ok for j in judgements),
    }


def shortfalls(numbers: dict[str, float | None]) -> list[str]:
    """What the set or the figures still lack against the check's targets."""
    gaps = []
    if (numbers["world-affairs pages"] or 0) < MIN_WORLD_AFFAIRS_PAGES:
        gaps.append(f"fewer than {MIN_WORLD_AFFAIRS_PAGES} world-affairs pages")
    if (numbers["outlets (world affairs)"] or 0) < MIN_OUTLETS:
        gaps.append(f"fewer than {MIN_OUTLETS} outlets")
    if (numbers["other pages"] or 0) < MIN_OTHER_PAGES:
        gaps.append(f"fewer than {MIN_OTHER_PAGES} non-world-affairs pages")
    speaker = numbers["speaker accuracy"]
    if speaker is not None and speaker < SPEAKER_TARGET:
        gaps.append(f"speaker accuracy under {SPEAKER_TARGET}")
    summary = numbers["mean summary score"]
    if summary is not None and summary < SUMMARY_TARGET:
        gaps.append(f"mean summary score under {SUMMARY_TARGET}")
    return gaps


_COUNTS = frozenset(["pages", "world-affairs pages", "other pages", "outlets (world affairs)",
                     "quotes judged", "key quotes judged"])  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else DEFAULT_PATH
    try:
        judgements = load_judgements(path)
    except JudgementError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not judgements:
        print(f"no judgements in {path} yet")
        return 0
    numbers = figures(judgements)
    print(f"Reader's check: {path}")
    for name, value in numbers.items():
        if value is None:
            shown = "-"
        elif name in _COUNTS:
            shown = f"{value:.0f}"
        else:
            shown = f"{value:.2f}" if name == "mean summary score" else f"{value:.3f}"
        print(f"  {name:26}{shown:>8}")
    for gap in shortfalls(numbers):
        print(f"  short of the check: {gap}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
