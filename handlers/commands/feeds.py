"""Commands about where news comes from: /subscribe, /unsubscribe, /list, /sources."""

from __future__ import annotations

from bot.analysis import topics
from bot.errors import CommandError, FeedError, UnsafeURLError
from bot.models import Chat, DeliveryMode, Feed
from bot.pipeline.fanout import waiting_stories
from bot.pipeline.feeds import feed_address, find_feed
from bot.pipeline.ingest import add_feed
from bot.reader.catalog import load_catalog
from bot.services import Services
from handlers.commands.context import (
    CommandContext,
    CommandSyntax,
    Reply,
    page_number,
    paginate,
)
from handlers.commands.texts import PAUSED, spell

FEED_HINT = (
    "Check that it is the address of an RSS or Atom feed (it often ends in /rss, /feed or .xml), "
    "or pick a source from {sources}."
)
EXAMPLE_FEED = "https://www.example.com/world/rss.xml"


def _feed_url(target: str, syntax: CommandSyntax) -> str:
    url = feed_address(target)
    if url is None:
        raise CommandError(
            f"I don't know a source called “{target}”, and it isn't a web address. "
            f"Send {syntax.command('sources')} for the names I know, or give the feed's full "
            f"address, e.g. {syntax.command('subscribe', EXAMPLE_FEED)}"
        )
    return url


async def subscribe(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Add a feed (URL or catalog name) to the chat, validating it by fetching it once."""
    c = ctx.syntax.command
    target = args.strip()
    if not target:
        raise CommandError(
            f"Which feed? Send {c('subscribe', 'bbc-world')} (a name from {c('sources')}) or "
            f"{c('subscribe', EXAMPLE_FEED)}"
        )
    if len(target.split()) > 1:
        raise CommandError(f"One feed at a time, please: {c('subscribe', 'bbc-world')}")
    url = _feed_url(target, ctx.syntax)
    try:
        added = await add_feed(services, url)
    except UnsafeURLError as error:
        raise CommandError(f"I can't add that feed: {error}.") from error
    except FeedError as error:
        hint = spell(FEED_HINT, ctx.syntax)
        raise CommandError(f"I couldn't add {url}: {error}. {hint}") from error
    name = added.feed.display_name
    if not await services.chats.subscribe(chat.id, added.feed.id, now=ctx.now):
        return Reply(f"This chat already gets {name}. Send {c('list')} to see all its sources.")
    waiting = await _waiting(services, chat)
    return Reply(f"Subscribed to {name}. {waiting}\n{_next_delivery(chat, ctx.syntax)}")


async def _waiting(services: Services, chat: Chat) -> str:
    """What the chat would get now: the feed's raw item count says nothing of that."""
    count = await waiting_stories(services, chat)
    hours = services.settings.digest_window_hours
    if count == 0:
        return (
            f"No world-affairs story from the last {hours} hours is waiting yet; "
            "new ones come as the feeds update."
        )
    if count == 1:
        return f"1 world-affairs story from the last {hours} hours is waiting for this chat."
    return f"{count} world-affairs stories from the last {hours} hours are waiting for this chat."


def _next_delivery(chat: Chat, syntax: CommandSyntax) -> str:
    if chat.settings.mode is DeliveryMode.INSTANT:
        return "New stories will arrive as alerts."
    times = ", ".join(chat.settings.schedule) or f"no time set (see {syntax.command('schedule')})"
    return (
        f"Digests arrive at {times} ({chat.settings.timezone}); "
        f"send {syntax.command('digest')} to get one now."
    )


async def unsubscribe(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Remove a feed by its number in /list, its URL, catalog name or title."""
    c = ctx.syntax.command
    target = args.strip()
    if not target:
        raise CommandError(
            f"Which feed? Send {c('unsubscribe', '2')} (its number in {c('list')}) or its address."
        )
    subscribed = await services.chats.subscriptions(chat.id)
    feed = find_feed(dict(enumerate(subscribed, start=1)), target)
    if feed is None:
        raise CommandError(
            f"This chat has no source matching “{target}”. Send {c('list')} to see its sources "
            f"with their numbers, then e.g. {c('unsubscribe', '2')}"
        )
    await services.chats.unsubscribe(chat.id, feed.id)
    return Reply(f"Unsubscribed from {feed.display_name}.")


def _feed_line(number: int, feed: Feed) -> str:
    problem = f" — paused: {feed.disabled_reason}" if feed.disabled_reason else ""
    title = f"{feed.title} — " if feed.title else ""
    return f"{number}. {title}{feed.url}{problem}"


async def list_chat(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """This chat's sources (numbered, paged), follows and delivery settings."""
    c = ctx.syntax.command
    page = page_number(args, "list", ctx.syntax)
    subscribed = await services.chats.subscriptions(chat.id)
    follows = await services.chats.follows(chat.id)
    followed = ", ".join(topics.describe(f) for f in follows) or (
        f"everything (no {c('follow')} set)"
    )
    state = spell(PAUSED, ctx.syntax) if chat.paused else "This chat is active."
    footer = f"Following: {followed}\nDelivery: {_next_delivery(chat, ctx.syntax)}\n{state}"
    return paginate(
        f"Sources of this chat ({len(subscribed)}):",
        [_feed_line(n, f) for n, f in enumerate(subscribed, start=1)],
        page=page,
        command="list",
        empty=f"None yet: send {c('subscribe', 'bbc-world')} or {c('sources')} for ideas.",
        footer=footer,
    )


async def sources(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """The built-in catalog, paged, with the names /subscribe accepts."""
    c = ctx.syntax.command
    page = page_number(args, "sources", ctx.syntax)
    lines = [
        f"{s.name} — {s.title}" + (f" ({s.country})" if s.country else "") for s in load_catalog()
    ]
    return paginate(
        f"Sources I know (subscribe with {c('subscribe', '<name>')}):",
        lines,
        page=page,
        command="sources",
        empty=f"The catalog is empty; {c('subscribe')} accepts any feed address.",
    )
