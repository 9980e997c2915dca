"""What a digest holds: stored articles grouped into stories, filtered and ranked (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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


@dataclass(frozen=True, slots=True)
class _StoryGroup:
    members: tuple[Article, ...]

    @property
    def lead(self) -> Article:
        return min(self.members, key=lambda a: (_moment(a), a.id))

    @property
    def latest(self) -> datetime:
        return max(_moment(a) for a in self.members)

    @property
    def outlet_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(a.feed_id for a in self.members))


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _moment(article: Article) -> datetime:
    return article.published or article.fetched_at or EPOCH


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
    return [_StoryGroup(tuple(members)) for members in groups.values()]


def _matches(group: _StoryGroup, follows: Sequence[Follow]) -> bool:
    if not follows:
        return True
    return any(
        matches(follows, (a.analysis or Analysis()).tags, a.title, a.text) for a in group.members
    )


def _outlet_name(article: Article, feeds_by_id: Mapping[int, Feed]) -> str:
    feed = feeds_by_id.get(article.feed_id)
    if feed is not None:
        return feed.display_name
    return urlsplit(article.url).hostname or article.url


def _digest_story(
    group: _StoryGroup, feeds_by_id: Mapping[int, Feed], settings: ChatSettings
) -> DigestStory:
    lead = group.lead
    analysis = lead.analysis or Analysis()
    first_by_outlet: dict[int, Article] = {}
    for article in sorted(group.members, key=lambda a: (_moment(a), a.id)):
        first_by_outlet.setdefault(article.feed_id, article)
    return DigestStory(
        headline=lead.title,
        url=lead.url,
        sources=tuple(
            SourceLink(_outlet_name(a, feeds_by_id), a.url) for a in first_by_outlet.values()
        ),
        summary=analysis.summary[: settings.summary_sentences],
        quotes=analysis.key_quotes if settings.show_quotes else (),
        countries=analysis.tags.countries,
        themes=analysis.tags.themes,
        published=lead.published or lead.fetched_at,
        story_id=lead.story_id,
        article_ids=tuple(a.id for a in group.members),
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
) -> Digest:
    """Group articles into stories, keep the followed ones, most-reported and newest first."""
    chat_settings = settings or ChatSettings()
    groups = [g for g in _group_by_story(articles) if _matches(g, follows)]
    groups.sort(key=lambda g: (len(g.outlet_ids), g.latest), reverse=True)
    stories = tuple(_digest_story(g, feeds_by_id, chat_settings) for g in groups[:max_stories])
    return Digest(title=title, stories=stories, generated_at=now)
