"""Extractive summaries: the few sentences of an article that best say what it is about.

On news, position carries most of the signal (Lead-3 beats TextRank and LexRank on news
benchmarks), so the score starts from a position prior and adds content: similarity to the
article's TF-IDF centroid and overlap with the title. Selection is greedy MMR, so the second
and third sentences add information instead of repeating the first. Sentences a reader should
never see in a digest (bylines, captions, "Read more", questions to the reader, bare quotes,
fragments) are filtered out before scoring. Every returned string is a verbatim sentence.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from bot.lexicon import STOPWORDS
from bot.sentences import Sentence, split_sentences

_WORDS = re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*\d|\d")
_MIN_WORDS = 6
_MAX_WORDS = 70

# Weights of the score, tuned on CNN/DailyMail dev articles (never on the tests). The key facts
# of a news story are spread over its first few sentences (the very first is often a scene-
# setting lede), so the position prior is flat over a lead window and decays after it; inside
# the window, content decides. A window of 4 beat both 1 (plain decay) and 5-6 on ROUGE.
_LEAD_WINDOW = 4
_POSITION_DECAY = 0.5
_CENTROID_WEIGHT = 0.6
_TITLE_WEIGHT = 0.35
_REDUNDANCY_WEIGHT = 0.4

# Openings of bylines, timestamps and calls to action (matched at the sentence start).
_NOISE_START = re.compile(
    r"(?:by|written by|reporting by|additional reporting|editing by|edited by|published|"
    r"updated|last updated|posted|follow (?:us|me)|sign up|subscribe|advertisement|related|"
    r"watch|listen|see also|also read|share this|scroll down)\b",
    re.IGNORECASE,
)
# Caption, photo-credit and call-to-action markers anywhere in a sentence (lower case). Plain
# substring tests: a regex alternation here cost more than the rest of the summary.
_CAPTION_MARKERS = (
    "(photo", "(image", "(picture", "(credit", "(video", "(file photo", "(pictured", "(left",
    "(right", "(above", "(below", "(centre", "(center", "(inset", "(top)", "(bottom)",
    "(second left", "(second right",
)  # fmt: skip
_NOISE_MARKERS = (
    "read more", "read the full", "click here", "continue reading", "download the app",
    "download our app", "cookie polic", "all rights reserved", "getty images", "ap photo",
    "afp photo", "afp/", "reuters/", "shutterstock", "photo by", "photograph by",
    "photo courtesy", "photo credit", "©",
)  # fmt: skip
_DATELINE_ONLY = re.compile(r"^[A-Z][A-Z .,'-]+(?:\([^)]*\))?\s*[-–—:]*$")
_CLOSING = "\"'”’»)]"
_OPEN_QUOTES = "\"'“‘«"
_CLOSE_QUOTES = "\"'”’»"


def summarize(text: str, *, sentences: int = 3, title: str = "") -> list[str]:
    """Return up to ``sentences`` verbatim sentences of ``text`` in article order."""
    if sentences <= 0:
        return []
    candidates = _unique(s for s in split_sentences(text) if _is_summary_material(s.text, title))
    if not candidates:
        return []
    raw = _tfidf([_terms(s.text) for s in candidates])
    centroid: dict[str, float] = {}
    for vector in raw:  # unnormalised sum: long, content-rich sentences shape the centroid
        for term, weight in vector.items():
            centroid[term] = centroid.get(term, 0.0) + weight
    centroid = _unit(centroid)
    vectors = [_unit(vector) for vector in raw]
    title_terms = set(_terms(title))
    scores = [
        _position_prior(rank)
        + _CENTROID_WEIGHT * _cosine(vector, centroid)
        + _TITLE_WEIGHT * _overlap(vector, title_terms)
        for rank, vector in enumerate(vectors)
    ]
    chosen = _select(scores, vectors, limit=sentences)
    return [candidates[i].text for i in sorted(chosen)]


def _unique(sentences: Iterable[Sentence]) -> list[Sentence]:
    """First occurrence of each sentence: pages repeat captions and pull quotes verbatim."""
    seen: set[str] = set()
    unique = []
    for sentence in sentences:
        key = " ".join(sentence.text.lower().split())
        if key not in seen:
            seen.add(key)
            unique.append(sentence)
    return unique


def _position_prior(rank: int) -> float:
    """1.0 inside the lead window, then a slow decay with the distance from it."""
    return 1.0 / math.pow(1.0 + max(0, rank - _LEAD_WINDOW + 1), _POSITION_DECAY)


def _is_summary_material(sentence: str, title: str) -> bool:
    """Reject sentences that would read as noise in a digest."""
    words = sentence.split()
    if not _MIN_WORDS <= len(words) <= _MAX_WORDS:
        return False
    if sentence.rstrip(_CLOSING)[-1:] not in (".", "!", "…"):
        return False  # headlines, labels, and questions put to the reader
    if _NOISE_START.match(sentence) or _has_noise_marker(sentence.lower()):
        return False
    if _DATELINE_ONLY.match(sentence):
        return False
    if sentence.isupper() or _is_bare_quote(sentence):
        return False
    return not title or _normalise(sentence) != _normalise(title)


def _has_noise_marker(lowered: str) -> bool:
    # ``map`` over ``__contains__`` runs in C: a generator expression here cost a frame resume
    # per marker and per sentence.
    if "(" in lowered and any(map(lowered.__contains__, _CAPTION_MARKERS)):
        return True
    return any(map(lowered.__contains__, _NOISE_MARKERS))


def _is_bare_quote(sentence: str) -> bool:
    """A quotation with no attribution around it says nothing about who said it."""
    stripped = sentence.rstrip(".!…")
    return sentence[0] in _OPEN_QUOTES and stripped[-1:] in _CLOSE_QUOTES


def _normalise(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def _terms(text: str) -> list[str]:
    """Content words, lower-cased, with a light plural/possessive stem."""
    return [term for term in map(_term, _WORDS.findall(text.lower())) if term]


# Memoised: news vocabulary repeats, and this is the innermost loop of the summary.
@functools.lru_cache(maxsize=50_000)
def _term(word: str) -> str:
    """The index term of a lower-cased word, or "" for a stopword."""
    word = word.replace("’", "'").removesuffix("'s")
    if word in STOPWORDS or len(word) < 2:
        return ""
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _tfidf(documents: Sequence[list[str]]) -> list[dict[str, float]]:
    """TF-IDF vectors, with document frequency counted over the sentences."""
    counts = [Counter(document) for document in documents]
    frequency: Counter[str] = Counter()
    for count in counts:
        frequency.update(count.keys())
    total = len(documents)
    idf = {term: math.log(1.0 + total / n) for term, n in frequency.items()}
    return [{t: c * idf[t] for t, c in count.items()} for count in counts]


def _unit(vector: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum([w * w for w in vector.values()]))
    return {t: w / norm for t, w in vector.items()} if norm else vector


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two unit vectors: their dot product."""
    if len(a) > len(b):
        a, b = b, a
    # A list, not a generator: the same sum in the same order, without a resume per term.
    return sum([weight * b[term] for term, weight in a.items() if term in b])


def _overlap(vector: dict[str, float], title_terms: set[str]) -> float:
    if not title_terms:
        return 0.0
    return len(title_terms.intersection(vector)) / len(title_terms)


def _select(
    scores: Sequence[float], vectors: Sequence[dict[str, float]], *, limit: int
) -> list[int]:
    """Greedy MMR: the best-scoring sentence that repeats least of what is already chosen."""
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
            if i in chosen:
                continue
            for j in chosen[compared[i] :]:
                repeat[i] = max(repeat[i], _cosine(vectors[i], vectors[j]))
            compared[i] = len(chosen)
            gain = scores[i] - _REDUNDANCY_WEIGHT * repeat[i]
            if gain > best_gain or (gain == best_gain and i < best):
                best, best_gain = i, gain
        chosen.append(best)
    return chosen
