"""Sends outbox messages with python-telegram-bot; PTB's errors become ours at this edge.

telegram.error                          →  bot.errors
RetryAfter(retry_after)                 →  RetryLater(retry_after)
ChatMigrated(new_chat_id)               →  ChatMoved(new_chat_id)
Forbidden (blocked, kicked, deactivated) →  ChatGone
BadRequest "chat not found" …           →  ChatGone
BadRequest "can't parse entities"       →  BadMarkup
BadRequest (anything else)              →  DeliveryError (permanent)
InvalidToken (401: token revoked)      →  PlatformUnavailable (every message waits, none is tried)
NetworkError, TimedOut, 5xx             →  RetryLater(backoff from the message's attempts)
"""

from __future__ import annotations

import logging
from datetime import timedelta
from types import TracebackType

from telegram import Bot, LinkPreviewOptions
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.delivery.drainer import DEFAULT_CONCURRENCY, transient_retry_delay
from bot.errors import (
    BadMarkup,
    ChatGone,
    ChatMoved,
    DeliveryError,
    PlatformUnavailable,
    RetryLater,
)
from bot.models import OutboxMessage

logger = logging.getLogger(__name__)

# Bot API answers (lower-cased) meaning the bot can no longer write to the chat at all.
_CHAT_GONE_PHRASES = (
    "chat not found",
    "bot was kicked",
    "bot was blocked",
    "user is deactivated",
    "group chat was deactivated",
    "bot is not a member",
    "have no rights to send",
    "not enough rights to send",
    "need administrator rights",
)
_BAD_MARKUP_PHRASE = "can't parse entities"
# The drainer sends at most this many requests at once; one pooled connection each.
CONNECTION_POOL_SIZE = DEFAULT_CONCURRENCY
CONNECT_TIMEOUT_SECONDS = 10.0
READ_TIMEOUT_SECONDS = 20.0
WRITE_TIMEOUT_SECONDS = 20.0
POOL_TIMEOUT_SECONDS = 10.0
# Immutable, so shared by every send instead of built per message.
_PREVIEWS_SHOWN = LinkPreviewOptions(is_disabled=False)
_PREVIEWS_HIDDEN = LinkPreviewOptions(is_disabled=True)


def _seconds(retry_after: int | float | timedelta) -> float:
    # PTB ≥ 22.2 returns a timedelta when PTB_TIMEDELTA is set, else (deprecated) seconds.
    if isinstance(retry_after, timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


def translate_error(error: TelegramError, message: OutboxMessage) -> DeliveryError:
    """Our error for a PTB error raised while sending ``message``."""
    if isinstance(error, RetryAfter):
        return RetryLater(f"flood control: {error.message}", _seconds(error.retry_after))
    if isinstance(error, ChatMigrated):
        return ChatMoved(error.message, str(error.new_chat_id))
    if isinstance(error, Forbidden):
        return ChatGone(error.message)
    if isinstance(error, BadRequest):
        text = error.message.lower()
        if _BAD_MARKUP_PHRASE in text:
            return BadMarkup(error.message)
        if any(phrase in text for phrase in _CHAT_GONE_PHRASES):
            return ChatGone(error.message)
        return DeliveryError(error.message)
    if isinstance(error, InvalidToken):
        # Every message would fail alike: the message is fine, our token is not.
        return PlatformUnavailable("Telegram refuses the bot token")
    # NetworkError, TimedOut, 5xx (which PTB reports as NetworkError): keep it and back off.
    return RetryLater(error.message, transient_retry_delay(message.attempts))


class TelegramSender:
    """``bot.delivery.drainer.Sender`` for Telegram: one sendMessage per outbox message."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramSender:
        """A sender with its own connection pool, talking to ``telegram_api_base_url``."""
        if settings.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        request = HTTPXRequest(
            connection_pool_size=CONNECTION_POOL_SIZE,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            write_timeout=WRITE_TIMEOUT_SECONDS,
            pool_timeout=POOL_TIMEOUT_SECONDS,
        )
        # No AIORateLimiter: the outbox drainer paces sends itself (see bot.delivery.drainer).
        bot = Bot(
            settings.telegram_bot_token.get_secret_value(),
            base_url=settings.telegram_api_base_url,
            request=request,
        )
        return cls(bot)

    async def __aenter__(self) -> TelegramSender:
        try:
            await self._bot.initialize()
        except BaseException:
            # initialize() opens the HTTP client before asking getMe; close it when that fails.
            await self._bot.shutdown()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._bot.shutdown()

    async def send(self, message: OutboxMessage) -> None:
        """Send the message; raise our ``DeliveryError`` subclasses when Telegram refuses."""
        try:
            await self._bot.send_message(
                chat_id=_chat_id(message.external_chat_id),
                text=message.body,
                parse_mode=message.format or None,
                message_thread_id=int(message.thread_id) if message.thread_id else None,
                link_preview_options=_PREVIEWS_SHOWN if message.link_previews else _PREVIEWS_HIDDEN,
            )
        except TelegramError as error:
            translated = translate_error(error, message)
            logger.debug("outbox message %s refused: %s", message.id, translated)
            raise translated from error


def _chat_id(external_id: str) -> int | str:
    # Numeric ids for chats, "@name" for public channels addressed by username.
    try:
        return int(external_id)
    except ValueError:
        return external_id
