"""Commands about where news comes from: /subscribe, /unsubscribe, /list, /sources."""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.analysis import topics
from bot.errors import CommandError, FeedError, UnsafeURLError
from bot.models import Chat, DeliveryMode, Feed
from bot.pipeline.fanout import waiting_stories
from bot.pipeline.ingest import add_feed
from bot.reader.catalog import find_source, load_catalog
from bot.services import Services
from handlers.commands.context import CommandContext, Reply, page_number, paginate
from handlers.commands.texts import PAUSED

FEED_HINT = (
    "Check that it is the address of an RSS or Atom feed (it often ends in /rss, /feed or .xml), "
    "or pick a source from /sources."
)


def _as_url(text: str) -> str | None:
    """A web address from what the user typed, adding https:// when the scheme is missing."""
    if "://" not in text:
        if "." not in text.split("/", 1)[0]:
            return None
        text = "https://" + text
    parts = urlsplit(text)
    return text if parts.scheme and parts.netloc else None


def _feed_url(target: str) -> str:
    source = find_source(target)
    if source is not None:
        return source.url
    url = _as_url(target)
    if url is None:
        raise CommandError(
            f"I don't know a source called “{target}”, and it isn't a web address. "
            "Send /sources for the names I know, or give the feed's full address, e.g. "
            "/subscribe https://www.example.com/world/rss.xml"
        )
    return url


async def subscribe(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Add a feed (URL or catalog name) to the chat, validating it by fetching it once."""
    target = args.strip()
    if not target:
        raise CommandError(
            "Which feed? Send /subscribe bbc-world (a name from /sources) or "
            "/subscribe https://www.example.com/world/rss.xml"
        )
    if len(target.split()) > 1:
        raise CommandError("One feed at a time, please: /subscribe bbc-world")
    url = _feed_url(target)
    try:
        added = await add_feed(services, url)
    except UnsafeURLError as error:
        raise CommandError(f"I can't add that feed: {error}.") from error
    except FeedError as error:
        raise CommandError(f"I couldn't add {url}: {error}. {FEED_HINT}") from error
    name = added.feed.display_name
    if not await services.chats.subscribe(chat.id, added.feed.id, now=ctx.now):
        return Reply(f"This chat already gets {name}. Send /list to see all its sources.")
    waiting = await _waiting(services, chat)
    return Reply(f"Subscribed to {name}. {waiting}\n{_next_delivery(chat)}")


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


def _next_delivery(chat: Chat) -> str:
    if chat.settings.mode is DeliveryMode.INSTANT:
        return "New stories will arrive as alerts."
    times = ", ".join(chat.settings.schedule) or "no time set (see /schedule)"
    return f"Digests arrive at {times} ({chat.settings.timezone}); send /digest to get one now."


def _matching_feed(subscribed: list[Feed], target: str) -> Feed | None:
    if target.isdigit():
        number = int(target)
        return subscribed[number - 1] if 1 <= number <= len(subscribed) else None
    source = find_source(target)
    wanted = {target.casefold(), (_as_url(target) or "").casefold()}
    if source is not None:
        wanted.add(source.url.casefold())
    for feed in subscribed:
        if {feed.url.casefold(), feed.title.casefold()} & wanted:
            return feed
    return None


async def unsubscribe(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Remove a feed by its number in /list, its URL, catalog name or title."""
    target = args.strip()
    if not target:
        raise CommandError("Which feed? Send /unsubscribe 2 (its number in /list) or its address.")
    subscribed = await services.chats.subscriptions(chat.id)
    feed = _matching_feed(subscribed, target)
    if feed is None:
        raise CommandError(
            f"This chat has no source matching “{target}”. "
            "Send /list to see its sources with their numbers, then e.g. /unsubscribe 2"
        )
    await services.chats.unsubscribe(chat.id, feed.id)
    return Reply(f"Unsubscribed from {feed.display_name}.")


def _feed_line(number: int, feed: Feed) -> str:
    problem = f" — paused: {feed.disabled_reason}" if feed.disabled_reason else ""
    title = f"{feed.title} — " if feed.title else ""
    return f"{number}. {title}{feed.url}{problem}"


async def list_chat(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """This chat's sources (numbered, paged), follows and delivery settings."""
    page = page_number(args, "list")
    subscribed = await services.chats.subscriptions(chat.id)
    follows = await services.chats.follows(chat.id)
    followed = ", ".join(topics.describe(f) for f in follows) or "everything (no /follow set)"
    state = PAUSED if chat.paused else "This chat is active."
    footer = f"Following: {followed}\nDelivery: {_next_delivery(chat)}\n{state}"
    return paginate(
        f"Sources of this chat ({len(subscribed)}):",
        [_feed_line(n, f) for n, f in enumerate(subscribed, start=1)],
        page=page,
        command="list",
        empty="None yet: send /subscribe bbc-world or /sources for ideas.",
        footer=footer,
    )


async def sources(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """The built-in catalog, paged, with the names /subscribe accepts."""
    page = page_number(args, "sources")
    lines = [
        f"{s.name} — {s.title}" + (f" ({s.country})" if s.country else "") for s in load_catalog()
    ]
    return paginate(
        "Sources I know (subscribe with /subscribe <name>):",
        lines,
        page=page,
        command="sources",
        empty="The catalog is empty; /subscribe accepts any feed address.",
    )
