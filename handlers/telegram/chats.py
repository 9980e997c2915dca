"""Telegram chats as the command core sees them: addresses, admin checks, channel targets."""

from __future__ import annotations

import logging
import re

from telegram import Bot, ChatMember, ChatMemberAdministrator, Message
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.errors import CommandError, NotAllowedError
from bot.models import Platform
from handlers.commands.context import ChatAddress
from storage import ChatRepository

logger = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMember.ADMINISTRATOR, ChatMember.OWNER})
# "@channelname" or a channel id ("-100…"), as the last word of a command's arguments.
CHANNEL_REFERENCE = re.compile(r"@[A-Za-z]\w{3,}|-100\d{5,}")


async def is_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    """Whether the user administers the chat; False when Telegram cannot tell us."""
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except TelegramError as error:
        logger.warning("could not check admin rights in chat %s: %s", chat_id, error)
        return False
    return member.status in ADMIN_STATUSES


def chat_address(message: Message) -> ChatAddress:
    """Where a message was written: chat, forum topic, chat type and title."""
    chat = message.chat
    # Replies in a normal group carry a thread id too; only forum topics are separate places.
    topic = message.message_thread_id if message.is_topic_message else None
    return ChatAddress(
        Platform.TELEGRAM,
        str(chat.id),
        thread_id=str(topic) if topic else "",
        kind=chat.type,
        title=chat.effective_name or "",
    )


async def follow_migration(chats: ChatRepository, message: Message) -> None:
    """Move a group's chat to its new id when Telegram upgrades it to a supergroup.

    Telegram posts the move in both chats (``migrate_to_chat_id`` in the old group,
    ``migrate_from_chat_id`` in the supergroup); either one is enough, the second finds
    nothing left to move.
    """
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await chats.migrate(Platform.TELEGRAM, str(old), str(new))
    logger.info("chat %s became supergroup %s", old, new)


class ChannelResolver:
    """Checks that a user may point geodigest at a channel, from a private chat."""

    def __init__(self, bot: Bot, user_id: int) -> None:
        self._bot = bot
        self._user_id = user_id

    async def __call__(self, reference: str) -> ChatAddress | None:
        """The channel ``reference`` names, checked; None when it names no channel."""
        if not CHANNEL_REFERENCE.fullmatch(reference):
            return None
        chat_id: int | str = int(reference) if reference.startswith("-") else reference
        try:
            channel = await self._bot.get_chat(chat_id)
        except TelegramError:
            raise CommandError(
                f"I can't find the channel {reference}. Add me to it as an administrator "
                "who can post messages, then send the command again."
            ) from None
        name = channel.effective_name or reference
        if channel.type != ChatType.CHANNEL:
            raise CommandError(f"{name} isn't a channel. Send commands for a group in that group.")
        if not await is_admin(self._bot, channel.id, self._user_id):
            raise NotAllowedError(f"Only administrators of {name} can change what it receives.")
        try:
            me = await self._bot.get_chat_member(channel.id, self._bot.id)
        except TelegramError:
            me = None
        can_post = isinstance(me, ChatMemberAdministrator) and me.can_post_messages is not False
        if not can_post and not (me is not None and me.status == ChatMember.OWNER):
            raise CommandError(
                f"I'm not allowed to post in {name}. Make me an administrator there with "
                "the right to post messages, then send the command again."
            )
        return ChatAddress(Platform.TELEGRAM, str(channel.id), kind=channel.type, title=name)
