"""Who may change a Slack channel's subscriptions, asked of Slack when a change is requested.

Workspace admins and owners, the channel's creator and the user ids in GEODIGEST_SLACK_ADMINS
may change a channel; everyone may read. A DM with the app is its user's own chat (the command
core lets anyone change a personal chat without asking).
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import CommandError
from handlers.slack.sender import WORKSPACE_REFUSALS, error_code

logger = logging.getLogger(__name__)

# Slack refuses the app as a whole, so nobody's rights can be checked; "not allowed" would
# mislead the admin who asked.
APP_REFUSED = (
    "Slack refuses geodigest's token at the moment, so I cannot check who may change this "
    "channel. Whoever runs geodigest needs to reinstall the app or replace its token; this "
    "channel's news waits until then."
)


class ChannelAccess:
    """Answers "may this user change this channel?" with users.info and conversations.info."""

    def __init__(self, client: AsyncWebClient, *, admins: tuple[str, ...] = ()) -> None:
        self._client = client
        self._admins = frozenset(admins)

    async def may_change(self, channel_id: str, user_id: str) -> bool:
        """Whether the user may change the channel; False when Slack cannot tell us.

        Raises ``CommandError`` saying why while Slack refuses the app as a whole.
        """
        if not user_id:
            return False
        if user_id in self._admins:
            return True
        try:
            if await self._is_workspace_admin(user_id):
                return True
            return await self._created(channel_id, user_id)
        except SlackApiError as error:
            if error_code(error) in WORKSPACE_REFUSALS:
                raise CommandError(APP_REFUSED) from error
            logger.warning(
                "could not check who may change %s: %s", channel_id, error_code(error) or error
            )
            return False

    async def _is_workspace_admin(self, user_id: str) -> bool:
        user = (await self._client.users_info(user=user_id)).get("user") or {}
        return any(user.get(flag) for flag in ("is_admin", "is_owner", "is_primary_owner"))

    async def _created(self, channel_id: str, user_id: str) -> bool:
        channel = (await self._client.conversations_info(channel=channel_id)).get("channel") or {}
        return bool(channel.get("creator")) and channel.get("creator") == user_id
