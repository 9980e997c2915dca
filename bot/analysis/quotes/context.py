"""Per-article state shared by the attribution of successive quotes.

One pass over the names of the article gives their full forms, honorific genders and where
they stand; ``Context.resolve`` then turns what a quote's attribution says ("he", "it",
"they", "Lin") into the person, body or group meant, in full, with their role.
"""

from __future__ import annotations

import bisect
import functools
import re

from bot.analysis.quotes.names import (
    NAME_RE,
    NOT_NAME,
    ORG_WORDS,
    PRONOUNS,
    clean_name,
    is_heading,
    is_organization,
    sentence_start_before,
    sentence_starts,
    strip_titles,
)
from bot.analysis.quotes.people import (
    Mention,
    NameIndex,
    Seen,
    resolve_pronoun,
    subject_mentions,
)
from bot.analysis.quotes.roles import clean_role, role_from_apposition, title_before
from bot.analysis.quotes.speakers import Attribution, plural_subject
from bot.analysis.quotes.verbs import (
    GROUP_SPEECH_RE,
    REPORTED_RE,
    SPEECH_AFTER_RE,
    TITLE_GAP_RE,
    has_speech_verb,
    verb_spans,
)

# ", head of the Center for Indian Studies," right after a name.
_APPOSITION_RE = re.compile(r",[^\S\n]+([^,.;:\"“”\n]{3,240}?)[,.;]")
_GENDERS = {"he": "m", "she": "f"}
_HONORIFIC_GENDERS = {"Mr": "m", "Mrs": "f", "Ms": "f"}
_SPEECH_BEFORE_WINDOW = 60  # characters before a name where "said" makes it the speaker
_HEADLINE_RUN_SPACES = 2  # three capitalised words or more on a heading line
# How far after a quote's attribution a bare "he said" still goes to the same speaker unasked.
_SPEAKING_ON_CHARS = 400


def _index_names(text: str) -> tuple[NameIndex, list[tuple[int, int, str]]]:
    """Full names, honorific genders and where names stand with a title or an apposition,
    in one pass; also every capitalised run that may be a speaker, for ``_speaking``."""
    index = NameIndex(read_role=functools.partial(_role_at, text))
    candidates: list[tuple[int, int, str]] = []
    added: set[str] = set()
    headings: dict[int, bool] = {}
    for match in NAME_RE.finditer(text):
        raw = match.group()
        start, end = match.span()
        candidates.append((start, end, raw))
        comma = text.startswith(",", end)
        if not comma and raw.isalpha():
            continue  # one bare word, no apposition: nothing to learn yet
        name = clean_name(raw)
        if name is None or not (end - start > 3 or comma):
            continue  # "US", "UN" alone tell nothing
        if name.endswith(("'s", "’s")):
            # "Warren Christopher's last stop, …": a full name, but the apposition is not his.
            name, comma = name[:-2], False
        if name.count(" ") >= _HEADLINE_RUN_SPACES and _on_heading(text, start, headings):
            continue  # "Washington Post Hit Piece Exploits Trump" is a headline, not a name
        if " " in name and raw not in added:
            added.add(raw)
            index.add(name, gender=_HONORIFIC_GENDERS.get(name.split(".")[0]))
        # Roles are read from here only for the people who turn out to matter.
        index.note(name, Seen(start, raw, name, comma))
    return index, candidates


def _speaking(text: str, candidates: list[tuple[int, int, str]]) -> list[Mention]:
    """The names standing right before or after a speech verb: people speaking there.

    Found from the verbs, which are few, rather than from every capitalised word.
    """
    starts = [start for start, _, _ in candidates]
    ends = [end for _, end, _ in candidates]
    chosen: set[int] = set()
    for verb_start, _ in verb_spans(text):
        at = bisect.bisect_right(ends, verb_start) - 1  # "Zhao (also) said"
        if at >= 0 and SPEECH_AFTER_RE.match(text, ends[at]) is not None:
            chosen.add(at)
    for _, verb_end in verb_spans(text, inverting=True):
        at = bisect.bisect_left(starts, verb_end)  # "said (spokesman) Wang Lei"
        while at < len(starts) and starts[at] - verb_end <= _SPEECH_BEFORE_WINDOW:
            if TITLE_GAP_RE.fullmatch(text, verb_end, starts[at]) is not None:
                chosen.add(at)
            at += 1
    speaking: list[Mention] = []
    for at in sorted(chosen):
        start, _, raw = candidates[at]
        name = None if raw.isalpha() and raw.lower() in NOT_NAME else clean_name(raw)
        if name and not name.endswith(("'s", "’s")) and not is_organization(name):
            speaking.append(Mention(start, name, speaking=True))
    return speaking


def _on_heading(text: str, start: int, known: dict[int, bool]) -> bool:
    """``is_heading`` for the line holding ``start``, asked once per line."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start not in known:
        known[line_start] = is_heading(text, start)
    return known[line_start]


def _role_at(text: str, seen: Seen) -> str | None:
    """The role an apposition after the name gives, else the title before or inside it."""
    name, run = seen.name, seen.run
    if seen.comma:
        apposition = _APPOSITION_RE.match(text, seen.start + len(run))
        if apposition is not None:
            words = apposition.group(1)
            role = role_from_apposition(words, has_verb=has_speech_verb(words))
            if role:
                return role
    title, bare = strip_titles(name)
    start = seen.start + run.find(name.split()[0])
    inside = ""
    if title:
        # The title as written, with what sticks to its first word ("RFE/RL President").
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        inside = text[start : seen.start + run.rfind(bare)]
    before = title_before(text, start, continued=bool(title))
    return clean_role(" ".join(part for part in (before, inside) if part))


class Context:
    """The article's text, sentence starts, names and the speakers found so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = sentence_starts(text)
        self.index, self._candidates = _index_names(text)
        self._mentions: list[Mention] | None = None  # read when a pronoun needs them
        self._remembered: list[Mention] = []
        self._last_said: tuple[int, str] | None = None  # the last quote's speaker, and where
        self.groups: list[tuple[int, Attribution]] = []  # bodies and groups that spoke
        self._reported: set[int] | None = None
        self._group_events_read = False

    @property
    def mentions(self) -> list[Mention]:
        """People opening sentences or speaking, and the speakers of quotes, in text order."""
        if self._mentions is None:
            speaking = _speaking(self.text, self._candidates) + self._remembered
            self._mentions = subject_mentions(self.text, self.starts, self.index, speaking)
        return self._mentions

    def _speaking_on(self, pronoun: str, pos: int) -> str | None:
        """The speaker of the quote before, when no one else is named since: '"…," he added'.

        The common case needs no list of mentions at all.
        """
        if self._last_said is None:
            return None
        at, name = self._last_said
        if not 0 <= pos - at <= _SPEAKING_ON_CHARS or self.index.gender_of(name) not in (
            None,
            _GENDERS[pronoun],
        ):
            return None
        for match in NAME_RE.finditer(self.text, at, pos):
            raw = match.group()
            if not (raw.isalpha() and raw.lower() in NOT_NAME):
                return None  # someone or something else named in between
        return name

    def remember(self, pos: int, name: str) -> None:
        self._last_said = (pos, name)
        mention = Mention(pos, name, speaking=True)
        if self._mentions is None:
            self._remembered.append(mention)
            return
        positions = [m.pos for m in self._mentions]
        self._mentions.insert(bisect.bisect_left(positions, pos), mention)

    def is_name(self, word: str) -> bool:
        """Whether the article uses ``word`` as a name somewhere other than opening a sentence."""
        if self.index.is_person(word) or word.lower() in self.index.full:
            return True
        return re.search(rf"[a-z,;][^\S\n]+{re.escape(word)}\b", self.text) is not None

    def sentence_end(self, pos: int) -> int:
        """Where the sentence holding ``pos`` ends (the next one's start)."""
        at = bisect.bisect_right(self.starts, pos)
        return self.starts[at] if at < len(self.starts) else len(self.text)

    def resolve(self, found: Attribution, pos: int, *, said_at: int | None = None) -> Attribution:
        """The person or body ``found`` stands for at ``pos``, in full and with a role.

        The speaker is remembered as speaking at ``said_at`` (the end of the attribution), so
        that a later "he said" goes to them rather than to a name inside their attribution.
        """
        speaker = found.speaker or ""
        lowered = speaker.lower()
        if lowered in ("it", "they"):
            return self._last_group(pos, plural=lowered == "they") or Attribution(None)
        if lowered in PRONOUNS:
            named = None
            if lowered in ("he", "she"):
                named = self._speaking_on(lowered, pos) or resolve_pronoun(
                    lowered, pos, self.mentions, self.index, reported=self._reported_mentions()
                )
            if named is None:
                return Attribution(None)  # "I", "we", or nobody to point at
            # "she said" of Melanie tells that a later "he" is someone else.
            self.index.add(named, gender=_GENDERS.get(lowered))
            speaker = named
        elif speaker[:1].islower() or is_organization(speaker):
            self.groups.append((pos if said_at is None else said_at, found))
            return found  # "the report", "a source", "the Kremlin": no person to look up
        full = self.index.resolve(speaker)
        self.remember(pos if said_at is None else said_at, full)
        return Attribution(full, _fuller_role(found.role, self.index.role_of(full)))

    def _reported_mentions(self) -> set[int]:
        """Sentence subjects inside reported speech: "Biden gave the order …, he said"."""
        if self._reported is None:
            self._reported = set()
            for mention in self.mentions:
                if mention.speaking:
                    continue
                end = self.sentence_end(mention.pos)
                if REPORTED_RE.search(self.text, mention.pos, end):
                    self._reported.add(mention.pos)
        return self._reported

    def _last_group(self, pos: int, *, plural: bool) -> Attribution | None:
        """The last body ("it") or group ("they") that spoke before ``pos``; for "they", else
        the group the sentence before opens with ("Officials from both sides have met")."""
        self._read_group_events()
        for at, found in sorted(self.groups, key=lambda g: g[0], reverse=True):
            if at < pos and _is_plural(found.speaker or "") == plural:
                return found
        own = sentence_start_before(self.starts, pos)
        if not plural or own == 0:
            return None
        previous = sentence_start_before(self.starts, own - 1)
        group = plural_subject(self.text[previous:own])
        return Attribution(group) if group else None

    def _read_group_events(self) -> None:
        """Bodies and groups speaking outside quotes: "the ministry said in a statement"."""
        if self._group_events_read:
            return
        self._group_events_read = True
        for match in GROUP_SPEECH_RE.finditer(self.text):
            phrase = match.group("np")
            head = phrase.split()[-1].lower().strip("’'")
            if head in ORG_WORDS or head.endswith("s") or is_organization(phrase):
                named = clean_name(phrase) if phrase[:1].isupper() else None
                self.groups.append((match.start(), Attribution(f"the {named or phrase}")))


def _fuller_role(here: str | None, known: str | None) -> str | None:
    """The role given at the quote, unless the article's is the same one written out more fully."""
    if here and known and here in known:
        return known
    return here or known


def _is_plural(speaker: str) -> bool:
    """ "the ministers" and "Britain and France" speak as "they"; a ministry or "the E3" as "it"."""
    words = speaker.split()
    if not words:
        return False
    last = words[-1]
    return " and " in speaker or (last.islower() and last.endswith("s") and last[-2:] != "ss")
