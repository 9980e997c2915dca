"""Page furniture: the lines of a page that are not the article, and headlines without it.

Furniture is cut where it stands, line by line: navigation, breadcrumbs, bylines, timestamps,
photo captions and credits, share and follow buttons, author bios. Only a footer marker
("Related articles", "Comments") that follows enough article text ends the article, because the
unrelated stories listed under it read like article text; the same words near the top of a page
(a topic bar above the story) are just dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A line starting like one of these begins the page footer once the article has been read.
FOOTER_MARKERS = (
    "hashtags", "tags", "topics", "try our ai features", "comments", "no comments yet",
    "related articles", "related stories", "related news", "related content", "related topics",
    "more from", "more on this story", "you may also like", "recommended for you", "most read",
    "most popular", "read next", "sign up for our newsletter", "subscribe to our newsletter",
    "add a comment", "your thoughts and comments", "latest posts by", "same category",
    "more stories", "top stories", "read also", "also read", "you might also like",
)  # fmt: skip
# A line starting like one of these is dropped on its own; the article goes on after it.
LONE_FURNITURE = (
    "advertisement", "read more", "share this", "share on", "share", "save", "follow us",
    "follow", "continue reading", "skip to content", "skip to main content", "subscribe",
    "click here", "listen to this article", "all news", "ads banner", "ad banner", "menu",
    "search", "home", "sign in", "log in", "register", "print", "email", "copy link",
    "short url", "image source", "image caption", "media caption", "video caption", "caption",
    "getty images", "photo", "photos", "file photo", "pictured", "watch", "watch live", "listen",
    "updated", "published", "last updated", "posted", "breaking news", "live", "newsletter",
    "kaynak", "this news has been read", "no data",
)  # fmt: skip
# "Share this story" is furniture; "Share prices fell sharply." is not.
_MAX_TAIL_WORDS = 3
_MARKER_SEPARATORS = (":", "|", "-", "–", "—", "»", "›", "(", "#", ",")
# Words of article text that must stand above a footer marker before it ends the article.
MIN_ARTICLE_WORDS = 40
# A caption label alone on its line ("Image caption,"): the caption is the next line.
_CAPTION_LABELS = frozenset({"image caption", "media caption", "video caption", "caption"})
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$")
# Counters, codes and stray labels: "20", "101/211/219", "TT".
_TRAILING_HEADLINE_WORDS = 20
_INNER_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)]*\s+[\"'“‘«(]?[A-Z]")
_NO_WORDS = re.compile(r"^(?:[\d\W_]+|[A-Z]{1,3})$")
# A bare label over a list of other stories ("Read more:"), not a link to one ("Read more: …").
_BARE_FOOTER_MARKERS = ("read more", "read also", "see also", "also read", "more", "related")
# Photo credits closing a caption: "(Photo: X)", "REUTERS/Name", "Photo by X/AFP via Getty".
_AGENCIES = (
    r"Getty Images|AFP|Reuters|REUTERS|AP|EPA|EPA-EFE|EFE|Xinhua|XINHUA|Anadolu|Shutterstock"
    r"|Alamy|Bloomberg"
)
_CREDIT_END = re.compile(
    r"(?:\((?i:ap photo|photo|image|picture|source|credit|file)\b[^()]*\)"
    r"|\b(?:Photo|PHOTO|Photograph|Image|Picture|Credit|File photo)s?\s*:\s*[^.!?]{1,80}"
    rf"|(?:/|\bvia |©\s?)[^.!?/]{{0,60}}\b(?:{_AGENCIES})\b[^.!?]{{0,40}}"
    r"|\b(?:REUTERS|AFP|EPA|EPA-EFE|AP Photo|Xinhua|XINHUA)/[^.!?]{1,60})\s*\.?$"
    # An agency's code after the caption's last sentence: "… in Riyadh. (SPA)", "… SPA".
    r"|[.!?]\s*\(?[A-Z]{2,6}\)?$|\([^()]{1,60}/\s*[\w.]+\)$"
)
_MAX_CAPTION_WORDS = 60
# Separators of breadcrumbs ("Home › World › Asia"); headlines do not use these.
_BREADCRUMB = re.compile(r"\s[›»>]\s|(?:\s[/|•]\s.*){2}")
_MAX_BREADCRUMB_WORDS = 14
# Timestamps: the words a dateline of publication is made of.
_DATE_WORD = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
    r"|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?|\d[\d:/.,-]*(?:st|nd|rd|th|am|pm|h)?,?"
    r"|gmt|utc|bst|cet|est|et|ist|am|pm|at|on|ago|hours?|hrs?|minutes?|mins?|days?|an|a"
    r"|updated|published|posted|last|modified|date|time|[-–—|:,]",
    re.IGNORECASE,
)
_DIGIT_OR_MONTH = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\bago\b", re.IGNORECASE
)
_MAX_TIMESTAMP_WORDS = 12
# "By Jane Doe", "By Tugba Altun and Muhammet Tarhan": a byline is a few capitalised words.
_BYLINE = re.compile(r"^(?:by|written by|reporting by|words by)\s+[A-Z][^.!?]{0,80}$", re.I)
_BYLINE_NAMES = 8
# "Jane Doe is a correspondent for …": an author bio at the foot of an article.
_BIO = re.compile(
    r"^(?!(?:The|A|An|He|She|It|They|This|That|His|Her)\s)(?:[A-Z][\w.'’-]*\s){1,3}(?:is|was)\s(?:a|an|the)\s[^.]{0,120}\b(?:reporter|correspondent"
    r"|editor|journalist|writer|columnist|contributor|producer|author of|freelance)\b"
)
_BIO_MAX_WORDS = 60


def _starts_like(line: str, markers: Sequence[str], *, short_tail_ok: bool) -> bool:
    text = line.lower().strip(" .:!")
    for marker in markers:
        if text == marker:
            return True
        if not text.startswith(marker):
            continue
        tail = text[len(marker) :]
        if tail[:1].isalnum() or (tail[:1] == "-" and tail[1:2].isalpha()):
            continue  # a longer word: "shareholders", "follow-up"
        tail = tail.strip()
        if tail.startswith(_MARKER_SEPARATORS) or not any(ch.isalpha() for ch in tail):
            return True
        # A short tail after a whole word ("Share this story") is furniture, a sentence is not.
        if short_tail_ok and len(tail.split()) <= _MAX_TAIL_WORDS:
            return not _SENTENCE_END.search(line.rstrip())
    return False


def is_footer_marker(line: str) -> bool:
    """A line that opens the page footer ("Related articles", "Comments (12)", "Read more:")."""
    bare = line.lower().strip(" .:!»›")
    return bare in _BARE_FOOTER_MARKERS or _starts_like(line, FOOTER_MARKERS, short_tail_ok=False)


def is_furniture(line: str) -> bool:
    """A line of page furniture that is dropped where it stands."""
    return (
        _starts_like(line, LONE_FURNITURE, short_tail_ok=True)
        or _URL_ONLY.match(line) is not None
        or _NO_WORDS.match(line) is not None
        or is_timestamp(line)
        or is_byline(line)
        or is_caption(line)
        or is_breadcrumb(line)
        or is_author_bio(line)
    )


def is_timestamp(line: str) -> bool:
    """ "Updated 12 March 2025, 14:05 GMT", "3 hours ago", "Saturday, 17 May 2025" (maybe
    glued to a reporter's name)."""
    words = line.split()
    if len(words) > _MAX_TIMESTAMP_WORDS or not _DIGIT_OR_MONTH.search(line):
        return False
    rest = [word for word in words if not _DATE_WORD.fullmatch(word)]
    if len(rest) == len(words):
        return False
    # What is left may be the reporter's name or the weekday glued to it, never prose.
    return len(rest) <= 2 and all(word[:1].isupper() for word in rest)


def is_byline(line: str) -> bool:
    match = _BYLINE.match(line)
    return match is not None and len(line.split()) <= _BYLINE_NAMES + 2


def is_caption(line: str) -> bool:
    """A photo caption or credit line: it ends with a credit, or is labelled as a caption."""
    if len(line.split()) > _MAX_CAPTION_WORDS:
        return False
    lowered = line.lower()
    if "image source," in lowered or "image caption," in lowered:
        return True
    return _CREDIT_END.search(line) is not None


def is_breadcrumb(line: str) -> bool:
    return (
        len(line.split()) <= _MAX_BREADCRUMB_WORDS
        and _BREADCRUMB.search(line) is not None
        and not _SENTENCE_END.search(line)
    )


def is_author_bio(line: str) -> bool:
    return len(line.split()) <= _BIO_MAX_WORDS and _BIO.match(line) is not None


def is_caption_label(line: str) -> bool:
    return line.lower().strip(" ,:") in _CAPTION_LABELS


def strip_furniture(lines: Sequence[str]) -> tuple[str, ...]:
    """Drop furniture lines where they stand; end the article at a footer marker that follows
    at least MIN_ARTICLE_WORDS words of it."""
    paragraphs: list[str] = []
    words = 0
    caption_next = False
    for line in lines:
        if not any(ch.isalnum() for ch in line):
            continue
        if caption_next:
            caption_next = False
            continue
        if is_footer_marker(line):
            if words >= MIN_ARTICLE_WORDS:
                break
            continue
        if is_caption_label(line):
            caption_next = True
            continue
        if not is_furniture(line):
            paragraphs.append(line)
            words += len(line.split())
    while paragraphs and _is_trailing_headline(paragraphs[-1]):
        paragraphs.pop()  # a teaser of the next story, tags, a cut-off line
    return tuple(paragraphs)


def _is_trailing_headline(line: str) -> bool:
    """A headline-like line at the foot of a page: an article ends with a sentence."""
    return (
        len(line.split()) <= _TRAILING_HEADLINE_WORDS
        and not _SENTENCE_END.search(line)
        and not _INNER_SENTENCE_END.search(line)
    )


# Labels outlets add to headlines: "(VIDEO)", "[PHOTOS]", "WATCH:".
_HEADLINE_LABELS = re.compile(
    r"\s*[(\[](?:video|videos|photos?|pictures|watch|live|updated|update|gallery|opinion)[)\]]"
    r"|^(?:watch|video|live|breaking|opinion|exclusive)\s*:\s*",
    re.IGNORECASE,
)
# " | Reuters", " - BBC News", " – RT World News": a site name after a separator. After a dash
# only a known outlet or a name ending like one ("… News", "… Times") goes: "– Ukrainian spy
# chief" is the headline's own attribution.
_SITE_AFTER_BAR = re.compile(r"\s+[|•]\s+[^|•]{1,40}$")
_SITE_AFTER_DASH = re.compile(
    r"\s+[-–—]{1,2}\s+(?:the\s+)?(?:[\w.&'’-]+\s+){0,3}(?:news|times|post|herald|tribune|journal"
    r"|daily|online|today|network|agency|press|gazette|telegraph|guardian|independent|express"
    r"|observer|standard|chronicle|insider|reuters|bbc|cnn|afp|ap|al jazeera|xinhua|tass|rt"
    r"|dw|france ?24|euronews|bloomberg|politico|axios|npr|abc|cbs|nbc|sky|dawn|arab news"
    r"|anadolu|yonhap|kyodo|ani|pti|ians|wion|\w+\.(?:com|org|net|co\.uk))$",
    re.IGNORECASE,
)


def clean_headline(title: str) -> str:
    """The headline without video labels and the site's name."""
    cleaned = _HEADLINE_LABELS.sub("", title).strip()
    for pattern in (_SITE_AFTER_BAR, _SITE_AFTER_DASH):
        shorter = pattern.sub("", cleaned).strip()
        if len(shorter.split()) >= 2:
            cleaned = shorter
    return cleaned
