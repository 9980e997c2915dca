"""A local fake of the Telegram Bot API, spoken over real HTTP by python-telegram-bot.

Tests point ``telegram.Bot(base_url=server.base_url)`` at it. It records every call, keeps the
messages the bot sent per chat, lets a test play a user (messages, button presses), and can be
scripted to fail the way Telegram does (429 retry_after, 403 blocked, chat not found, migrated
groups, unparsable HTML, 5xx) or to enforce Telegram's flood limits.

Registered as a pytest plugin: ``pytest_plugins = ["tests.fakes.telegram_api"]`` gives the
``fake_telegram`` fixture.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import math
import re
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from aiohttp import web

BOT_USER: dict[str, Any] = {
    "id": 7_000_001,
    "is_bot": True,
    "first_name": "Geodigest",
    "username": "geodigest_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Telegram shows anonymous group admins as this bot, with sender_chat set to the group itself.
ANONYMOUS_ADMIN: dict[str, Any] = {
    "id": 1_087_968_824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
# Bot API: 4096 characters (UTF-16 code units) per message after entities are parsed.
MAX_MESSAGE_LENGTH = 4096
# Tags the Bot API accepts in parse_mode HTML (https://core.telegram.org/bots/api#html-style).
ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)\s*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_ENTITY_TEXT = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_JSON_PARAMS = frozenset(
    {"reply_markup", "link_preview_options", "entities", "commands", "allowed_updates", "scope"}
)
_INT_PARAMS = frozenset(
    {"chat_id", "message_id", "message_thread_id", "user_id", "offset", "limit", "timeout"}
)

T = TypeVar("T")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (astral characters count 2)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class ApiError(Exception):
    """An error answer of the Bot API, as Telegram words it."""

    status: int
    description: str
    parameters: dict[str, int] | None = None

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body

    @classmethod
    def retry_after(cls, seconds: int) -> ApiError:
        return cls(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})

    @classmethod
    def blocked(cls) -> ApiError:
        return cls(403, "Forbidden: bot was blocked by the user")

    @classmethod
    def kicked(cls) -> ApiError:
        return cls(403, "Forbidden: bot was kicked from the group chat")

    @classmethod
    def chat_not_found(cls) -> ApiError:
        return cls(400, "Bad Request: chat not found")

    @classmethod
    def migrated(cls, new_chat_id: int) -> ApiError:
        return cls(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": new_chat_id},
        )

    @classmethod
    def cant_parse(cls, detail: str = 'Unsupported start tag "foo" at byte offset 0') -> ApiError:
        return cls(400, f"Bad Request: can't parse entities: {detail}")

    @classmethod
    def server_error(cls) -> ApiError:
        return cls(500, "Internal Server Error")


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's flood limits (https://core.telegram.org/bots/faq#broadcasting-to-users)."""

    per_chat_per_second: int = 1
    per_group_per_minute: int = 20
    global_per_second: int = 30
    # A client pacing exactly at the limit sees network jitter; Telegram is not that strict.
    tolerance: float = 0.05


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]


@dataclass
class SentMessage:
    """A message the bot sent (text as sent; ``plain_text`` as the user sees it)."""

    chat_id: int
    message_id: int
    text: str
    plain_text: str
    parse_mode: str | None
    thread_id: int | None
    link_preview_disabled: bool
    reply_markup: dict[str, Any] | None
    edits: list[str] = field(default_factory=list)


@dataclass
class _ScriptedFailure:
    method: str
    error: ApiError
    remaining: int
    chat_id: int | None


def parse_telegram_html(text: str) -> str:
    """Validate HTML as the Bot API does and return the visible text; raise ApiError if bad."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "<":
            match = _TAG.match(text, pos)
            if match is None:
                raise ApiError.cant_parse(f"Unexpected character at byte offset {pos}")
            closing, name = match.group(1) == "/", match.group(2).lower()
            if name not in ALLOWED_TAGS:
                raise ApiError.cant_parse(f'Unsupported start tag "{name}" at byte offset {pos}')
            if closing:
                if not stack or stack[-1] != name:
                    raise ApiError.cant_parse(f'Unmatched end tag "{name}" at byte offset {pos}')
                stack.pop()
            else:
                if name == "a" and "href=" not in match.group(3):
                    raise ApiError.cant_parse(f"Can't find href of a link at byte offset {pos}")
                stack.append(name)
            pos = match.end()
        elif char == "&" and (entity := _ENTITY.match(text, pos)):
            name = entity.group(1)
            if name.startswith("#"):
                code = int(name[2:], 16) if name[1] == "x" else int(name[1:])
                out.append(chr(code))
            else:
                out.append(_ENTITY_TEXT[name])
            pos = entity.end()
        else:
            if char == ">":
                raise ApiError.cant_parse(f"Unexpected character at byte offset {pos}")
            out.append(char)
            pos += 1
    if stack:
        raise ApiError.cant_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def _coerce(name: str, value: Any) -> Any:
    """Form parameters arrive as strings; PTB JSON-encodes everything that is not a str."""
    if not isinstance(value, str):
        return value
    if name in _JSON_PARAMS:
        return json.loads(value)
    if name in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if value in ("true", "false"):
        return value == "true"
    return value


class FakeTelegram:
    """The fake Bot API server; one per test."""

    def __init__(self, *, limits: FloodLimits | None = None, auto_create_chats: bool = True):
        self.limits = limits
        self.auto_create_chats = auto_create_chats
        self.calls: list[ApiCall] = []
        self.sent: dict[int, list[SentMessage]] = defaultdict(list)
        self.flood_429s = 0
        self.chats: dict[int, dict[str, Any]] = {}
        self._gone: dict[int, ApiError] = {}
        self._admins: dict[int, set[int]] = defaultdict(set)
        self._owners: dict[int, int] = {}
        self._failures: list[_ScriptedFailure] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Condition()
        self._windows: dict[tuple[str, int], deque[float]] = defaultdict(deque)
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What ``telegram.Bot(base_url=…)`` takes: the token is appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        self._closing = True
        async with self._new_update:
            self._new_update.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- configuring chats -------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        *,
        type: str | None = None,
        title: str | None = None,
        username: str | None = None,
        is_forum: bool = False,
    ) -> dict[str, Any]:
        """Make a chat known (type from the id's sign unless given: ``channel`` for channels)."""
        kind = type or _chat_type(chat_id)
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = title or f"User {chat_id}"
        else:
            chat["title"] = title or f"Chat {chat_id}"
        if username:
            chat["username"] = username
        if is_forum:
            chat["is_forum"] = True
        self.chats[chat_id] = chat
        self._gone.pop(chat_id, None)
        return chat

    def set_admins(self, chat_id: int, user_ids: set[int], *, owner: int | None = None) -> None:
        """Set the chat's administrators (and owner); everyone else is a plain member."""
        self._admins[chat_id] = set(user_ids)
        if owner is not None:
            self._owners[chat_id] = owner

    def remove_chat(self, chat_id: int) -> None:
        """From now on the chat does not exist (400 chat not found)."""
        self.chats.pop(chat_id, None)
        self._gone[chat_id] = ApiError.chat_not_found()

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: every send answers 403 until ``add_chat`` again."""
        self._gone[chat_id] = ApiError.blocked()

    def upgrade_to_supergroup(self, chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: sends to the old id answer migrate_to_chat_id."""
        old = self.chats.get(chat_id, {})
        self.add_chat(new_chat_id, type="supergroup", title=old.get("title"))
        self._gone[chat_id] = ApiError.migrated(new_chat_id)

    def fail_next(
        self,
        error: ApiError,
        *,
        times: int = 1,
        method: str = "sendMessage",
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (optionally to one chat) with ``error``."""
        self._failures.append(_ScriptedFailure(method, error, times, chat_id))

    # -- playing a user ----------------------------------------------------------------------

    async def send_user_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int,
        chat_type: str = "private",
        thread_id: int | None = None,
        is_forum: bool = False,
        sender_chat: int | None = None,
    ) -> dict[str, Any]:
        """Queue an update with a message from ``user_id`` (or anonymously as ``sender_chat``)."""
        chat = self.chats.get(chat_id) or self.add_chat(chat_id, type=chat_type, is_forum=is_forum)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": chat,
            "text": text,
        }
        if sender_chat is None:
            message["from"] = self._user(user_id)
        else:
            sender = self.chats.get(sender_chat) or self.add_chat(sender_chat, type="channel")
            message["sender_chat"] = sender
            message["from"] = ANONYMOUS_ADMIN if sender_chat == chat_id else self._user(777000)
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        key = "channel_post" if chat["type"] == "channel" else "message"
        await self._push_update({key: message})
        return message

    async def post_upgrade_messages(self, chat_id: int, new_chat_id: int, *, user_id: int) -> None:
        """Queue the service messages Telegram posts when a group becomes a supergroup.

        ``migrate_to_chat_id`` in the old group, then ``migrate_from_chat_id`` in the new one;
        call ``upgrade_to_supergroup`` first so that sends to the old id are refused.
        """
        old = self.chats.get(chat_id) or self.add_chat(chat_id, type="group")
        new = self.chats.get(new_chat_id) or self.add_chat(new_chat_id, type="supergroup")
        for chat, field_name, other in (
            (old, "migrate_to_chat_id", new_chat_id),
            (new, "migrate_from_chat_id", chat_id),
        ):
            message = {
                "message_id": next(self._message_ids[chat["id"]]),
                "date": int(time.time()),
                "chat": chat,
                "from": self._user(user_id),
                field_name: other,
            }
            await self._push_update({"message": message})

    async def press_button(self, chat_id: int, message_id: int, data: str, user_id: int) -> str:
        """Queue a callback query for an inline button under a message the bot sent."""
        message = self.message(chat_id, message_id)
        query_id = str(next(self._callback_ids))
        await self._push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(user_id),
                    "chat_instance": str(chat_id),
                    "message": self._message_json(message),
                    "data": data,
                }
            }
        )
        return query_id

    # -- inspecting --------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Messages the bot sent to the chat, in order."""
        return list(self.sent.get(chat_id, []))

    def texts(self, chat_id: int) -> list[str]:
        """The visible text of each message sent to the chat (after edits)."""
        return [m.plain_text for m in self.sent.get(chat_id, [])]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        for sent in self.sent.get(chat_id, []):
            if sent.message_id == message_id:
                return sent
        raise KeyError(f"no message {message_id} in chat {chat_id}")

    @property
    def total_sent(self) -> int:
        return sum(len(m) for m in self.sent.values())

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(ApiCall(method, params))
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        try:
            self._scripted_failure(method, params)
            result = await handler(params)
        except ApiError as error:
            return web.json_response(error.payload(), status=error.status)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            raw: dict[str, Any] = await request.json()
        else:
            raw = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
            raw.update(request.query)
        return {name: _coerce(name, value) for name, value in raw.items()}

    def _scripted_failure(self, method: str, params: dict[str, Any]) -> None:
        for failure in self._failures:
            if failure.method != method or failure.remaining <= 0:
                continue
            if failure.chat_id is not None and params.get("chat_id") != failure.chat_id:
                continue
            failure.remaining -= 1
            raise failure.error

    def _check_flood(self, chat_id: int) -> None:
        limits = self.limits
        if limits is None:
            return
        now = time.monotonic()
        windows = [(("global", 0), 1.0, limits.global_per_second)]
        windows.append((("chat", chat_id), 1.0, limits.per_chat_per_second))
        if chat_id < 0:
            windows.append((("group", chat_id), 60.0, limits.per_group_per_minute))
        for key, period, allowed in windows:
            stamps = self._windows[key]
            while stamps and stamps[0] <= now - period + limits.tolerance:
                stamps.popleft()
            if len(stamps) >= allowed:
                self.flood_429s += 1
                wait = stamps[0] + period - limits.tolerance - now
                raise ApiError.retry_after(max(1, math.ceil(wait)))
        for key, _, _ in windows:
            self._windows[key].append(now)

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if not isinstance(chat_id, int):
            raise ApiError.chat_not_found()
        if chat_id in self._gone:
            raise self._gone[chat_id]
        if chat_id not in self.chats:
            if not self.auto_create_chats:
                raise ApiError.chat_not_found()
            self.add_chat(chat_id)
        return self.chats[chat_id]

    def _user(self, user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}

    def _message_json(self, sent: SentMessage) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(time.time()),
            "chat": self.chats[sent.chat_id],
            "from": BOT_USER,
            "text": sent.plain_text,
        }
        if sent.thread_id is not None:
            message["message_thread_id"] = sent.thread_id
            message["is_topic_message"] = True
        if sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message

    async def _push_update(self, update: dict[str, Any]) -> None:
        async with self._new_update:
            self._updates.append({"update_id": next(self._update_ids), **update})
            self._new_update.notify_all()

    @staticmethod
    def _visible_text(params: dict[str, Any]) -> str:
        text = str(params.get("text", ""))
        if str(params.get("parse_mode", "")).upper() == "HTML":
            text = parse_telegram_html(text)
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > MAX_MESSAGE_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    # -- Bot API methods ---------------------------------------------------------------------

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        plain = self._visible_text(params)
        self._check_flood(chat["id"])
        previews = params.get("link_preview_options") or {}
        thread_id = params.get("message_thread_id")
        sent = SentMessage(
            chat_id=chat["id"],
            message_id=next(self._message_ids[chat["id"]]),
            text=str(params["text"]),
            plain_text=plain,
            parse_mode=params.get("parse_mode"),
            thread_id=int(thread_id) if thread_id is not None else None,
            link_preview_disabled=bool(previews.get("is_disabled", False)),
            reply_markup=params.get("reply_markup"),
        )
        self.sent[chat["id"]].append(sent)
        return self._message_json(sent)

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        try:
            sent = self.message(chat["id"], int(params["message_id"]))
        except KeyError:
            raise ApiError(400, "Bad Request: message to edit not found") from None
        plain = self._visible_text(params)
        if params["text"] == sent.text and params.get("reply_markup") == sent.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        sent.edits.append(sent.text)
        sent.text, sent.plain_text = str(params["text"]), plain
        sent.parse_mode = params.get("parse_mode")
        sent.reply_markup = params.get("reply_markup")
        return self._message_json(sent)

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        async with self._new_update:
            # An offset confirms every update before it: Telegram forgets them.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._new_update.wait(), remaining)
                except TimeoutError:
                    break
            return self._updates[:limit]

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    async def _api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription"), False
        )
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {**gifts, "gifts_from_channels": False},
        }

    async def _api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params.get("chat_id"))
        return self._member(chat["id"], int(params["user_id"]))

    async def _api_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self._chat(params.get("chat_id"))
        if chat["type"] == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        ids = sorted(self._admins[chat["id"]] | set(filter(None, [self._owners.get(chat["id"])])))
        return [self._member(chat["id"], user_id) for user_id in ids]

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        user = BOT_USER if user_id == BOT_USER["id"] else self._user(user_id)
        if self._owners.get(chat_id) == user_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id not in self._admins[chat_id]:
            return {"status": "member", "user": user}
        rights = (
            "can_manage_chat",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_restrict_members",
            "can_promote_members",
            "can_change_info",
            "can_invite_users",
            "can_post_stories",
            "can_edit_stories",
            "can_delete_stories",
            "can_pin_messages",
            "can_manage_topics",
        )
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            **dict.fromkeys(rights, True),
        }

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_getFakeStats(self, params: dict[str, Any]) -> dict[str, int]:
        """Not a Bot API method: lets a benchmark read the counts of a fake in another process."""
        return {"sent": self.total_sent, "flood_429s": self.flood_429s}

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    _api_setWebhook = _api_setMyCommands = _api_deleteMyCommands = _true
    _api_setMyDescription = _api_setMyShortDescription = _api_close = _api_logOut = _true


def private_command_update(update_id: int, user_id: int, command: str) -> dict[str, Any]:
    """An update as Telegram posts it to a webhook: ``command`` from a user in a private chat."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_764_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Asha"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Asha"},
            "text": command,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }


async def wait_for(
    predicate: Callable[[], T | Awaitable[T]],
    *,
    timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for polling, not for one awaited call
    interval: float = 0.01,
) -> T:
    """Poll ``predicate`` (sync or async) until it is truthy; fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result  # type: ignore[return-value]
        if time.monotonic() >= deadline:
            raise AssertionError(f"condition not met within {timeout} s: {predicate!r}")
        await asyncio.sleep(interval)


@pytest.fixture
async def fake_telegram(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTelegram]:
    """A running fake Bot API; point PTB at ``fake_telegram.base_url``."""
    # PTB 22.2+ warns (an error under filterwarnings=error) whenever a RetryAfter is built or
    # read unless time periods are opted in as timedelta, which later PTB versions make default.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.close()
