"""Slack as one ``ChatPlatform``: renderers, sender, pacing, routes and connection.

HTTP mode serves slash commands, events and interactivity at ``/slack/events`` on the shared web
server; with an app-level token (SLACK_APP_TOKEN) the app connects out over Socket Mode instead
and serves no route. One workspace per installation: the bot token is the workspace's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from starlette.routing import BaseRoute

from bot.delivery.ratelimit import PlatformLimits
from bot.errors import PlatformUnavailable
from bot.models import Digest, DigestStory, OutboxMessage, Platform, Rendered
from bot.services import Services
from handlers.slack.frontend import SlackFrontend
from handlers.slack.render import render_slack_alert, render_slack_digest
from handlers.slack.sender import WORKSPACE_REFUSALS, SlackSender, error_code, web_client

logger = logging.getLogger(__name__)

# Slack's chat.postMessage tier: about one message per second per channel, short bursts
# tolerated; the workspace-wide ceiling is not published, so stay well under it.
SLACK_LIMITS = PlatformLimits(per_chat_interval=1.0, group_per_minute=None, global_per_second=20)
# Bolt's Socket Mode client retries a failed connection forever; start() gives up after this
# and lets the runtime try again later.
SOCKET_CONNECT_SECONDS = 30.0


class SlackPlatform:
    """Everything the runtime needs of Slack, built from the service's settings."""

    platform = Platform.SLACK
    limits = SLACK_LIMITS

    def __init__(self, services: Services, client: AsyncWebClient) -> None:
        self._client = client
        app_token = services.settings.slack_app_token
        self._app_token = app_token.get_secret_value() if app_token else ""
        self.sender = SlackSender(client)
        self.frontend = SlackFrontend(
            services,
            client,
            render_digest=self.render_digest,
        )
        self._socket: AsyncSocketModeHandler | None = None

    @classmethod
    def from_services(cls, services: Services) -> SlackPlatform:
        """The platform for ``services.settings`` (SLACK_BOT_TOKEN must be set)."""
        return cls(services, web_client(services.settings))

    def render_digest(self, digest: Digest) -> Sequence[Rendered]:
        return render_slack_digest(digest)

    def render_alert(self, story: DigestStory) -> Sequence[Rendered]:
        return render_slack_alert(story)

    def plain_fallback(self, message: OutboxMessage) -> Rendered:
        """The message's own ``text`` alone, after Slack rejected its blocks."""
        return Rendered(text=message.body)

    def is_group(self, external_chat_id: str) -> bool:
        # D… ids are direct messages; every other conversation is shared by several people.
        return not external_chat_id.startswith("D")

    def routes(self) -> Sequence[BaseRoute]:
        """``/slack/events`` in HTTP mode; nothing in Socket Mode, which connects out."""
        return [] if self._app_token else self.frontend.routes()

    async def start(self) -> None:
        """Check the token with auth.test, then connect Socket Mode if configured.

        Raises ``PlatformUnavailable`` when Slack refuses the token, anything else when it
        cannot be reached: the runtime tries again later.
        """
        try:
            identity = await self._client.auth_test()
        except SlackApiError as error:
            if error_code(error) not in WORKSPACE_REFUSALS:
                raise
            self.sender.refusal = f"Slack refuses the bot token ({error_code(error)})"
            raise PlatformUnavailable(self.sender.refusal) from error
        self.sender.refusal = None
        logger.info("connected to Slack workspace %s", identity.get("team_id"))
        if self._app_token:
            socket = AsyncSocketModeHandler(self.frontend.app, self._app_token)
            try:
                await asyncio.wait_for(
                    socket.connect_async(),  # type: ignore[no-untyped-call]  # untyped in Bolt
                    SOCKET_CONNECT_SECONDS,
                )
            except BaseException:
                await socket.close_async()  # type: ignore[no-untyped-call]
                raise
            self._socket = socket
            logger.info("Slack Socket Mode connected")

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]  # untyped in Bolt
            self._socket = None

    @property
    def healthy(self) -> bool:
        """False while Slack refuses the app as a whole (revoked token, app uninstalled)."""
        return self.sender.refusal is None
