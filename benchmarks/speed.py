"""Speed of the whole analysis per article, beside sumy's LexRank on the same articles.

    python -m benchmarks.speed [DATA_DIR]

Median milliseconds per article over the summaries-dev articles, best of a few rounds. sumy's
default tokenizer needs NLTK data that cannot be downloaded here, so LexRank gets a tokenizer
built on our sentence splitter: it is timed on its summarization, not on NLTK.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sumy.parsers.plaintext import PlaintextParser
from sumy.summarizers.lex_rank import LexRankSummarizer

from benchmarks.quality import DEFAULT_DATA_DIR, read_jsonl
from bot.analysis.analyze import analyze
from bot.analysis.quotes.find import find_quotes
from bot.analysis.quotes.keys import pick_key_quotes
from bot.analysis.sentences import split_sentences
from bot.analysis.summarize import summarize
from bot.analysis.topics import tag

ROUNDS = 5
_WORDS = re.compile(r"\w+(?:['’-]\w+)*")


class SplitterTokenizer:
    """The two methods sumy's parser calls, backed by our splitter."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(s.text for s in split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORDS.findall(sentence))


def paired_medians(
    texts: Sequence[str], first: Callable[[str], object], second: Callable[[str], object]
) -> tuple[float, float]:
    """Per article, the best of ROUNDS timings of each, taken in turns; then the medians.

    Taking turns article by article puts both under the same load from the rest of the
    machine, so a busy moment cannot favor either side.
    """
    best: tuple[list[float], list[float]] = ([], [])
    for text in texts:
        timings: tuple[list[float], list[float]] = ([], [])
        for _ in range(ROUNDS):
            for run, into in ((first, timings[0]), (second, timings[1])):
                started = time.perf_counter()
                run(text)
                into.append(time.perf_counter() - started)
        best[0].append(min(timings[0]) * 1000)
        best[1].append(min(timings[1]) * 1000)
    return statistics.median(best[0]), statistics.median(best[1])


def median_ms(texts: Sequence[str], run: Callable[[str], object]) -> float:
    """Per article, the best of ROUNDS timings; then the median over articles."""
    per_article = []
    for text in texts:
        best = float("inf")
        for _ in range(ROUNDS):
            started = time.perf_counter()
            run(text)
            best = min(best, time.perf_counter() - started)
        per_article.append(best * 1000)
    return statistics.median(per_article)


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    data_dir = Path(args[0]) if args else DEFAULT_DATA_DIR
    texts = [row["text"] for row in read_jsonl(data_dir / "summaries-dev.jsonl")]
    tokenizer = SplitterTokenizer()
    lexrank = LexRankSummarizer()

    def run_lexrank(text: str) -> object:
        return lexrank(PlaintextParser.from_string(text, tokenizer).document, 3)

    analyze("", texts[0])  # build the lazily loaded tables outside the timing
    ours, theirs = paired_medians(texts, lambda text: analyze("", text), run_lexrank)
    print(f"{len(texts)} articles, median of best-of-{ROUNDS} per article")
    print(f"  analyze() (summary + quotes + tags)  {ours:8.2f} ms")
    print(f"  sumy LexRank summary only           {theirs:8.2f} ms")
    print(f"  speed-up                            {theirs / ours:8.1f} x")
    print("stages of analyze(), each timed on its own")
    for name, ms in stage_medians(texts).items():
        print(f"  {name:36s}{ms:8.2f} ms")


def stage_medians(texts: Sequence[str]) -> dict[str, float]:
    """Median ms per article of each step ``analyze`` runs, to show where the time goes."""
    summaries = {text: summarize(text) for text in texts}
    quotes = {text: find_quotes(text) for text in texts}
    return {
        "split_sentences": median_ms(texts, split_sentences),
        "summarize (incl. splitting)": median_ms(texts, summarize),
        "find_quotes": median_ms(texts, find_quotes),
        "pick_key_quotes": median_ms(
            texts, lambda t: pick_key_quotes(quotes[t], summaries[t], text=t)
        ),
        "tag": median_ms(texts, lambda text: tag("", text)),
    }


if __name__ == "__main__":
    main()
