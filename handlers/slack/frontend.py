"""Slack front end: Bolt listeners → command core → Block Kit replies, on /slack/events.

Only this package speaks slack_bolt. Listeners stay thin: they acknowledge at once (Slack wants
an answer within 3 seconds, and ``subscribe`` may read a feed for up to 40), then turn the
request into a ``CommandContext``, call ``handlers.commands.registry.handle`` in the channel's
turn and answer through ``respond()`` (slash commands, buttons) or ``say()`` (mentions).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond, AsyncSay
from slack_bolt.middleware.request_verification.async_request_verification import (
    AsyncRequestVerification,
)
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.delivery.protocols import Renderer
from bot.models import Platform
from bot.services import Services
from handlers.commands.context import ChatAddress, CommandContext, Reply
from handlers.commands.registry import handle, normalize_command
from handlers.slack.access import ChannelAccess
from handlers.slack.home import publish_home
from handlers.slack.replies import (
    PAGE_ACTION_PREFIX,
    SLACK_NOTES,
    SLASH_COMMAND,
    SlackSyntax,
    page_request,
    reply_message,
)
from handlers.slack.turns import ChannelTurns

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Only read-only paged commands may be re-run from a button: the button's value comes back
# from the client.
PAGED_COMMANDS = frozenset({"list", "sources"})
HELP_COMMANDS = frozenset({"help", "start"})
# "<@U0GEODIGEST> digest" → "digest": the mention that starts an app_mention's text.
_LEADING_MENTIONS = re.compile(r"^(\s*<@[A-Z0-9]+(\|[^>]*)?>)+\s*")
SLACK_SYNTAX = SlackSyntax()


class _ServicesClock(Clock):
    """slack_sdk's signature clock reading the service's clock (injected in tests)."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock

    def now(self) -> float:
        return self._clock().timestamp()


class SignatureCheck(AsyncRequestVerification):
    """Bolt's request verification (signature, at most 5 minutes old) on the service's clock.

    A refused request is logged without its body, which may hold a response URL.
    """

    def __init__(self, signing_secret: str, clock: Callable[[], datetime]) -> None:
        super().__init__(signing_secret)
        self._clocked = SignatureVerifier(signing_secret, clock=_ServicesClock(clock))

    @property
    def verifier(self) -> SignatureVerifier:
        return self._clocked

    def _debug_log_error(self, signature: str, timestamp: str, body: object) -> None:
        logger.warning("refused a Slack request with a bad or stale signature (ts %s)", timestamp)


def chat_address(channel_id: str, name: str = "") -> ChatAddress:
    """A Slack conversation as the command core sees it: a DM (``im``) or a channel."""
    kind = "im" if channel_id.startswith("D") else "channel"
    return ChatAddress(Platform.SLACK, channel_id, kind=kind, title=name)


def split_command(text: str) -> tuple[str, str]:
    """``"subscribe bbc-world"`` → ``("subscribe", "bbc-world")``; nothing at all asks for help."""
    name, _, args = text.strip().partition(" ")
    return normalize_command(name) or "help", args.strip()


class SlackFrontend:
    """The Bolt app and its listeners; ``routes()`` serves it on the shared web server."""

    def __init__(
        self, services: Services, client: AsyncWebClient, *, render_digest: Renderer
    ) -> None:
        self._services = services
        self._render_digest = render_digest
        settings = services.settings
        secret = settings.slack_signing_secret
        self._access = ChannelAccess(client, admins=settings.slack_admins)
        self._turns = ChannelTurns()
        self.app = AsyncApp(
            name="geodigest",
            client=client,
            signing_secret=secret.get_secret_value() if secret else "",
            # Replaced, not dropped: the same check on the service's clock (see SignatureCheck).
            request_verification_enabled=False,
            before_authorize=SignatureCheck(secret.get_secret_value(), services.clock)
            if secret
            else None,
        )
        self._register()
        self._handler = AsyncSlackRequestHandler(self.app)
        self._verified = secret is not None

    def routes(self) -> list[BaseRoute]:
        """Slash commands, events and interactivity, all on one URL as Slack sends them.

        None without a signing secret: nothing unsigned may reach the command core.
        """
        if not self._verified:
            return []
        return [Route(EVENTS_PATH, self._endpoint, methods=["POST"])]

    async def _endpoint(self, request: Request) -> Response:
        return await self._handler.handle(request)

    def _register(self) -> None:
        """Every geodigest listener, in one place."""
        self.app.command(SLASH_COMMAND)(self.on_command)
        self.app.event("app_mention")(self.on_mention)
        self.app.action(re.compile(f"^{PAGE_ACTION_PREFIX}"))(self.on_page)
        self.app.event("app_home_opened")(self.on_home_opened)

    def _context(self, channel: str, name: str, user: str) -> CommandContext:
        async def may_change() -> bool:
            return await self._access.may_change(channel, user)

        return CommandContext(
            chat=chat_address(channel, name),
            user_id=user,
            is_admin=may_change,
            now=self._services.clock(),
            render_digest=self._render_digest,
            syntax=SLACK_SYNTAX,
        )

    async def _run(self, channel: str, name: str, user: str, text: str) -> Reply:
        command, args = split_command(text)
        reply = await handle(self._services, self._context(channel, name, user), command, args)
        if command in HELP_COMMANDS:
            return Reply(f"{reply.text}\n\n{SLACK_NOTES}", reply.navigation)
        return reply

    async def on_command(
        self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """``/geodigest <subcommand> …``: acknowledged at once, answered when done."""
        channel = command.get("channel_id", "")
        turn = self._turns.take(channel)
        await ack()
        async with turn:
            reply = await self._run(
                channel,
                command.get("channel_name", ""),
                command.get("user_id", ""),
                command.get("text", ""),
            )
        await respond(**reply_message(reply))

    async def on_mention(self, event: dict[str, Any], say: AsyncSay) -> None:
        """``@geodigest digest``: the same commands, answered in a thread under the mention."""
        channel = event.get("channel", "")
        text = _LEADING_MENTIONS.sub("", event.get("text", ""))
        async with self._turns.take(channel):
            reply = await self._run(channel, "", event.get("user", ""), text)
        await say(**reply_message(reply), thread_ts=event.get("thread_ts") or event.get("ts"))

    async def on_page(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        """A page button: re-run its read-only command and replace the message."""
        channel = (body.get("channel") or {}).get("id", "")
        turn = self._turns.take(channel)
        await ack()
        action = (body.get("actions") or [{}])[0]
        command, args = page_request(str(action.get("value", "")))
        if command not in PAGED_COMMANDS:
            await respond(text="This list is out of date; send the command again.")
            return
        async with turn:
            user = (body.get("user") or {}).get("id", "")
            ctx = self._context(channel, "", user)
            reply = await handle(self._services, ctx, command, args)
        await respond(**reply_message(reply), replace_original=True)

    async def on_home_opened(self, event: dict[str, Any], client: AsyncWebClient) -> None:
        """The App Home tab: every channel of this user that geodigest serves."""
        if event.get("tab") != "home":
            return
        await publish_home(self._services, client, event.get("user", ""), event.get("channel", ""))
