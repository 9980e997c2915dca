"""Quality figures of the analysis on the shared dev data (run on demand, never in tests).

    python -m benchmarks.quality [DATA_DIR] [--cli]

Every dev article goes to ``geodigest preview`` as a one-paragraph ``.txt`` (the shape of the
CNN/DailyMail lines): in process through the function the command runs, or, with ``--cli``,
through the installed command itself, one process per article. Every figure is reported on the
tune and held-out parts of the fixed split (``benchmarks.eval_split``) separately.

Summaries: ROUGE-1/2/Lsum F1 with stemming (rouge-score), summary sentences joined by newlines,
beside Lead-3 (the first three sentences by our splitter) in the same run.
Relevance: accuracy / precision / recall of ``geopolitics >= threshold`` on the dev labels and on
our own labelled fixtures, and country-tag precision / recall on the dev labels.
Quotes: ``benchmarks.quotes_eval``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer

from benchmarks.eval_split import is_held_out
from benchmarks.quotes_eval import evaluate_quotes
from bot.analysis.sentences import split_sentences
from bot.config import Settings
from bot.pipeline.preview import preview_file

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
# Our own labelled articles (split like the dev data), and world-affairs articles in the shapes
# that scored under the chat threshold on real pages (all tuned on: listed one by one).
RELEVANCE_FIXTURES = FIXTURES / "relevance.jsonl"
NAMED_FIXTURES = FIXTURES / "relevance-named.jsonl"
ROUGE_TYPES = ("rouge1", "rouge2", "rougeLsum")
PARTS = ("tune", "held-out")

Preview = Callable[[Path], dict[str, Any]]


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def part_of(row: dict[str, Any]) -> str:
    return "held-out" if is_held_out(row["id"]) else "tune"


def lead3(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)[:3]]


def in_process_preview(settings: Settings) -> Preview:
    """What ``geodigest preview FILE --json`` prints, without starting a process."""
    return lambda path: preview_file(path, settings)


def command_preview(path: Path) -> dict[str, Any]:
    """``geodigest preview FILE --json`` as a reader runs it."""
    command = Path(sys.executable).with_name("geodigest")
    done = subprocess.run(
        [str(command), "preview", str(path), "--json"], capture_output=True, check=True, text=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def preview_all(rows: Sequence[dict[str, Any]], preview: Preview) -> dict[str, dict[str, Any]]:
    """Each article written as a .txt page (title line, when it has one, then one paragraph)."""
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for row in rows:
            path = Path(folder) / f"{row['id']}.txt"
            title = row.get("title", "")
            path.write_text(f"{title}\n\n{row['text']}\n" if title else f"{row['text']}\n")
            results[row["id"]] = preview(path)
    return results


def rouge(
    rows: Sequence[dict[str, Any]], summaries: Callable[[dict[str, Any]], list[str]]
) -> dict[str, float]:
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for row in rows:
        scores = scorer.score(row["reference"], "\n".join(summaries(row)))
        for name in ROUGE_TYPES:
            totals[name] += scores[name].fmeasure
    return {name: 100 * total / len(rows) for name, total in totals.items()}


def relevance(
    rows: Sequence[dict[str, Any]], previews: dict[str, dict[str, Any]], threshold: float
) -> dict[str, float]:
    """Agreement of ``geopolitics >= threshold`` (and of country tags, when labelled)."""
    tp = fp = fn = tn = 0
    predicted_countries = gold_countries = shared_countries = 0
    for row in rows:
        result = previews[row["id"]]
        predicted = result["geopolitics"] >= threshold
        tp += predicted and row["geopolitics"]
        fp += predicted and not row["geopolitics"]
        fn += not predicted and row["geopolitics"]
        tn += not predicted and not row["geopolitics"]
        if "countries" in row:
            predicted_countries += len(result["countries"])
            gold_countries += len(row["countries"])
            shared_countries += len(set(result["countries"]) & set(row["countries"]))
    figures = {
        "articles": float(len(rows)),
        "positives": float(tp + fn),
        "accuracy": (tp + tn) / len(rows) if rows else 0.0,
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
    }
    if gold_countries:
        figures["country P"] = shared_countries / max(predicted_countries, 1)
        figures["country R"] = shared_countries / gold_countries
    return figures


def print_table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    columns = list(next(iter(rows.values())))
    print(f"  {'':18}" + "".join(f"{c:>11}" for c in columns))
    for name, values in rows.items():
        print(f"  {name:18}" + "".join(f"{values.get(c, 0.0):11.3f}" for c in columns))


def summary_figures(rows: Sequence[dict[str, Any]], previews: dict[str, dict[str, Any]]) -> None:
    table = {}
    for part in PARTS:
        chosen = [row for row in rows if part_of(row) == part]
        table[f"ours {part}"] = rouge(chosen, lambda row: previews[row["id"]]["summary"])
        table[f"lead-3 {part}"] = rouge(chosen, lambda row: lead3(row["text"]))
        empty = sum(not previews[row["id"]]["summary"] for row in chosen)
        table[f"ours {part}"]["empty"] = float(empty)
        table[f"lead-3 {part}"]["empty"] = 0.0
    print_table(f"Summaries through preview: ROUGE F1 x100 (stemmed), {len(rows)} articles", table)


def relevance_table(
    rows: Sequence[dict[str, Any]], previews: dict[str, dict[str, Any]], threshold: float
) -> dict[str, dict[str, float]]:
    return {
        part: relevance([row for row in rows if part_of(row) == part], previews, threshold)
        for part in PARTS
    }


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    settings = Settings()
    threshold = settings.relevance_threshold
    preview = command_preview if "--cli" in args else in_process_preview(settings)
    folders = [arg for arg in args if not arg.startswith("--")]
    data_dir = Path(folders[0]) if folders else DEFAULT_DATA_DIR
    rows = list(read_jsonl(data_dir / "summaries-dev.jsonl"))
    held_out = sum(part_of(row) == "held-out" for row in rows)
    print(f"{len(rows)} articles from {data_dir}, {held_out} of them held out")
    previews = preview_all(rows, preview)
    summary_figures(rows, previews)
    labels = {row["id"]: row for row in read_jsonl(data_dir / "relevance-dev.jsonl")}
    labelled = [{**row, **labels[row["id"]]} for row in rows if row["id"] in labels]
    print_table(
        f"Relevance on the dev labels at threshold {threshold}",
        relevance_table(labelled, previews, threshold),
    )
    fixtures = list(read_jsonl(RELEVANCE_FIXTURES))
    print_table(
        f"Relevance on our labelled fixtures at threshold {threshold}",
        relevance_table(fixtures, preview_all(fixtures, preview), threshold),
    )
    named = list(read_jsonl(NAMED_FIXTURES))
    named_previews = preview_all(named, preview)
    print("\nNamed world-affairs examples: geopolitics score, countries")
    for row in named:
        result = named_previews[row["id"]]
        print(f"  {row['id']:32} {result['geopolitics']:6.3f}  {' '.join(result['countries'])}")
    print("\nQuotes")
    for name, value in evaluate_quotes(data_dir / "quotes-dev.jsonl").items():
        print(f"  {name:20} {value:.3f}")


if __name__ == "__main__":
    main()
