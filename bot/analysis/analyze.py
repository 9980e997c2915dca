"""One article in, everything the digest needs out: summary, quotes with speakers, tags, and the
signature story matching compares."""

from __future__ import annotations

from bot.analysis.quotes.find import find_quotes
from bot.analysis.quotes.keys import pick_key_quotes
from bot.analysis.stories import story_signature
from bot.analysis.summarize import summarize
from bot.analysis.topics import tag
from bot.models import Analysis


def analyze(title: str, text: str, *, summary_sentences: int = 3, key_quotes: int = 3) -> Analysis:
    """Summarize, find quotes (marking the key ones), tag and sign one article."""
    summary = summarize(text, sentences=summary_sentences, title=title)
    quotes = find_quotes(text)
    if key_quotes > 0:
        quotes = pick_key_quotes(quotes, summary, text=text, title=title, limit=key_quotes)
    return Analysis(
        summary=tuple(summary),
        quotes=tuple(quotes),
        tags=tag(title, text),
        signature=story_signature(title, text),
    )
