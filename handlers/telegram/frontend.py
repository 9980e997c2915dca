"""Telegram front end: PTB updates → command core → HTML replies; polling or webhook.

Only this package speaks python-telegram-bot. Handlers stay thin: they turn an update into a
``CommandContext``, call ``handlers.commands.registry.handle`` and render the reply.
"""

from __future__ import annotations

import hmac
import html
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.constants import ChatType, MessageLimit, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.delivery.protocols import Renderer
from bot.services import Services
from handlers.commands.context import CommandContext, Navigation, Reply
from handlers.commands.registry import COMMAND_NAMES, handle
from handlers.commands.texts import COMMANDS, INTRO, spell
from handlers.telegram import chats as telegram_chats
from handlers.telegram.texts import CHANNELS_AND_TOPICS, SYNTAX
from handlers.telegram.updates import PerChatUpdateProcessor
from handlers.telegram.webhook import WEBHOOK_PATH, webhook_secret

logger = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]

ALLOWED_UPDATES = [Update.MESSAGE, Update.CHANNEL_POST, Update.CALLBACK_QUERY]
# Only read-only paged commands may be re-run from a button: callback data is client-supplied.
PAGED_COMMANDS = frozenset({"list", "sources"})
PAGE_PREFIX = "page:"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# A reply refused with 429 is retried this often after the wait Telegram asks for.
REPLY_RETRIES = 2
# Bot API: 120 characters for the short description, 512 for the description.
SHORT_DESCRIPTION = "World-affairs news digests: summaries and key quotes from the feeds you pick."
MESSAGE_FILTER = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _html(text: str) -> str:
    """Escape plain text for parse_mode HTML, cut to what one message can carry."""
    limit = MessageLimit.MAX_TEXT_LENGTH
    if _utf16_len(text) > limit:
        # Telegram counts UTF-16 code units; "ignore" drops a surrogate pair cut in half.
        text = text.encode("utf-16-le")[: (limit - 1) * 2].decode("utf-16-le", "ignore") + "…"
    return html.escape(text, quote=False)


def _keyboard(navigation: Navigation | None) -> InlineKeyboardMarkup | None:
    if navigation is None:
        return None
    buttons = []
    for label, page in (("◀", navigation.page - 1), ("▶", navigation.page + 1)):
        if 1 <= page <= navigation.page_count:
            data = f"{PAGE_PREFIX}{navigation.command}:{navigation.args_for(page)}"
            buttons.append(InlineKeyboardButton(label, callback_data=data))
    return InlineKeyboardMarkup([buttons])


class _Handlers:
    """The callbacks PTB calls; each builds a context and hands over to the command core."""

    def __init__(self, services: Services, render_digest: Renderer) -> None:
        self._services = services
        self._render_digest = render_digest

    def _context(
        self, bot: Bot, message: Message, user: User | None, *, anonymous_ok: bool
    ) -> CommandContext:
        chat_id = message.chat.id

        async def is_admin() -> bool:
            sender = message.sender_chat if anonymous_ok else None
            if sender is not None:
                # Anonymous admins write as the group itself; a channel's posts come from it.
                return sender.id == chat_id
            return user is not None and await telegram_chats.is_admin(bot, chat_id, user.id)

        private = message.chat.type == ChatType.PRIVATE
        return CommandContext(
            chat=telegram_chats.chat_address(message),
            user_id=str(user.id) if user else "",
            is_admin=is_admin,
            now=self._services.clock(),
            render_digest=self._render_digest,
            syntax=SYNTAX,
            platform_help=CHANNELS_AND_TOPICS,
            resolve_channel=telegram_chats.ChannelResolver(bot, user.id)
            if private and user
            else None,
        )

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or not message.text:
            return
        head, *rest = message.text.split(maxsplit=1)
        command, _, mention = head.lstrip("/").partition("@")
        args = rest[0] if rest else ""
        if mention and mention.lower() != (context.bot.username or "").lower():
            return  # meant for another bot in this group
        ctx = self._context(context.bot, message, message.from_user, anonymous_ok=True)
        reply = await handle(self._services, ctx, command, args.strip())
        await context.bot.send_message(
            message.chat.id,
            _html(reply.text),
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
            reply_markup=_keyboard(reply.navigation),
        )

    async def on_migration(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None:
            await telegram_chats.follow_migration(self._services.chats, update.effective_message)

    async def on_page(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or not query.data:
            return
        command, _, args = query.data.removeprefix(PAGE_PREFIX).partition(":")
        message = query.message
        if command not in PAGED_COMMANDS or not isinstance(message, Message):
            await query.answer("This list is out of date; send the command again.")
            return
        ctx = self._context(context.bot, message, query.from_user, anonymous_ok=False)
        reply = await handle(self._services, ctx, command, args)
        await query.answer()
        await _edit(message, reply)


async def _edit(message: Message, reply: Reply) -> None:
    try:
        await message.edit_text(
            _html(reply.text),
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            reply_markup=_keyboard(reply.navigation),
        )
    except BadRequest as error:
        # A double tap asks for the page already shown.
        if "not modified" not in error.message:
            raise


async def _log_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log and carry on: one failed update must not stop the bot."""
    update_id = update.update_id if isinstance(update, Update) else None
    logger.error("handling Telegram update %s failed", update_id, exc_info=context.error)


def register(app: TelegramApp, services: Services, *, render_digest: Renderer) -> None:
    """Add every geodigest handler to ``app`` (the one place handlers are listed)."""
    handlers = _Handlers(services, render_digest)
    app.add_handler(CommandHandler(list(COMMAND_NAMES), handlers.on_command, MESSAGE_FILTER))
    # Anything else that looks like a command gets a helpful answer instead of silence.
    app.add_handler(MessageHandler(filters.COMMAND & MESSAGE_FILTER, handlers.on_command))
    app.add_handler(CallbackQueryHandler(handlers.on_page, pattern=f"^{PAGE_PREFIX}"))
    # Without this a group's sources stay behind under its old id when it becomes a supergroup.
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, handlers.on_migration))
    app.add_error_handler(_log_error)


def build_application(services: Services, *, render_digest: Renderer) -> TelegramApp:
    """A PTB application for the configured bot token and API base URL, handlers registered."""
    token = services.settings.telegram_bot_token
    if token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    app = (
        ApplicationBuilder()
        .token(token.get_secret_value())
        .base_url(services.settings.telegram_api_base_url)
        # Scheduling is APScheduler's job in geodigest; PTB's job queue would be a second one.
        .job_queue(None)
        .concurrent_updates(PerChatUpdateProcessor())
        # Replies go straight out, not through the outbox: honor a 429 instead of dropping.
        .rate_limiter(AIORateLimiter(max_retries=REPLY_RETRIES))
        .build()
    )
    register(app, services, render_digest=render_digest)
    return app


async def _announce(bot: Bot) -> None:
    """Publish the command menu and descriptions; a failure only costs the menu, so log it."""
    menu = [BotCommand(c.name, spell(c.description, SYNTAX)) for c in COMMANDS]
    steps: tuple[tuple[str, Callable[[], Awaitable[bool]]], ...] = (
        ("command menu", lambda: bot.set_my_commands(menu)),
        ("description", lambda: bot.set_my_description(INTRO)),
        ("short description", lambda: bot.set_my_short_description(SHORT_DESCRIPTION)),
    )
    for what, call in steps:
        try:
            await call()
        except TelegramError as error:
            logger.warning("could not set the bot's %s: %s", what, error)


class TelegramFrontend:
    """The running Telegram bot: long polling by default, a webhook when public_url is set."""

    def __init__(self, services: Services, *, render_digest: Renderer) -> None:
        self._services = services
        self.application = build_application(services, render_digest=render_digest)
        public_url = services.settings.public_url
        self._webhook_url = public_url.rstrip("/") + WEBHOOK_PATH if public_url else None
        self._secret = webhook_secret(services.settings) if self._webhook_url else ""

    async def start(self) -> None:
        """Connect to the Bot API and start taking updates; returns once running."""
        app = self.application
        await app.initialize()
        await _announce(app.bot)
        await app.start()
        if self._webhook_url:
            await app.bot.set_webhook(
                self._webhook_url, secret_token=self._secret, allowed_updates=ALLOWED_UPDATES
            )
            logger.info("Telegram webhook set to %s", self._webhook_url)
        elif app.updater is not None:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            logger.info("Telegram long polling started")

    async def stop(self) -> None:
        """Stop taking updates, finish the ones in hand and close the HTTP clients."""
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()

    async def process_webhook(self, payload: Mapping[str, Any], secret_header: str | None) -> bool:
        """Queue one webhook update; False (answer 403) when the secret header is wrong."""
        if not self._webhook_url or not hmac.compare_digest(
            (secret_header or "").encode(), self._secret.encode()
        ):
            logger.warning("rejected a Telegram webhook call with a wrong secret token")
            return False
        await self.queue_update(payload)
        return True

    async def queue_update(self, payload: Mapping[str, Any]) -> None:
        """Queue one update whose sender is already known to be Telegram; raises when PTB
        cannot read it."""
        update = Update.de_json(dict(payload), self.application.bot)
        await self.application.update_queue.put(update)
