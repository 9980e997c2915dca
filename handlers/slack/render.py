"""Digests and alerts → Slack Block Kit messages within Slack's limits (pure functions).

A digest is a header, then per story a section (linked headline, its outlets, the summary, key
quotes as ``>`` lines) and a context line (countries, themes, time), with dividers between
stories. Block Kit takes at most 50 blocks per message, 3,000 characters per section text and
150 per header, so a long digest becomes several messages, in order; a story is kept within one
message whenever it fits. Every message carries a plain ``text`` too: Slack shows it in
notifications, and it is what is sent alone when Slack rejects the blocks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.analysis.topics import country_name
from bot.models import Digest, DigestStory, Quote, Rendered
from handlers.slack.mrkdwn import clean, cut, escape, length, link, shorten

# Block Kit limits (api.slack.com/reference/block-kit/blocks): 50 blocks per message, 3,000
# characters per section text, 150 per header text.
MAX_BLOCKS = 50
SECTION_LIMIT = 3000
HEADER_LIMIT = 150
# chat.postMessage: `text` is best kept under 4,000 characters (truncated past 40,000).
TEXT_LIMIT = 3000
BLOCKS_FORMAT = "blocks"

MAX_QUOTES_PER_STORY = 3
HEADLINE_LIMIT = 250
OUTLET_NAME_LIMIT = 80
OUTLETS_LINE_LIMIT = 1200
SPEAKER_LIMIT = 120
TAGS_SHOWN = 10
TAG_LIMIT = 40
FALLBACK_TITLE_LIMIT = 200
_QUOTE_MARKS = "\"'“”‘’«»„"
# Looks like an asterisk, but does not end the headline's bold.
_ASTERISK_LOOKALIKE = "∗"

Block = dict[str, Any]
DIVIDER: Block = {"type": "divider"}


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _header(text: str) -> Block:
    # Slack reads entities in plain text too; the escaped form must keep to the limit.
    title = escape(text)
    while length(title) > HEADER_LIMIT:
        text = shorten(text, max(1, len(text) - (length(title) - HEADER_LIMIT)))
        title = escape(text)
    return {"type": "header", "text": {"type": "plain_text", "text": title}}


@dataclass(frozen=True, slots=True)
class Line:
    """A line of a story's section: fixed mrkdwn, or raw text cut to fit and then escaped."""

    fixed: str = ""
    raw: str = ""
    prefix: str = ""  # mrkdwn put before every part of a cut raw line (">" for quotes)

    def parts(self) -> Iterator[str]:
        if self.fixed:
            yield self.fixed
            return
        for part in cut(self.raw, SECTION_LIMIT - length(self.prefix)):
            yield self.prefix + part


def _headline(story: DigestStory) -> str:
    label = clean(story.headline) or clean(story.url) or "Untitled story"
    label = shorten(label, HEADLINE_LIMIT).replace("*", _ASTERISK_LOOKALIKE)
    return f"*{link(label, story.url)}*"


def _outlets(story: DigestStory) -> str:
    sources = [s for s in story.sources if clean(s.name)]
    if not sources:
        return ""
    links = [link(shorten(clean(s.name), OUTLET_NAME_LIMIT), s.url) for s in sources]
    if len(links) == 1 and not story.update:
        return f"via {links[0]}"
    line = "Also reported by" if story.update else f"Reported by {len(links)} outlets:"
    for index, item in enumerate(links):
        rest = len(links) - index
        if length(f"{line} {item}, and {rest} more") > OUTLETS_LINE_LIMIT:
            return f"{line} and {rest} more"
        line += (" " if index == 0 else ", ") + item
    return line


def _chosen_quotes(quotes: Sequence[Quote]) -> list[Quote]:
    key = [q for q in quotes if q.key]
    return (key or list(quotes))[:MAX_QUOTES_PER_STORY]


def _quote_lines(quote: Quote) -> list[Line]:
    text = clean(quote.text).strip(_QUOTE_MARKS + " ")
    if not text:
        return []
    lines = [Line(raw=f"“{text}”", prefix=">")]
    speaker = shorten(clean(quote.speaker or ""), SPEAKER_LIMIT)
    if speaker:
        role = shorten(clean(quote.role or ""), SPEAKER_LIMIT)
        lines.append(Line(fixed=">— " + escape(f"{speaker}, {role}" if role else speaker)))
    return lines


def _story_lines(story: DigestStory) -> list[Line]:
    headline = _headline(story)
    lines = [Line(fixed=f"Update: {headline}" if story.update else headline)]
    outlets = _outlets(story)
    if outlets:
        lines.append(Line(fixed=outlets))
    if story.update:
        # The chat had this story: only who else reported it since is news.
        return lines
    summary = " ".join(s for s in map(clean, story.summary) if s)
    if summary:
        lines.append(Line(raw=summary))
    for quote in _chosen_quotes(story.quotes):
        lines += _quote_lines(quote)
    return lines


def sections(lines: Sequence[Line]) -> list[str]:
    """Lines joined into section texts of at most SECTION_LIMIT characters each."""
    texts: list[str] = []
    current: list[str] = []
    used = 0
    for line in lines:
        for part in line.parts():
            size = length(part)
            if current and used + 1 + size > SECTION_LIMIT:
                texts.append("\n".join(current))
                current, used = [], 0
            used += size + (1 if current else 0)
            current.append(part)
    if current:
        texts.append("\n".join(current))
    return texts


def _time(moment: datetime) -> str:
    """A time each reader sees in their own time zone (Slack's date token), UTC as fallback."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    fallback = moment.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _tags(values: Sequence[str]) -> str:
    shown = [escape(shorten(clean(v), TAG_LIMIT)) for v in values if clean(v)]
    return ", ".join(list(dict.fromkeys(shown))[:TAGS_SHOWN])


def _context_line(story: DigestStory) -> str:
    parts = []
    countries = _tags([country_name(c.upper()) for c in story.countries])
    if countries:
        parts.append(f"Countries: {countries}")
    themes = _tags(story.themes)
    if themes:
        parts.append(f"Themes: {themes}")
    if story.published is not None:
        parts.append(_time(story.published))
    return " · ".join(parts)


def story_blocks(story: DigestStory) -> list[Block]:
    """One story's blocks: its sections, then its context line when it has one."""
    blocks = [section(text) for text in sections(_story_lines(story))]
    line = "" if story.update else _context_line(story)
    return [*blocks, context(line)] if line else blocks


@dataclass
class _Message:
    blocks: list[Block] = field(default_factory=list)
    stories: list[DigestStory] = field(default_factory=list)


def _pack(opening: list[Block], stories: Sequence[DigestStory]) -> list[_Message]:
    """Stories' blocks into messages of at most MAX_BLOCKS, dividers between stories."""
    messages = [_Message(list(opening))]
    for story in stories:
        group = story_blocks(story)
        current = messages[-1]
        divider = 1 if current.blocks else 0
        if current.blocks and len(current.blocks) + divider + len(group) > MAX_BLOCKS:
            current = _Message()
            messages.append(current)
        if current.blocks:
            current.blocks.append(DIVIDER)
        current.stories.append(story)
        for block in group:
            if len(current.blocks) == MAX_BLOCKS:  # a story too long for one message
                current = _Message()
                messages.append(current)
            current.blocks.append(block)
    return [m for m in messages if m.blocks]


def _fallback(title: str, stories: Sequence[DigestStory]) -> str:
    """The message as plain mrkdwn text: a title line, then each story's linked headline."""
    text = escape(shorten(clean(title), FALLBACK_TITLE_LIMIT)) if title else ""
    for index, story in enumerate(stories):
        label = shorten(clean(story.headline) or clean(story.url) or "Untitled story", 200)
        line = f"• {link(label, story.url)}"
        rest = len(stories) - index
        if length(f"{text}\n{line}\n… and {rest} more") > TEXT_LIMIT:
            return f"{text}\n… and {rest} more".strip()
        text = f"{text}\n{line}" if text else line
    return text


def _rendered(messages: Sequence[_Message], title: str) -> list[Rendered]:
    rendered = []
    for index, message in enumerate(messages):
        heading = title if index == 0 else f"{title} (continued)"
        rendered.append(
            Rendered(
                text=_fallback(heading, message.stories),
                format=BLOCKS_FORMAT,
                payload=json.dumps(message.blocks, ensure_ascii=False),
            )
        )
    return rendered


def _digest_line(digest: Digest) -> str:
    updates = sum(story.update for story in digest.stories)
    count = len(digest.stories) - updates
    line = f"{count} {'story' if count == 1 else 'stories'}"
    if updates:
        line += f" · {updates} {'update' if updates == 1 else 'updates'}"
    moment = digest.generated_at
    return f"{moment.day} {moment:%B %Y} · {line}" if moment else line


def render_slack_digest(digest: Digest) -> list[Rendered]:
    """A digest as Slack messages (Block Kit plus plain text), in order."""
    if not digest.stories:
        return [Rendered(text=escape(EMPTY_DIGEST))]
    title = clean(digest.title) or "Digest"
    opening = [_header(title), context(escape(_digest_line(digest)))]
    return _rendered(_pack(opening, digest.stories), f"{title}: {_digest_line(digest)}")


def render_slack_alert(story: DigestStory) -> list[Rendered]:
    """One new story as an instant alert (Block Kit plus plain text)."""
    return _rendered(_pack([], [story]), "Update" if story.update else "New story")


EMPTY_DIGEST = (
    "No new stories since your last digest. Your feeds may be quiet, or your filters strict: "
    "/geodigest list shows your feeds."
)
