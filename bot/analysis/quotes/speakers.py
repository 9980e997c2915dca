"""Who said a quote: attribution patterns around the quotation marks, pronouns, full names.

Attribution is looked for in this order, nearest evidence first:
1. right after the closing mark: ``,” Kulik told RT`` / ``,” said Patrick McGinley, a lawyer``;
2. before the opening mark in the same sentence: ``Shaumyan, head of …, noted that '``;
3. the quote goes on from the previous one (split quotes, re-opened paragraphs);
4. the sentence before: ``The New York Times reports:`` / ``… said Mr. Clarke. "…"``.
``bot.analysis.quotes.find`` runs these steps; ``bot.analysis.quotes.context`` turns what they
find ("he", "Lin", "the ministry") into the person or body meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.analysis.lexicon import ROLE_HEADS
from bot.analysis.quotes.names import (
    NAME,
    NAME_RE,
    PRONOUNS,
    clean_name,
    is_organization,
    strip_titles,
    word_list,
)
from bot.analysis.quotes.roles import clean_role, role_from_apposition
from bot.analysis.quotes.verbs import AUX, HEAD_VERB_RE, INVERTING, VERB, has_speech_verb

_PRONOUN = r"\b(?:[Hh]e|[Ss]he|[Tt]hey|I|[Ww]e|[Ii]t)\b"
_DETERMINERS = frozenset(
    word_list(
        """
    the a an one another his her their its some my our your
    """
    )
)
_LEAD = r"^[\s,.;:!?—–\-]*"
_VERB_FIRST_RE = re.compile(rf"{_LEAD}{VERB}\s+")
_WHO_FIRST_RE = re.compile(rf"{_LEAD}(?P<who>[^\"“”]{{1,200}}?)\s+{AUX}{VERB}\b")
_DASH_RE = re.compile(rf"^\s*[―—–]\s*(?P<who>{NAME})")
_ACCORDING_RE = re.compile(r"\b[Aa]ccording to\s+")
_OPINION_RE = re.compile(
    r"\s*(?:In|According to) (?P<who>his|her|their|him|them)(?: (?:opinion|view|words))?\s*,"
)
# "In his opinion" and "according to him" name the speaker with these pronouns.
_SUBJECT_PRONOUNS = {"his": "he", "him": "he", "her": "she", "their": "they", "them": "they"}
_PREPOSITIONS = frozenset(
    word_list(
        """
    in on at during after before with to of from by when while that for about as
    """
    )
)
_CONNECTORS = frozenset(word_list("of for and"))
_NAME_END = r"(?=\s*(?:[,;:.!?(]|$|\s(?:of|in|on|at|during|after|before|when|while|who|as|to)\b))"
_AFTER_VERB_NAME_RE = re.compile(
    rf"\s*(?P<pre>(?:[\w’'/.-]+\s+){{0,4}}?)(?P<name>{NAME}){_NAME_END}"
    r"(?P<rest>(?:\s*\([^)]*\))?,[^,;:.\"“”]{3,200}[,;.])?"
)
_SENTENCE_END_ATTRIBUTION_RE = re.compile(
    rf",\s*(?:(?P<who>{NAME}|{_PRONOUN})\s+{AUX}{VERB}|{VERB}\s+(?P<who2>{NAME}))\s*[.,;]"
)
_AFTER_VERB_NP_RE = re.compile(
    rf"\s*(?P<np>{_PRONOUN}|(?i:{'|'.join(sorted(_DETERMINERS))})\s+[^,;:.!?\"“”]{{1,60}}?)"
    r"(?=\s*(?:[,;:.!?]|$|\s(?:in|on|at|during|after|before|when|while|who|as|to|of)\s))"
)
_SENTENCE_END_RE = re.compile(r"[.!?][\"”’']?\s+(?=[A-Z\"“‘])")
_COMMA_RE = re.compile(r",\s+")
_PAREN_RE = re.compile(r"\s*\([^)]*\)")
_CLOSING_NAME_RE = re.compile(
    r"^(?:[A-Z]\w*ing|[A-Z][a-z]+ed)\s[^,]*?\s(?!(?:of|from|at|in|on|for|with)\s)\S+\s"
    rf"(?P<name>{NAME})$"
)
_WHO_CUT_RE = re.compile(r"\s+(?:of|from|at|in|on|during|with|for)\s.*$")
_AUX_TAIL_RE = re.compile(rf"\s*{AUX}$")
_RELATIVE_TAIL_RE = re.compile(r",\s+who\s+(?:\w+\s+){0,2}$")
_BOUNDARY_WORDS = frozenset(
    word_list(
        """
    that and but when as because if while after before since so which who where than whether
    though although said says told what to
    """
    )
)
_INTRO_RE = re.compile(
    r"^(?:(?:In|On|At|During|After|Before|Last|Earlier|Later|Speaking|When|While|With|Since"
    r"|Following|Despite|Although|Though|As|For|Under|Amid|Asked|Without|Like|Unlike)"
    r"\b[^,]{0,120},[\"”’']?(?:\s*\d{4},)?\s*)?"
    r"(?:(?:But|And|So|Yet|Still|Now|Then|Also|Meanwhile|However),?\s+)?"
)
_PRONOUN_RE = re.compile(_PRONOUN)
_LEADING_AS_RE = re.compile(r"^\s*as\s+")
_NAME_BEFORE_RE = re.compile(rf"({NAME})\s+$")
_SENTENCE_BREAK_RE = re.compile(r"\b[a-z]{2,}[.!?]\s")
_STOP_SUBJECT = frozenset(
    word_list(
        """
    also has have had is was were will would said says did does then later again repeatedly
    often who that which
    """
    )
)
_ING = frozenset(
    word_list("saying telling adding noting arguing writing asking explaining tweeting")
)


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said a quote (a name, a pronoun or a noun phrase) and their role when given."""

    speaker: str | None
    role: str | None = None


def parse_who(who: str) -> Attribution | None:
    """``Flynn, a top Trump surrogate,`` → Attribution("Flynn", "a top Trump surrogate")."""
    head, _, appos = _PAREN_RE.sub("", who).strip().partition(",")
    head = head.strip()
    closing = _CLOSING_NAME_RE.search(head)
    # "Speaking at the summit Stoltenberg": a name right after an opening participle's phrase
    # is the subject; "Smith of the University of Oxford" is Smith.
    head = closing.group("name") if closing is not None else _WHO_CUT_RE.sub("", head)
    words = head.split()
    # "Bill Clinton's comments": a possessive means the "verb" after it was a noun.
    if not words or len(words) > 8 or words[-1].endswith(("'s", "’s")):
        return None
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return Attribution(words[0].lower() if words[0] != "I" else "I")
    names = [m for m in NAME_RE.finditer(head) if clean_name(m.group())]
    role = role_from_apposition(appos, has_verb=has_speech_verb(appos))
    if names and names[-1].end() == len(head):
        return _named_subject(head, names, role)
    if words[0].lower() in _PREPOSITIONS:
        return None  # "At today's press conference": an adverbial, not a subject
    if words[0].lower() in _DETERMINERS or any(w.endswith(("'s", "’s")) for w in words[:-1]):
        lowered = words[0].lower() in _DETERMINERS
        return Attribution(head[0].lower() + head[1:] if lowered else head, role)
    return None


def _named_subject(head: str, names: list[re.Match[str]], role: str | None) -> Attribution:
    """The speaker among the names of a subject phrase, with the title words before it."""
    chosen = names[-1]
    for earlier in names[:-1]:
        between = head[earlier.end() : chosen.start()].split()
        # "Czech Foreign Minister Josef Zieleniec accompanying Christopher": a participle
        # between two names makes the first one the subject ("Trump campaign spokesman Jason
        # Miller" and "Tulsa police Chief Chuck Jordan" name the second).
        if between and between[0].islower() and between[0].endswith(("ing", "ed")):
            chosen = earlier
            break
    speaker = clean_name(chosen.group()) or ""
    pre = head[: chosen.start()].strip()
    if is_organization(speaker) or pre.lower() in _DETERMINERS:
        # "the Kremlin", "the State Department": the article belongs to the name.
        return Attribution(f"{pre.lower()} {speaker}".strip(), role)
    title, bare = strip_titles(speaker)
    last = pre.split()[-1].lower().removesuffix("’s").removesuffix("'s") if pre else ""
    if last not in ROLE_HEADS:
        pre = ""  # "In a Bloomberg interview Trump": an adverbial, no title
    title = " ".join(t for t in (pre, title) if t)
    return Attribution(bare or speaker, role or clean_role(title))


def _after_verb(rest: str) -> Attribution | None:
    """``said Patrick McGinley, a law professor …`` → the name after the verb."""
    first = rest.split()[0].lower() if rest.split() else ""
    match = _AFTER_VERB_NAME_RE.match(rest)
    if match is not None and first not in _PREPOSITIONS:
        found = parse_who(match.group("pre") + match.group("name") + (match.group("rest") or ""))
        if found is not None:
            return found
    np = _AFTER_VERB_NP_RE.match(rest)
    return parse_who(np.group("np")) if np is not None else None


_SHORT_CLOSE_RE = re.compile(rf"^\s*(?:\S+\s+){{0,5}}?{AUX}{VERB}(?:\s+\w+){{0,4}}\s*[.,]")


def from_tail(tail: str, *, sentence_closed: bool = False) -> Attribution | None:
    """Attribution right after a closing mark.

    When the quote closed its sentence and a capitalised word follows, a new sentence has
    begun: only a short ``Mr. Clarke said.`` still counts as attribution.
    """
    first = tail.lstrip()[:1]
    if sentence_closed and first.isupper() and not _SHORT_CLOSE_RE.match(tail):
        return _dash(tail)
    verb_first = _VERB_FIRST_RE.match(tail)
    if verb_first is not None:
        found = _after_verb(tail[verb_first.end() :])
        if found is not None:
            return found
    who_first = _WHO_FIRST_RE.match(tail)
    if who_first is not None and _plausible_who(who_first.group("who")):
        found = parse_who(_LEADING_AS_RE.sub("", who_first.group("who")))
        if found is not None:
            return found
    return _dash(tail)


def _plausible_who(who: str) -> bool:
    """A subject, not a clause: short unless it carries an apposition, no sentence break."""
    if _SENTENCE_BREAK_RE.search(who):
        return False
    return "," in who or len(who.split()) <= 10


def after_quote_in_sentence(rest: str) -> Attribution | None:
    """``A cashier who “…” is held accountable, Warren said.`` / ``…, said spokesman X.``"""
    end = _SENTENCE_END_RE.search(rest)
    rest = rest[: end.start() + 1] if end is not None else rest
    match = _SENTENCE_END_ATTRIBUTION_RE.search(rest)
    found = parse_who(match.group("who") or match.group("who2")) if match is not None else None
    if found is not None:
        return found
    for comma in _COMMA_RE.finditer(rest):
        clause = rest[comma.end() :]
        verb_first = _VERB_FIRST_RE.match(clause)
        found = _after_verb(clause[verb_first.end() :]) if verb_first is not None else None
        if found is not None and (found.speaker or "")[:1].isupper():
            return found
    return None


def _dash(tail: str) -> Attribution | None:
    dash = _DASH_RE.match(tail)
    return parse_who(dash.group("who")) if dash is not None else None


def from_head(head: str) -> Attribution | None:
    """Attribution in the words of the sentence before an opening mark."""
    # The verb nearest the quote wins, unless its subject is only a common noun phrase
    # ("Donald Trump's flurry of tweets") and an earlier verb has a person.
    fallback: Attribution | None = None
    for verb in reversed(list(HEAD_VERB_RE.finditer(head))):
        found = _head_verb_subject(head, verb)
        speaker = found.speaker if found is not None else None
        possessive = speaker is not None and ("’s " in speaker or "'s " in speaker)
        if speaker and (speaker[:1].isupper() or speaker in PRONOUNS) and not possessive:
            return found
        fallback = fallback or found
    if fallback is None:
        according = _ACCORDING_RE.search(head)
        if according is not None:
            return _after_verb(head[according.end() :])
    return fallback


def _head_verb_subject(head: str, verb: re.Match[str]) -> Attribution | None:
    if verb.group().split()[0] in _ING:
        # "footage of Trump saying …" / "Blige sings … before asking her"
        adjacent = _NAME_BEFORE_RE.search(head, 0, verb.start())
        found = parse_who(adjacent.group(1)) if adjacent is not None else None
        found = found or sentence_subject(head)
    else:
        found = _subject_before(head[: verb.start()])
    if found is None and verb.group().split()[0].lower() in INVERTING:
        found = _after_verb(head[verb.end() :])  # "…, said union leader Tom Hale."
    return found


def sentence_subject(sentence: str) -> Attribution | None:
    """The name or pronoun a sentence opens with, after an introductory phrase.

    "In his opinion, …" and "According to her, …" name the speaker in the phrase itself.
    """
    opinion = _OPINION_RE.match(sentence)
    if opinion is not None:
        return Attribution(_SUBJECT_PRONOUNS[opinion.group("who")])
    intro = _INTRO_RE.match(sentence)
    rest = sentence[intro.end() if intro else 0 :]
    match = NAME_RE.match(rest)
    opens_np = rest.split()[0].lower() in _DETERMINERS if rest.split() else False
    if match is not None and clean_name(match.group()) and not opens_np:
        return parse_who(match.group())
    pronoun = _PRONOUN_RE.match(rest)
    if pronoun is not None:
        return Attribution(pronoun.group().lower())
    words: list[str] = []
    for word in rest.split()[:6]:
        bare = word.strip(",;:")
        if words and (bare in _STOP_SUBJECT or HEAD_VERB_RE.fullmatch(bare) or bare != word):
            break
        words.append(bare)
    return parse_who(" ".join(words)) if words and words[0].lower() in _DETERMINERS else None


# A group named as a sentence's subject is at most this long: "Officials from the two countries".
_GROUP_MAX_WORDS = 6


def plural_subject(sentence: str) -> str | None:
    """The plural noun phrase a sentence opens with ("Officials from both sides have met …")."""
    words: list[str] = []
    for word in sentence.split()[: _GROUP_MAX_WORDS + 1]:
        bare = word.strip(",;:.").lower()
        verb_like = bare in _STOP_SUBJECT or HEAD_VERB_RE.fullmatch(bare) is not None
        if verb_like or (words and bare.endswith("ed")) or bare != word.lower():
            break
        words.append(word)
    if words and words[0].lower() in _DETERMINERS:
        words.pop(0)
    if not words or len(words) > _GROUP_MAX_WORDS or any(w[:1].isupper() for w in words[1:]):
        return None  # too long for a subject, or a name ("Officials of Gazprom")
    head = words[0].lower()
    if not head.endswith("s") or head.endswith("ss"):
        return None
    return " ".join([head, *words[1:]])


def _trailing_phrase(before: str) -> str:
    words = before.split()
    taken: list[str] = []
    for word in reversed(words):
        if word.lower() in _BOUNDARY_WORDS or word[-1:] in ',;:"“”' or len(taken) >= 8:
            break
        taken.append(word)
    return " ".join(reversed(taken))


def _subject_before(before: str) -> Attribution | None:
    """The subject of a speech verb: the words right before it, or before an apposition."""
    relative = _RELATIVE_TAIL_RE.search(before)
    if relative is not None:
        # "a Mlada fronta Dnes reader, who wrote …": the relative pronoun's antecedent.
        words = _trailing_phrase(before[: relative.start()]).split()
        cut = max((i for i, w in enumerate(words) if w.lower() in _DETERMINERS), default=0)
        return parse_who(" ".join(words[cut:])) if words else None
    before = _AUX_TAIL_RE.sub("", before).rstrip()
    if not before.endswith(","):
        phrase = _trailing_phrase(before)
        return parse_who(phrase) if phrase else None
    comma = before.find(",")
    while 0 <= comma < len(before) - 1:
        phrase = _trailing_phrase(before[:comma])
        found = parse_who(phrase + before[comma:]) if phrase else None
        if found is not None and found.speaker and found.speaker[:1].isupper():
            return found
        comma = before.find(",", comma + 1)
    return None
