"""The fixed split of the research data: tune on one part, only measure on the other."""

from __future__ import annotations

import hashlib

HELD_OUT_SHARE = 3  # one article in three is held out


def is_held_out(article_id: str) -> bool:
    """Whether an article of ../shared/eval belongs to the held-out part (stable, by its id)."""
    digest = hashlib.sha256(article_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % HELD_OUT_SHARE == 0
