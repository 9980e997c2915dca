"""Quality figures of the analysis on the shared dev data (run on demand, never in tests).

    python -m benchmarks.quality [DATA_DIR]

Summaries: ROUGE-1/2/Lsum F1 with stemming (rouge-score), summary sentences joined by
newlines, ours beside Lead-3 (the first three sentences by our splitter) in the same run.
Relevance: accuracy / precision / recall of ``geopolitics >= threshold`` and country-tag
precision / recall against our labels. Quotes: ``benchmarks.quotes_eval`` when present.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer

from bot.analysis.sentences import split_sentences
from bot.analysis.summarize import summarize
from bot.analysis.topics import tag
from bot.config import Settings

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def lead3(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)[:3]]


def rouge(
    rows: Sequence[dict[str, Any]], summarizer: Callable[[str], list[str]]
) -> dict[str, float]:
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for row in rows:
        scores = scorer.score(row["reference"], "\n".join(summarizer(row["text"])))
        for name in ROUGE_TYPES:
            totals[name] += scores[name].fmeasure
    return {name: 100 * total / len(rows) for name, total in totals.items()}


def relevance(
    rows: Sequence[dict[str, Any]], labels: dict[str, dict[str, Any]], threshold: float
) -> dict[str, float]:
    tp = fp = fn = tn = 0
    predicted_countries = gold_countries = shared_countries = 0
    for row in rows:
        gold = labels[row["id"]]
        tags = tag("", row["text"])
        predicted = tags.geopolitics >= threshold
        tp += predicted and gold["geopolitics"]
        fp += predicted and not gold["geopolitics"]
        fn += not predicted and gold["geopolitics"]
        tn += not predicted and not gold["geopolitics"]
        predicted_countries += len(tags.countries)
        gold_countries += len(gold["countries"])
        shared_countries += len(set(tags.countries) & set(gold["countries"]))
    return {
        "accuracy": (tp + tn) / len(rows),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "positives (gold)": tp + fn,
        "country precision": shared_countries / predicted_countries if predicted_countries else 0.0,
        "country recall": shared_countries / gold_countries if gold_countries else 0.0,
    }


def quote_figures(data_dir: Path) -> dict[str, float] | None:
    try:
        quotes_eval = importlib.import_module("benchmarks.quotes_eval")
    except ImportError:
        return None
    figures: dict[str, float] = quotes_eval.evaluate_quotes(data_dir / "quotes-dev.jsonl")
    return figures


def print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    columns = list(next(iter(rows.values())))
    print(f"  {'':10}" + "".join(f"{c:>12}" for c in columns))
    for name, values in rows.items():
        print(f"  {name:10}" + "".join(f"{values[c]:12.2f}" for c in columns))


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    data_dir = Path(args[0]) if args else DEFAULT_DATA_DIR
    rows = list(read_jsonl(data_dir / "summaries-dev.jsonl"))
    settings = Settings()
    print(f"{len(rows)} articles from {data_dir}")
    print_table(
        "Summaries: ROUGE F1 x100 (stemmed)",
        {
            "ours": rouge(rows, lambda t: summarize(t, sentences=settings.summary_sentences)),
            "lead-3": rouge(rows, lead3),
        },
    )
    labels = {row["id"]: row for row in read_jsonl(data_dir / "relevance-dev.jsonl")}
    figures = relevance(rows, labels, settings.relevance_threshold)
    print(f"\nRelevance at threshold {settings.relevance_threshold}")
    for name, value in figures.items():
        print(f"  {name:20} {value:.3f}")
    quotes = quote_figures(data_dir)
    if quotes is None:
        print("\nQuotes: benchmarks/quotes_eval.py is missing; no quote figures")
    else:
        print("\nQuotes")
        for name, value in quotes.items():
            print(f"  {name:20} {value:.3f}")


if __name__ == "__main__":
    main()
