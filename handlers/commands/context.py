"""What the command core receives from a platform and what it hands back, platform-neutral."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.delivery.protocols import Renderer
from bot.errors import CommandError
from bot.models import Platform

# Telegram rejects messages over 4096 characters; ten feeds with long URLs stay well below.
LIST_PAGE_SIZE = 10


class CommandSyntax(Protocol):
    """How a platform spells a command: Telegram ``/list 2``, Slack ``/geodigest list 2``."""

    def command(self, name: str, args: str = "") -> str: ...


@dataclass(frozen=True, slots=True)
class ChatAddress:
    """Where a command came from (or, for a channel named in the command, what it is about)."""

    platform: Platform
    external_id: str
    thread_id: str = ""
    kind: str = ""  # platform chat type: private, group, supergroup, channel, im …
    title: str = ""


@dataclass(frozen=True, slots=True)
class CommandContext:
    """One incoming command, stripped of platform details."""

    chat: ChatAddress
    user_id: str
    # Asked only when a changing command arrives in a shared chat: it costs an API call.
    is_admin: Callable[[], Awaitable[bool]]
    now: datetime
    render_digest: Renderer
    syntax: CommandSyntax
    # Set where a command may name another chat (Telegram: a channel, from a private chat).
    # Given the command's last word: None when it names no chat, else the chat; raises
    # CommandError unless the user may manage it.
    resolve_channel: Callable[[str], Awaitable[ChatAddress | None]] | None = None
    # What only this platform offers (Telegram: channels, forum topics), added to /help, /start.
    platform_help: str = ""

    @property
    def platform(self) -> Platform:
        return self.chat.platform


@dataclass(frozen=True, slots=True)
class Navigation:
    """Paging of a long reply: the platform offers buttons that re-run ``command`` for a page."""

    command: str
    page: int  # 1-based
    page_count: int
    target: str = ""  # the channel reference the command named, kept for the other pages

    def args_for(self, page: int) -> str:
        return f"{page} {self.target}".strip()


@dataclass(frozen=True, slots=True)
class Reply:
    """Plain text for a person; the platform layer escapes and formats it."""

    text: str
    navigation: Navigation | None = None


def page_number(args: str, command: str, syntax: CommandSyntax) -> int:
    """The 1-based page a paged command asks for (empty means the first)."""
    text = args.strip()
    if not text:
        return 1
    if not text.isdigit() or int(text) < 1:
        raise CommandError(
            f"Send {syntax.command(command)} for the first page, "
            f"or {syntax.command(command, '2')} for the second."
        )
    return int(text)


def paginate(
    header: str, lines: Sequence[str], *, page: int, command: str, empty: str, footer: str = ""
) -> Reply:
    """One page of ``lines`` under ``header``, with navigation when there is more than one."""
    page_count = max(1, math.ceil(len(lines) / LIST_PAGE_SIZE))
    page = min(page, page_count)
    shown = lines[(page - 1) * LIST_PAGE_SIZE : page * LIST_PAGE_SIZE]
    parts = [header, *(shown or [empty])]
    if page_count > 1:
        parts.append(f"Page {page} of {page_count}.")
    if footer:
        parts += ["", footer]
    navigation = Navigation(command, page, page_count) if page_count > 1 else None
    return Reply("\n".join(parts), navigation)
