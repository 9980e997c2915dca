"""Quote extraction quality on an annotated corpus: precision, recall, F1, speaker accuracy.

    python -m benchmarks.quotes_eval [PATH]

Scoring follows the corpus README: a predicted quote matches a gold quote when their normalized
token sets overlap by at least 0.8 (|A∩B| / max(|A|,|B|), one-to-one, greedy); predictions under
four words are not scored because the gold has only quotes of four words or more. Speaker
accuracy counts matched pairs whose gold speaker is a name, right when the prediction contains
the gold speaker's last name. Every figure is given for the tuning part, the held-out part
(``benchmarks.eval_split``) and the whole file.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.eval_split import is_held_out
from bot.analysis.quotes.find import find_quotes
from bot.models import Quote

# ``shared/eval`` sits beside the checkout (or beside the folder of worktrees): the nearest one.
DEFAULT_PATH = next(
    (
        folder / "shared/eval/quotes-dev.jsonl"
        for folder in Path(__file__).resolve().parents[1:]
        if (folder / "shared/eval/quotes-dev.jsonl").exists()
    ),
    Path(__file__).resolve().parents[2] / "shared/eval/quotes-dev.jsonl",
)
MATCH_THRESHOLD = 0.8
MIN_WORDS = 4
PRONOUNS = frozenset(
    {"he", "she", "they", "it", "i", "we", "you", "him", "her", "them", "his", "hers", "their"}
    | {"its", "this", "that", "one"}
)
_TOKEN_RE = re.compile(r"[^\W_]+")
_PAREN_RE = re.compile(r"\([^)]*\)")
_CUT_RE = re.compile(r"\s+(?:of|at|from|for|who|with)\s+.*$")


@dataclass(frozen=True, slots=True)
class Gold:
    text: str
    speaker: str | None


def tokens(text: str) -> frozenset[str]:
    """Normalized token set: lower-cased words, punctuation dropped."""
    return frozenset(t.lower() for t in _TOKEN_RE.findall(text))


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


def last_name(speaker: str) -> str | None:
    """The last name of an annotated speaker, or None when it is a pronoun or missing."""
    cleaned = _PAREN_RE.sub(" ", speaker).strip(" ,")
    if not cleaned or cleaned.lower() in PRONOUNS:
        return None
    chunks = [c.strip() for c in cleaned.split(",") if c.strip()]
    named = [c for c in chunks if all(w[:1].isupper() for w in c.split())]
    head = _CUT_RE.sub("", named[0] if named else chunks[0])
    words = _TOKEN_RE.findall(head.replace("’s", "").replace("'s", ""))
    return words[-1].lower() if words else None


def _match(gold: Sequence[Gold], predicted: Sequence[Quote]) -> Iterator[tuple[Gold, Quote]]:
    """Greedy one-to-one matching, best overlaps first."""
    gold_tokens = [tokens(g.text) for g in gold]
    pred_tokens = [tokens(p.text) for p in predicted]
    pairs = sorted(
        (
            (overlap(g, p), gi, pi)
            for gi, g in enumerate(gold_tokens)
            for pi, p in enumerate(pred_tokens)
        ),
        reverse=True,
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    for score, gi, pi in pairs:
        if score < MATCH_THRESHOLD:
            break
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        yield gold[gi], predicted[pi]


def speaker_right(gold_speaker: str, predicted: str | None) -> bool:
    name = last_name(gold_speaker)
    return name is not None and predicted is not None and name in tokens(predicted)


PARTS = ("tune", "held-out", "all")


def in_part(article_id: str, part: str) -> bool:
    """Whether an article belongs to ``part``: "tune", "held-out" or "all"."""
    if part == "all":
        return True
    return is_held_out(article_id) == (part == "held-out")


def _rows(path: Path, *, part: str, annotated_only: bool) -> Iterator[dict[str, Any]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if row is None or not in_part(row["id"], part):
            continue
        if row["quotes"] or not annotated_only:
            yield row


@dataclass
class Tally:
    """Counts behind the figures, summed over articles."""

    matched: int = 0
    gold: int = 0
    predicted: int = 0
    speaker_scored: int = 0
    speaker_right: int = 0
    named: int = 0  # predicted quotes given a named speaker (not a pronoun, not None)
    with_role: int = 0  # … of which carry a role

    def add_article(self, gold: Sequence[Gold], predicted: Sequence[Quote]) -> None:
        self.gold += len(gold)
        self.predicted += len(predicted)
        for quote in predicted:
            if _is_named(quote.speaker):
                self.named += 1
                self.with_role += bool(quote.role)
        for g, p in _match(gold, predicted):
            self.matched += 1
            if g.speaker and last_name(g.speaker):
                self.speaker_scored += 1
                self.speaker_right += speaker_right(g.speaker, p.speaker)

    def figures(self) -> dict[str, float]:
        precision = _ratio(self.matched, self.predicted)
        recall = _ratio(self.matched, self.gold)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "speaker_accuracy": _ratio(self.speaker_right, self.speaker_scored),
            "role_fill": _ratio(self.with_role, self.named),
            "matched": float(self.matched),
            "gold": float(self.gold),
            "predicted": float(self.predicted),
            "speaker_scored": float(self.speaker_scored),
            "speaker_right": float(self.speaker_right),
            "named": float(self.named),
            "with_role": float(self.with_role),
        }


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _is_named(speaker: str | None) -> bool:
    return speaker is not None and speaker[:1].isupper() and speaker.lower() not in PRONOUNS


def evaluate_quotes(
    path: Path, *, part: str = "all", annotated_only: bool = False
) -> dict[str, float]:
    """Precision, recall, F1, speaker accuracy and role fill of ``find_quotes`` on a JSONL corpus.

    ``part`` picks the tuning articles, the held-out ones (``benchmarks.eval_split``) or all.
    ``annotated_only`` skips articles without a single gold quote: in the PolNeAR dev split
    some articles quoting with doubled apostrophes (''…'') were left unannotated, so every
    quote found there counts against precision. Role fill is the share of quotes given a named
    speaker that also carry a role.
    """
    tally = Tally()
    for row in _rows(path, part=part, annotated_only=annotated_only):
        gold = [Gold(q["text"], q.get("speaker")) for q in row["quotes"]]
        predicted = [q for q in find_quotes(row["text"]) if len(q.text.split()) >= MIN_WORDS]
        tally.add_article(gold, predicted)
    return tally.figures()


_SHOWN = ("precision", "recall", "f1", "speaker_accuracy", "role_fill")
_COUNTS = ("gold", "predicted", "matched", "speaker_scored", "speaker_right", "named")


def main(argv: Sequence[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    path = Path(args[0]) if args else DEFAULT_PATH
    print(f"quotes: {path}")
    results = {part: evaluate_quotes(path, part=part) for part in PARTS}
    annotated = {part: evaluate_quotes(path, part=part, annotated_only=True) for part in PARTS}
    print(f"  {'':18}" + "".join(f"{part:>10}" for part in PARTS))
    for key in _SHOWN:
        print(f"  {key:<18}" + "".join(f"{results[p][key]:10.3f}" for p in PARTS))
    for key in _COUNTS:
        print(f"  {key:<18}" + "".join(f"{int(results[p][key]):10d}" for p in PARTS))
    print("  articles with at least one gold quote only:")
    for key in ("precision", "recall"):
        print(f"  {key:<18}" + "".join(f"{annotated[p][key]:10.3f}" for p in PARTS))


if __name__ == "__main__":
    main()
