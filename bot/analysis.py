"""One article in, everything the digest needs out: summary, quotes with speakers, tags."""

from __future__ import annotations

from dataclasses import replace

from bot.models import Analysis
from bot.quotes import find_quotes, pick_key_quotes
from bot.summarize import summarize
from bot.topics import tag


def analyse(title: str, text: str, *, summary_sentences: int = 3, key_quotes: int = 3) -> Analysis:
    """Summarise, find quotes (marking the key ones) and tag one article."""
    summary = summarize(text, sentences=summary_sentences, title=title)
    quotes = find_quotes(text)
    picked = pick_key_quotes(quotes, summary, limit=key_quotes) if key_quotes > 0 else []
    # Match by span and read ``key`` from the picked copies, whether the picker returns every
    # quote with its flag or only the chosen ones.
    key_spans = {(q.start, q.end) for q in picked if q.key}
    marked = tuple(replace(q, key=True) if (q.start, q.end) in key_spans else q for q in quotes)
    return Analysis(summary=tuple(summary), quotes=marked, tags=tag(title, text))
