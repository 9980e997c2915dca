"""Speech verbs: the words that make someone a speaker, and the patterns built on them.

``bot.analysis.quotes.speakers`` reads attributions with them; ``bot.analysis.quotes.context``
finds who speaks outside quotes ("Zhao said …", "said spokesman Wang Lei", "the ministry
said") so that a later "he said" or "it added" goes to the last one speaking.
"""

from __future__ import annotations

import re

from bot.analysis.lexicon import ROLE_HEADS, ROLE_MODIFIERS
from bot.analysis.quotes.names import NAME, word_list
from bot.analysis.regex_trie import longest_first

_VERBS = word_list(
    """
    said says say saying told tells telling added adds adding noted notes noting wrote
    writes writing argued argues arguing stated states asked asks asking explained explains
    continued continues declared declares insisted insists claimed claims warned warns
    recalled recalls replied replies responded responds remarked remarks tweeted tweets
    posted announced announces concluded concludes emphasized emphasises emphasised
    emphasizes acknowledged acknowledges admitted admits joked jokes quipped suggested
    suggests observed observes urged urges shouted contended contends complained complains
    predicted predicts promised promises vowed vows reported reports cautioned conceded
    concedes countered agreed agrees stressed stresses asserted asserts assured boasted
    charged confirmed confirms demanded denied exclaimed maintained maintains mused pleaded
    proclaimed protested reiterated repeated retorted revealed scolded screamed snapped
    testified thundered wondered yelled chanted recounted lamented mocked praised blasted
    slammed criticized criticised tweeting explaining arguing answered answers opined
    declares decried predicted pointed sings sang singing commented comments reads read
    called described
    """
)
VERB = r"(?:put\s+it|" + longest_first(_VERBS) + r")(?:\s+out)?"
AUX = (
    r"(?:(?:also|then|later|again|simply|recently|once|quickly|only|just|further|previously"
    r"|has|have|had|was|were|would|will|is|are|did|does|once|who|reportedly|flatly|angrily"
    r"|bluntly|repeatedly|frequently|often|has\s+long|went\s+on\s+to|continued\s+to)\s+)*"
)
# Verbs that put the speaker after them ("said X"); after "told"/"asked" comes the listener.
INVERTING = frozenset(
    word_list(
        """said says added adds wrote writes noted notes continued explained recalled argued
        warned insisted replied responded remarked declared stated"""
    )
)
HEAD_VERB_RE = re.compile(rf"\b(?:{VERB}|Said|Says|Asked|Told|Added)\b")
# Verbs that make their subject a speaker wherever they stand ("called for", "described",
# "read" say too little about who is talking).
_SPEAKING = INVERTING | frozenset(word_list("told tells stressed emphasized pointed"))
_TITLE_WORD = rf"(?:[A-Z][\w’'.-]*|{longest_first(ROLE_HEADS | ROLE_MODIFIERS | {'the'})})"
# A name right before a speech verb, or a speech verb (and title words) right before a name:
# that person speaks here.
SPEECH_AFTER_RE = re.compile(rf"[^\S\n]+{AUX}(?:{longest_first(_SPEAKING)})\b")
TITLE_GAP_RE = re.compile(rf"[^\S\n]+(?:{_TITLE_WORD}[^\S\n]+){{0,4}}")
# ", he said" inside a sentence: what the sentence says is someone else's reported speech.
REPORTED_RE = re.compile(rf",\s+(?:he|she|they)\s+{AUX}{VERB}\b")
# "the ministry said", "the E3 ministers added": a group or an institution speaks.
GROUP_SPEECH_RE = re.compile(rf"\b[Tt]he\s+(?P<np>(?:[\w’'-]+\s+){{0,3}}?[\w’'-]+)\s+{AUX}{VERB}\b")
# Right after a closing mark: ", Biden told reporters", ", he said", ", said Smith".
_ATTRIBUTED_RE = re.compile(
    rf"[^\S\n]*(?:(?:{NAME}|[Hh]e|[Ss]he|[Tt]hey|[Tt]he[^\S\n]+\w+)[^\S\n]+(?:\w+[^\S\n]+)?{VERB}"
    rf"|{VERB}[^\S\n]+[A-Z])\b"
)


def attributed_at(text: str, pos: int) -> bool:
    """Whether a speech verb and its subject follow right after ``pos`` (a closing mark)."""
    return _ATTRIBUTED_RE.match(text, pos) is not None


def verb_spans(text: str, *, inverting: bool = False) -> list[tuple[int, int]]:
    """Sorted (start, end) of each speech verb that makes its subject a speaker wherever it
    stands, or (``inverting``) of each that may put its speaker after it ("said X")."""
    spans: list[tuple[int, int]] = []
    for verb in INVERTING if inverting else _SPEAKING:
        # ``str.find`` per verb is many times faster than one regex over the article.
        at = text.find(verb)
        while at >= 0:
            end = at + len(verb)
            if not text[at - 1 : at].isalnum() and not text[end : end + 1].isalnum():
                spans.append((at, end))
            at = text.find(verb, end)
    spans.sort()
    return spans


def has_speech_verb(text: str) -> bool:
    """Whether ``text`` holds a speech verb: a clause ("Merz said …"), not a role."""
    return HEAD_VERB_RE.search(text) is not None
