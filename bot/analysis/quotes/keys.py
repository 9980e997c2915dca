"""The few quotes worth showing with a story: whole statements by named people, on its subject.

pick_key_quotes(quotes, summary, text=…, title=…)  the same quotes, ``key=True`` on the best 1–3

A fragment the reporter wove into a sentence ("voiced grave concern over repeated incidents…"),
a line with no speaker and a statement by an institution or an outlet are never key. A short
statement counts when a speech verb attributes it ("'Hope springs eternal,' Biden told
reporters").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.analysis.lexicon import ROLE_HEADS
from bot.analysis.quotes.names import PRONOUNS, is_organization
from bot.analysis.quotes.verbs import attributed_at
from bot.models import Quote

# Words of three letters or more: shorter ones never count, so the regex leaves them out.
_TOKEN_RE = re.compile(r"[^\W_]{3,}")
# A key quote says something: shorter ones are fragments unless a speech verb attributes them.
KEY_MIN_WORDS = 8
KEY_MIN_ATTRIBUTED_WORDS = 2
KEY_MAX_WORDS = 60  # longer than this reads as a paragraph, not a quote
# Share of a quote's words already in a summary sentence (or a picked quote) that makes it
# a repetition rather than an addition.
REDUNDANT_OVERLAP = 0.6
_ROLE_BONUS = 0.2
_TOPIC_BONUS = 0.3  # shares words with the headline or the summary: on the story's subject
_ACRONYM_MAX = 6  # "AFP", "CCTV", "TASS": an outlet or body, not a person
_OPENERS = "[(…. '\"“‘«"
_CLOSERS = " '\"”’»"
_OPENING_MARKS = "'\"“‘«„‚"
# What may stand right before a whole statement's opening mark.
_LEAD_INS = frozenset(":,—–•*-.!?")
_SENTENCE_END_RE = re.compile(r"[.!?][\"”’']$")


def _tokens(text: str) -> frozenset[str]:
    return frozenset(map(str.lower, _TOKEN_RE.findall(text)))


def _covered(tokens: frozenset[str], others: Sequence[frozenset[str]]) -> bool:
    return any(len(tokens & other) >= REDUNDANT_OVERLAP * len(tokens) for other in others if other)


def is_named_person(quote: Quote) -> bool:
    """Whether a person is named as the speaker: not a pronoun, a body, an outlet or a label."""
    speaker = quote.speaker or ""
    if len(speaker) < 2 or not speaker[:1].isupper() or speaker.lower() in PRONOUNS:
        return False
    acronym = speaker.isupper() and len(speaker) <= _ACRONYM_MAX
    # "Reporter", "Moderator" from a transcript's labels name a part, not a person.
    part = " " not in speaker and speaker.lower() in ROLE_HEADS
    return not acronym and not part and not is_organization(speaker)


def is_whole_statement(quote: Quote, text: str) -> bool:
    """A statement in the speaker's own sentence, not a phrase woven into the reporter's."""
    opening = quote.text.lstrip(_OPENERS)[:1]
    if not (opening.isupper() or opening.isdigit()):
        return False
    if not text:
        return True
    mark = quote.start
    while mark > 0 and text[mark - 1] in _OPENING_MARKS:
        mark -= 1
    while mark > 0 and text[mark - 1] in " \t":
        mark -= 1
    before = text[max(0, mark - 2) : mark]
    # Nothing before it on its line, a colon or comma, a dash or bullet, or a finished sentence.
    if before[-1:] in ("", "\n") or before[-1] in _LEAD_INS:
        return True
    return _SENTENCE_END_RE.search(before) is not None


def _eligible(quote: Quote, text: str) -> bool:
    words = len(quote.text.split())
    if not is_named_person(quote) or not is_whole_statement(quote, text):
        return False
    if words >= KEY_MIN_WORDS:
        return True
    if not text or words < KEY_MIN_ATTRIBUTED_WORDS:
        return False
    after_mark = quote.end
    while after_mark < len(text) and text[after_mark] in _CLOSERS:
        after_mark += 1
    return attributed_at(text, after_mark)


def _key_score(quote: Quote, tokens: frozenset[str], topic: frozenset[str]) -> float:
    words = len(quote.text.split())
    length = min(words, 40) / 40 - max(0, words - KEY_MAX_WORDS) / KEY_MAX_WORDS
    on_topic = _TOPIC_BONUS if topic & tokens else 0.0
    return length + (_ROLE_BONUS if quote.role else 0.0) + on_topic


def pick_key_quotes(
    quotes: Sequence[Quote],
    summary: Sequence[str],
    *,
    text: str = "",
    title: str = "",
    limit: int = 3,
) -> list[Quote]:
    """All ``quotes`` in order, ``key=True`` on up to ``limit`` substantive, named, new ones.

    ``text`` is the article the quotes were found in: with it, fragments woven into the
    reporter's sentences are told from whole statements, and short attributed ones qualify.
    """
    eligible = [(i, q, _tokens(q.text)) for i, q in enumerate(quotes) if _eligible(q, text)]
    summary_tokens = [_tokens(sentence) for sentence in summary] if eligible else []
    topic = _tokens(title).union(*summary_tokens) if eligible else frozenset()
    eligible.sort(key=lambda item: -_key_score(item[1], item[2], topic))
    picked: dict[int, frozenset[str]] = {}
    for i, _, tokens in eligible:
        if len(picked) >= limit:
            break
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
