"""A speaker's role: the title before a name, or the apposition after it.

"German Chancellor Friedrich Merz" and "Foreign Ministry spokesperson Zhao Lijian" carry the
role before the name; "Merz, the chancellor," and "Lin Wei, Chinese foreign ministry
spokeswoman," after it. A form of address ("Mr") and a relative clause ("who said …") are
never roles.
"""

from __future__ import annotations

import re

from bot.analysis.lexicon import HONORIFICS, ROLE_HEADS, ROLE_MODIFIERS
from bot.analysis.quotes.names import NOT_NAME, word_list

# A role longer than this is a clause, not a title.
MAX_ROLE_WORDS = 15
MAX_TITLE_WORDS = 8
_RELATIVES = frozenset(word_list("who whom whose which that where when while"))
_CONNECTORS = frozenset(word_list("of for and"))
_FINITE = frozenset(word_list("is are was were has have had will would can could did does"))
_PREPOSITIONS = frozenset(
    word_list("of to for at in on with from under over after before during amid by")
)
_DETERMINERS = frozenset(word_list("the a an"))
_ROLE_CUT_RE = re.compile(r"\s+(?:who|which|whose|where)\s.*$|;.*$")
_QUOTE_CHARS = frozenset('"“”«»')
_TITLE_WINDOW = 80  # characters before a name where its title may stand
_TITLE_STOPS = frozenset(',;:()"“”«»—–')
_LONG_ROLE_CHARS = 70


def clean_role(role: str | None) -> str | None:
    """``role`` without stray punctuation and forms of address; None when nothing is left."""
    if not role:
        return None
    words = role.strip(" ,.;:—–-").split()
    while words and words[0].lower() in HONORIFICS:
        words.pop(0)
    while words and words[-1].lower() in HONORIFICS:
        words.pop()
    if not words or words[0].lower() in _RELATIVES or len(words) > MAX_ROLE_WORDS:
        return None
    cleaned = " ".join(words)
    return None if _QUOTE_CHARS & set(cleaned) else cleaned


def _lower(word: str) -> str:
    return word.lower().strip(".,").removesuffix("’s").removesuffix("'s")


def title_before(text: str, start: int, *, continued: bool = False) -> str | None:
    """Role words right before the name at ``start``: "EU foreign policy chief" Kaja Kallas.

    The word next to the name must head a role, unless ``continued`` (the name's own run began
    with title words: "… and Security Policy Kaja Kallas"); before it come capitalised words,
    role modifiers and "of"/"for"/"and" between them, up to a determiner, verb or punctuation.
    """
    words: list[str] = []
    nearest = _words_before(text, start)
    for i, word in enumerate(nearest):
        lowered = _lower(word)
        if not words and not continued and lowered not in ROLE_HEADS:
            return None
        fits = word[:1].isupper() or lowered in ROLE_HEADS or lowered in ROLE_MODIFIERS
        if lowered in _DETERMINERS or not (fits or lowered in _CONNECTORS):
            break
        if word[:1].isupper() and lowered in NOT_NAME:
            break  # "On Monday", "In Brussels": a sentence word, not part of a title
        if lowered in _CONNECTORS and not _is_role_word(nearest[i + 1 : i + 2]):
            break  # "Republican Donald Trump and Democrat …": two people, not one title
        words.insert(0, word)
    while words and _lower(words[0]) in _CONNECTORS:
        words.pop(0)
    if continued:
        return " ".join(words) or None  # the name's own run holds the head
    return clean_role(" ".join(words)) if words else None


def _is_role_word(words: list[str]) -> bool:
    """Whether the one word given heads or qualifies a role ("Minister" of …, "Affairs" and …)."""
    return bool(words) and (_lower(words[0]) in ROLE_HEADS or _lower(words[0]) in ROLE_MODIFIERS)


def _words_before(text: str, start: int) -> list[str]:
    """Up to MAX_TITLE_WORDS words before ``start`` on its line, nearest first, up to the
    first punctuation that ends a title."""
    line_start = text.rfind("\n", 0, start) + 1
    window = text[max(line_start, start - _TITLE_WINDOW) : start]
    if not window.endswith(" "):
        return []  # the name is not preceded by a separate word
    words = window.split()
    if len(window) == _TITLE_WINDOW and words:
        words.pop(0)  # cut in the middle
    nearest: list[str] = []
    for word in reversed(words[-MAX_TITLE_WORDS:]):
        if word[-1:] in _TITLE_STOPS or word[:1] in _TITLE_STOPS:
            break
        nearest.append(word)
    return nearest


def _has_role_head(words: list[str]) -> int:
    """Index of the last word of ``words`` that heads a role, or -1."""
    for i in range(len(words) - 1, -1, -1):
        if _lower(words[i]) in ROLE_HEADS:
            return i
    return -1


def role_from_apposition(appos: str, *, has_verb: bool = False) -> str | None:
    """A short role from an apposition: first clause, long tails trimmed.

    A lower-case apposition ("the chancellor", "a law professor") is a role as it stands; a
    capitalised one ("Chinese foreign ministry spokeswoman") only when a role noun heads it
    and no other name follows that noun. ``has_verb`` rejects a clause ("Merz said …").
    """
    role = _ROLE_CUT_RE.sub("", appos.strip(" ,.")).strip()
    words = role.split()
    if not words or has_verb or words[0].lower() in _RELATIVES or _FINITE & set(words):
        return None  # "Ham, the administration has shuffled …" goes on as a clause
    if words[0] in _PREPOSITIONS or words[0].endswith("ing"):
        return None  # "Trump, at Monday's debate," / "Obama, dedicating the museum,": no role
    if words[0][0].isupper() and words[0].lower() not in _DETERMINERS:
        head = _has_role_head(words)
        after = words[head + 1 :]
        if head < 0 or (after and after[0].lower() not in _PREPOSITIONS):
            return None
    elif len(words) == 1 and words[0].lower() not in ROLE_HEADS:
        return None
    for cut in (" and ", " at ", " of the "):
        if len(role) > _LONG_ROLE_CHARS and cut in role:
            role = role[: role.index(cut)]
    return clean_role(role)
