"""People and organizations named in an article: regexes, sentence starts, full names, roles.

Everything here is shallow pattern matching on capitalisation, tuned for English news copy:
no tagger, no model, so it stays fast and deterministic.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

# ``word_list`` is imported from here by the other quote modules.
from bot.analysis.lexicon import ABBREVIATIONS
from bot.analysis.lexicon import word_list as word_list

HONORIFIC = (
    r"(?:Mr|Mrs|Ms|Mx|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Prof|Rev|Del|Amb|Hon|Pres|Maj"
    r"|Cmdr|Atty|Supt|Insp|Sec|Lt\. Gen|Maj\. Gen|Brig\. Gen)\."
)
_NAME_WORD = r"(?:[A-Z][a-z]?\.(?:[A-Z]\.)*|(?:Mc|Mac|O['’]|D['’])?[A-Z][\w’'\-]*\w|[A-Z])"
_PARTICLE = r"(?:de|da|di|du|van|von|der|den|bin|ibn|al|el|la|le|del|dos|das|y)"
_NEXT_WORD = rf"\s+(?:{_PARTICLE}\s+)?(?:{HONORIFIC}\s+)?{_NAME_WORD}"
# Every name starts with a capital letter. Saying so first lets a scan reject the other
# positions at once instead of trying every honorific there (three times faster on articles).
NAME = rf"(?=[A-Z])(?:{HONORIFIC}\s+)*{_NAME_WORD}(?:{_NEXT_WORD}){{0,5}}"
NAME_RE = re.compile(NAME)
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it"})
_HONORIFIC_RE = re.compile(rf"^(?:{HONORIFIC}\s+)+")
# Capitalised words that start sentences or precede names but are not part of a name.
_NOT_NAME = frozenset(
    word_list(
        """
    a an the this that these those and but or so yet if as at in on of for by to from with
    when while after before since because though although however meanwhile then now still
    also even just only there here it its he she they we i you his her their our my your who
    what where why how which according asked says said told earlier later last
    next on monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december no yes not some many most
    all both each every other another such one two three four five first second third new
    former late read follow photo watch video update updated breaking exclusive editor note
    during despite following amid under over about into through without within across
    against among between is are was were do does did has have had can could will would
    should might""",
    )
)
# Titles that may stand before a name and belong to the role, not the name.
_TITLE_WORDS = frozenset(
    word_list(
        """
    president vice prime minister foreign defense defence finance chancellor secretary
    senator sen representative rep governor gov mayor judge justice speaker ambassador pope
    king queen prince princess sheikh emir general gen chairman chairwoman chair director
    professor prof spokesman spokeswoman spokesperson leader chief commissioner candidate
    nominee attorney deputy assistant ceo founder host anchor co-host adviser advisor
    democratic republican democrat gop state interim former retired lt lieutenant colonel
    sergeant captain admiral rev reverend del delegate dr mr mrs ms sir lord lady dame
    """
    )
)
ORG_WORDS = frozenset(
    word_list(
        """
    party committee council department ministry agency office house kremlin commission court
    university institute center centre foundation association union bank fund times post
    journal news network tv radio press agency government administration campaign service
    services corporation company inc ltd group organization organisation coalition alliance
    army police senate congress parliament assembly embassy board bureau daily magazine
    review report politifact reuters associated
    """
    )
)
_ABBREVIATION_RE = re.compile(
    r"(?:\b(?:" + "|".join(map(re.escape, ABBREVIATIONS)) + r")|\b[A-Z]|\.[A-Z])$"
)
# Terminal punctuation then whitespace before a capital or digit, or a run of newlines. It opens
# with a plain character set, which lets ``re`` skip to the next candidate by itself (twice as
# fast as a leading lookahead); the lookbehinds pick the branch.
_BOUNDARY_RE = re.compile(
    r"[.!?…\n](?:(?<=[.!?…])[.!?…]*[\"”’'»)]*\s+(?=[\"“‘'«(]?[A-Z0-9])|(?<=\n)\n*)"
)


def sentence_starts(text: str) -> list[int]:
    """Sorted offsets where a sentence or paragraph begins."""
    starts = [0]
    for match in _BOUNDARY_RE.finditer(text):
        at = match.start()
        if text[at] == "." and _ABBREVIATION_RE.search(text[max(0, at - 6) : at]):
            continue
        starts.append(match.end())
    return starts


def sentence_start_before(starts: list[int], pos: int) -> int:
    """Start of the sentence that holds ``pos``."""
    return starts[bisect.bisect_right(starts, pos) - 1]


# The same names come back in every sentence of an article and across articles of a story, and
# the helpers below are looked up for each of them: pure, so memoised (bounded: the bot runs for
# weeks).
_NAME_CACHE_SIZE = 8192


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)
def clean_name(raw: str) -> str | None:
    """The name in a capitalised run: leading sentence words and titles dropped."""
    words = raw.split()
    while words and (words[0].lower().rstrip(".") in _NOT_NAME):
        words.pop(0)
    while words and words[-1].lower() in _NOT_NAME:
        words.pop()
    name = " ".join(words)
    return name or None


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)
def strip_titles(name: str) -> tuple[str, str]:
    """Split ``"Russian Foreign Minister Sergey Lavrov"``-like runs into (title, name)."""
    name = _HONORIFIC_RE.sub("", name)
    words = name.split()
    cut = 0
    # The name starts after the last title word; "Russian" before "Foreign Minister" goes too.
    for i, word in enumerate(words[:-1]):
        if word.lower().rstrip(".") in _TITLE_WORDS:
            cut = i + 1
    return " ".join(words[:cut]), " ".join(words[cut:])


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)
def is_organization(name: str) -> bool:
    return any(word.lower().strip("’'s") in ORG_WORDS for word in name.split())


@dataclass
class NameIndex:
    """Full names and roles given anywhere in the article, looked up by last name."""

    full: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    genders: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, *, role: str | None = None, gender: str | None = None) -> None:
        _, bare = strip_titles(name)
        words = bare.split()
        if not words:
            return
        last = words[-1].lower()
        if len(words) > len(self.full.get(last, "").split()):
            self.full[last] = bare
        if role and last not in self.roles:
            self.roles[last] = role
        if gender and last not in self.genders:
            self.genders[last] = gender

    def resolve(self, name: str) -> str:
        """The fullest form of ``name`` the article gives ("Shaumyan" → "Tatyana Shaumyan")."""
        title, bare = strip_titles(name)
        words = bare.split()
        if not words:
            return name
        full = self.full.get(words[-1].lower(), bare)
        if len(full.split()) >= len(words) and full.endswith(words[-1]):
            return full
        return bare or title

    def is_person(self, name: str) -> bool:
        """Whether the article gives ``name`` a first name, a role or a gender."""
        words = name.split()
        last = words[-1].lower() if words else ""
        full = self.full.get(last, "")
        named = len(full.split()) >= 2 and not is_organization(full)
        return named or last in self.roles or last in self.genders

    def role_of(self, name: str) -> str | None:
        words = name.split()
        return self.roles.get(words[-1].lower()) if words else None

    def gender_of(self, name: str) -> str | None:
        words = name.split()
        return self.genders.get(words[-1].lower()) if words else None


@dataclass(frozen=True, slots=True)
class Mention:
    """A person named at ``pos`` as the subject of a sentence or as a quote's speaker."""

    pos: int
    name: str


_PRONOUN_OPENING_RE = re.compile(r"(He|She|His|Her)\b")
_GENDER_OF_PRONOUN = {"He": "m", "His": "m", "She": "f", "Her": "f"}


def subject_mentions(text: str, starts: Sequence[int], index: NameIndex) -> list[Mention]:
    """Names that open a sentence: the people a later "he" or "she" most likely means.

    A sentence that opens with "He"/"She" right after one that opens with a name also tells
    that person's gender, which later pronouns then respect.
    """
    mentions: list[Mention] = []
    previous: Mention | None = None
    for start in starts:
        if not "A" <= text[start : start + 1] <= "Z":
            previous = None  # names and these pronouns open with a capital: skip the regexes
            continue
        pronoun = _PRONOUN_OPENING_RE.match(text, start)
        if previous is not None and pronoun is not None:
            index.add(previous.name, gender=_GENDER_OF_PRONOUN[pronoun.group(1)])
        previous = None
        match = NAME_RE.match(text, start)
        if match is None or pronoun is not None:
            continue
        name = clean_name(match.group())
        if name and not is_organization(name) and text[match.end() : match.end() + 1] in " ,":
            previous = Mention(start, name)
            mentions.append(previous)
    return mentions


def resolve_pronoun(
    pronoun: str, pos: int, mentions: Sequence[Mention], index: NameIndex
) -> str | None:
    """The last person named before ``pos`` whom ``pronoun`` can refer to."""
    wanted = {"he": "m", "she": "f"}.get(pronoun.lower())
    positions = [m.pos for m in mentions]
    fallback: str | None = None
    for i in range(bisect.bisect_left(positions, pos) - 1, -1, -1):
        name = mentions[i].name
        gender = index.gender_of(name)
        if wanted is not None and gender not in (None, wanted):
            continue
        # A one-word subject ("Moscow signed …") may be a place; prefer someone known as a person.
        if gender is not None or index.is_person(name):
            return name
        fallback = fallback or name
    return fallback
