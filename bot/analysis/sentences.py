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

import re
from dataclasses import dataclass

# A blank line (possibly holding spaces) separates paragraphs.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE = re.compile(r"[^\n]+")
# Terminal punctuation (a run of ".!?" or one ellipsis), closing quotes/brackets that belong to
# the sentence, then whitespace. It opens with a plain character set, which lets ``re`` skip to
# the next candidate by itself (twice as fast as ``(?:[.!?]+|…)``); the lookbehind lets only
# ".!?" run on. The lookahead captures the next word, which the decision needs anyway.
_BOUNDARY = re.compile(r"[.!?…](?:(?<=[.!?])[.!?]*)?[\"'”’»)\]]*(?=\s+(\S+))")

# Titles and words that are (almost) never the last word of a sentence when abbreviated.
_NEVER_FINAL = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "lt",
        "col",
        "capt",
        "cpt",
        "sgt",
        "cmdr",
        "adm",
        "maj",
        "brig",
        "pres",
        "supt",
        "insp",
        "st",
        "ste",
        "mt",
        "ft",
        "no",
        "nos",
        "jr",
        "sr",
        "fr",
        "rev",
        "hon",
        "amb",
        "sec",
        "dept",
        "art",
        "fig",
        "op",
        "vol",
    ]
)
# Abbreviations written in lower case; the title list above must be capitalised ("said no.").
_LOWER_ABBREVIATIONS = frozenset(["vs", "v", "approx", "cf", "ca", "e.g", "i.e"])
# Month abbreviations: a boundary only when the next word starts a new sentence.
_MONTHS = frozenset(
    ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)
# Words that end sentences often enough when abbreviated ("… Ltd. The company …").
_MAYBE_FINAL = frozenset(["inc", "ltd", "co", "corp", "plc", "llc", "etc", "bros"])
# After a dotted acronym ("U.S.") we split only before words that typically open a sentence,
# because "U.S. President …" is far more common in news than a sentence ending in "U.S.".
_SENTENCE_OPENERS = frozenset(
    [
        "the",
        "a",
        "an",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "but",
        "and",
        "in",
        "on",
        "at",
        "this",
        "that",
        "these",
        "those",
        "there",
        "his",
        "her",
        "its",
        "their",
        "our",
        "after",
        "before",
        "when",
        "while",
        "as",
        "if",
        "however",
        "meanwhile",
        "yet",
        "so",
        "since",
        "last",
        "earlier",
        "later",
        "officials",
        "police",
        "one",
        "some",
        "many",
        "most",
    ]
)
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
