"""The App Home tab: the channels a user can see that geodigest serves, with their settings.

One users.conversations walk (Slack lists public channels the user is in, and private ones the
app shares with them) and one bulk read from storage; the view itself is a pure function.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.analysis import topics
from bot.models import Chat, DeliveryMode, Feed, Follow, Platform
from bot.services import Services
from handlers.slack.mrkdwn import clean, escape, shorten
from handlers.slack.render import Block, Line, context, section, sections
from handlers.slack.sender import error_code

logger = logging.getLogger(__name__)

# App Home views hold at most 100 blocks; the header, intro and footer take a few.
MAX_CHANNEL_BLOCKS = 95
FOLLOWS_LIMIT = 1000
# users.conversations pages: 200 conversations each (Slack's recommended page size), at most
# this many pages for one user.
PAGE_SIZE = 200
MAX_PAGES = 10
FEEDS_SHOWN = 10
NAME_LIMIT = 60
INTRO = (
    "World-affairs news digests for your channels: summaries and key quotes from the feeds "
    "each channel picks. In a channel, send /geodigest subscribe bbc-world to start; "
    "/geodigest help lists every command."
)
NOTHING_YET = (
    "None of your channels gets geodigest yet. In a channel, send "
    "/geodigest subscribe bbc-world, or send it to geodigest in a direct message."
)

ChatPrefs = tuple[Chat, list[Feed], list[Follow]]


async def user_channels(client: AsyncWebClient, user_id: str) -> list[str]:
    """Ids of the channels the user is in that the app may know of (bounded pages)."""
    ids: list[str] = []
    cursor = ""
    for _ in range(MAX_PAGES):
        page = await client.users_conversations(
            user=user_id,
            types="public_channel,private_channel",
            exclude_archived=True,
            limit=PAGE_SIZE,
            cursor=cursor or None,
        )
        ids += [c["id"] for c in page.get("channels") or [] if c.get("id")]
        cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
        if not cursor:
            break
    return ids


def _feeds_line(feeds: Sequence[Feed]) -> str:
    if not feeds:
        return "Sources: none yet"
    names = [shorten(clean(f.display_name), NAME_LIMIT) for f in feeds[:FEEDS_SHOWN]]
    more = f" and {len(feeds) - FEEDS_SHOWN} more" if len(feeds) > FEEDS_SHOWN else ""
    return f"Sources: {', '.join(names)}{more}"


def _delivery_line(chat: Chat) -> str:
    settings = chat.settings
    if settings.mode is DeliveryMode.INSTANT:
        return "Delivery: instant alerts, one per new story"
    times = ", ".join(settings.schedule) or "no time set"
    return f"Delivery: digests at {times} ({settings.timezone})"


def _chat_section(chat: Chat, feeds: Sequence[Feed], follows: Sequence[Follow]) -> list[Block]:
    place = f"*<#{chat.external_id}>*" if chat.kind != "im" else "*Your direct messages*"
    followed = shorten(", ".join(topics.describe(f) for f in follows), FOLLOWS_LIMIT)
    lines = [
        Line(fixed=place),
        Line(raw=_feeds_line(feeds)),
        Line(raw=f"Following: {followed or 'everything'}"),
        Line(raw=_delivery_line(chat)),
    ]
    if chat.paused:
        lines.append(Line(raw=f"Paused: {chat.paused_reason or 'paused'}"))
    return [section(text) for text in sections(lines)]


def home_view(entries: Sequence[ChatPrefs]) -> dict[str, Any]:
    """The Home tab's view: an introduction, then each served channel (DM first)."""
    ordered = sorted(entries, key=lambda e: (e[0].kind != "im", e[0].title, e[0].external_id))
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "geodigest"}},
        section(escape(INTRO)),
        {"type": "divider"},
    ]
    shown = 0
    for chat, feeds, follows in ordered:
        chat_blocks = _chat_section(chat, feeds, follows)
        if len(blocks) + len(chat_blocks) > MAX_CHANNEL_BLOCKS:
            break
        blocks += chat_blocks
        shown += 1
    if not ordered:
        blocks.append(section(escape(NOTHING_YET)))
    if shown < len(ordered):
        blocks.append(context(f"… and {len(ordered) - shown} more channels"))
    return {"type": "home", "blocks": blocks}


async def publish_home(
    services: Services, client: AsyncWebClient, user_id: str, dm_channel: str
) -> None:
    """Publish the user's Home tab; a Slack error only costs the tab, so it is logged."""
    try:
        channels = await user_channels(client, user_id)
        if dm_channel:
            channels.append(dm_channel)
        entries = await services.chats.chats_with_prefs(Platform.SLACK, channels)
        await client.views_publish(user_id=user_id, view=home_view(entries))
    except SlackApiError as error:
        logger.warning("could not publish the Home tab of %s: %s", user_id, error_code(error))
