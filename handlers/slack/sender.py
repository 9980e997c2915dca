"""Sends outbox messages with slack_sdk; Slack's errors become ours at this edge.

Slack's answer                                     →  bot.errors
ratelimited / HTTP 429 (Retry-After)               →  RetryLater(Retry-After)
not_in_channel                                     →  conversations.join once, then resend;
                                                      ChatGone when the app cannot join
channel_not_found, is_archived, restricted_action  →  ChatGone (the reason says which)
token_revoked, invalid_auth, account_inactive …    →  PlatformUnavailable (the whole workspace)
msg_too_long, invalid_blocks                       →  BadMarkup
HTTP 5xx, network errors                           →  RetryLater(backoff from the attempts)
anything else                                      →  DeliveryError (permanent)

Pacing is the outbox drainer's job (about one message per second per channel, Slack's
chat.postMessage tier), so the client has no retry handler of its own: a 429 goes back to the
outbox with its Retry-After instead of being waited out here.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.delivery.drainer import transient_retry_delay
from bot.errors import (
    BadMarkup,
    ChatGone,
    DeliveryError,
    PlatformUnavailable,
    RetryLater,
)
from bot.models import OutboxMessage
from handlers.slack.render import BLOCKS_FORMAT

logger = logging.getLogger(__name__)

# What Slack's error codes mean for the person reading why their channel stopped getting news.
CHANNEL_GONE = {
    "channel_not_found": "the channel does not exist or geodigest cannot see it",
    "is_archived": "the channel is archived",
    "not_in_channel": "geodigest is not a member of the channel; invite it with /invite @geodigest",
    "restricted_action": "the channel does not let geodigest post",
}
# The workspace refuses the app as a whole: no channel can be reached until someone fixes it.
WORKSPACE_REFUSALS = frozenset(
    {"token_revoked", "invalid_auth", "account_inactive", "not_authed", "token_expired"}
)
BAD_MARKUP = frozenset({"msg_too_long", "invalid_blocks"})
# Slack's own trouble, answered with HTTP 200 or 5xx: the message is fine, try again later.
SLACK_TROUBLE = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
RATE_LIMITED = "ratelimited"
# Slack's API timeout for one call; the drainer holds a lease far longer than this.
REQUEST_TIMEOUT_SECONDS = 20


def web_client(settings: Settings) -> AsyncWebClient:
    """A Web API client for the bot token and ``slack_api_base_url``, with no retry handlers."""
    if settings.slack_bot_token is None:
        raise ValueError("SLACK_BOT_TOKEN is not set")
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_base_url,
        timeout=REQUEST_TIMEOUT_SECONDS,
        retry_handlers=[],
    )


def _header(response: Any, name: str) -> str | None:
    headers = getattr(response, "headers", None) or {}
    for key, value in headers.items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list) else value)
    return None


def error_code(error: SlackApiError) -> str:
    """Slack's error code (``channel_not_found`` …), or "" when the answer had none."""
    data = getattr(error.response, "data", None)
    return str(data.get("error", "")) if isinstance(data, dict) else ""


def translate_error(error: SlackApiError, message: OutboxMessage) -> DeliveryError:
    """Our error for Slack's refusal of ``message``."""
    code = error_code(error)
    status = getattr(error.response, "status_code", 200)
    if code == RATE_LIMITED or status == 429:
        retry_after = _header(error.response, "Retry-After")
        seconds = float(retry_after) if retry_after and retry_after.isdigit() else 0.0
        return RetryLater("Slack rate limit", seconds or transient_retry_delay(message.attempts))
    if code in CHANNEL_GONE:
        return ChatGone(f"{CHANNEL_GONE[code]} ({code})")
    if code in WORKSPACE_REFUSALS:
        return PlatformUnavailable(f"Slack refuses the bot token ({code})")
    if code in BAD_MARKUP:
        return BadMarkup(code)
    if status >= 500 or not code or code in SLACK_TROUBLE:
        return RetryLater(f"Slack answered HTTP {status}", transient_retry_delay(message.attempts))
    return DeliveryError(f"Slack refused the message ({code})")


class SlackSender:
    """``Sender`` for Slack: one chat.postMessage per outbox message."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        # Why Slack refuses the app as a whole; None while it accepts us.
        self.refusal: str | None = None

    async def send(self, message: OutboxMessage) -> None:
        """Post the message; raise our ``DeliveryError`` subclasses when Slack refuses."""
        try:
            await self._post_joining(message)
        except SlackApiError as error:
            translated = translate_error(error, message)
            self._note(translated)
            logger.debug("outbox message %s refused: %s", message.id, translated)
            raise translated from error
        except (aiohttp.ClientError, TimeoutError) as error:
            reason = f"network error talking to Slack: {type(error).__name__}"
            raise RetryLater(reason, transient_retry_delay(message.attempts)) from error
        self.refusal = None

    async def _post_joining(self, message: OutboxMessage) -> None:
        try:
            await self._post(message)
        except SlackApiError as error:
            if error_code(error) != "not_in_channel" or not await self._join(message):
                raise
            await self._post(message)

    async def _join(self, message: OutboxMessage) -> bool:
        """Join a public channel the app was not in (needs channels:join); False when it can't."""
        try:
            await self._client.conversations_join(channel=message.external_chat_id)
        except SlackApiError as error:
            logger.info("could not join %s: %s", message.external_chat_id, error_code(error))
            return False
        logger.info("joined Slack channel %s to post there", message.external_chat_id)
        return True

    async def _post(self, message: OutboxMessage) -> None:
        options: dict[str, Any] = {}
        if message.format == BLOCKS_FORMAT and message.payload:
            options["blocks"] = json.loads(message.payload)
        if message.thread_id:
            options["thread_ts"] = message.thread_id
        await self._client.chat_postMessage(
            channel=message.external_chat_id,
            text=message.body,
            unfurl_links=message.link_previews,
            unfurl_media=message.link_previews,
            **options,
        )

    def _note(self, error: DeliveryError) -> None:
        if isinstance(error, PlatformUnavailable):
            if self.refusal is None:
                logger.error(
                    "%s: nothing is sent to Slack until the app is reinstalled or its token "
                    "replaced; every message waits in the outbox",
                    error,
                )
            self.refusal = str(error)
