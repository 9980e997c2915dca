"""Quote extraction quality on an annotated corpus: precision, recall, F1, speaker accuracy.

    python -m benchmarks.quotes_eval [PATH]

Scoring follows the corpus README: a predicted quote matches a gold quote when their normalized
token sets overlap by at least 0.8 (|A∩B| / max(|A|,|B|), one-to-one, greedy); predictions under
four words are not scored because the gold has only quotes of four words or more. Speaker
accuracy counts matched pairs whose gold speaker is a name, right when the prediction contains
the gold speaker's last name.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.analysis.quotes.find import find_quotes
from bot.models import Quote

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "shared/eval/quotes-dev.jsonl"
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


def _rows(path: Path, *, annotated_only: bool) -> Iterator[dict[str, Any]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line) if line.strip() else None
        if row is not None and (row["quotes"] or not annotated_only):
            yield row


def evaluate_quotes(path: Path, *, annotated_only: bool = False) -> dict[str, float]:
    """Precision, recall, F1 and speaker accuracy of ``find_quotes`` on a JSONL corpus.

    ``annotated_only`` skips articles without a single gold quote: in the PolNeAR dev split
    some articles quoting with doubled apostrophes (''…'') were left unannotated, so every
    quote found there counts against precision.
    """
    matched = gold_total = predicted_total = scored = right = 0
    for row in _rows(path, annotated_only=annotated_only):
        gold = [Gold(q["text"], q.get("speaker")) for q in row["quotes"]]
        predicted = [q for q in find_quotes(row["text"]) if len(q.text.split()) >= MIN_WORDS]
        gold_total += len(gold)
        predicted_total += len(predicted)
        for g, p in _match(gold, predicted):
            matched += 1
            if g.speaker and last_name(g.speaker):
                scored += 1
                right += speaker_right(g.speaker, p.speaker)
    precision = matched / predicted_total if predicted_total else 0.0
    recall = matched / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "speaker_accuracy": right / scored if scored else 0.0,
        "matched": float(matched),
        "gold": float(gold_total),
        "predicted": float(predicted_total),
        "speaker_scored": float(scored),
    }


def _print_table(title: str, results: dict[str, float]) -> None:
    print(title)
    for key, value in results.items():
        shown = f"{value:.3f}" if key in _RATIOS else f"{int(value)}"
        print(f"  {key:<18}{shown:>8}")


_RATIOS = frozenset({"precision", "recall", "f1", "speaker_accuracy"})


def main(argv: Sequence[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    path = Path(args[0]) if args else DEFAULT_PATH
    _print_table(f"quotes: {path}", evaluate_quotes(path))
    _print_table(
        "articles with at least one gold quote", evaluate_quotes(path, annotated_only=True)
    )


if __name__ == "__main__":
    main()
