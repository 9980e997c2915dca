"""What a digest holds: stored articles grouped into stories, filtered and ranked (pure).

A story the chat has not had comes whole: headline, summary, quotes and every outlet that
reported it, each outlet once, those the chat subscribed to first. A story the chat already had
comes back only as an update, and only when outlets it was not told of have reported it since:
one line per story, "Update: <headline> — also reported by …", never one message per outlet.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bot.analysis.topics import matches
from bot.models import (
    Analysis,
    Article,
    ChatSettings,
    Digest,
    DigestStory,
    Feed,
    Follow,
    SourceLink,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Host labels that name a server of an outlet rather than the outlet ("www.bbc.co.uk").
_SERVER_LABELS = frozenset({"www", "m", "amp", "mobile", "edition", "feeds", "rss", "news"})
# Second-level labels under a country code ("bbc.co.uk", "abc.net.au").
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "or", "ne", "go", "gv"})


def _moment(article: Article) -> datetime:
    return article.published or article.fetched_at or EPOCH


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # a malformed address in a feed
        return ""


def outlet_key(article: Article) -> str:
    """Who published an article: one key per outlet, whichever of its feeds carried it.

    An outlet often has several feeds (world, Europe, business) and several hosts
    ("bbc.com", "bbc.co.uk"): its registered name counts once.
    """
    host = _host(article.url).lower()
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2 or labels[-1].isdigit() or ":" in host:
        # No name to go by (no URL, an IP address): each feed is its own outlet.
        return f"feed:{article.feed_id}"
    suffix = 2 if len(labels) > 2 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 1
    name = labels[-suffix - 1]
    return name if name not in _SERVER_LABELS else ".".join(labels[-suffix - 1 :])


@dataclass(frozen=True, slots=True)
class _StoryGroup:
    members: tuple[Article, ...]  # earliest first

    @property
    def latest(self) -> datetime:
        return max(_moment(a) for a in self.members)

    @property
    def outlets(self) -> frozenset[str]:
        return frozenset(map(outlet_key, self.members))


def _group_by_story(articles: Iterable[Article]) -> list[_StoryGroup]:
    groups: dict[tuple[str, int], list[Article]] = {}
    seen: set[int] = set()
    for article in articles:
        if article.id in seen:
            continue
        seen.add(article.id)
        # Not yet clustered articles stand alone rather than being dropped.
        key = ("story", article.story_id) if article.story_id is not None else ("one", article.id)
        groups.setdefault(key, []).append(article)
    return [
        _StoryGroup(tuple(sorted(members, key=lambda a: (_moment(a), a.id))))
        for members in groups.values()
    ]


def _matches(group: _StoryGroup, follows: Sequence[Follow]) -> bool:
    if not follows:
        return True
    return any(
        matches(follows, (a.analysis or Analysis()).tags, a.title, a.text) for a in group.members
    )


@dataclass(frozen=True, slots=True)
class _Reader:
    """What the digest knows of the chat it is for."""

    feeds_by_id: Mapping[int, Feed]
    settings: ChatSettings
    told: Collection[int]
    subscribed: Collection[int]

    def first(self, members: Sequence[Article]) -> Article:
        """The earliest report from a feed the chat subscribed to, else the earliest."""
        return next((a for a in members if a.feed_id in self.subscribed), members[0])

    def sources(self, members: Sequence[Article]) -> tuple[SourceLink, ...]:
        """Each outlet once, with its earliest report; the chat's own outlets first."""
        by_outlet: dict[str, Article] = {}
        for article in sorted(members, key=lambda a: a.feed_id not in self.subscribed):
            by_outlet.setdefault(outlet_key(article), article)
        return tuple(SourceLink(self.outlet_name(a), a.url) for a in by_outlet.values())

    def outlet_name(self, article: Article) -> str:
        feed = self.feeds_by_id.get(article.feed_id)
        if feed is not None:
            return feed.display_name
        return _host(article.url) or article.url

    def had(self, group: _StoryGroup) -> bool:
        lead = group.members[0]
        return lead.story_id in self.told or any(a.id in self.told for a in group.members)

    def story(self, group: _StoryGroup) -> DigestStory:
        lead = self.first(group.members)
        analysis = lead.analysis or Analysis()
        return DigestStory(
            headline=lead.title,
            url=lead.url,
            sources=self.sources(group.members),
            summary=analysis.summary[: self.settings.summary_sentences],
            quotes=analysis.key_quotes if self.settings.show_quotes else (),
            countries=analysis.tags.countries,
            themes=analysis.tags.themes,
            published=lead.published or lead.fetched_at,
            story_id=lead.story_id,
            article_ids=tuple(a.id for a in group.members),
        )

    def update(self, group: _StoryGroup) -> DigestStory | None:
        """The story again, naming only the outlets that reported it since the chat had it."""
        told = [a for a in group.members if a.id in self.told]
        later = [a for a in group.members if a.id not in self.told]
        known = {outlet_key(a) for a in told}
        fresh = [a for a in later if outlet_key(a) not in known]
        if not fresh:
            return None  # another report from an outlet the chat already saw: nothing new
        lead = self.first(told or group.members)
        return DigestStory(
            headline=lead.title,
            url=lead.url,
            sources=self.sources(fresh),
            published=max(map(_moment, fresh)),
            story_id=lead.story_id,
            article_ids=tuple(a.id for a in later),
            update=True,
        )


def build_digest(
    articles: Iterable[Article],
    feeds_by_id: Mapping[int, Feed],
    *,
    follows: Sequence[Follow],
    now: datetime,
    max_stories: int,
    title: str,
    settings: ChatSettings | None = None,
    told: Collection[int] = frozenset(),
    subscribed: Collection[int] = frozenset(),
) -> Digest:
    """Group articles into stories, keep the followed ones, most-reported and newest first.

    ``told`` holds the story and article ids the chat was already told of: those stories come
    after the new ones, as updates, when other outlets reported them since. ``subscribed`` holds
    the chat's feed ids, whose reports lead and whose outlets are named first.
    """
    reader = _Reader(feeds_by_id, settings or ChatSettings(), told, subscribed)
    groups = [g for g in _group_by_story(articles) if _matches(g, follows)]
    groups.sort(key=lambda g: (len(g.outlets), g.latest), reverse=True)
    fresh = [reader.story(g) for g in groups if not reader.had(g)]
    had = sorted((g for g in groups if reader.had(g)), key=lambda g: g.latest, reverse=True)
    updates = [u for u in map(reader.update, had) if u is not None]
    stories = [*fresh, *updates]
    return Digest(title=title, stories=tuple(stories[:max_stories]), generated_at=now)
