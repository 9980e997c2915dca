"""Commands about what and when a chat receives: follows, mode, schedule, settings, digest."""

from __future__ import annotations

import functools
from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.analysis import topics
from bot.errors import CommandError
from bot.models import Chat, ChatSettings, DeliveryMode, Follow, FollowKind, PausedBy
from bot.pipeline.fanout import queue_digest
from bot.pipeline.schedule import MAX_SCHEDULE_TIMES, next_digest_at, parse_local_time
from bot.services import Services
from handlers.commands.context import CommandContext, CommandSyntax, Reply
from handlers.commands.texts import TIMEZONE_EXAMPLES

# A follow is a name or a short phrase; the stored value may hold 256 characters.
MAX_FOLLOW_LENGTH = 100
FOLLOWED_EXAMPLES = ("India", "NATO", "sanctions", "semiconductors")
ON_OFF = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


async def _save(services: Services, ctx: CommandContext, chat: Chat, new: ChatSettings) -> None:
    await services.chats.save_settings(chat.id, new, next_digest_at=next_digest_at(new, ctx.now))


def _follow_examples(syntax: CommandSyntax) -> str:
    *first, last = (syntax.command("follow", t) for t in FOLLOWED_EXAMPLES)
    return f"{', '.join(first)} or {last}"


async def follow(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Follow a country, organization, theme or keyword."""
    term = args.strip()
    if len(term) > MAX_FOLLOW_LENGTH:
        raise CommandError(
            f"That is {len(term)} characters; a follow can be at most {MAX_FOLLOW_LENGTH}. "
            f"Follow a name or a short phrase, e.g. {_follow_examples(ctx.syntax)}."
        )
    item = topics.resolve_follow(term) if term else None
    if item is None:
        raise CommandError(
            f"What should this chat follow? For example {_follow_examples(ctx.syntax)}."
        )
    name = topics.describe(item)
    if not await services.chats.follow(chat.id, item):
        return Reply(f"This chat already follows {name}.")
    return Reply(
        f"Following {name}. Only stories about what this chat follows will come through; "
        f"{ctx.syntax.command('unfollow')} removes a follow."
    )


async def unfollow(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Stop following something; with no follows left, every story comes through."""
    term = args.strip()
    item = topics.resolve_follow(term) if term else None
    if item is None or not await services.chats.unfollow(chat.id, item):
        current = await services.chats.follows(chat.id)
        raise CommandError(_unfollow_help(term, current, ctx.syntax))
    left = await services.chats.follows(chat.id)
    after = "" if left else " This chat now gets every world-affairs story from its sources."
    return Reply(f"No longer following {topics.describe(item)}.{after}")


def _unfollow_help(term: str, current: list[Follow], syntax: CommandSyntax) -> str:
    """What to type instead, when /unfollow named nothing this chat follows."""
    not_followed = f"This chat doesn't follow “{term}”. " if term else ""
    if not current:
        return (
            f"{not_followed}It follows nothing, so every world-affairs story from its sources "
            f"comes through. To narrow that down: {_follow_examples(syntax)}."
        )
    followed = ", ".join(topics.describe(f) for f in current)
    question = "" if term else "What should this chat stop following? "
    example = syntax.command("unfollow", _typed(current[0]))
    return f"{not_followed}{question}It follows {followed}. Send e.g. {example}"


def _typed(item: Follow) -> str:
    """What a user types to name this follow: a country by name, since "IT" reads as a word."""
    if item.kind is FollowKind.COUNTRY:
        return topics.describe(item).rsplit(" (", 1)[0]
    return item.value


async def mode(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Switch between scheduled digests and instant alerts; alone, show which one is on."""
    c = ctx.syntax.command
    choice = args.strip().lower()
    if not choice:
        current = chat.settings
        now_on = (
            "instant alerts, one per new story"
            if current.mode is DeliveryMode.INSTANT
            else f"digests at {_times(current)} ({current.timezone})"
        )
        return Reply(
            f"This chat gets {now_on}. Send {c('mode', 'instant')} for an alert per new story, "
            f"or {c('mode', 'digest')} for scheduled digests."
        )
    try:
        new_mode = DeliveryMode(choice)
    except ValueError:
        raise CommandError(
            f"Send {c('mode', 'digest')} for scheduled digests, "
            f"or {c('mode', 'instant')} for an alert per new story."
        ) from None
    await _save(services, ctx, chat, replace(chat.settings, mode=new_mode))
    if new_mode is DeliveryMode.INSTANT:
        return Reply("Instant mode: each new story will arrive as its own alert.")
    return Reply(f"Digest mode: digests arrive at {', '.join(chat.settings.schedule)}.")


def _parse_schedule(args: str, syntax: CommandSyntax) -> tuple[str, ...]:
    values = args.replace(",", " ").split()
    if not values:
        raise CommandError(
            f"Send the local times for digests, e.g. {syntax.command('schedule', '08:00 18:00')}"
        )
    times = set()
    for value in values:
        try:
            times.add(parse_local_time(value))
        except ValueError:
            raise CommandError(
                f"“{value}” isn't a time of day. Use 24-hour HH:MM, "
                f"e.g. {syntax.command('schedule', '07:30 19:00')}"
            ) from None
    if len(times) > MAX_SCHEDULE_TIMES:
        raise CommandError(f"At most {MAX_SCHEDULE_TIMES} digests a day, please.")
    return tuple(f"{t:%H:%M}" for t in sorted(times))


async def schedule(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Set the local times of the daily digests; alone, show them."""
    c = ctx.syntax.command
    current = chat.settings
    instant_note = (
        f" This chat gets instant alerts now; send {c('mode', 'digest')} to use this schedule."
    )
    if not args.strip():
        text = f"Digests arrive at {_times(current)} ({current.timezone})."
        if current.mode is DeliveryMode.INSTANT:
            text += instant_note
        return Reply(f"{text} Change the times with e.g. {c('schedule', '08:00 18:00')}")
    new = replace(current, schedule=_parse_schedule(args, ctx.syntax))
    await _save(services, ctx, chat, new)
    text = f"Digests will arrive at {', '.join(new.schedule)} ({new.timezone})."
    if new.mode is DeliveryMode.INSTANT:
        text += instant_note
    return Reply(text)


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def _zone_name(text: str, syntax: CommandSyntax) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        found = _zones_by_folded_name().get(text.casefold())
        if found is None:
            raise CommandError(
                f"“{text}” isn't a time zone I know. Use a region/city name such as "
                f"{TIMEZONE_EXAMPLES}, e.g. {syntax.command('timezone', 'Europe/Berlin')}"
            ) from None
        return found
    return text


async def timezone(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Set the time zone the schedule is read in (an IANA name)."""
    text = args.strip()
    if not text:
        return Reply(
            f"This chat's time zone is {chat.settings.timezone}. Change it with a name such as "
            f"{TIMEZONE_EXAMPLES}, e.g. {ctx.syntax.command('timezone', 'Europe/Berlin')}"
        )
    new = replace(chat.settings, timezone=_zone_name(text, ctx.syntax))
    await _save(services, ctx, chat, new)
    return Reply(f"Time zone set to {new.timezone}: digests at {', '.join(new.schedule)} there.")


async def pause(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Stop sending to this chat until /resume."""
    resume_command = ctx.syntax.command("resume")
    if chat.paused:
        return Reply(f"This chat is already paused. Send {resume_command} to get news again.")
    await services.chats.pause(chat.id, by=PausedBy.USER)
    return Reply(f"Paused: nothing will be sent here until you send {resume_command}.")


async def resume(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Send again; the next digest follows the schedule from now on."""
    await services.chats.resume(chat.id)
    # Without this a chat paused for a week would get a digest the moment it resumes.
    await _save(services, ctx, chat, chat.settings)
    return Reply("Resumed: news will be sent here again.")


async def digest(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Queue a digest of the stories this chat has not had yet."""
    c = ctx.syntax.command
    if chat.paused:
        raise CommandError(f"This chat is paused. Send {c('resume')} first, then {c('digest')}.")
    queued = await queue_digest(services, chat, render=ctx.render_digest)
    hours = services.settings.digest_window_hours
    if queued:
        noun = "story" if queued == 1 else "stories"
        return Reply(f"Here comes your digest: {queued} {noun} from the last {hours} hours.")
    if not await services.chats.subscriptions(chat.id):
        return Reply(
            f"This chat has no sources yet. "
            f"Start with {c('subscribe', 'bbc-world')} or {c('sources')}."
        )
    return Reply(
        f"No new stories from this chat's sources in the last {hours} hours that it hasn't "
        "had already. New ones arrive as the feeds update."
    )


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def _times(settings: ChatSettings) -> str:
    return ", ".join(settings.schedule) or "no time set"


def _settings_text(chat: Chat, syntax: CommandSyntax) -> str:
    s, c = chat.settings, syntax.command
    when = "instant alerts" if s.mode is DeliveryMode.INSTANT else f"digests at {_times(s)}"
    return "\n".join(
        (
            "Settings of this chat:",
            f"Delivery: {when} ({s.timezone})",
            f"Summary: {s.summary_sentences} sentences — {c('settings', 'summary 2')}",
            f"Key quotes: {_on_off(s.show_quotes)} — {c('settings', 'quotes off')}",
            f"Link previews: {_on_off(s.link_previews)} — {c('settings', 'previews on')}",
            f"Change delivery with {c('mode')}, {c('schedule')} and {c('timezone')}.",
        )
    )


def _changed_settings(
    services: Services, current: ChatSettings, args: str, syntax: CommandSyntax
) -> ChatSettings:
    c = syntax.command
    name, _, value = args.strip().lower().partition(" ")
    value = value.strip()
    if name == "summary":
        most = services.settings.summary_sentences
        if not value.isdigit() or not 1 <= int(value) <= most:
            raise CommandError(
                f"Give a number of sentences from 1 to {most}: {c('settings', 'summary 2')}"
            )
        return replace(current, summary_sentences=int(value))
    if name == "quotes" and value in ON_OFF:
        return replace(current, show_quotes=ON_OFF[value])
    if name == "previews" and value in ON_OFF:
        return replace(current, link_previews=ON_OFF[value])
    raise CommandError(
        f"I can change: {c('settings', 'summary 2')}, {c('settings', 'quotes on|off')}, "
        f"{c('settings', 'previews on|off')}. Send {c('settings')} to see the current values."
    )


async def settings(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    """Show the chat's settings, or change one of them."""
    if not args.strip():
        return Reply(_settings_text(chat, ctx.syntax))
    new = _changed_settings(services, chat.settings, args, ctx.syntax)
    await _save(services, ctx, chat, new)
    return Reply("Saved.\n" + _settings_text(replace(chat, settings=new), ctx.syntax))
