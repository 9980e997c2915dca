"""Slack mrkdwn: escaping, links and cutting text to Block Kit's limits (pure functions).

Slack reads ``&``, ``<`` and ``>`` as control characters in every mrkdwn text, so all text from
feeds and users is escaped. A link is ``<url|label>``: the URL must hold none of ``<``, ``>``,
``|`` and the label no ``|`` or ``>``, or the link would end early and show its raw markup.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

# Longer URLs are almost always tracking junk; the text is shown without a link instead.
MAX_LINK_URL_LENGTH = 1024
# Looks like "|" to a reader, but Slack does not take it for the end of a link's URL.
_PIPE_LOOKALIKE = "¦"
# Characters a URL inside <…> must not carry as they are.
_URL_UNSAFE = {"<": quote("<"), ">": quote(">"), "|": quote("|")}
_ESCAPED_LENGTH = {"&": len("&amp;"), "<": len("&lt;"), ">": len("&gt;")}


def escape(text: str) -> str:
    """Text as Slack shows it literally in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clean(text: str) -> str:
    """Feed text on one line: feeds arrive with arbitrary whitespace and newlines."""
    return " ".join(text.split())


def length(text: str) -> int:
    """Length as Slack's limits count it: UTF-16 code units (never fewer than characters)."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis, at a space when one is near."""
    if length(text) <= limit:
        return text
    cut = text.encode("utf-16-le")[: (limit - 1) * 2].decode("utf-16-le", "ignore")
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def safe_url(url: str) -> str | None:
    """The URL ready to go between ``<`` and ``|``; None unless it is a sane http(s) URL."""
    url = url.strip()
    if not url or len(url) > MAX_LINK_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    for char, encoded in _URL_UNSAFE.items():
        url = url.replace(char, encoded)
    url = url.replace("&", "&amp;")
    return url if len(url) <= MAX_LINK_URL_LENGTH else None


def link(label: str, url: str) -> str:
    """``label`` linked to ``url`` in mrkdwn; the escaped label alone when the URL is unusable."""
    text = escape(label.replace("|", _PIPE_LOOKALIKE))
    target = safe_url(url)
    return f"<{target}|{text}>" if target else text


def cut(text: str, budget: int) -> list[str]:
    """Raw ``text`` cut into parts whose escaped form fits ``budget``, at spaces when possible.

    Cutting the raw text (not the escaped one) means no part ends inside ``&amp;``.
    """
    parts: list[str] = []
    start = 0
    while start < len(text):
        used, end, last_space = 0, start, -1
        while end < len(text):
            char = text[end]
            width = _ESCAPED_LENGTH.get(char) or (2 if ord(char) > 0xFFFF else 1)
            if used + width > budget:
                break
            used += width
            if char == " ":
                last_space = end
            end += 1
        if end == start:  # a budget below one character: never loop forever
            end += 1
        elif end < len(text) and last_space > start:
            end = last_space + 1
        parts.append(text[start:end])
        start = end
    return [escape(part.strip()) for part in parts if part.strip()]
