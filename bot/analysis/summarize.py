"""Extractive summaries: the few sentences of an article that best say what it is about.

On news, position carries most of the signal (Lead-3 beats TextRank and LexRank on news
benchmarks), so the score starts from a position prior and adds content: similarity to the
article's TF-IDF centroid and overlap with the title. Selection is greedy MMR, so the second
and third sentences add information instead of repeating the first. Sentences a reader should
never see in a digest (bylines, captions, "Read more", questions to the reader, bare quotes,
fragments) are filtered out before scoring. A quotation is never cut: a quote over several
sentences is one unit or is left out. A dateline opening a story is not summary text, and a
sentence that leans on the one before it ("He added …") never opens a summary. Every returned
string is a verbatim span of the text: a sentence, or the sentences of one quote.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence

from bot.analysis.lexicon import (
    CAPTION_MARKERS,
    LEANING_OPENERS,
    NOISE_MARKERS,
    STOPWORDS,
    word_list,
)
from bot.analysis.sentences import Sentence, quote_units, split_sentences
from bot.analysis.terms import stem

# A word opens with a letter, a number with a digit (and ends with one). Written to open with
# one character set, which lets ``re`` skip to the next token by itself; the lookbehinds pick
# the branch. The same tokens as ``[^\W\d_][\w'’-]*|\d[\d,.]*\d|\d``, in less time.
_WORDS = re.compile(r"[^\W_](?:(?<=[^\W\d_])[\w'’-]*|(?<=\d)(?:[\d,.]*\d)?)")
_MIN_WORDS = 6
_MAX_WORDS = 70

# Weights of the score, tuned on the tune part of the CNN/DailyMail dev articles (never on the
# held-out part or the tests). The key facts of a news story are spread over its first few
# sentences (the very first is often a scene-setting lede), so the position prior is flat over a
# lead window and decays after it; inside the window, content decides. A window of 4 beat 1
# (plain decay) and 6; 5 scored higher on average but won on only 11 tune articles of 17 it
# changed, too few to move the default.
_LEAD_WINDOW = 4
_POSITION_DECAY = 0.5
_CENTROID_WEIGHT = 0.6
_TITLE_WEIGHT = 0.35
_REDUNDANCY_WEIGHT = 0.4
# Pages repeat their lead in a standfirst or under a dateline in other words: past this
# similarity to a chosen sentence, a sentence only says it again.
_NEAR_DUPLICATE = 0.6
# A digest reports what happened; a sentence that is mostly someone's words says it less well.
_QUOTED_WEIGHT = 0.3

# Openings of bylines, timestamps and calls to action (matched at the sentence start).
_NOISE_START = re.compile(
    r"(?:by|written by|reporting by|additional reporting|editing by|edited by|published|"
    r"updated|last updated|posted|follow (?:us|me)|sign up|subscribe|advertisement|related|"
    r"watch|listen|see also|also read|share this|scroll down)\b",
    re.IGNORECASE,
)
# The noise markers under a part they share: a text without "photo" has none of the six photo
# credits, so one test of the whole text clears them all.
_NOISE_GROUPS = {
    part: tuple(marker for marker in NOISE_MARKERS if part in marker)
    for part in word_list(
        "read click_here download cookie_polic all_rights_reserved getty_images photo / "
        "shutterstock ©"
    )
}
_CAPTION_LENGTH = max(map(len, CAPTION_MARKERS))
_MARKERS: tuple[Sequence[str], ...] = (CAPTION_MARKERS, NOISE_MARKERS)
_DATELINE_ONLY = re.compile(r"^[A-Z][A-Z .,'-]+(?:\([^)]*\))?\s*[-–—:]*$")
# A dateline opening a story: "BRUSSELS/TEHRAN:", "WASHINGTON —", "KYIV, Ukraine (AP) —",
# "BEIJING, Sept. 30 (Xinhua) --", "New Delhi, Dec 3 (PTI):", "(CNN) --", "Iran Press/Middle
# East:". Places in capitals need no agency; a place in mixed case is a dateline only with the
# agency in brackets or an outlet's section after a slash. Labels ("Details:") go the same way.
_DATELINE = re.compile(
    r"(?:[A-Z][A-Z'’.-]+(?:[ /][A-Z][A-Z'’.-]+)*(?:,(?:\s+[\w.]+){1,3})?(?:\s*\([^()]{1,40}\))?"
    r"|[A-Z][\w'’.-]+(?:\s[A-Z][\w'’.-]+){0,2}(?:,(?:\s+[\w.]+){1,3})?\s*\([^()]{1,40}\)"
    r"|[A-Z][\w'’.-]+(?:\s[A-Z][\w'’.-]+){0,2}/[A-Z][\w'’.-]+(?:\s[A-Z][\w'’.-]+){0,2}"
    r"|\([^()]{1,30}\)|Details|Background|Context|Update|Source)\s*(?:--|[:—–-])\s+"
)
# Such a sentence never opens a summary: its first word, or its first two.
_LEANING_WORDS = frozenset(opener for opener in LEANING_OPENERS if " " not in opener)
_LEANING_PAIRS = tuple(opener + " " for opener in LEANING_OPENERS if " " in opener)
# A line with an image credit is a caption, every sentence of it: "Image source, Reuters" in the
# line, or a credit at its end ("… near the border. REUTERS/Jane Doe", "… (Photo: Jane Doe)",
# an agency's code after the last sentence: "… in Riyadh. (SPA)").
_CAPTION_LINE = re.compile(
    r"(?:\b[A-Z]{2,}(?:-[A-Z]+)?/[A-Z][\w .'’-]*|\((?:AP )?Photo\b[^)]*\)"
    r"|\b(?:Getty Images|AFP|Reuters|EPA)\)?|(?<=[.!?])\s*\(?[A-Z]{2,6}\)?"
    r"|\([^()]{1,60}/\s*[\w.]+\))\s*$"
)
_DOUBLE_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
_MAX_CAPTION_CHARS = 400  # a longer line is article text whatever it ends with
_CLOSING = "\"'”’»)]"
_OPEN_QUOTES = "\"'“‘«"
_CLOSE_QUOTES = "\"'”’»"


def summarize(text: str, *, sentences: int = 3, title: str = "") -> list[str]:
    """Return up to ``sentences`` verbatim sentences of ``text`` in article order."""
    if sentences <= 0:
        return []
    candidates, lowered = _candidates(text, title)
    if not candidates:
        return []
    raw = _tfidf([_lowered_terms(sentence) for sentence in lowered])
    centroid: dict[str, float] = {}
    get = centroid.get
    for vector in raw:  # unnormalized sum: long, content-rich sentences shape the centroid
        for term, weight in vector.items():
            centroid[term] = get(term, 0.0) + weight
    centroid = _unit(centroid)
    vectors = [_unit(vector) for vector in raw]
    title_terms = set(_terms(title))
    scores = [
        _position_prior(rank)
        + _CENTROID_WEIGHT * _dot_with_centroid(vector, centroid)
        + _TITLE_WEIGHT * _overlap(vector, title_terms)
        - _QUOTED_WEIGHT * _quoted_share(candidate.text)
        for rank, (vector, candidate) in enumerate(zip(vectors, candidates, strict=True))
    ]
    leaning = [_needs_antecedent(lower) for lower in lowered]
    chosen = _select(scores, vectors, leaning, limit=sentences)
    return [candidates[i].text for i in sorted(chosen)]


def _candidates(text: str, title: str) -> tuple[list[Sentence], list[str]]:
    """Summary material, first occurrence of each sentence only (pages repeat captions and pull
    quotes verbatim), with each sentence lower-cased."""
    # The filters and the terms all read lower-cased sentences: lower-case the text once and
    # slice it, unless lower-casing changes its length ("İ" becomes two characters) and the
    # offsets no longer line up. Sentences are bounded by whitespace, so the context-dependent
    # final sigma lowers the same in the slice as in the text.
    whole = text.lower()
    aligned = len(whole) == len(text)
    # A marker in a sentence is in the text: look in the sentences only for those the text has.
    markers = _markers_in(whole) if aligned else _MARKERS
    seen: set[str] = set()
    unique: list[Sentence] = []
    lowered: list[str] = []
    captions = _caption_lines(text)
    for unit in quote_units(text, split_sentences(text)):
        if captions and any(start <= unit.start < end for start, end in captions):
            continue
        sentence = _without_dateline(unit)
        lower = whole[sentence.start : sentence.end] if aligned else sentence.text.lower()
        # Lower-casing keeps whitespace and non-whitespace apart: the words of ``lower`` are
        # those of the sentence.
        words = lower.split()
        if not _is_summary_material(sentence.text, len(words), lower, title, markers):
            continue
        key = " ".join(words)
        if key not in seen:
            seen.add(key)
            unique.append(sentence)
            lowered.append(lower)
    return unique, lowered


def _caption_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the lines that are photo captions."""
    spans = []
    start = 0
    for line in text.split("\n"):
        # A credit closes a caption: only the end of a short line is worth a look.
        if len(line) <= _MAX_CAPTION_CHARS and (
            _CAPTION_LINE.search(line, len(line) // 2) or "image source," in line.lower()
        ):
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _without_dateline(sentence: Sentence) -> Sentence:
    """The sentence after the dateline that opens its paragraph, if any."""
    if sentence.index:
        return sentence
    match = _DATELINE.match(sentence.text)
    if match is None or not sentence.text[match.end() :][:1].isupper():
        return sentence
    start = sentence.start + match.end()
    return Sentence(
        sentence.text[match.end() :], start, sentence.end, sentence.paragraph, sentence.index
    )


def _quoted_share(sentence: str) -> float:
    """The share of a sentence inside double quotation marks."""
    if '"' not in sentence and "“" not in sentence:
        return 0.0
    quoted = sum(len(match) for match in _DOUBLE_QUOTED.findall(sentence))
    return quoted / len(sentence)


def _needs_antecedent(lowered: str) -> bool:
    """Whether a (lower-cased) sentence leans on an earlier one: "He added", "Their ideas"."""
    first = lowered.lstrip(_OPEN_QUOTES).split(maxsplit=1)[:1]
    return bool(first) and (
        first[0].rstrip(",") in _LEANING_WORDS or lowered.startswith(_LEANING_PAIRS)
    )


def _position_prior(rank: int) -> float:
    """1.0 inside the lead window, then a slow decay with the distance from it."""
    return 1.0 / math.pow(1.0 + max(0, rank - _LEAD_WINDOW + 1), _POSITION_DECAY)


def _is_summary_material(
    sentence: str, words: int, lowered: str, title: str, markers: tuple[Sequence[str], ...]
) -> bool:
    """Reject sentences that would read as noise in a digest (``words`` and ``lowered``: the
    word count and the lower case of the sentence; ``markers``: the caption and noise markers
    worth looking for)."""
    if not _MIN_WORDS <= words <= _MAX_WORDS:
        return False
    if sentence.rstrip(_CLOSING)[-1:] not in (".", "!", "…"):
        return False  # headlines, labels, and questions put to the reader
    if _NOISE_START.match(sentence) or _has_noise_marker(lowered, *markers):
        return False
    if _DATELINE_ONLY.match(sentence):
        return False
    if sentence.isupper() or _is_bare_quote(sentence):
        return False
    return not title or _normalize(sentence) != _normalize(title)


def _markers_in(lowered: str) -> tuple[Sequence[str], ...]:
    """The caption and noise markers that occur in a lower-cased text."""
    # Caption markers open with "(": look behind the text's few brackets only.
    brackets = []
    at = lowered.find("(")
    while at >= 0:
        brackets.append(lowered[at : at + _CAPTION_LENGTH])
        at = lowered.find("(", at + 1)
    behind = "\n".join(brackets)  # may hold a marker the text has not: harmless, never fewer
    noise = [
        marker
        for part, group in _NOISE_GROUPS.items()
        if part in lowered
        for marker in group
        if marker in lowered
    ]
    return tuple(filter(behind.__contains__, CAPTION_MARKERS)), noise


def _has_noise_marker(lowered: str, captions: Sequence[str], noise: Sequence[str]) -> bool:
    # ``map`` over ``__contains__`` runs in C: a generator expression here cost a frame resume
    # per marker and per sentence.
    if "(" in lowered and any(map(lowered.__contains__, captions)):
        return True
    return any(map(lowered.__contains__, noise))


def _is_bare_quote(sentence: str) -> bool:
    """A quotation with no attribution around it says nothing about who said it."""
    stripped = sentence.rstrip(".!…")
    return sentence[0] in _OPEN_QUOTES and stripped[-1:] in _CLOSE_QUOTES


def _normalize(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def _terms(text: str) -> list[str]:
    """Content words, lower-cased and stemmed."""
    return _lowered_terms(text.lower())


def _lowered_terms(lowered: str) -> list[str]:
    """``_terms`` of an already lower-cased text."""
    # ``filter`` and ``map`` run in C: a list comprehension here cost a bytecode loop per word.
    return list(filter(None, map(_term, _WORDS.findall(lowered))))


# Memoised: news vocabulary repeats, and this is the innermost loop of the summary.
@functools.lru_cache(maxsize=50_000)
def _term(word: str) -> str:
    """The index term of a lower-cased word, or "" for a stopword."""
    word = word.replace("’", "'").removesuffix("'s")
    if word in STOPWORDS or len(word) < 2:
        return ""
    return stem(word)


def _tfidf(documents: Sequence[list[str]]) -> list[dict[str, float]]:
    """TF-IDF vectors, with document frequency counted over the sentences."""
    counts = [_count(document) for document in documents]
    frequency = Counter(itertools.chain.from_iterable(counts))  # one count of the distinct terms
    total = len(documents)
    idf = {term: math.log(1.0 + total / n) for term, n in frequency.items()}
    return [{t: c * idf[t] for t, c in count.items()} for count in counts]


def _count(terms: list[str]) -> dict[str, int]:
    """Occurrences of each term, in order of first occurrence, like ``Counter(terms)``: a
    plain loop, as a ``Counter`` costs more to build than to fill for a sentence's terms."""
    count: dict[str, int] = {}
    get = count.get
    for term in terms:
        count[term] = get(term, 0) + 1
    return count


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum([w * w for w in vector.values()]))
    return {t: w / norm for t, w in vector.items()} if norm else vector


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two unit vectors: their dot product."""
    if len(a) > len(b):
        a, b = b, a
    # A list, not a generator: the same sum in the same order, without a resume per term.
    return sum([weight * b[term] for term, weight in a.items() if term in b])


def _dot_with_centroid(vector: dict[str, float], centroid: dict[str, float]) -> float:
    """``_cosine(vector, centroid)``: every term of a sentence is in the centroid, and a
    sentence has no more terms than the centroid, so the sum runs over the sentence's terms."""
    dot: float = sum(map(operator.mul, vector.values(), map(centroid.__getitem__, vector)))
    return dot


def _overlap(vector: dict[str, float], title_terms: set[str]) -> float:
    if not title_terms:
        return 0.0
    return len(title_terms.intersection(vector)) / len(title_terms)


def _select(
    scores: Sequence[float],
    vectors: Sequence[dict[str, float]],
    leaning: Sequence[bool],
    *,
    limit: int,
) -> list[int]:
    """Greedy MMR: the best-scoring sentence that repeats least of what is already chosen.

    A sentence that leans on the one before it (``leaning``: "He added", "Their ideas") is
    taken only right after that one, so the summary never opens with it.
    """
    # The penalty only lowers a score, so each round visits sentences from the highest score
    # down and stops at a score below the best gain so far: only the few sentences near the top
    # are ever compared with the chosen ones. Ties go to the earlier sentence.
    by_score = sorted(range(len(scores)), key=lambda i: -scores[i])
    repeat = [0.0] * len(scores)  # similarity to the closest of chosen[: compared[i]]
    compared = [0] * len(scores)
    chosen: list[int] = []
    while len(chosen) < min(limit, len(scores)):
        best, best_gain = -1, -math.inf
        for i in by_score:
            if scores[i] < best_gain:
                break
            if i in chosen or (leaning[i] and i - 1 not in chosen):
                continue
            for j in chosen[compared[i] :]:
                repeat[i] = max(repeat[i], _cosine(vectors[i], vectors[j]))
            compared[i] = len(chosen)
            if repeat[i] > _NEAR_DUPLICATE:
                continue  # says again what a chosen sentence says
            gain = scores[i] - _REDUNDANCY_WEIGHT * repeat[i]
            if gain > best_gain or (gain == best_gain and i < best):
                best, best_gain = i, gain
        if best < 0:
            break  # only sentences that lean on unchosen ones are left
        chosen.append(best)
    return chosen
