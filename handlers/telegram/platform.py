"""Telegram as one ``ChatPlatform``: its renderers, sender, limits, webhook route, start and stop.

``TelegramOutlet`` is what the outbox drainer needs (also on its own, in tests and benchmarks);
``TelegramPlatform`` adds the running bot: PTB's front end for commands, connected by ``start``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.routing import BaseRoute

from bot.delivery.protocols import Sender
from bot.delivery.ratelimit import PlatformLimits
from bot.errors import PlatformUnavailable
from bot.models import Digest, DigestStory, OutboxMessage, Platform, Rendered
from bot.services import Services
from handlers.telegram.render import (
    render_plain_text,
    render_telegram_alert,
    render_telegram_html,
)
from handlers.telegram.sender import TelegramSender
from handlers.telegram.webhook import webhook_route, webhook_secret

if TYPE_CHECKING:
    from handlers.telegram.frontend import TelegramFrontend

logger = logging.getLogger(__name__)

# Bot API FAQ ("My bot is hitting limits"): about one message per second in a chat, 20 per
# minute in a group, 30 per second overall.
TELEGRAM_LIMITS = PlatformLimits(per_chat_interval=1.0, group_per_minute=20, global_per_second=30)
HTML = "HTML"  # the parse_mode our renderer writes


def html_messages(bodies: Sequence[str]) -> list[Rendered]:
    return [Rendered(body, HTML) for body in bodies]


def render_digest(digest: Digest) -> list[Rendered]:
    """A digest as Telegram HTML messages."""
    return html_messages(render_telegram_html(digest))


def render_alert(story: DigestStory) -> list[Rendered]:
    """One story as a Telegram HTML alert."""
    return html_messages(render_telegram_alert(story))


def plain_fallback(message: OutboxMessage) -> Rendered:
    """Our HTML as plain text, for a message Telegram could not parse."""
    return Rendered(render_plain_text(message.body))


def is_group(external_chat_id: str) -> bool:
    # Groups, supergroups and channels have negative ids; users positive ones.
    return external_chat_id.startswith("-")


@dataclass
class TelegramOutlet:
    """Telegram as the outbox drainer sees it: a sender, Telegram's limits and fallbacks."""

    sender: Sender
    limits: PlatformLimits = TELEGRAM_LIMITS
    platform: Platform = field(default=Platform.TELEGRAM, init=False)

    def plain_fallback(self, message: OutboxMessage) -> Rendered:
        return plain_fallback(message)

    def is_group(self, external_chat_id: str) -> bool:
        return is_group(external_chat_id)


class _WatchedSender:
    """The connected sender, remembering whether Telegram refuses the bot as a whole."""

    def __init__(self, sender: TelegramSender) -> None:
        self.inner = sender
        self.refused = False

    async def send(self, message: OutboxMessage) -> None:
        try:
            await self.inner.send(message)
        except PlatformUnavailable:
            self.refused = True
            raise
        self.refused = False


class TelegramPlatform:
    """The Telegram bot in this process: commands in (polling or webhook), messages out."""

    platform = Platform.TELEGRAM
    limits = TELEGRAM_LIMITS

    def __init__(self, services: Services) -> None:
        self._services = services
        self._stack = AsyncExitStack()
        self._sender: _WatchedSender | None = None
        self._frontend: TelegramFrontend | None = None

    @property
    def sender(self) -> Sender:
        if self._sender is None:
            raise RuntimeError("Telegram is not connected; start() first")
        return self._sender

    @property
    def healthy(self) -> bool:
        return self._sender is not None and not self._sender.refused

    def render_digest(self, digest: Digest) -> Sequence[Rendered]:
        return render_digest(digest)

    def render_alert(self, story: DigestStory) -> Sequence[Rendered]:
        return render_alert(story)

    def plain_fallback(self, message: OutboxMessage) -> Rendered:
        return plain_fallback(message)

    def is_group(self, external_chat_id: str) -> bool:
        return is_group(external_chat_id)

    def routes(self) -> Sequence[BaseRoute]:
        """The webhook route when a public URL is configured (else Telegram is long-polled)."""
        if not self._services.settings.public_url:
            return []
        return [webhook_route(webhook_secret(self._services.settings), self._queue_update)]

    async def _queue_update(self, update: dict[str, Any]) -> bool:
        if self._frontend is None:
            return False
        await self._frontend.queue_update(update)
        return True

    async def start(self) -> None:
        """Connect the sender and the front end; on failure close both and raise."""
        # The command side (PTB's Application, the command core and all it reads) is loaded
        # only here: whoever only sends through ``TelegramOutlet`` never pays for it.
        from handlers.telegram.frontend import TelegramFrontend

        # Opt in to PTB's timedelta durations (RetryAfter.retry_after) instead of the
        # deprecated seconds, which would log a warning on every flood-control answer.
        os.environ.setdefault("PTB_TIMEDELTA", "1")
        async with AsyncExitStack() as attempt:
            sender = TelegramSender.from_settings(self._services.settings)
            await attempt.enter_async_context(sender)
            frontend = TelegramFrontend(self._services, render_digest=render_digest)
            attempt.push_async_callback(frontend.stop)
            await frontend.start()
            self._stack = attempt.pop_all()
        self._sender, self._frontend = _WatchedSender(sender), frontend
        logger.info("connected to Telegram")

    async def stop(self) -> None:
        """Stop taking updates and close the HTTP clients."""
        self._frontend = None
        await self._stack.aclose()
        self._sender = None
