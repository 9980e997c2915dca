"""Stories from feed to chat over real HTTP and a real database: what a reader receives when
outlets report one event, another actor acts a day later, or more outlets report an event the
chat already had."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.analysis.analyze import analyze
from bot.models import (
    Article,
    Chat,
    ChatSettings,
    DeliveryMode,
    Entry,
    Follow,
    FollowKind,
    Platform,
    StorySignature,
)
from bot.pipeline.fanout import queue_digest, queue_instant_alerts, queue_pending_alerts
from bot.pipeline.poller import poll_due
from bot.services import Services
from handlers.telegram.platform import render_alert, render_digest
from tests.fakes.clock import Clock
from tests.fakes.documents import Item, rss_feed
from tests.fakes.feed_server import FeedServer

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
ALERTS = {Platform.TELEGRAM: render_alert}

EU_PACKAGE = (
    "EU adopts new sanctions package against Russia over Ukraine war",
    "European Union foreign ministers in Brussels on Monday adopted a new package of sanctions "
    "against Russia over its war in Ukraine, listing 74 shadow fleet tankers and banning "
    "transactions with four Russian banks, the Council of the EU said.",
)
EU_PACKAGE_REWORDED = (
    "Brussels blacklists 74 more Russian tankers in fresh EU sanctions",
    "EU governments approved fresh sanctions on Moscow on Monday, adding 74 vessels of Russia's "
    "shadow fleet to the blacklist and cutting four Russian banks off from transactions, as the "
    "bloc keeps up pressure over the war in Ukraine.",
)
EU_PACKAGE_THIRD = (
    "What is in the EU's new Russia sanctions package",
    "The European Union's new sanctions package against Russia, adopted on Monday by foreign "
    "ministers, lists 74 shadow fleet tankers and bans transactions with four Russian banks "
    "over the war in Ukraine.",
)
US_TANKERS = (
    "US Treasury widens sanctions on tankers carrying Russian oil",
    "The US Treasury Department on Tuesday imposed sanctions on 31 oil tankers and two "
    "shipping companies in Hong Kong that carried Russian crude above the price cap, the "
    "Secretary of State said, tightening pressure on the Kremlin over its war in Ukraine.",
)


@pytest.fixture
def clock(services: Services) -> Clock:
    clock = Clock(T0 + timedelta(hours=1))
    services.clock = clock
    services.settings.fetch_article_below_words = 0  # the feeds carry the whole text
    return clock


class Newsroom:
    """Outlets, each with its own feed on the local feed server, publishing as time goes on."""

    def __init__(self, services: Services, server: FeedServer, clock: Clock) -> None:
        self.services, self.server, self.clock = services, server, clock
        self.items: dict[str, list[Item]] = {}
        self.feed_ids: dict[str, int] = {}

    async def outlet(self, name: str) -> int:
        url = self.server.serve(f"/{name}.xml", rss_feed(name, []))
        feed = await self.services.feeds.add(url, now=self.clock())
        self.items[name], self.feed_ids[name] = [], feed.id
        return feed.id

    def publish(self, name: str, story: tuple[str, str]) -> None:
        n = sum(map(len, self.items.values()))
        title, text = story
        item = Item(title, self.server.url(f"/{name}/{n}"), f"{name}-{n}", (text,), self.clock())
        self.items[name].append(item)
        self.server.serve(f"/{name}.xml", rss_feed(name, self.items[name]))

    async def poll(self, *, alerts: bool = True) -> list[Article]:
        """Poll every feed now, as the service does, queueing instant alerts for new stories."""
        await self.services.feeds.make_all_due(self.clock())
        arrived: list[Article] = []

        async def on_new(articles: Sequence[Article]) -> None:
            arrived.extend(articles)
            if alerts:
                await queue_instant_alerts(self.services, articles, ALERTS)

        await poll_due(self.services, on_new_articles=on_new)
        return arrived


@pytest.fixture
def newsroom(services: Services, feed_server: FeedServer, clock: Clock) -> Newsroom:
    return Newsroom(services, feed_server, clock)


async def reader(services: Services, newsroom: Newsroom, mode: DeliveryMode, *outlets: str) -> Chat:
    chat = await services.chats.ensure(Platform.TELEGRAM, "7", kind="private", now=T0)
    await services.chats.save_settings(chat.id, ChatSettings(mode=mode), next_digest_at=None)
    for name in outlets:
        await services.chats.subscribe(chat.id, newsroom.feed_ids[name], now=T0)
    found = await services.chats.get(chat.id)
    assert found is not None
    return found


async def sent(services: Services) -> list[str]:
    """Bodies of the messages queued since the last call (claimed, as a sender would)."""
    claimed = await services.outbox.claim_due(
        services.clock() + timedelta(days=30),
        limit=100,
        lease=timedelta(seconds=1),
        platforms=tuple(Platform),
    )
    await services.outbox.mark_sent_many([m.id for m in claimed], now=services.clock())
    return [m.body for m in claimed]


async def test_another_actor_acting_a_day_later_reaches_an_instant_chat_following_the_theme(
    services: Services, newsroom: Newsroom, clock: Clock
) -> None:
    for name in ("Wire", "Daily", "Herald"):
        await newsroom.outlet(name)
    chat = await reader(services, newsroom, DeliveryMode.INSTANT, "Wire", "Daily", "Herald")
    await services.chats.follow(chat.id, Follow(FollowKind.KEYWORD, "sanctions"))
    newsroom.publish("Wire", EU_PACKAGE)
    newsroom.publish("Daily", EU_PACKAGE_REWORDED)
    await newsroom.poll(alerts=False)
    assert await queue_pending_alerts(services, ALERTS) == 1
    [first] = await sent(services)
    assert "Reported by 2 outlets" in first
    clock.now += timedelta(days=1)
    newsroom.publish("Herald", US_TANKERS)
    await newsroom.poll()
    [second] = await sent(services)
    assert "US Treasury widens sanctions on tankers" in second
    assert "Update" not in second


async def test_feeds_polled_in_one_cycle_group_one_event_into_one_story(
    services: Services, newsroom: Newsroom
) -> None:
    for name, story in (("Wire", EU_PACKAGE), ("Daily", EU_PACKAGE_REWORDED)):
        await newsroom.outlet(name)
        newsroom.publish(name, story)
    await newsroom.outlet("Herald")
    newsroom.publish("Herald", EU_PACKAGE_THIRD)
    await reader(services, newsroom, DeliveryMode.INSTANT, "Wire", "Daily", "Herald")
    arrived = await newsroom.poll(alerts=False)
    assert len(arrived) == 3
    assert len({a.story_id for a in arrived}) == 1
    assert await queue_pending_alerts(services, ALERTS) == 1
    [alert] = await sent(services)
    assert "Reported by 3 outlets" in alert


async def test_an_instant_chat_gets_one_update_naming_the_outlets_that_reported_since(
    services: Services, newsroom: Newsroom, clock: Clock
) -> None:
    for name in ("Wire", "Daily", "Herald"):
        await newsroom.outlet(name)
    await reader(services, newsroom, DeliveryMode.INSTANT, "Wire", "Daily", "Herald")
    newsroom.publish("Wire", EU_PACKAGE)
    await newsroom.poll()
    [alert] = await sent(services)
    assert "via" in alert
    for minutes, name, story in ((10, "Daily", EU_PACKAGE_REWORDED), (20, "Herald", US_TANKERS)):
        clock.now = T0 + timedelta(hours=1, minutes=minutes)
        newsroom.publish(name, story)
        await newsroom.poll()
    clock.now += timedelta(minutes=15)
    newsroom.publish("Herald", EU_PACKAGE_THIRD)
    await newsroom.poll()
    # The Treasury's sanctions are news of their own; the package's later reports wait.
    [treasury] = await sent(services)
    assert "US Treasury" in treasury
    assert await queue_pending_alerts(services, ALERTS) == 0
    clock.now = T0 + timedelta(hours=2)  # an hour after the first alert
    assert await queue_pending_alerts(services, ALERTS) == 1
    [update] = await sent(services)
    assert update.startswith("<b>Update: </b>")
    assert "EU adopts new sanctions package" in update
    assert "Also reported by" in update
    assert ">Daily</a>" in update
    assert ">Herald</a>" in update
    assert ">Wire</a>" not in update
    assert "74 shadow fleet tankers" not in update  # no summary again
    clock.now += timedelta(hours=2)
    assert await queue_pending_alerts(services, ALERTS) == 0


async def test_a_digest_says_who_else_reported_a_story_the_chat_had(
    services: Services, newsroom: Newsroom, clock: Clock
) -> None:
    for name in ("Wire", "Daily"):
        await newsroom.outlet(name)
    chat = await reader(services, newsroom, DeliveryMode.DIGEST, "Wire", "Daily")
    newsroom.publish("Wire", EU_PACKAGE)
    await newsroom.poll()
    assert await queue_digest(services, chat, render=render_digest) == 1
    [digest] = await sent(services)
    assert "1 story" in digest
    assert "74 shadow fleet tankers" in digest
    clock.now += timedelta(hours=3)
    newsroom.publish("Daily", EU_PACKAGE_REWORDED)
    await newsroom.poll()
    assert await queue_digest(services, chat, render=render_digest) == 1
    [later] = await sent(services)
    assert "0 stories · 1 update" in later
    assert "Update: </b>" in later
    assert "Also reported by</i> <a" in later
    assert ">Daily</a>" in later
    assert "74 shadow fleet tankers" not in later
    assert await queue_digest(services, chat, render=render_digest) == 0


async def test_a_story_assigned_by_another_process_is_seen_by_the_next_batch(
    services: Services, newsroom: Newsroom
) -> None:
    other = Services.from_database(
        services.settings, services.db, services.fetcher, clock=services.clock
    )
    await newsroom.outlet("Herald")
    newsroom.publish("Herald", US_TANKERS)
    await newsroom.poll(alerts=False)  # this process has loaded its story index now
    wire = await newsroom.outlet("Wire")
    entry = Entry("eu", "https://wire.example/eu", EU_PACKAGE[0], paragraphs=EU_PACKAGE[1:])
    [stored] = await other.articles.add_new(wire, [entry], now=services.clock())
    analyzed = replace(stored, analysis=analyze(*EU_PACKAGE))
    [by_other] = await other.stories.assign([analyzed], now=services.clock())
    await newsroom.outlet("Daily")
    newsroom.publish("Daily", EU_PACKAGE_REWORDED)
    [reworded] = await newsroom.poll(alerts=False)
    assert reworded.story_id == by_other.story_id == stored.id


async def test_articles_analyzed_before_signatures_existed_are_signed_and_matched(
    services: Services, newsroom: Newsroom, clock: Clock
) -> None:
    wire = await newsroom.outlet("Wire")
    entry = Entry("old", "https://wire.example/old", EU_PACKAGE[0], paragraphs=EU_PACKAGE[1:])
    [old] = await services.articles.add_new(wire, [entry], now=clock())
    # Stored as an older version stored it: analysis and story, no signature.
    unsigned = replace(analyze(*EU_PACKAGE), signature=StorySignature())
    await services.articles.save_analysis(old.id, unsigned, story_id=old.id, now=clock())
    await newsroom.outlet("Daily")
    newsroom.publish("Daily", EU_PACKAGE_REWORDED)
    [reworded] = await newsroom.poll(alerts=False)
    assert reworded.story_id == old.id
    signed = await services.articles.get(old.id)
    assert signed is not None
    assert signed.analysis is not None
    assert signed.analysis.signature == analyze(*EU_PACKAGE).signature
