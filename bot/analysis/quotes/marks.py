"""Quotation-mark pairing: text → spans of directly quoted words.

The marks are judged by their surroundings rather than their glyph alone, because feeds mix
straight and curly marks, flip curly ones (``”Fear…”``) and use the straight ``'`` both as a
quotation mark and as an apostrophe (``'Moscow appreciates India's foreign policy …'``).
A quote that runs on into the next paragraph follows the news convention: the paragraph ends
without a closing mark and the next one opens again; every paragraph becomes its own span.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_DOUBLE = '"“”„‟'
_SINGLE = "'‘’‚‛"
_GUILLEMET = "«»"
# Two straight apostrophes stand for a double quotation mark in some wire copy. Written as one
# character set first (rather than ``''|[…]``) so that ``re`` can skip to the next mark itself.
_MARK_RE = re.compile(r"[\"“”„‟'‘’‚‛«»](?:(?<=')')?")
_PARAGRAPH_RE = re.compile(r"[^\n]+")
# Characters that may sit right before an opening mark / right after a closing one.
_BEFORE_OPEN = set("([{—–-/:…") | set(_DOUBLE + _SINGLE + _GUILLEMET)
_AFTER_CLOSE = set(",.;:!?)]}—–-…") | set(_DOUBLE + _SINGLE + _GUILLEMET)
# A plural possessive (``the countries' leaders``) looks like a closing mark.
_POSSESSIVE_AFTER_RE = re.compile(r"\s[a-z0-9]")


class Role(enum.Enum):
    OPEN = "open"
    CLOSE = "close"
    EITHER = "either"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Mark:
    pos: int
    family: str  # "double", "single" or "guillemet": marks pair only within a family
    role: Role
    size: int = 1
    weak: bool = False  # a closing candidate that may be a plural possessive


@dataclass(frozen=True, slots=True)
class Span:
    """Quoted words ``text[start:end]``; ``open_at`` is the index of the opening mark."""

    start: int
    end: int
    open_at: int
    close_end: int  # just past the closing mark (the paragraph end when the quote runs on)
    continued: bool = False  # re-opens a quote the previous paragraph left open
    runs_on: bool = False  # left open at the end of its paragraph


# Apostrophes outnumber quotation marks, and every caller drops them: one shared instance.
_NOT_A_MARK = Mark(-1, "", Role.NONE)


def _family(char: str) -> str:
    if char in _DOUBLE:
        return "double"
    if char in _SINGLE:
        return "single"
    return "guillemet"


def _classify(text: str, pos: int, size: int) -> Mark:
    char = text[pos]
    if char in "'’" and text[pos - 1 : pos].isalpha() and text[pos + 1 : pos + 2].isalpha():
        return _NOT_A_MARK  # India's, don't: the most common case, settled first
    family = "double" if size == 2 else _family(char)
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + size] if pos + size < len(text) else " "
    can_open = before.isspace() or before in _BEFORE_OPEN
    can_close = after.isspace() or after in _AFTER_CLOSE
    if can_open and not can_close:
        # ’ is an apostrophe when it opens a word (’90s, ’em); so is ' before a digit.
        if char == "’" or (char == "'" and after.isdigit()):
            return _NOT_A_MARK
        return Mark(pos, family, Role.OPEN, size)
    if can_close and not can_open:
        weak = (
            family == "single"
            and before == "s"
            and _POSSESSIVE_AFTER_RE.match(text, pos + size) is not None
        )
        return Mark(pos, family, Role.CLOSE, size, weak=weak)
    if not can_open and not can_close and family == "single":
        return _NOT_A_MARK  # India's, don't
    return Mark(pos, family, _glyph_role(char), size)


def _glyph_role(char: str) -> Role:
    if char in "“‘«„‚":
        return Role.OPEN
    if char in "”’»":
        return Role.CLOSE
    return Role.EITHER


def _find_close(marks: list[Mark], first: int, family: str) -> int | None:
    """Index in ``marks`` of the mark closing the quote opened at ``marks[first]``.

    Quotes of the same family may nest (“… what he calls “hell” …”); when the outer quote
    never closes, a weak candidate (a possible plural possessive) is the best guess left.
    """
    depth = 1
    weak: int | None = None
    for i in range(first + 1, len(marks)):
        mark = marks[i]
        if mark.family != family:
            continue
        if mark.role is Role.OPEN:
            depth += 1
        elif mark.weak and depth == 1:
            weak = i if weak is None else weak
        elif not mark.weak:
            depth -= 1
            if depth == 0:
                return i
    return weak


def _starts_with_open(text: str, start: int, end: int, family: str) -> bool:
    while start < end and text[start].isspace():
        start += 1
    match = _MARK_RE.match(text, start, end)
    if match is None:
        return False
    mark = _classify(text, start, match.end() - start)
    return mark.family == family and mark.role in (Role.OPEN, Role.EITHER)


def _paragraph_spans(
    text: str, start: int, end: int, next_para: tuple[int, int] | None, continued: bool
) -> tuple[list[Span], bool]:
    """Spans of one paragraph, and whether its last quote runs on into the next one."""
    marks = [
        m
        for m in (
            _classify(text, match.start(), match.end() - match.start())
            for match in _MARK_RE.finditer(text, start, end)
        )
        if m.role is not Role.NONE
    ]
    spans: list[Span] = []
    i = 0
    while i < len(marks):
        mark = marks[i]
        if mark.role is Role.CLOSE:
            i += 1
            continue
        close = _find_close(marks, i, mark.family)
        if close is not None:
            closing = marks[close]
            spans.append(
                _make_span(text, mark, closing.pos, closing.pos + closing.size, continued=continued)
            )
            continued = False
            i = close + 1
            continue
        if mark.role is Role.OPEN and next_para is not None:
            runs_on = _starts_with_open(text, *next_para, mark.family)
            if runs_on:
                spans.append(_make_span(text, mark, end, end, continued=continued, runs_on=True))
                return spans, True
        continued = False
        i += 1
    return spans, False


def _make_span(
    text: str,
    opening: Mark,
    close_at: int,
    close_end: int,
    *,
    continued: bool,
    runs_on: bool = False,
) -> Span:
    start, end = opening.pos + opening.size, close_at
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, opening.pos, close_end, continued=continued, runs_on=runs_on)


def find_spans(text: str) -> list[Span]:
    """Every quoted span of ``text`` in order, nested quotes left inside their outer one."""
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH_RE.finditer(text)]
    spans: list[Span] = []
    runs_on = False
    for index, (start, end) in enumerate(paragraphs):
        next_para = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        found, runs_on = _paragraph_spans(text, start, end, next_para, continued=runs_on)
        spans.extend(found)
    return spans
