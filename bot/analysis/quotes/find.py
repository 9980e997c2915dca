"""Direct quotations in an article, with who said them.

find_quotes(text)  every quotation of four words or more (or a shorter one a speech verb
                   attributes: "'Hope springs eternal,' Biden told reporters"), in order
``bot.analysis.quotes.keys.pick_key_quotes`` marks the few worth showing.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.analysis.quotes.context import Context
from bot.analysis.quotes.marks import Span, find_spans
from bot.analysis.quotes.names import (
    NAME,
    is_heading,
    sentence_start_before,
    word_list,
)
from bot.analysis.quotes.speakers import (
    Attribution,
    after_quote_in_sentence,
    from_head,
    from_tail,
    sentence_subject,
)
from bot.analysis.quotes.verbs import attributed_at
from bot.models import Quote

# Fewer words than this between the marks is a scare quote or a coined term, not a quotation...
MIN_QUOTE_WORDS = 4
# ... unless a speech verb attributes it right after the closing mark, and it says something.
MIN_ATTRIBUTED_WORDS = 2
_TITLE_CUE_RE = re.compile(
    r"\b(?:titled|entitled|headlined|named|dubbed|called|book|novel|film|movie|documentary"
    r"|song|album|show|series|episode of|anthem|column|op-ed|essay|article|program|programme"
    r"|conference|forum|summit|festival|exhibition|campaign|operation|initiative|project"
    r"|strategy|doctrine|law|bill|act|plan|slogan|motto|hashtag|channel|newspaper|magazine"
    r"|podcast|award|prize|exercises?|drills?|slogan)\s*[,:]?\s*$",
    re.IGNORECASE,
)
_SMALL_WORDS = frozenset(
    word_list(
        """
    a an the and or of in on at to for by with from as is vs
    """
    )
)
_LABEL_RE = re.compile(r"([A-Z][A-Z.'’ -]{1,30}):\s+")
# "Zelenskiy's most notable statements:" before a list of quotes.
_STATEMENTS_RE = re.compile(
    rf"(?P<who>{NAME})[’']s?\s+(?:[\w-]+\s+){{0,3}}?"
    r"(?:statements|remarks|comments|words|quotes|answers|responses|messages|posts)\b"
)


def _is_title(text: str, span: Span) -> bool:
    """Book, show and report titles: capitalised words behind a cue such as "titled"."""
    capitalised = False
    for word in text[span.start : span.end].split():
        if word.lower() in _SMALL_WORDS:
            continue
        if word[:1].isalpha() and not word[:1].isupper():
            return False  # most quotes: the first lower-case word settles it
        capitalised = True
    if not capitalised:
        return False
    line_start = text.rfind("\n", 0, span.open_at) + 1
    before = text[max(line_start, span.open_at - 40) : span.open_at]
    if _TITLE_CUE_RE.search(before):
        return True
    # A capitalised run standing alone as a paragraph is a sub-heading.
    line_end = text.find("\n", span.close_end)
    after = text[span.close_end : line_end if line_end >= 0 else len(text)]
    return not text[line_start : span.open_at].strip() and not after.strip(" .")


def _is_quotation(text: str, span: Span) -> bool:
    """Four words or more, or a short statement a speech verb attributes; never a title."""
    words = len(text[span.start : span.end].split())
    if words < MIN_QUOTE_WORDS and not (
        words >= MIN_ATTRIBUTED_WORDS
        and text[span.start : span.start + 1].isupper()
        and text[span.end - 1 : span.end] in (",", ".", "!", "?")
        and attributed_at(text, span.close_end)
    ):
        return False
    return not _is_title(text, span)


def _tail(text: str, span: Span, next_open: int) -> str:
    if span.runs_on:
        return ""
    end = text.find("\n", span.close_end)
    end = min(end if end >= 0 else len(text), next_open)
    return text[span.close_end : end]


def _head(ctx: Context, span: Span, floor: int) -> str:
    line_start = ctx.text.rfind("\n", 0, span.open_at) + 1
    start = max(floor, line_start, sentence_start_before(ctx.starts, span.open_at))
    return ctx.text[start : span.open_at]


def _previous_sentence(ctx: Context, span: Span, floor: int) -> str:
    """The sentence before the quote's own, outside any earlier quote; headings are skipped."""
    own = sentence_start_before(ctx.starts, span.open_at)
    while own > floor and own > 0:
        start = max(floor, sentence_start_before(ctx.starts, own - 1))
        at_line_start = ctx.text[start - 1 : start] in ("\n", "")
        if not (at_line_start and is_heading(ctx.text, start)):
            return ctx.text[start:own].strip()
        own = start
    return ""


def _attribute(
    ctx: Context, span: Span, previous: tuple[Span, Attribution] | None, next_open: int
) -> Attribution:
    floor = previous[0].close_end if previous else 0
    closed = not span.runs_on and ctx.text[span.end - 1 : span.end] in (".", "")
    tail = _tail(ctx.text, span, next_open)
    head = _head(ctx, span, floor)
    found = from_tail(tail, sentence_closed=closed) or from_head(head)
    if found is None and head.strip(" —–-•*"):
        if previous is not None and _continues(ctx, span, previous[0], head):
            return previous[1]
        found = after_quote_in_sentence(tail) or _known_subject(ctx, _head(ctx, span, 0))
    elif found is None:
        found = _from_context(ctx, span, previous, floor)
        if found is None and previous is not None:
            return previous[1]
    if found is None or found.speaker is None:
        return Attribution(None)
    return ctx.resolve(found, span.open_at, said_at=ctx.sentence_end(span.close_end) - 1)


def _known_subject(ctx: Context, sentence: str) -> Attribution | None:
    """The subject of a sentence quoting someone without a speech verb ("Trump called it …").

    A capitalised word opening a sentence is a name only when the article uses it as one
    elsewhere: "Relations between Russia and Poland are “…”" has no speaker.
    """
    found = sentence_subject(sentence)
    speaker = found.speaker if found is not None else None
    if speaker and speaker[:1].isupper() and " " not in speaker and not ctx.is_name(speaker):
        return None
    return found


def _from_context(
    ctx: Context, span: Span, previous: tuple[Span, Attribution] | None, floor: int
) -> Attribution | None:
    """A quote that opens its sentence with nothing after it: look at what came before."""
    sentence = _previous_sentence(ctx, span, floor)
    found = from_head(sentence)
    if found is None and previous is not None and _continues(ctx, span, previous[0], ""):
        return previous[1]
    if found is None and sentence.endswith(":"):
        statements = _STATEMENTS_RE.search(sentence)
        if statements is not None:
            return Attribution(statements.group("who"))
    if found is None and sentence:
        subject = sentence_subject(sentence)
        named = subject is not None and (subject.speaker or "")[:1].isupper()
        if named or sentence.endswith(":"):
            found = subject
    return found


def _continues(ctx: Context, span: Span, previous: Span, head: str) -> bool:
    """Split quotes and re-opened paragraphs keep the speaker of the quote before."""
    if span.continued:
        return True
    same_sentence = sentence_start_before(ctx.starts, span.open_at) <= previous.open_at
    if head.strip():
        return same_sentence and "\n" not in head
    gap = ctx.text[previous.close_end : span.open_at]
    return "\n" not in gap and len(gap.split()) <= 40


def _transcript_label(text: str, span: Span) -> tuple[Span, Attribution | None]:
    """``"PENCE: Well, look, …`` in a transcript: the label names the speaker."""
    match = _LABEL_RE.match(text, span.start, span.end)
    if match is None:
        return span, None
    who = match.group(1).strip().title()
    return replace(span, start=match.end()), Attribution(who)


def _share_within_sentences(ctx: Context, spans: list[Span], found: list[Attribution]) -> None:
    """A quote left without a speaker takes the one of the next quote in its sentence when
    that sentence closes on the attribution (`` "…" and "…," the ministry said.``)."""
    for i in range(len(spans) - 2, -1, -1):
        if found[i].speaker is not None or found[i + 1].speaker is None:
            continue
        later = spans[i + 1]
        same = sentence_start_before(ctx.starts, later.open_at) <= spans[i].open_at
        if same and _closes_sentence(ctx, later.close_end):
            found[i] = found[i + 1]


# The attribution that ends a sentence is short: ``, the ministry said.``
_CLOSING_ATTRIBUTION_WORDS = 8


def _closes_sentence(ctx: Context, pos: int) -> bool:
    return len(ctx.text[pos : ctx.sentence_end(pos)].split()) <= _CLOSING_ATTRIBUTION_WORDS


def find_quotes(text: str) -> list[Quote]:
    """Every direct quotation of the text in order, each a verbatim span, ``key=False``."""
    spans = [s for s in find_spans(text) if _is_quotation(text, s)]
    if not spans:
        return []
    ctx = Context(text)
    cut: list[Span] = []
    found: list[Attribution] = []
    previous: tuple[Span, Attribution] | None = None
    for i, raw in enumerate(spans):
        span, label = _transcript_label(text, raw)
        next_open = spans[i + 1].open_at if i + 1 < len(spans) else len(text)
        attribution = label or _attribute(ctx, span, previous, next_open)
        cut.append(span)
        found.append(attribution)
        previous = (span, attribution)
    _share_within_sentences(ctx, cut, found)
    return [
        Quote(text[s.start : s.end], s.start, s.end, a.speaker, a.role)
        for s, a in zip(cut, found, strict=True)
    ]
