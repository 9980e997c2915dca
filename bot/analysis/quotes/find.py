"""Direct quotations in an article, with who said them, and the few worth showing.

find_quotes(text)                 every quotation of four words or more, in order
pick_key_quotes(quotes, summary)  the same quotes, ``key=True`` on the best 1–3
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import replace

from bot.analysis.quotes.marks import Span, find_spans
from bot.analysis.quotes.names import (
    NAME_RE,
    PRONOUNS,
    Mention,
    NameIndex,
    clean_name,
    resolve_pronoun,
    sentence_start_before,
    sentence_starts,
    subject_mentions,
    word_list,
)
from bot.analysis.quotes.speakers import (
    Attribution,
    after_quote_in_sentence,
    from_head,
    from_tail,
    role_from_apposition,
    sentence_subject,
)
from bot.models import Quote

# Fewer words than this between the marks is a scare quote or a coined term, not a quotation.
MIN_QUOTE_WORDS = 4
_TITLE_CUE_RE = re.compile(
    r"\b(?:titled|entitled|headlined|named|dubbed|book|novel|film|movie|documentary|song|album"
    r"|show|series|episode of|anthem|column|op-ed|essay|article|program|programme)\s*[,:]?\s*$",
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
# ", head of the Center for Indian Studies," right after a name.
_APPOSITION_RE = re.compile(r",\s+((?:[a-z]|(?:[Tt]he|[Aa]n?)\s)[^,.;:\"“”]{3,240}?)[,.;]")


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


def _name_index(text: str) -> NameIndex:
    """Full names, roles from appositions and honorific genders, in one pass over the names."""
    index = NameIndex()
    for match in NAME_RE.finditer(text):
        raw = match.group()
        end = match.end()
        comma = text.startswith(",", end)
        if not comma and raw.isalpha():
            continue  # one bare word, no apposition: no full name, role or gender to learn
        if not (end - match.start() > 3 or text.startswith(", ", end)):
            continue  # "US", "UN" alone tell nothing
        name = clean_name(raw)
        if name is None:
            continue
        # Most names are not followed by a comma; testing for it is cheaper than the regex.
        apposition = _APPOSITION_RE.match(text, end) if comma else None
        role = role_from_apposition(apposition.group(1)) if apposition else None
        gender = (
            "m" if name.startswith("Mr.") else "f" if name.startswith(("Mrs.", "Ms.")) else None
        )
        if role or gender or " " in name:
            index.add(name, role=role, gender=gender)
    return index


class _Context:
    """Per-article state shared by the attribution of successive quotes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = sentence_starts(text)
        self.index = _name_index(text)
        self.mentions = subject_mentions(text, self.starts, self.index)

    def remember(self, pos: int, name: str) -> None:
        positions = [m.pos for m in self.mentions]
        self.mentions.insert(bisect.bisect_left(positions, pos), Mention(pos, name))


def _tail(text: str, span: Span, next_open: int) -> str:
    if span.runs_on:
        return ""
    end = text.find("\n", span.close_end)
    end = min(end if end >= 0 else len(text), next_open)
    return text[span.close_end : end]


def _head(ctx: _Context, span: Span, floor: int) -> str:
    line_start = ctx.text.rfind("\n", 0, span.open_at) + 1
    start = max(floor, line_start, sentence_start_before(ctx.starts, span.open_at))
    return ctx.text[start : span.open_at]


def _previous_sentence(ctx: _Context, span: Span, floor: int) -> str:
    """The sentence just before the quote's own, outside any earlier quote."""
    own = sentence_start_before(ctx.starts, span.open_at)
    if own <= floor or own == 0:
        return ""
    start = max(floor, sentence_start_before(ctx.starts, own - 1))
    return ctx.text[start:own].strip()


def _attribute(
    ctx: _Context, span: Span, previous: tuple[Span, Attribution] | None, next_open: int
) -> Attribution:
    floor = previous[0].close_end if previous else 0
    closed = not span.runs_on and ctx.text[span.end - 1 : span.end] in (".", "")
    tail = _tail(ctx.text, span, next_open)
    head = _head(ctx, span, floor)
    found = from_tail(tail, sentence_closed=closed) or from_head(head)
    if found is None and head.strip():
        if previous is not None and _continues(ctx, span, previous[0], head):
            return previous[1]
        found = after_quote_in_sentence(tail) or sentence_subject(_head(ctx, span, 0))
    elif found is None:
        found = _from_context(ctx, span, previous, floor)
        if found is None and previous is not None:
            return previous[1]
    if found is None or found.speaker is None:
        return Attribution(None)
    return _resolve(ctx, found, span.open_at)


def _from_context(
    ctx: _Context, span: Span, previous: tuple[Span, Attribution] | None, floor: int
) -> Attribution | None:
    """A quote that opens its sentence with nothing after it: look at what came before."""
    sentence = _previous_sentence(ctx, span, floor)
    found = from_head(sentence)
    if found is None and previous is not None and _continues(ctx, span, previous[0], ""):
        return previous[1]
    if found is None and sentence:
        subject = sentence_subject(sentence)
        named = subject is not None and (subject.speaker or "")[:1].isupper()
        if named or sentence.endswith(":"):
            found = subject
    return found


def _continues(ctx: _Context, span: Span, previous: Span, head: str) -> bool:
    """Split quotes and re-opened paragraphs keep the speaker of the quote before."""
    if span.continued:
        return True
    same_sentence = sentence_start_before(ctx.starts, span.open_at) <= previous.open_at
    if head.strip():
        return same_sentence and "\n" not in head
    gap = ctx.text[previous.close_end : span.open_at]
    return "\n" not in gap and len(gap.split()) <= 40


def _resolve(ctx: _Context, found: Attribution, pos: int) -> Attribution:
    speaker = found.speaker or ""
    if speaker.lower() in PRONOUNS:
        if speaker.lower() in ("i", "we", "it"):
            return Attribution(None)
        named = resolve_pronoun(speaker, pos, ctx.mentions, ctx.index)
        if named is None:
            return Attribution(None)
        speaker = named
    elif speaker[:1].islower():
        return found  # "the report", "a source": no name to look up
    full = ctx.index.resolve(speaker)
    ctx.remember(pos, full)
    return Attribution(full, found.role or ctx.index.role_of(full))


def _transcript_label(text: str, span: Span) -> tuple[Span, Attribution | None]:
    """``"PENCE: Well, look, …`` in a transcript: the label names the speaker."""
    match = _LABEL_RE.match(text, span.start, span.end)
    if match is None:
        return span, None
    who = match.group(1).strip().title()
    return replace(span, start=match.end()), Attribution(who)


def find_quotes(text: str) -> list[Quote]:
    """Every direct quotation of the text in order, each a verbatim span, ``key=False``."""
    spans = [
        s
        for s in find_spans(text)
        if len(text[s.start : s.end].split()) >= MIN_QUOTE_WORDS and not _is_title(text, s)
    ]
    if not spans:
        return []
    ctx = _Context(text)
    quotes: list[Quote] = []
    previous: tuple[Span, Attribution] | None = None
    for i, raw in enumerate(spans):
        span, label = _transcript_label(text, raw)
        next_open = spans[i + 1].open_at if i + 1 < len(spans) else len(text)
        found = label or _attribute(ctx, span, previous, next_open)
        quotes.append(
            Quote(text[span.start : span.end], span.start, span.end, found.speaker, found.role)
        )
        previous = (span, found)
    return quotes


# Words of three letters or more: shorter ones never count, so the regex leaves them out.
_TOKEN_RE = re.compile(r"[^\W_]{3,}")
# A key quote says something: shorter ones are usually fragments of a sentence.
KEY_MIN_WORDS = 8
KEY_MAX_WORDS = 60  # longer than this reads as a paragraph, not a quote
# Share of a quote's words already in a summary sentence (or a picked quote) that makes it
# a repetition rather than an addition.
REDUNDANT_OVERLAP = 0.6


def _tokens(text: str) -> frozenset[str]:
    return frozenset(map(str.lower, _TOKEN_RE.findall(text)))


def _covered(tokens: frozenset[str], others: Sequence[frozenset[str]]) -> bool:
    return any(len(tokens & other) >= REDUNDANT_OVERLAP * len(tokens) for other in others if other)


def _key_score(quote: Quote) -> float:
    words = len(quote.text.split())
    length = min(words, 40) / 40 - max(0, words - KEY_MAX_WORDS) / KEY_MAX_WORDS
    return length + (0.2 if quote.role else 0.0)


def _named(quote: Quote) -> bool:
    speaker = quote.speaker or ""
    return speaker[:1].isupper() and speaker.lower() not in PRONOUNS


def pick_key_quotes(
    quotes: Sequence[Quote], summary: Sequence[str], *, limit: int = 3
) -> list[Quote]:
    """All ``quotes`` in order, ``key=True`` on up to ``limit`` substantive, named, new ones."""
    candidates = sorted(
        (
            (i, q)
            for i, q in enumerate(quotes)
            if _named(q) and len(q.text.split()) >= KEY_MIN_WORDS
        ),
        key=lambda item: -_key_score(item[1]),
    )
    summary_tokens = [_tokens(sentence) for sentence in summary] if candidates else []
    picked: dict[int, frozenset[str]] = {}
    for i, quote in candidates:
        if len(picked) >= limit:
            break
        tokens = _tokens(quote.text)
        if (
            tokens
            and not _covered(tokens, summary_tokens)
            and not _covered(tokens, list(picked.values()))
        ):
            picked[i] = tokens
    # Copy only the quotes whose flag changes: ``replace`` on a frozen dataclass is slow.
    return [
        q if q.key == (i in picked) else replace(q, key=i in picked) for i, q in enumerate(quotes)
    ]
