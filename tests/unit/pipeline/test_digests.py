"""When digests are due and what goes into them; then queueing them on a real database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Settings
from bot.models import (
    Analysis,
    Article,
    Chat,
    ChatSettings,
    DeliveryMode,
    Entry,
    Feed,
    Follow,
    FollowKind,
    PausedBy,
    Platform,
    Quote,
    Tags,
)
from bot.pipeline.digest import build_digest
from bot.pipeline.fanout import (
    queue_digest,
    queue_due_digests,
    queue_instant_alerts,
    queue_pending_alerts,
)
from bot.pipeline.schedule import next_digest_at, parse_local_time
from bot.reader.fetcher import FeedFetcher
from bot.services import Services
from handlers.telegram.platform import render_alert, render_digest
from storage import Database
from tests.fakes.clock import Clock

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
ALL_PLATFORMS = tuple(Platform)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# -- next_digest_at ---------------------------------------------------------------------------


def test_next_digest_later_today_in_the_chats_time_zone() -> None:
    settings = ChatSettings(timezone="Europe/Berlin", schedule=("08:00", "18:00"))
    # 09:00 UTC is 10:00 in Berlin (CET): the 08:00 digest has gone, 18:00 CET is next.
    assert next_digest_at(settings, at("2026-11-25T09:00:00+00:00")) == at(
        "2026-11-25T18:00:00+01:00"
    )


def test_next_digest_rolls_over_to_tomorrow() -> None:
    settings = ChatSettings(timezone="Asia/Kolkata", schedule=("08:00",))
    assert next_digest_at(settings, at("2026-11-25T08:00:00+05:30")) == at(
        "2026-11-26T08:00:00+05:30"
    )


def test_next_digest_across_the_date_line() -> None:
    settings = ChatSettings(timezone="Pacific/Auckland", schedule=("07:00",))
    # 20:00 UTC on the 25th is already 09:00 on the 26th in Auckland (NZDT, +13).
    assert next_digest_at(settings, at("2026-11-25T20:00:00+00:00")) == at(
        "2026-11-27T07:00:00+13:00"
    )


def test_schedule_keeps_local_time_across_spring_forward() -> None:
    settings = ChatSettings(timezone="Europe/Berlin", schedule=("08:00",))
    before = next_digest_at(settings, at("2026-03-28T08:00:00+01:00"))
    # Clocks go forward on 29 March: the digest stays at 08:00 local, 23 h after the last one.
    assert before == at("2026-03-29T08:00:00+02:00")
    assert before - at("2026-03-28T08:00:00+01:00") == timedelta(hours=23)


def test_schedule_keeps_local_time_across_fall_back() -> None:
    settings = ChatSettings(timezone="America/New_York", schedule=("08:00",))
    assert next_digest_at(settings, at("2026-10-31T08:00:00-04:00")) == at(
        "2026-11-01T08:00:00-05:00"
    )


def test_time_skipped_by_spring_forward_fires_after_the_gap() -> None:
    settings = ChatSettings(timezone="Europe/Berlin", schedule=("02:30",))
    assert next_digest_at(settings, at("2026-03-29T00:00:00+01:00")) == at(
        "2026-03-29T03:30:00+02:00"
    )


def test_time_repeated_at_fall_back_fires_once() -> None:
    settings = ChatSettings(timezone="Europe/Berlin", schedule=("02:30",))
    first = next_digest_at(settings, at("2026-10-25T00:00:00+02:00"))
    assert first == at("2026-10-25T02:30:00+02:00")
    assert first is not None
    assert next_digest_at(settings, first) == at("2026-10-26T02:30:00+01:00")


@pytest.mark.parametrize(
    "settings",
    [ChatSettings(mode=DeliveryMode.INSTANT), ChatSettings(schedule=())],
    ids=["instant", "empty schedule"],
)
def test_no_scheduled_digest(settings: ChatSettings) -> None:
    assert next_digest_at(settings, NOW) is None


zones = st.sampled_from(
    ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]
)
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)
times = st.lists(
    st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02}:{t[1]:02}"),
    min_size=1,
    max_size=4,
)


@given(zone=zones, after=moments, schedule=times)
def test_next_digest_is_soon_after_and_never_earlier(
    zone: str, after: datetime, schedule: list[str]
) -> None:
    settings = ChatSettings(timezone=zone, schedule=tuple(schedule))
    due = next_digest_at(settings, after)
    assert due is not None
    assert after < due <= after + timedelta(hours=26)


@pytest.mark.parametrize("text", ["8", "24:00", "08:60", "8.30", "", "08:0"])
def test_malformed_times_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is not part of the contract
        parse_local_time(text)


# -- build_digest -----------------------------------------------------------------------------

FEEDS = {
    n: Feed(id=n, url=f"https://outlet{n}.example/rss", title=f"Outlet {n}") for n in range(1, 6)
}


def article(
    article_id: int,
    *,
    feed_id: int = 1,
    story_id: int | None = None,
    hours_ago: float = 1,
    title: str = "",
    countries: tuple[str, ...] = (),
    summary: tuple[str, ...] = ("First sentence.", "Second sentence.", "Third sentence."),
    quotes: tuple[Quote, ...] = (),
) -> Article:
    return Article(
        id=article_id,
        feed_id=feed_id,
        dedup_key=str(article_id),
        url=f"https://outlet{feed_id}.example/{article_id}",
        title=title or f"Headline {article_id}",
        paragraphs=("Body text.",),
        published=NOW - timedelta(hours=hours_ago),
        fetched_at=NOW,
        analysis=Analysis(
            summary=summary,
            quotes=quotes,
            tags=Tags(countries=countries, geopolitics=0.9),
        ),
        story_id=story_id if story_id is not None else article_id,
    )


def digest_of(articles: list[Article], **kwargs: object) -> list[str]:
    options: dict[str, object] = {"follows": [], "max_stories": 20} | kwargs
    digest = build_digest(articles, FEEDS, now=NOW, title="Digest", **options)  # type: ignore[arg-type]
    return [story.headline for story in digest.stories]


def test_one_story_per_event_led_by_the_earliest_report() -> None:
    reports = [
        article(11, feed_id=2, story_id=10, hours_ago=2, title="Second outlet"),
        article(10, feed_id=1, story_id=10, hours_ago=5, title="First to report"),
        article(12, feed_id=3, story_id=10, hours_ago=1, title="Third outlet"),
    ]
    digest = build_digest(reports, FEEDS, follows=[], now=NOW, max_stories=5, title="Today")
    assert len(digest.stories) == 1
    story = digest.stories[0]
    assert story.headline == "First to report"
    assert story.url == "https://outlet1.example/10"
    assert [s.name for s in story.sources] == ["Outlet 1", "Outlet 2", "Outlet 3"]
    assert story.sources[1].url == "https://outlet2.example/11"
    assert sorted(story.article_ids) == [10, 11, 12]
    assert story.story_id == 10


def test_stories_reported_by_more_outlets_come_first_then_newest() -> None:
    articles = [
        article(1, hours_ago=1, title="Fresh single"),
        article(2, hours_ago=9, title="Old single"),
        article(3, feed_id=1, story_id=3, hours_ago=6, title="Widely reported"),
        article(4, feed_id=2, story_id=3, hours_ago=5),
    ]
    assert digest_of(articles) == ["Widely reported", "Fresh single", "Old single"]


def test_two_reports_from_one_outlet_count_as_one_outlet() -> None:
    articles = [
        article(1, feed_id=1, story_id=1, hours_ago=3, title="Same outlet twice"),
        article(2, feed_id=1, story_id=1, hours_ago=2),
        article(3, hours_ago=1, title="Newer single"),
    ]
    assert digest_of(articles) == ["Newer single", "Same outlet twice"]


def test_digest_is_capped_at_max_stories() -> None:
    articles = [article(n, hours_ago=n) for n in range(1, 8)]
    assert digest_of(articles, max_stories=3) == ["Headline 1", "Headline 2", "Headline 3"]


def test_summary_length_and_quotes_follow_the_chat_settings() -> None:
    key = Quote("'We will talk,' she said", 0, 24, speaker="Jane Doe", key=True)
    other = Quote("'Maybe,' he said", 30, 46, speaker="John Roe", key=False)
    report = article(1, quotes=(key, other))
    short = build_digest(
        [report],
        FEEDS,
        follows=[],
        now=NOW,
        max_stories=5,
        title="t",
        settings=ChatSettings(summary_sentences=2),
    ).stories[0]
    assert short.summary == ("First sentence.", "Second sentence.")
    assert short.quotes == (key,)
    quiet = build_digest(
        [report],
        FEEDS,
        follows=[],
        now=NOW,
        max_stories=5,
        title="t",
        settings=ChatSettings(show_quotes=False),
    ).stories[0]
    assert quiet.quotes == ()
    assert len(quiet.summary) == 3


def test_unknown_outlet_is_named_by_its_host() -> None:
    digest = build_digest(
        [article(1, feed_id=99)], FEEDS, follows=[], now=NOW, max_stories=5, title="t"
    )
    assert digest.stories[0].sources[0].name == "outlet99.example"


def test_only_followed_stories_get_through() -> None:
    india = article(1, countries=("IN", "RU"), title="Delhi and Moscow sign a deal")
    france = article(2, countries=("FR",), title="Paris hosts a summit")
    follows = [Follow(FollowKind.COUNTRY, "IN")]
    assert digest_of([india, france], follows=follows) == ["Delhi and Moscow sign a deal"]


def test_a_story_matches_when_any_of_its_reports_matches() -> None:
    vague = article(1, story_id=1, hours_ago=3, title="Talks in the capital")
    tagged = article(2, feed_id=2, story_id=1, hours_ago=2, countries=("IN",))
    assert digest_of([vague, tagged], follows=[Follow(FollowKind.COUNTRY, "IN")]) == [
        "Talks in the capital"
    ]


def test_an_outlet_with_two_feeds_counts_once() -> None:
    bbc_world = replace(article(1, feed_id=4, hours_ago=3), url="https://www.bbc.co.uk/news/1")
    bbc_europe = replace(
        article(2, feed_id=5, story_id=1, hours_ago=2), url="https://www.bbc.com/news/2"
    )
    older_pair = [
        article(3, feed_id=1, hours_ago=9, title="Two outlets"),
        article(4, feed_id=2, story_id=3, hours_ago=8),
    ]
    digest = build_digest(
        [bbc_world, bbc_europe, *older_pair], FEEDS, follows=[], now=NOW, max_stories=5, title="t"
    )
    assert [s.headline for s in digest.stories] == ["Two outlets", "Headline 1"]
    assert [s.name for s in digest.stories[1].sources] == ["Outlet 4"]


def test_the_chats_own_outlets_lead_and_are_named_first() -> None:
    reports = [
        article(10, feed_id=1, hours_ago=5, title="First to report"),
        article(11, feed_id=2, story_id=10, hours_ago=4, title="Second"),
        article(12, feed_id=3, story_id=10, hours_ago=3, title="The chat's outlet"),
    ]
    options = {"follows": [], "now": NOW, "max_stories": 5, "title": "t"}
    [story] = build_digest(reports, FEEDS, subscribed={3}, **options).stories  # type: ignore[arg-type]
    assert story.headline == "The chat's outlet"
    assert [s.name for s in story.sources] == ["Outlet 3", "Outlet 1", "Outlet 2"]


def test_a_story_the_chat_had_comes_back_as_an_update_naming_only_new_outlets() -> None:
    reports = [
        article(10, feed_id=1, hours_ago=5, title="First to report"),
        article(11, feed_id=2, story_id=10, hours_ago=4),
        article(12, feed_id=3, story_id=10, hours_ago=1),
        article(13, feed_id=3, story_id=10, hours_ago=1),
        article(20, feed_id=4, hours_ago=2, title="New story"),
    ]
    digest = build_digest(
        reports, FEEDS, follows=[], now=NOW, max_stories=5, title="t", told={10, 11}
    )
    new, update = digest.stories
    assert (new.headline, new.update) == ("New story", False)
    assert (update.headline, update.update) == ("First to report", True)
    assert [s.name for s in update.sources] == ["Outlet 3"]
    assert update.article_ids == (12, 13)
    assert update.summary == ()


def test_a_later_report_from_an_outlet_the_chat_saw_makes_no_update() -> None:
    reports = [
        article(10, feed_id=1, hours_ago=5),
        article(11, feed_id=1, story_id=10, hours_ago=1),
    ]
    assert digest_of(reports, told={10}) == []


def test_without_follows_every_story_gets_through() -> None:
    articles = [article(1, countries=("IN",)), article(2, countries=("FR",), hours_ago=2)]
    assert digest_of(articles) == ["Headline 1", "Headline 2"]


# -- queueing (real database) -----------------------------------------------------------------


@pytest.fixture
async def services(database: Database) -> AsyncIterator[Services]:
    settings = Settings(_env_file=None)
    async with FeedFetcher(settings) as fetcher:
        services = Services.from_database(settings, database, fetcher, clock=Clock(NOW))
        yield services
        await services.pages.aclose()


async def chat_with_feed(
    services: Services, external_id: str, settings: ChatSettings | None = None
) -> tuple[Chat, Feed]:
    settings = settings or ChatSettings()
    chat = await services.chats.ensure(Platform.TELEGRAM, external_id, kind="private", now=NOW)
    await services.chats.save_settings(
        chat.id, settings, next_digest_at=next_digest_at(settings, NOW)
    )
    feed = await services.feeds.add(f"https://outlet.example/{external_id}.xml", now=NOW)
    await services.chats.subscribe(chat.id, feed.id, now=NOW)
    found = await services.chats.get(chat.id)
    assert found is not None
    return found, feed


async def store(
    services: Services,
    feed: Feed,
    title: str,
    *,
    countries: tuple[str, ...] = ("IN",),
    relevance: float = 0.9,
) -> Article:
    [stored] = await services.articles.add_new(
        feed.id,
        [Entry(title, f"https://outlet.example/{title}", title, paragraphs=("Text.",))],
        now=services.clock(),
    )
    analysis = Analysis(
        summary=(f"{title}.",), tags=Tags(countries=countries, geopolitics=relevance)
    )
    await services.articles.save_analysis(stored.id, analysis, story_id=stored.id, now=NOW)
    return replace(stored, analysis=analysis, story_id=stored.id)


RENDERERS = {Platform.TELEGRAM: render_digest}
ALERTS = {Platform.TELEGRAM: render_alert}


async def test_due_digest_is_queued_once_and_the_schedule_moves_on(services: Services) -> None:
    chat, feed = await chat_with_feed(services, "1", ChatSettings(schedule=("10:00",)))
    await store(services, feed, "Delhi talks")
    assert await queue_due_digests(services, RENDERERS) == 0  # 09:00: not due yet
    services.clock.now = NOW + timedelta(hours=1, minutes=1)  # type: ignore[attr-defined]
    assert await queue_due_digests(services, RENDERERS) == 1
    assert await services.outbox.pending_count(chat.id) == 1
    assert await queue_due_digests(services, RENDERERS) == 0
    due_tomorrow = await services.chats.due_for_digest(
        NOW + timedelta(days=1, hours=1), platforms=ALL_PLATFORMS
    )
    assert [c.id for c in due_tomorrow] == [chat.id]


async def test_two_instances_queue_a_due_digest_once(services: Services) -> None:
    chat, feed = await chat_with_feed(services, "1", ChatSettings(schedule=("10:00",)))
    await store(services, feed, "Delhi talks")
    services.clock.now = NOW + timedelta(hours=1, minutes=1)  # type: ignore[attr-defined]
    # Both instances read the chat as due before either queues it.
    (due,) = await services.chats.due_for_digest(services.clock(), platforms=ALL_PLATFORMS)
    assert due.next_digest_at is not None
    first = await services.chats.claim_digest(chat.id, due_at=due.next_digest_at, retry_at=NOW)
    second = await services.chats.claim_digest(chat.id, due_at=due.next_digest_at, retry_at=NOW)
    assert (first, second) == (True, False)


async def test_a_digest_claimed_by_a_dead_instance_falls_due_again(services: Services) -> None:
    chat, feed = await chat_with_feed(services, "1", ChatSettings(schedule=("10:00",)))
    await store(services, feed, "Delhi talks")
    late = NOW + timedelta(hours=1, minutes=1)
    (due,) = await services.chats.due_for_digest(late, platforms=ALL_PLATFORMS)
    assert due.next_digest_at is not None
    retry_at = late + timedelta(minutes=10)
    assert await services.chats.claim_digest(chat.id, due_at=due.next_digest_at, retry_at=retry_at)
    # The claiming instance died here; nothing was queued and the stories are still unsent.
    services.clock.now = retry_at  # type: ignore[attr-defined]
    assert await queue_due_digests(services, RENDERERS) == 1
    assert await services.outbox.pending_count(chat.id) == 1


async def test_due_chats_of_a_platform_not_rendered_here_do_not_starve_the_others(
    services: Services,
) -> None:
    chat, feed = await chat_with_feed(services, "1", ChatSettings(schedule=("10:00",)))
    await store(services, feed, "Delhi talks")
    # More Slack chats than one look at the due digests takes, all due before the Telegram one.
    for n in range(120):
        slack = await services.chats.ensure(Platform.SLACK, f"C{n}", now=NOW)
        await services.chats.save_settings(slack.id, ChatSettings(), next_digest_at=NOW)
    services.clock.now = NOW + timedelta(hours=1, minutes=1)  # type: ignore[attr-defined]

    assert await queue_due_digests(services, RENDERERS) == 1

    assert await services.outbox.pending_count(chat.id) == 1
    still_due = await services.chats.due_for_digest(services.clock(), platforms=[Platform.SLACK])
    assert len(still_due) == 100  # the Slack chats wait, untouched, for a process with Slack


async def test_empty_digest_sends_nothing_but_advances(services: Services) -> None:
    chat, _ = await chat_with_feed(services, "1", ChatSettings(schedule=("10:00",)))
    services.clock.now = NOW + timedelta(hours=2)  # type: ignore[attr-defined]
    assert await queue_due_digests(services, RENDERERS) == 0
    assert await services.outbox.pending_count(chat.id) == 0
    assert (
        await services.chats.due_for_digest(NOW + timedelta(hours=3), platforms=ALL_PLATFORMS) == []
    )


async def test_digest_respects_follows(services: Services) -> None:
    chat, feed = await chat_with_feed(services, "1")
    await services.chats.follow(chat.id, Follow(FollowKind.COUNTRY, "FR"))
    await store(services, feed, "Delhi talks", countries=("IN",))
    await store(services, feed, "Paris summit", countries=("FR",))
    assert await queue_digest(services, chat, render=render_digest) == 1
    [message] = await services.outbox.claim_due(
        NOW, limit=5, lease=timedelta(minutes=1), platforms=ALL_PLATFORMS
    )
    assert "Paris summit" in message.body
    assert "Delhi talks" not in message.body


async def test_instant_alerts_once_per_story_for_instant_chats_only(services: Services) -> None:
    instant, feed = await chat_with_feed(services, "1", ChatSettings(mode=DeliveryMode.INSTANT))
    daily = await services.chats.ensure(Platform.TELEGRAM, "2", kind="private", now=NOW)
    await services.chats.subscribe(daily.id, feed.id, now=NOW)
    news = [
        await store(services, feed, "Delhi talks"),
        await store(services, feed, "Celebrity wedding", relevance=0.1),
        await store(services, feed, "Seoul summit", countries=("KR",)),
    ]
    assert await queue_instant_alerts(services, news, ALERTS) == 2
    bodies = [
        m.body
        for m in await services.outbox.claim_due(
            NOW, limit=9, lease=timedelta(1), platforms=ALL_PLATFORMS
        )
    ]
    assert len(bodies) == 2
    assert await services.outbox.pending_count(instant.id) == 2
    assert "Delhi talks" in bodies[0]
    assert "Seoul summit" in bodies[1]
    assert await services.outbox.pending_count(daily.id) == 0
    assert await queue_instant_alerts(services, news, ALERTS) == 0


async def test_instant_alerts_respect_follows(services: Services) -> None:
    chat, feed = await chat_with_feed(services, "1", ChatSettings(mode=DeliveryMode.INSTANT))
    await services.chats.follow(chat.id, Follow(FollowKind.COUNTRY, "KR"))
    news = [
        await store(services, feed, "Delhi talks"),
        await store(services, feed, "Seoul", countries=("KR",)),
    ]
    assert await queue_instant_alerts(services, news, ALERTS) == 1


# -- alerts found from storage ----------------------------------------------------------------


async def alert_bodies(services: Services) -> list[str]:
    claimed = await services.outbox.claim_due(
        NOW, limit=50, lease=timedelta(minutes=1), platforms=ALL_PLATFORMS
    )
    return [m.body for m in claimed]


async def test_pending_alerts_come_from_storage_without_the_new_article_callback(
    services: Services,
) -> None:
    instant, feed = await chat_with_feed(services, "1", ChatSettings(mode=DeliveryMode.INSTANT))
    daily = await services.chats.ensure(Platform.TELEGRAM, "2", kind="private", now=NOW)
    await services.chats.subscribe(daily.id, feed.id, now=NOW)
    # Stored by a poll whose process crashed, or ran without chats: nobody queued alerts.
    await store(services, feed, "Delhi talks")
    await store(services, feed, "Celebrity wedding", relevance=0.1)
    await store(services, feed, "Seoul summit", countries=("KR",))
    assert await queue_pending_alerts(services, ALERTS) == 2
    bodies = await alert_bodies(services)
    assert len(bodies) == 2
    assert "Delhi talks" in bodies[0]
    assert "Seoul summit" in bodies[1]
    assert await services.outbox.pending_count(daily.id) == 0
    assert await queue_pending_alerts(services, ALERTS) == 0
    assert await services.outbox.pending_count(instant.id) == 2


async def test_pending_alerts_skip_what_the_immediate_path_queued(services: Services) -> None:
    _, feed = await chat_with_feed(services, "1", ChatSettings(mode=DeliveryMode.INSTANT))
    news = [await store(services, feed, "Delhi talks")]
    assert await queue_instant_alerts(services, news, ALERTS) == 1
    assert await queue_pending_alerts(services, ALERTS) == 0
    await store(services, feed, "Seoul summit")
    assert await queue_pending_alerts(services, ALERTS) == 1
    assert await queue_instant_alerts(services, news, ALERTS) == 0


async def test_racing_alert_paths_queue_each_story_once(services: Services) -> None:
    chat, feed = await chat_with_feed(services, "1", ChatSettings(mode=DeliveryMode.INSTANT))
    news = [await store(services, feed, f"Story {n}") for n in range(3)]
    counts = await asyncio.gather(
        queue_pending_alerts(services, ALERTS),
        queue_instant_alerts(services, news, ALERTS),
        queue_pending_alerts(services, ALERTS),
    )
    assert sum(counts) == 3
    assert await services.outbox.pending_count(chat.id) == 3


async def test_pending_alerts_respect_follows_pauses_and_platforms(services: Services) -> None:
    following, feed = await chat_with_feed(services, "1", ChatSettings(mode=DeliveryMode.INSTANT))
    await services.chats.follow(following.id, Follow(FollowKind.COUNTRY, "KR"))
    paused, _ = await chat_with_feed(services, "2", ChatSettings(mode=DeliveryMode.INSTANT))
    await services.chats.subscribe(paused.id, feed.id, now=NOW)
    await services.chats.pause(paused.id, by=PausedBy.USER)
    slack = await services.chats.ensure(Platform.SLACK, "C1", now=NOW)
    instant = ChatSettings(mode=DeliveryMode.INSTANT)
    await services.chats.save_settings(slack.id, instant, next_digest_at=None)
    await services.chats.subscribe(slack.id, feed.id, now=NOW)
    await store(services, feed, "Delhi talks")
    await store(services, feed, "Seoul summit", countries=("KR",))
    assert await queue_pending_alerts(services, ALERTS) == 1
    assert "Seoul summit" in (await alert_bodies(services))[0]
    assert await services.outbox.pending_count(paused.id) == 0
    # No Slack renderer in this process: the Slack chat's alerts wait for one that has it.
    assert await services.outbox.pending_count(slack.id) == 0
    assert (
        await queue_pending_alerts(services, {**ALERTS, Platform.SLACK: ALERTS[Platform.TELEGRAM]})
        == 2
    )
