"""Words and their stems: the one tokenizer and stemmer every analysis step shares.

Stems come from the Snowball English stemmer (PyStemmer, a C extension with its own cache), so
"sanctions", "sanctioned" and "sanctioning" meet, as do "agreement" and "agreements".
"""

from __future__ import annotations

import functools
import re

import Stemmer

# A word opens with a letter and may hold apostrophes and hyphens ("Addis-Ababa's"); a number
# keeps its separators ("547,000", "10.5").
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*\d|\d")


@functools.cache
def _english() -> Stemmer.Stemmer:
    # Built on first use, not at import.
    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """The stem of a lower-cased word: "sanctions" and "sanctioned" both give "sanction"."""
    return str(_english().stemWord(word))


def words(text: str) -> list[str]:
    """The words of ``text`` as written (case kept, so names can be told from other words)."""
    return _WORD.findall(text)


def normalize(word: str) -> str:
    """A word lower-cased, with typographic apostrophes straightened and a possessive cut."""
    return word.lower().replace("’", "'").removesuffix("'s")
