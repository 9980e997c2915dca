"""Many words as one regex: the words factored as a trie, rendered as nested alternations.

Python's ``re`` tries the alternatives of an alternation one by one, so a flat alternation of
hundreds of words costs milliseconds per article; the trie costs microseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# Marks a word that must end at a word boundary (written with a trailing space).
WHOLE_WORD = "\x00"


def trie(words: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Many words factored as a trie, for ``render`` to make one regex of. A trailing space in
    a word means "whole word" and becomes ``\\b``."""
    root: dict[str, dict[str, Any]] = {}
    for word in words:
        node = root
        for char in word.rstrip() + (WHOLE_WORD if word.endswith(" ") else ""):
            node = node.setdefault(char, {})
        node[""] = {}
    return root


def render(node: dict[str, dict[str, Any]]) -> str:
    """The regex of a trie. Optional tails are greedy: the longest word wins ("North Korea"
    over "Korea")."""
    branches = [
        r"\b" if char == WHOLE_WORD else re.escape(char) + render(child)
        for char, child in node.items()
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def longest_first(words: Iterable[str]) -> str:
    """A regex of plain ``words`` that behaves as their alternation sorted from the longest
    down: the words matching at one place are prefixes of each other, and the trie tries them
    from the longest down too, so matches and backtracking are the same."""
    return render(trie(sorted(set(words))))
