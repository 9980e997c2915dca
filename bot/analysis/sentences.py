"""Sentence splitting for news text, with character offsets into the original text.

Our own rule-based splitter rather than pysbd: pysbd runs dozens of regex passes over every
paragraph and costs milliseconds per article, which alone would eat the analysis budget, and it
returns text without reliable offsets. News prose only needs a handful of rules: one regex finds
candidate boundaries (terminal punctuation, optional closing quotes, whitespace) and a small
decision function rejects those after abbreviations, initials and dotted acronyms.

Paragraphs are separated by blank lines; a single newline is still a hard break, so a headline
never merges into the first sentence of the body.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.analysis.lexicon import (
    LOWER_ABBREVIATIONS,
    MAYBE_FINAL_ABBREVIATIONS,
    MONTH_ABBREVIATIONS,
    SENTENCE_OPENERS,
    TITLE_ABBREVIATIONS,
)
from bot.analysis.quotes.marks import find_spans

# A blank line (possibly holding spaces) separates paragraphs.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE = re.compile(r"[^\n]+")
# Terminal punctuation (a run of ".!?" or one ellipsis), closing quotes/brackets that belong to
# the sentence, then whitespace. It opens with a plain character set, which lets ``re`` skip to
# the next candidate by itself (twice as fast as ``(?:[.!?]+|…)``); the lookbehind lets only
# ".!?" run on. The lookahead captures the next word, which the decision needs anyway.
_BOUNDARY = re.compile(r"[.!?…](?:(?<=[.!?])[.!?]*)?[\"'”’»)\]]*(?=\s+(\S+))")

# The one abbreviation list of the analysis (the quote finder's sentence starts read it too),
# lower-cased for the decision below.
_NEVER_FINAL = frozenset(word.lower() for word in TITLE_ABBREVIATIONS)
_LOWER_ABBREVIATIONS = frozenset(LOWER_ABBREVIATIONS)
_MONTHS = frozenset(word.lower() for word in MONTH_ABBREVIATIONS)
_MAYBE_FINAL = frozenset(word.lower() for word in MAYBE_FINAL_ABBREVIATIONS)
_SENTENCE_OPENERS = frozenset(SENTENCE_OPENERS)
_OPENING_CHARS = "\"'“‘«([-–—"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``text == source[start:end]``."""

    text: str
    start: int
    end: int
    paragraph: int  # index of the blank-line separated paragraph
    index: int  # position of the sentence within its paragraph


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with offsets, paragraph by paragraph."""
    sentences: list[Sentence] = []
    paragraph = 0
    position = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        stop = brk.start() if brk else len(text)
        index = 0
        for line in _LINE.finditer(text, position, stop):
            for start, end in _split_line(text, line.start(), line.end()):
                sentences.append(Sentence(text[start:end], start, end, paragraph, index))
                index += 1
        if index:
            paragraph += 1
        if brk is None:
            break
        position = brk.end()
    return sentences


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one line, stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    begin = start
    line = text[start:end]
    for match in _BOUNDARY.finditer(line):
        # Slicing the line per candidate would be quadratic on long lines: look around in place.
        at = match.start()
        word = line[max(line.rfind(" ", 0, at), line.rfind("\t", 0, at)) + 1 : at]
        if _is_boundary(word, match.group(0), match.group(1)):
            spans.append((begin, start + match.end()))
            begin = start + match.end()
    spans.append((begin, end))
    return [span for span in (_strip(text, s, e) for s, e in spans) if span[0] < span[1]]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_boundary(word: str, mark: str, next_word: str) -> bool:
    """Decide whether terminal punctuation ``mark`` after ``word`` ends a sentence."""
    first = next_word[0]
    if first.islower():
        # "… and so on. and" or "?” she asked" — lower case continues the sentence.
        return False
    if not (first.isupper() or first.isdigit() or first in _OPENING_CHARS):
        return False
    if not mark.startswith(".") or mark.startswith(".."):
        return True  # "!", "?", ellipsis followed by a capital
    word = word.lstrip(_OPENING_CHARS)
    return not word or _ends_after_word(word, next_word)


def _ends_after_word(word: str, next_word: str) -> bool:
    """A full stop after ``word`` ends the sentence unless the word is an abbreviation."""
    lowered = word.lower()
    if (lowered in _NEVER_FINAL and word[0].isupper()) or lowered in _LOWER_ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: "J. R. R. Tolkien"
    opener = next_word.strip(_OPENING_CHARS).lower()
    if lowered in _MONTHS:
        return not next_word[0].isdigit() and opener in _SENTENCE_OPENERS
    if "." in word:
        # Dotted acronyms (U.S., U.N., a.m.) are usually followed by more of the sentence.
        return opener in _SENTENCE_OPENERS
    if lowered in _MAYBE_FINAL:
        return opener in _SENTENCE_OPENERS
    return True


def quote_units(text: str, sentences: Sequence[Sentence]) -> list[Sentence]:
    """Sentences joined so that no quotation is cut: a quote over several sentences is one unit.

    A unit that still opens or closes a quotation it does not hold whole (a quote that runs on
    into the next paragraph, an unpaired mark) is left out: it would read as half a quote.
    """
    if not sentences:
        return []
    starts = [sentence.start for sentence in sentences]
    last = list(range(len(sentences)))  # the last sentence of the unit each one opens
    broken = [False] * len(sentences)
    for span in find_spans(text):
        first = bisect.bisect_right(starts, span.open_at) - 1
        end = bisect.bisect_right(starts, max(span.close_end - 1, span.open_at)) - 1
        if span.runs_on or span.continued:
            for i in range(first, end + 1):
                broken[i] = True
        last[first] = max(last[first], end)
    units: list[Sentence] = []
    i = 0
    while i < len(sentences):
        stop = i
        j = i
        while j <= stop:  # a quote opened inside the unit may close further on
            stop = max(stop, last[j])
            j += 1
        head, tail = sentences[i], sentences[stop]
        if not any(broken[i : stop + 1]):
            unit = text[head.start : tail.end]
            if _quotes_balanced(unit):
                units.append(Sentence(unit, head.start, tail.end, head.paragraph, head.index))
        i = stop + 1
    return units


def _quotes_balanced(text: str) -> bool:
    """Every double quotation mark of ``text`` is closed inside it."""
    return text.count('"') % 2 == 0 and text.count("“") == text.count("”")
