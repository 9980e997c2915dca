"""Who is who across one article: full names, roles, genders, and whom a pronoun means.

A person is introduced once in full ("Chinese foreign ministry spokeswoman Lin Wei") and then
called by one name ("Lin", "Wei"), a description ("the spokeswoman") or a pronoun. The
``NameIndex`` keeps the full forms; the mentions list keeps, in order, the people who open a
sentence or speak, so that "he said" goes to the last person speaking rather than to anyone
named in passing.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.analysis.quotes.names import (
    NAME_RE,
    clean_name,
    is_country,
    is_heading,
    is_organization,
    strip_titles,
)


class Seen(NamedTuple):
    """A name as it stands in the text: the run of capitalised words it came from."""

    start: int
    run: str
    name: str
    comma: bool  # an apposition may follow


def _no_role(seen: Seen) -> str | None:
    return None


@dataclass
class NameIndex:
    """Full names, roles and genders given anywhere in the article."""

    full: dict[str, str] = field(default_factory=dict)  # last name → fullest name
    first: dict[str, str | None] = field(default_factory=dict)  # first name → name, None: shared
    roles: dict[str, str | None] = field(default_factory=dict)  # None: looked for, none given
    genders: dict[str, str] = field(default_factory=dict)
    # Where each name stands with a title or an apposition: a role is read from there only
    # for those who turn out to speak (most people named in an article never do).
    seen: dict[str, list[Seen]] = field(default_factory=dict)
    # Reads the role standing beside a name, given the text (``Context`` sets it).
    read_role: Callable[[Seen], str | None] = _no_role
    _keys: dict[str, str] = field(default_factory=dict)  # key_of, until a fuller name comes
    _by_key: dict[str, list[Seen]] = field(default_factory=dict)  # seen_as, likewise
    _described: dict[str, bool] = field(default_factory=dict)  # a lone name with a role beside

    def add(self, name: str, *, gender: str | None = None) -> None:
        _, bare = strip_titles(name)
        words = bare.split()
        if not words:
            return
        last = words[-1].lower()
        if len(words) > len(self.full.get(last, "").split()):
            self.full[last] = bare
            self._forget_keys()
        if len(words) == 2 and not is_organization(bare):
            # "Lin Wei" is "Lin" later when the family name comes first.
            first = words[0].lower()
            known = self.first.get(first, bare)
            stands_for = bare if known is not None and known.endswith(words[-1]) else None
            if first not in self.first or self.first[first] != stands_for:
                self.first[first] = stands_for
                self._forget_keys()
        if gender:
            self.genders.setdefault(self.key_of(bare), gender)

    def _forget_keys(self) -> None:
        self._keys.clear()
        self._by_key.clear()
        self._described.clear()

    def note(self, name: str, seen: Seen) -> None:
        """Remember where ``name`` stands, to read its role there if it is ever needed."""
        self.seen.setdefault(name, []).append(seen)
        self._by_key.clear()

    def seen_as(self, key: str) -> list[Seen]:
        """Where the person of ``key`` stands in the text, in order, under any of their names."""
        if not self._by_key:
            for name, at in self.seen.items():
                self._by_key.setdefault(self.key_of(name), []).extend(at)
            for found in self._by_key.values():
                found.sort()
        return self._by_key.get(key, [])

    def key_of(self, name: str) -> str:
        """Who ``name`` is: the last name, or the whole name when it is another person of that
        family ("Ivanka Trump" beside "Donald Trump"), or the one a first name stands for."""
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = self._key_of(name)
        return key

    def _key_of(self, name: str) -> str:
        _, name = strip_titles(name)
        words = name.split()
        if not words:
            return ""
        last = words[-1].lower()
        full = self.full.get(last)
        if len(words) > 1 and full is not None and not full.endswith(name):
            return name.lower()
        if len(words) == 1 and full is None:
            by_first = self.first.get(last)
            if by_first:
                return self._key_of(by_first)
        return last

    def resolve(self, name: str) -> str:
        """The fullest form of ``name`` the article gives ("Shaumyan" → "Tatyana Shaumyan")."""
        title, bare = strip_titles(name)
        words = bare.split()
        if not words:
            return name
        key = self.key_of(bare)
        full = self.full.get(key, bare)
        if full.split()[-len(words) :] == words or (len(words) == 1 and full.startswith(bare)):
            return full
        return bare or title

    def is_person(self, name: str) -> bool:
        """Whether the article gives ``name`` a first name, a gender or an apposition."""
        key = self.key_of(name)
        full = self.full.get(key, key)
        if (len(full.split()) >= 2 and not is_organization(full)) or key in self.genders:
            return True
        if key not in self._described:
            # A lone name: only an apposition ("Kulik, head of …") tells it is a person.
            seen = self.seen_as(key)
            self._described[key] = any(at.comma and self.read_role(at) for at in seen)
        return self._described[key]

    def role_of(self, name: str) -> str | None:
        """The role the article gives ``name`` where it first gives one."""
        key = self.key_of(name)
        if key not in self.roles:
            roles = (self.read_role(seen) for seen in self.seen_as(key))
            self.roles[key] = next((role for role in roles if role), None)
        return self.roles[key]

    def gender_of(self, name: str) -> str | None:
        return self.genders.get(self.key_of(name))


@dataclass(frozen=True, slots=True)
class Mention:
    """A person named at ``pos``: opening a sentence, or ``speaking`` (subject of a speech verb)."""

    pos: int
    name: str
    speaking: bool = False


_PRONOUN_OPENING_RE = re.compile(r"(He|She|His|Her)\b")
_GENDER_OF_PRONOUN = {"He": "m", "His": "m", "She": "f", "Her": "f"}


def subject_mentions(
    text: str, starts: Sequence[int], index: NameIndex, speaking: Sequence[Mention] = ()
) -> list[Mention]:
    """People who open a sentence or speak: whom a later "he" or "she" most likely means.

    A sentence that opens with "He"/"She" tells the gender of the person who spoke last in the
    sentence before (or, when nobody spoke there, of the one it opened with). Headings, bylines
    and captions name no subject.
    """
    mentions = sorted(speaking, key=lambda m: m.pos)
    positions = [m.pos for m in mentions]
    previous_start = 0
    for start in starts:
        if not "A" <= text[start : start + 1] <= "Z":
            previous_start = start  # names and these pronouns open with a capital
            continue
        pronoun = _PRONOUN_OPENING_RE.match(text, start)
        if pronoun is not None:
            before = _last_in(mentions, positions, previous_start, start)
            if before is not None:
                index.add(before.name, gender=_GENDER_OF_PRONOUN[pronoun.group(1)])
        previous_start = start
        match = NAME_RE.match(text, start) if pronoun is None else None
        if match is None or (text[start - 1 : start] in ("\n", "") and is_heading(text, start)):
            continue
        name = clean_name(match.group())
        if name and _may_be_person(name, index) and text[match.end() : match.end() + 1] in " ,":
            at = bisect.bisect_left(positions, start)
            mentions.insert(at, Mention(start, name))
            positions.insert(at, start)
    return mentions


def _may_be_person(name: str, index: NameIndex) -> bool:
    """Not a body, and not a lone capitalised word the article never uses as a name."""
    if is_organization(name):
        return False
    return " " in name or name.lower() in index.full or index.is_person(name)


def _last_in(
    mentions: Sequence[Mention], positions: Sequence[int], start: int, end: int
) -> Mention | None:
    """Who spoke last between ``start`` and ``end``, else who opened that stretch."""
    first, last = bisect.bisect_left(positions, start), bisect.bisect_left(positions, end)
    inside = mentions[first:last]
    speakers = [m for m in inside if m.speaking]
    if speakers:
        return speakers[-1]
    return inside[0] if inside else None


def resolve_pronoun(
    pronoun: str,
    pos: int,
    mentions: Sequence[Mention],
    index: NameIndex,
    *,
    reported: set[int] | None = None,
) -> str | None:
    """The last person named before ``pos`` whom ``pronoun`` can refer to.

    ``reported`` holds positions of mentions inside someone else's reported speech ("Biden
    gave the order …, he said"): the person named there is talked about, not talking.
    """
    wanted = {"he": "m", "she": "f"}.get(pronoun.lower())
    positions = [m.pos for m in mentions]
    fallback: str | None = None
    for i in range(bisect.bisect_left(positions, pos) - 1, -1, -1):
        mention = mentions[i]
        if (reported and mention.pos in reported) or is_country(mention.name):
            continue
        gender = index.gender_of(mention.name)
        if wanted is not None and gender not in (None, wanted):
            continue
        # A one-word subject ("Moscow signed …") may be a place; prefer someone known as a person.
        if mention.speaking or gender is not None or index.is_person(mention.name):
            return mention.name
        fallback = fallback or mention.name
    return fallback
