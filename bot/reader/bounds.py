"""What one feed item may bring in: fields cut to size, text-direction overrides removed.

A feed is written by whoever runs it. A 0.2 MB headline once became 52 chat messages for one
alert; direction overrides (U+202E "right-to-left override" and its kin) make a message appear
to say something else than it does. Everything a feed or an article page brings is passed
through here before it is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from bot.models import Entry

ELLIPSIS = "…"
# A headline is a sentence or two; news sites stay well under 200 characters.
MAX_TITLE_CHARS = 300
# Author lines are names; anything longer is a feed putting prose where a name goes.
MAX_AUTHOR_CHARS = 200
# A long feature runs to ~100 paragraphs and ~60,000 characters; a paragraph to ~2,000.
MAX_PARAGRAPHS = 200
MAX_PARAGRAPH_CHARS = 5_000
MAX_TEXT_CHARS = 100_000
# Embeddings and overrides: LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI. The plain marks
# (LRM, RLM) cannot reorder text and stay.
_DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def strip_direction_controls(text: str) -> str:
    """``text`` without the characters that override or embed a text direction."""
    return _DIRECTION_CONTROLS.sub("", text)


def cut(text: str, limit: int) -> str:
    """``text`` if it fits ``limit`` characters, else cut (at a space when one is near) + "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS)]
    space = head.rfind(" ")
    if space > len(head) * 4 // 5:
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def clean_line(text: str, limit: int) -> str:
    """One line of feed text (a title, a name), safe to show and at most ``limit`` long."""
    return cut(strip_direction_controls(text).strip(), limit)


def bounded_paragraphs(paragraphs: Iterable[str]) -> tuple[str, ...]:
    """At most MAX_PARAGRAPHS paragraphs of at most MAX_PARAGRAPH_CHARS, MAX_TEXT_CHARS in all."""
    kept: list[str] = []
    room = MAX_TEXT_CHARS
    for raw in paragraphs:
        paragraph = cut(strip_direction_controls(raw).strip(), min(MAX_PARAGRAPH_CHARS, room))
        if not paragraph:
            continue
        kept.append(paragraph)
        room -= len(paragraph)
        if len(kept) == MAX_PARAGRAPHS or room <= len(ELLIPSIS):
            break
    return tuple(kept)


def bounded_entry(entry: Entry) -> Entry:
    """The entry with every field within bounds and no direction overrides."""
    author = clean_line(entry.author, MAX_AUTHOR_CHARS) if entry.author else None
    return replace(
        entry,
        title=clean_line(entry.title, MAX_TITLE_CHARS),
        author=author or None,
        paragraphs=bounded_paragraphs(entry.paragraphs),
    )
