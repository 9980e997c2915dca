"""The platform-neutral command core: parse, check permission, act, reply in plain text.

Platform layers (Telegram, Slack) turn an update into a ``CommandContext`` and call ``handle``;
they render the ``Reply`` themselves. Nothing here knows a chat SDK.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.errors import CommandError, NotAllowedError
from bot.models import Chat, ChatSettings, Platform
from bot.pipeline.schedule import next_digest_at
from bot.services import Services
from handlers.commands import feeds as commands_feeds
from handlers.commands import prefs as commands_prefs
from handlers.commands.context import (
    ChatAddress,
    CommandContext,
    Navigation,
    Reply,
)
from handlers.commands.texts import (
    NOT_ADMIN,
    SOMETHING_WENT_WRONG,
    help_text,
    paused_note,
    spell,
    start_text,
    unknown_command_text,
)

__all__ = ["COMMAND_NAMES", "ChatAddress", "CommandContext", "Navigation", "Reply", "handle"]

logger = logging.getLogger(__name__)

Action = Callable[[Services, CommandContext, Chat, str], Awaitable[Reply]]

# Chats that belong to one person: whoever writes there may change them without asking.
PERSONAL_CHAT_KINDS = frozenset({"private", "im"})
PLATFORM_NAMES = {Platform.TELEGRAM: "Telegram", Platform.SLACK: "Slack"}


@dataclass(frozen=True, slots=True)
class _Command:
    action: Action
    # Whether the command changes the chat, given its arguments (/settings alone only shows).
    changes: Callable[[str], bool]


def _always(_args: str) -> bool:
    return True


def _never(_args: str) -> bool:
    return False


def _with_arguments(args: str) -> bool:
    return bool(args.strip())


async def _start(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    return Reply(start_text(ctx.syntax, ctx.platform_help) + paused_note(chat, ctx.syntax))


async def _help(services: Services, ctx: CommandContext, chat: Chat, args: str) -> Reply:
    return Reply(help_text(ctx.syntax, ctx.platform_help) + paused_note(chat, ctx.syntax))


_COMMANDS: dict[str, _Command] = {
    "start": _Command(_start, _never),
    "help": _Command(_help, _never),
    "subscribe": _Command(commands_feeds.subscribe, _always),
    "unsubscribe": _Command(commands_feeds.unsubscribe, _always),
    "list": _Command(commands_feeds.list_chat, _never),
    "sources": _Command(commands_feeds.sources, _never),
    "follow": _Command(commands_prefs.follow, _always),
    "unfollow": _Command(commands_prefs.unfollow, _always),
    "mode": _Command(commands_prefs.mode, _with_arguments),
    "schedule": _Command(commands_prefs.schedule, _with_arguments),
    "timezone": _Command(commands_prefs.timezone, _with_arguments),
    # A digest marks its stories as had by the chat, so it counts as a change.
    "digest": _Command(commands_prefs.digest, _always),
    "pause": _Command(commands_prefs.pause, _always),
    "resume": _Command(commands_prefs.resume, _always),
    "settings": _Command(commands_prefs.settings, _with_arguments),
}

COMMAND_NAMES: tuple[str, ...] = tuple(_COMMANDS)


def normalize_command(command: str) -> str:
    """``/List@geodigest_bot`` → ``list``."""
    return command.strip().lstrip("/").split("@", 1)[0].lower()


async def handle(services: Services, ctx: CommandContext, command: str, args: str) -> Reply:
    """Run one command and return the reply; never raises (errors become a helpful reply)."""
    name = normalize_command(command)
    try:
        return await _run(services, ctx, name, args)
    except CommandError as error:
        return Reply(str(error))
    except Exception:
        logger.exception("command /%s failed in %s chat", name, ctx.platform.value)
        return Reply(SOMETHING_WENT_WRONG)


async def _run(services: Services, ctx: CommandContext, name: str, args: str) -> Reply:
    spec = _COMMANDS.get(name)
    if spec is None:
        return Reply(unknown_command_text(name, ctx.syntax))
    address, args, target = await _target(ctx, args)
    refused = address is ctx.chat and spec.changes(args) and not await _may_change(ctx)
    chat = await _ensure_chat(services, ctx, address)
    chat, notice = await _resume_after_platform_pause(services, ctx, chat)
    try:
        if refused:
            raise NotAllowedError(spell(NOT_ADMIN, ctx.syntax))
        reply = await spec.action(services, ctx, chat, args)
    except CommandError as error:
        if not notice:
            raise
        reply = Reply(str(error))
    text = f"{notice}\n\n{reply.text}" if notice else reply.text
    if not target:
        return Reply(text, reply.navigation)
    navigation = replace(reply.navigation, target=target) if reply.navigation else None
    return Reply(f"For {address.title or target}: {text}", navigation)


async def _resume_after_platform_pause(
    services: Services, ctx: CommandContext, chat: Chat
) -> tuple[Chat, str]:
    """Resume a chat the platform had made us pause; a command from it shows it is back.

    Returns the chat as it is now and a line telling the user, empty when nothing changed.
    """
    reason = chat.platform_pause_reason
    if reason is None:
        return chat, ""
    for resumed in await services.chats.resume_platform_paused(chat.platform, chat.external_id):
        # As after /resume: the next digest follows the schedule from now, not at once.
        upcoming = next_digest_at(resumed.settings, ctx.now)
        await services.chats.save_settings(resumed.id, resumed.settings, next_digest_at=upcoming)
    platform = PLATFORM_NAMES.get(chat.platform, chat.platform.value)
    notice = (
        f"Deliveries here had stopped because {platform} reported: “{reason}”; they are on again."
    )
    return await services.chats.get(chat.id) or chat, notice


async def _target(ctx: CommandContext, args: str) -> tuple[ChatAddress, str, str]:
    """The chat a command is about: a channel named at the end of the arguments, or this one."""
    words = args.split()
    if ctx.resolve_channel is None or not words:
        return ctx.chat, args, ""
    # The platform tells whether the last word names a chat, and has checked that the user
    # administers it.
    address = await ctx.resolve_channel(words[-1])
    if address is None:
        return ctx.chat, args, ""
    return address, " ".join(words[:-1]), words[-1]


async def _may_change(ctx: CommandContext) -> bool:
    if ctx.chat.kind in PERSONAL_CHAT_KINDS:
        return True
    return await ctx.is_admin()


async def _ensure_chat(services: Services, ctx: CommandContext, address: ChatAddress) -> Chat:
    return await services.chats.ensure(
        address.platform,
        address.external_id,
        thread_id=address.thread_id,
        title=address.title,
        kind=address.kind,
        now=ctx.now,
        next_digest_at=next_digest_at(ChatSettings(), ctx.now),
    )
