"""Names in news copy: the name regex, sentence starts, and names cleaned of titles and noise.

Everything here is shallow pattern matching on capitalisation, tuned for English news copy:
no tagger, no model, so it stays fast and deterministic. ``bot.analysis.quotes.people`` keeps
track of who is who across an article.
"""

from __future__ import annotations

import bisect
import functools
import re

import pycountry

# ``word_list`` is imported from here by the other quote modules.
from bot.analysis.lexicon import ABBREVIATIONS, ROLE_HEADS, ROLE_MODIFIERS
from bot.analysis.lexicon import word_list as word_list
from bot.analysis.quotes.places import dateline_end, is_place

HONORIFIC = (
    r"(?:Mr|Mrs|Ms|Mx|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Prof|Rev|Del|Amb|Hon|Pres|Maj"
    r"|Cmdr|Atty|Supt|Insp|Sec|Lt\. Gen|Maj\. Gen|Brig\. Gen)\."
)
_NAME_WORD = r"(?:[A-Z][a-z]?\.(?:[A-Z]\.)*|(?:Mc|Mac|O['’]|D['’])?[A-Z][\w’'\-]*\w|[A-Z])"
_PARTICLE = r"(?:de|da|di|du|van|von|der|den|bin|ibn|al|el|la|le|del|dos|das|y)"
_GAP = r"[^\S\n]+"  # names never run over a line break: the next line is another paragraph
_NEXT_WORD = rf"{_GAP}(?:{_PARTICLE}{_GAP})?(?:{HONORIFIC}{_GAP})?{_NAME_WORD}"
# Every name starts with a capital letter. Saying so first lets a scan reject the other
# positions at once instead of trying every honorific there (three times faster on articles).
NAME = rf"(?=[A-Z])(?:{HONORIFIC}{_GAP})*{_NAME_WORD}(?:{_NEXT_WORD}){{0,7}}"
NAME_RE = re.compile(NAME)
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it"})
_HONORIFIC_RE = re.compile(rf"^(?:{HONORIFIC}\s+)+")
# Capitalised words that start sentences or precede names but are not part of a name.
NOT_NAME = frozenset(
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
) | (ROLE_HEADS | ROLE_MODIFIERS)
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
    """Sorted offsets where a sentence or paragraph begins; a paragraph's dateline is skipped."""
    starts = [dateline_end(text, 0)]
    for match in _BOUNDARY_RE.finditer(text):
        at = match.start()
        if text[at] == "." and _ABBREVIATION_RE.search(text[max(0, at - 6) : at]):
            continue
        start = match.end()
        starts.append(dateline_end(text, start) if text[start - 1] == "\n" else start)
    return starts


def sentence_start_before(starts: list[int], pos: int) -> int:
    """Start of the sentence that holds ``pos``."""
    return starts[bisect.bisect_right(starts, pos) - 1]


# Lines this short without closing punctuation are headings, bylines or captions, not prose.
HEADING_MAX_WORDS = 8


def is_heading(text: str, start: int) -> bool:
    """Whether the line holding ``start`` is a sub-heading, byline or caption."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)].rstrip()
    return len(line.split()) <= HEADING_MAX_WORDS and line[-1:] not in ".!?:;,\"”’'»)…"


# The same names come back in every sentence of an article and across articles of a story, and
# the helpers below are looked up for each of them: pure, so memoised (bounded: the bot runs for
# weeks).
_NAME_CACHE_SIZE = 8192
# Title-cased function words inside a capitalised run come from headlines ("Interview With
# Kaja Kallas"): whatever stands before one is not part of the name after it.
_HEADLINE_WORDS = frozenset(
    word_list("With In Of For And The To At On By From About Over After Before Into Against")
)
_SUFFIXES = frozenset(word_list("Jr. Sr. Jr Sr II III IV"))


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)
def clean_name(raw: str) -> str | None:
    """The name in a capitalised run: sentence words, headline words and datelines dropped."""
    words = raw.split()
    for i in range(len(words) - 1, 0, -1):
        if words[i] in _HEADLINE_WORDS:
            words = words[i + 1 :]
            break
    while words and words[0].lower().rstrip(".") in NOT_NAME:
        words.pop(0)
    while words and words[-1].lower() in NOT_NAME:
        words.pop()
    if any(not w.isupper() for w in words):
        # "Kaja Kallas BRUSSELS": a caption ran into a dateline.
        while len(words) > 1 and _is_capital_place(words[-1]):
            words.pop()
        while len(words) > 1 and _is_capital_place(words[0]):
            words.pop(0)
    name = " ".join(words)
    return name or None


def _is_capital_place(word: str) -> bool:
    return len(word) >= 3 and word.isupper() and word.isalpha() and is_place(word)


@functools.cache
def _country_words() -> frozenset[str]:
    """One-word country names: "Ukraine" in "Minister of … Ukraine Dmytro Kuleba" is no name."""
    names: set[str] = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name"):
            name = getattr(country, attribute, "")
            if name and " " not in name:
                names.add(name.lower())
    return frozenset(names)


def is_country(name: str) -> bool:
    """Whether ``name`` is a one-word country name: a state speaks as "it", never "he"."""
    return name.lower() in _country_words()


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)
def strip_titles(name: str) -> tuple[str, str]:
    """Split ``"Russian Foreign Minister Sergey Lavrov"``-like runs into (title, name)."""
    name = _HONORIFIC_RE.sub("", name)
    words = name.split()
    countries = _country_words()
    cut = 0
    # The name starts after the last title word; "Russian" before "Foreign Minister" goes too.
    for i, word in enumerate(words[:-1]):
        lowered = word.lower().rstrip(".")
        if lowered in _TITLE_WORDS or lowered in countries:
            cut = i + 1
    while cut and all(w in _SUFFIXES for w in words[cut:]):
        cut -= 1  # "Martin Luther King Jr." keeps its name
    return " ".join(words[:cut]), " ".join(words[cut:])


@functools.lru_cache(maxsize=_NAME_CACHE_SIZE)
def is_organization(name: str) -> bool:
    return any(word.lower().strip("’'s") in ORG_WORDS for word in name.split())
