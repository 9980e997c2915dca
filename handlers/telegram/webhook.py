"""The Telegram webhook endpoint, hardened: anyone on the internet can post to it.

In order, so that a stranger's request costs next to nothing:
1. the secret header is checked before a byte of the body is read (403);
2. the body is read as a stream and refused once it passes ``MAX_BODY_BYTES`` (413), never
   buffered whole; a declared Content-Length over the cap is refused before reading;
3. what is not a JSON object Telegram could have sent, nesting bombs included, gets 400.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from bot.config import Settings

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
# Telegram updates are a few KiB; a message with the longest text and entities stays far below.
MAX_BODY_BYTES = 1024 * 1024

# Queues one update; False when the bot is not connected to Telegram yet.
UpdateSink = Callable[[dict[str, Any]], Awaitable[bool]]


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token on every webhook call."""
    if settings.telegram_webhook_secret is not None:
        return settings.telegram_webhook_secret.get_secret_value()
    token = settings.telegram_bot_token
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    # Derived, so every instance behind one URL agrees without another setting to manage.
    return hashlib.sha256(b"geodigest-webhook:" + token.get_secret_value().encode()).hexdigest()


class _TooLarge(Exception):
    pass


def _secret_matches(request: Request, secret: str) -> bool:
    given = request.headers.get(SECRET_HEADER, "")
    return hmac.compare_digest(given.encode(), secret.encode())


async def _read_capped(request: Request, limit: int) -> bytes:
    """The body, or ``_TooLarge`` as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise _TooLarge
    return bytes(body)


def _update(body: bytes) -> dict[str, Any] | None:
    """The JSON object in ``body``; None when it is not one (or nests too deep to read)."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


def webhook_route(secret: str, sink: UpdateSink, *, max_body_bytes: int = MAX_BODY_BYTES) -> Route:
    """The POST route Telegram delivers updates to, passing each one to ``sink``."""

    async def receive(request: Request) -> Response:
        if not _secret_matches(request, secret):
            logger.warning("rejected a Telegram webhook call with a wrong secret token")
            return Response("wrong secret token", status_code=403)
        try:
            body = await _read_capped(request, max_body_bytes)
        except _TooLarge:
            return Response("update too large", status_code=413)
        except ClientDisconnect:
            return Response(status_code=400)
        update = _update(body)
        if update is None:
            return Response("invalid update", status_code=400)
        try:
            accepted = await sink(update)
        except Exception:
            # Valid JSON that is no update Telegram would send (wrong types, absurd nesting).
            logger.warning("ignored a malformed Telegram update", exc_info=True)
            return Response("invalid update", status_code=400)
        if not accepted:
            return Response("not connected to Telegram yet", status_code=503)
        return Response(status_code=200)

    return Route(WEBHOOK_PATH, receive, methods=["POST"])
