"""Repositories on a real database: SQLite always, PostgreSQL when configured."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from importlib.resources import files

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.models import (
    Analysis,
    ChatSettings,
    DeliveryMode,
    Entry,
    Feed,
    Follow,
    FollowKind,
    OutboxMessage,
    OutboxState,
    PausedBy,
    Platform,
    Quote,
    Rendered,
    Tags,
)
from storage import ArticleRepository, ChatRepository, Database, FeedRepository, OutboxRepository
from storage.tables import outbox as outbox_table

LEASE = timedelta(minutes=5)
ALL_PLATFORMS = tuple(Platform)


def _entry(key: str, title: str = "Talks in Geneva") -> Entry:
    return Entry(
        dedup_key=key, url=f"https://news.example/{key}", title=title, paragraphs=("A.", "B.")
    )


async def test_feed_claims_are_exclusive_and_leased(database: Database, now: datetime) -> None:
    feeds = FeedRepository(database)
    for n in range(3):
        await feeds.add(f"https://news.example/{n}.xml", now=now)
    first = await feeds.claim_due(now, limit=2, lease=LEASE)
    second = await feeds.claim_due(now, limit=10, lease=LEASE)
    assert len(first) == 2
    assert len(second) == 1
    assert {f.id for f in first}.isdisjoint({f.id for f in second})
    assert await feeds.claim_due(now, limit=10, lease=LEASE) == []
    # A crashed poller's lease runs out and the feed is due again.
    assert len(await feeds.claim_due(now + LEASE * 2, limit=10, lease=LEASE)) == 3


async def test_feed_success_and_failure_state(database: Database, now: datetime) -> None:
    feeds = FeedRepository(database)
    feed = await feeds.add("https://news.example/a.xml", now=now)
    later = now + timedelta(minutes=10)
    await feeds.record_failure(feed.id, error="HTTP 500 from server", now=now, next_poll_at=later)
    failed = await feeds.get(feed.id)
    assert failed is not None
    assert (failed.error_count, failed.last_error, failed.next_poll_at) == (
        1,
        "HTTP 500 from server",
        later,
    )
    await feeds.record_success(
        feed.id, now=later, next_poll_at=later, url="https://news.example/moved.xml", etag='"v1"'
    )
    moved = await feeds.get(feed.id)
    assert moved is not None
    assert (moved.url, moved.etag, moved.error_count, moved.last_error) == (
        "https://news.example/moved.xml",
        '"v1"',
        0,
        None,
    )


async def test_disabled_feed_is_not_polled_until_enabled(database: Database, now: datetime) -> None:
    feeds = FeedRepository(database)
    feed = await feeds.add("https://news.example/a.xml", now=now)
    await feeds.record_failure(
        feed.id, error="gone", now=now, next_poll_at=now, disable_reason="410"
    )
    assert await feeds.claim_due(now, limit=10, lease=LEASE) == []
    await feeds.enable(feed.id, now=now)
    assert [f.id for f in await feeds.claim_due(now, limit=10, lease=LEASE)] == [feed.id]


async def test_article_stored_once_even_across_restart(database: Database, now: datetime) -> None:
    feed = await FeedRepository(database).add("https://news.example/a.xml", now=now)
    articles = ArticleRepository(database)
    first = await articles.add_new(feed.id, [_entry("a"), _entry("b")], now=now)
    assert [a.dedup_key for a in first] == ["a", "b"]
    assert await articles.add_new(feed.id, [_entry("a")], now=now) == []
    restarted = Database(database.engine.url.render_as_string(hide_password=False))
    try:
        again = await ArticleRepository(restarted).add_new(
            feed.id, [_entry("b"), _entry("c")], now=now
        )
    finally:
        await restarted.aclose()
    assert [a.dedup_key for a in again] == ["c"]
    assert await articles.count() == 3
    assert await articles.known_keys(feed.id, ["a", "z"]) == {"a"}


async def test_analysis_round_trip(database: Database, now: datetime) -> None:
    feed = await FeedRepository(database).add("https://news.example/a.xml", now=now)
    articles = ArticleRepository(database)
    (article,) = await articles.add_new(feed.id, [_entry("a")], now=now)
    analysis = Analysis(
        summary=("One.", "Two."),
        quotes=(Quote("We will talk", 3, 15, speaker="Ann Lee", role="envoy", key=True),),
        tags=Tags(
            countries=("IN", "RU"), organizations=("UN",), themes=("diplomacy",), geopolitics=0.9
        ),
    )
    await articles.save_analysis(article.id, analysis, story_id=article.id, now=now)
    stored = await articles.get(article.id)
    assert stored is not None
    assert stored.analysis == analysis
    assert stored.story_id == article.id
    assert stored.text == "A.\n\nB."


async def test_chat_settings_subscriptions_follows(database: Database, now: datetime) -> None:
    chats = ChatRepository(database)
    feeds = FeedRepository(database)
    chat = await chats.ensure(Platform.TELEGRAM, "-100", thread_id="7", kind="supergroup", now=now)
    assert chat == await chats.ensure(Platform.TELEGRAM, "-100", thread_id="7", now=now)
    assert chat.settings == ChatSettings()
    settings = ChatSettings(
        timezone="Europe/Berlin", mode=DeliveryMode.INSTANT, schedule=("07:30",)
    )
    await chats.save_settings(chat.id, settings, next_digest_at=None)
    reloaded = await chats.get(chat.id)
    assert reloaded is not None
    assert reloaded.settings == settings
    feed = await feeds.add("https://news.example/a.xml", now=now)
    assert await chats.subscribe(chat.id, feed.id, now=now) is True
    assert await chats.subscribe(chat.id, feed.id, now=now) is False
    assert [f.url for f in await chats.subscriptions(chat.id)] == [feed.url]
    india = Follow(FollowKind.COUNTRY, "IN")
    assert await chats.follow(chat.id, india) is True
    assert await chats.follow(chat.id, india) is False
    assert await chats.follows(chat.id) == [india]
    assert await chats.unfollow(chat.id, india) is True
    assert await chats.unsubscribe(chat.id, feed.id) is True
    assert await chats.subscriptions(chat.id) == []


async def test_outbox_order_pause_and_retry(database: Database, now: datetime) -> None:
    chats = ChatRepository(database)
    outbox = OutboxRepository(database)
    chat = await chats.ensure(Platform.TELEGRAM, "42", now=now)
    first, second = await outbox.enqueue(
        chat.id, [Rendered("part 1"), Rendered("part 2")], now=now, story_ids=[9]
    )
    claimed = await outbox.claim_due(now, limit=10, lease=LEASE, platforms=ALL_PLATFORMS)
    assert [m.body for m in claimed] == ["part 1", "part 2"]
    assert claimed[0].external_chat_id == "42"
    # Part 1 must wait: part 2 may not overtake it.
    await outbox.retry_at(first, at=now + timedelta(seconds=30), error="429")
    await outbox.release(second)
    assert await outbox.claim_due(now, limit=10, lease=LEASE, platforms=ALL_PLATFORMS) == []
    later = now + timedelta(seconds=31)
    assert [
        m.id for m in await outbox.claim_due(later, limit=10, lease=LEASE, platforms=ALL_PLATFORMS)
    ] == [first, second]
    await outbox.mark_sent(first, now=later)
    await outbox.mark_failed(second, error="Bad Request: message is too long")
    counts = await outbox.counts()
    assert counts == {OutboxState.SENT: 1, OutboxState.FAILED: 1}
    failed = await outbox.get(second)
    assert failed is not None
    assert failed.last_error == "Bad Request: message is too long"


async def test_paused_chat_keeps_its_messages(database: Database, now: datetime) -> None:
    chats = ChatRepository(database)
    outbox = OutboxRepository(database)
    chat = await chats.ensure(Platform.TELEGRAM, "42", now=now)
    await outbox.enqueue(chat.id, [Rendered("hello")], now=now)
    await chats.pause_address(Platform.TELEGRAM, "42", reason="Forbidden: bot was blocked")
    assert await outbox.claim_due(now, limit=10, lease=LEASE, platforms=ALL_PLATFORMS) == []
    paused = await chats.get(chat.id)
    assert paused is not None
    assert paused.paused_reason == "Forbidden: bot was blocked"
    await chats.resume(chat.id)
    assert [
        m.body for m in await outbox.claim_due(now, limit=10, lease=LEASE, platforms=ALL_PLATFORMS)
    ] == ["hello"]


async def test_migrated_chat_gets_new_address(database: Database, now: datetime) -> None:
    chats = ChatRepository(database)
    outbox = OutboxRepository(database)
    chat = await chats.ensure(Platform.TELEGRAM, "-5", now=now)
    await outbox.enqueue(chat.id, [Rendered("hello")], now=now)
    await chats.migrate(Platform.TELEGRAM, "-5", "-1005")
    (message,) = await outbox.claim_due(now, limit=10, lease=LEASE, platforms=ALL_PLATFORMS)
    assert message.external_chat_id == "-1005"


async def test_delivered_stories_are_not_offered_again(database: Database, now: datetime) -> None:
    feeds, articles = FeedRepository(database), ArticleRepository(database)
    chats, outbox = ChatRepository(database), OutboxRepository(database)
    feed = await feeds.add("https://news.example/a.xml", now=now)
    chat = await chats.ensure(Platform.TELEGRAM, "42", now=now)
    await chats.subscribe(chat.id, feed.id, now=now)
    stored = await articles.add_new(feed.id, [_entry("a"), _entry("b")], now=now)
    relevant = Analysis(tags=Tags(geopolitics=0.9))
    for article in stored:
        await articles.save_analysis(article.id, relevant, story_id=stored[0].id, now=now)
    since = now - timedelta(hours=24)

    async def offered() -> list[str]:
        undelivered = await articles.undelivered_for_chat(chat.id, since=since, min_relevance=0.5)
        return [a.dedup_key for a in undelivered]

    assert await offered() == ["a", "b"]
    await outbox.enqueue(chat.id, [Rendered("digest")], now=now, story_ids=[stored[0].id])
    # Told of the story through its first report only: the second may still make an update.
    assert await offered() == ["b"]
    later = now + timedelta(hours=1)
    await outbox.enqueue(chat.id, [Rendered("update")], now=later, story_ids=[stored[1].id])
    assert await offered() == []
    told = await articles.told(chat.id, [a.id for a in stored])
    assert told == {stored[0].id: now, stored[1].id: later}
    members = await articles.story_members([stored[0].id])
    assert [a.dedup_key for a in members[stored[0].id]] == ["a", "b"]


async def test_old_articles_and_finished_messages_are_pruned(
    database: Database, now: datetime
) -> None:
    feed = await FeedRepository(database).add("https://news.example/a.xml", now=now)
    articles, outbox = ArticleRepository(database), OutboxRepository(database)
    chat = await ChatRepository(database).ensure(Platform.TELEGRAM, "42", now=now)
    old = now - timedelta(days=40)
    await articles.add_new(feed.id, [_entry("old")], now=old)
    await articles.add_new(feed.id, [_entry("new")], now=now)
    sent, pending = await outbox.enqueue(chat.id, [Rendered("sent"), Rendered("pending")], now=old)
    await outbox.mark_sent(sent, now=old)
    assert await articles.prune(now - timedelta(days=30)) == 1
    assert await outbox.prune(now - timedelta(days=30)) == 1
    assert await articles.known_keys(feed.id, ["old", "new"]) == {"new"}
    assert await outbox.get(pending) is not None


async def test_two_engines_claiming_at_once_never_claim_the_same_work(
    database: Database, now: datetime
) -> None:
    """Two engines on one database, claiming concurrently from one event loop (as two instances
    would, minus the separate processes): every feed and message is claimed exactly once."""
    feeds, chats, outbox = (
        FeedRepository(database),
        ChatRepository(database),
        OutboxRepository(database),
    )
    for n in range(40):
        await feeds.add(f"https://news.example/{n}.xml", now=now)
        chat = await chats.ensure(Platform.TELEGRAM, str(n), now=now)
        await outbox.enqueue(chat.id, [Rendered(f"message {n}")], now=now)
    other = Database(database.engine.url.render_as_string(hide_password=False))
    try:
        instances = [(feeds, outbox), (FeedRepository(other), OutboxRepository(other))]
        rounds = [
            claim
            for feed_repo, outbox_repo in instances
            for claim in (
                *(feed_repo.claim_due(now, limit=7, lease=LEASE) for _ in range(4)),
                *(
                    outbox_repo.claim_due(now, limit=7, lease=LEASE, platforms=ALL_PLATFORMS)
                    for _ in range(4)
                ),
            )
        ]
        results = await asyncio.gather(*rounds)
    finally:
        await other.aclose()
    feed_ids = [f.id for batch in results for f in batch if isinstance(f, Feed)]
    message_ids = [m.id for batch in results for m in batch if isinstance(m, OutboxMessage)]
    assert len(feed_ids) == len(set(feed_ids))
    assert len(message_ids) == len(set(message_ids))
    assert len(feed_ids) == len(message_ids) == 40


async def test_sent_messages_are_recorded_in_one_go(database: Database, now: datetime) -> None:
    chats, outbox = ChatRepository(database), OutboxRepository(database)
    first = await chats.ensure(Platform.TELEGRAM, "41", now=now)
    second = await chats.ensure(Platform.TELEGRAM, "42", now=now)
    one, two, three = await outbox.enqueue(
        first.id, [Rendered("one"), Rendered("two"), Rendered("three")], now=now
    )
    four, five = await outbox.enqueue(second.id, [Rendered("four"), Rendered("five")], now=now)
    await outbox.claim_due(now, limit=10, lease=LEASE, platforms=ALL_PLATFORMS)
    sent_at = now + timedelta(seconds=2)

    await outbox.mark_sent_many([one, two, four], now=sent_at)
    await outbox.mark_sent_many([], now=sent_at)

    assert await outbox.counts() == {OutboxState.SENT: 3, OutboxState.PENDING: 2}
    async with database.engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(outbox_table.c.id, outbox_table.c.sent_at, outbox_table.c.lease_until)
            )
        ).all()
    recorded = {row.id: (row.sent_at, row.lease_until) for row in rows}
    assert recorded[one] == recorded[two] == recorded[four] == (sent_at, None)
    assert recorded[three][0] is None
    # The sent ones are never claimed again; the rest are, once their lease has run out.
    later = now + LEASE + timedelta(seconds=1)
    assert [
        m.id for m in await outbox.claim_due(later, limit=10, lease=LEASE, platforms=ALL_PLATFORMS)
    ] == [three, five]


async def test_more_sent_messages_than_one_statement_takes(
    database: Database, now: datetime
) -> None:
    chats, outbox = ChatRepository(database), OutboxRepository(database)
    chat = await chats.ensure(Platform.TELEGRAM, "42", now=now)
    ids = await outbox.enqueue(chat.id, [Rendered(f"part {n}") for n in range(2_345)], now=now)

    await outbox.mark_sent_many(ids, now=now)

    assert await outbox.counts() == {OutboxState.SENT: 2_345}


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("storage") / "migrations"))
    return config


async def _downgrade(database: Database, revision: str) -> None:
    def downgrade(connection: Connection) -> None:
        config = _alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with database.engine.begin() as conn:
        await conn.run_sync(downgrade)


def _outbox_indexes(connection: Connection) -> dict[str, list[str | None]]:
    return {i["name"]: i["column_names"] for i in sa.inspect(connection).get_indexes("outbox")}


async def test_a_fresh_database_is_migrated_to_head_with_the_outbox_indexes(
    database: Database,
) -> None:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    async with database.engine.connect() as conn:
        version = (await conn.execute(sa.text("SELECT version_num FROM alembic_version"))).scalar()
        indexes = await conn.run_sync(_outbox_indexes)
    assert version == head
    assert indexes["ix_outbox_chat_state"] == ["chat_id", "state", "id"]
    assert indexes["ix_outbox_due"] == ["state", "next_attempt_at"]


async def test_a_database_at_the_first_schema_gets_the_chat_order_index(
    database: Database, now: datetime
) -> None:
    chat = await ChatRepository(database).ensure(Platform.TELEGRAM, "42", now=now)
    [message_id] = await OutboxRepository(database).enqueue(chat.id, [Rendered("kept")], now=now)
    await _downgrade(database, "0001")
    async with database.engine.connect() as conn:
        assert "ix_outbox_chat_state" not in await conn.run_sync(_outbox_indexes)

    await database.migrate()

    async with database.engine.connect() as conn:
        assert "ix_outbox_chat_state" in await conn.run_sync(_outbox_indexes)
    kept = await OutboxRepository(database).get(message_id)
    assert kept is not None
    assert kept.body == "kept"


async def test_enqueue_is_refused_whole_when_a_story_was_already_had(
    database: Database, now: datetime
) -> None:
    chats, outbox = ChatRepository(database), OutboxRepository(database)
    chat = await chats.ensure(Platform.TELEGRAM, "42", now=now)
    assert (
        len(await outbox.enqueue(chat.id, [Rendered("digest 1")], now=now, story_ids=[1, 2])) == 1
    )
    # A second digest built at the same time as the first holds story 2 again.
    assert await outbox.enqueue(chat.id, [Rendered("digest 2")], now=now, story_ids=[2, 3]) == []
    assert await outbox.pending_count(chat.id) == 1
    # Story 3 was not marked as had by the refused attempt.
    assert len(await outbox.enqueue(chat.id, [Rendered("alert 3")], now=now, story_ids=[3])) == 1


async def test_a_deleted_articles_id_is_never_given_to_a_new_one(
    database: Database, now: datetime
) -> None:
    """Story ids are article ids: reusing one would mark a new story as already delivered."""
    feed = await FeedRepository(database).add("https://news.example/a.xml", now=now)
    articles = ArticleRepository(database)
    await articles.add_new(feed.id, [_entry("kept")], now=now)
    (newest,) = await articles.add_new(feed.id, [_entry("pruned")], now=now - timedelta(days=60))
    assert await articles.prune(now - timedelta(days=30)) == 1
    (fresh,) = await articles.add_new(feed.id, [_entry("fresh")], now=now)
    assert fresh.id > newest.id


async def test_a_message_keeps_its_platform_format_and_payload(
    database: Database, now: datetime
) -> None:
    chats, outbox = ChatRepository(database), OutboxRepository(database)
    chat = await chats.ensure(Platform.SLACK, "C0123", now=now)
    blocks = '[{"type": "section", "text": {"type": "mrkdwn", "text": "*Talks*"}}]'
    [message_id] = await outbox.enqueue(chat.id, [Rendered("Talks", "blocks", blocks)], now=now)
    [claimed] = await outbox.claim_due(now, limit=5, lease=LEASE, platforms=[Platform.SLACK])
    assert (claimed.body, claimed.format, claimed.payload) == ("Talks", "blocks", blocks)

    await outbox.replace_body(message_id, Rendered("Talks (plain)"))
    plain = await outbox.get(message_id)
    assert plain is not None
    assert (plain.body, plain.format, plain.payload) == ("Talks (plain)", "", "")


async def test_rows_written_before_platform_formats_keep_their_meaning(
    database: Database, now: datetime
) -> None:
    await _downgrade(database, "0004")
    naive_now = now.replace(tzinfo=None)
    async with database.engine.begin() as conn:
        for external_id, reason in (("1", "paused with /pause"), ("2", "blocked")):
            await conn.execute(
                sa.text(
                    "INSERT INTO chats (platform, external_id, settings, paused, paused_reason,"
                    " created_at) VALUES ('telegram', :id, '{}', :yes, :reason, :now)"
                ),
                {"id": external_id, "yes": True, "reason": reason, "now": naive_now},
            )
        await conn.execute(
            sa.text(
                "INSERT INTO outbox (chat_id, body, next_attempt_at, created_at) "
                "SELECT id, '<b>old</b>', :now, :now FROM chats WHERE external_id = '2'"
            ),
            {"now": naive_now},
        )

    await database.migrate()

    chats, outbox = ChatRepository(database), OutboxRepository(database)
    user_paused = await chats.find(Platform.TELEGRAM, "1")
    platform_paused = await chats.find(Platform.TELEGRAM, "2")
    assert user_paused is not None
    assert platform_paused is not None
    assert (user_paused.paused_by, user_paused.platform_pause_reason) == (PausedBy.USER, None)
    assert (platform_paused.paused_by, platform_paused.platform_pause_reason) == (
        PausedBy.PLATFORM,
        "blocked",
    )
    await chats.resume(platform_paused.id)
    [old] = await outbox.claim_due(now, limit=5, lease=LEASE, platforms=ALL_PLATFORMS)
    assert (old.body, old.format, old.payload) == ("<b>old</b>", "HTML", "")
