"""A local fake of the Slack Web API, spoken over real HTTP by slack_sdk and slack_bolt.

Tests point ``AsyncWebClient(base_url=fake.base_url)`` at it. It answers ``auth.test``,
``apps.connections.open`` (then speaks Socket Mode over a WebSocket),
``chat.postMessage``, ``chat.update``, ``conversations.join``, ``conversations.info``,
``users.info``, ``users.conversations`` and ``views.publish``; records every call; keeps the
messages posted per channel, the App Home views published per user and what was posted to a
slash command's ``response_url``; checks Block Kit's limits as Slack does; and can be scripted to
answer as Slack does when it refuses (``ratelimited`` with 429 + Retry-After, gone channels,
revoked tokens, rejected blocks, 5xx) or to drop the connection unanswered.

Registered as a pytest plugin: ``pytest_plugins = ["tests.fakes.slack_api"]`` gives the
``fake_slack`` fixture.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

BOT_TOKEN = "xoxb-1-fake-token"
APP_TOKEN = "xapp-1-A0GEODIGEST-1-fake"
BOT_USER_ID = "UGEODIGEST"
TEAM_ID = "T0NEWSROOM"
# Block Kit: 50 blocks per message, 3,000 characters per section text, 150 per header text.
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
# chat.postMessage truncates `text` past 40,000 characters; we answer msg_too_long instead.
MAX_TEXT = 40_000
# The status of a scripted failure that closes the connection instead of answering.
DISCONNECT = 0
_TOKEN = re.compile(r"<([^<>]*)>")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}


@dataclass(frozen=True)
class SlackError(Exception):
    """An error answer of the Web API: HTTP status, Slack's error code and headers."""

    error: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def ratelimited(cls, retry_after: int) -> SlackError:
        return cls("ratelimited", 429, {"Retry-After": str(retry_after)})

    @classmethod
    def server_error(cls) -> SlackError:
        return cls("internal_error", 500)

    @classmethod
    def disconnect(cls) -> SlackError:
        """No answer at all: the connection is closed, as when the network fails."""
        return cls("", DISCONNECT)


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]


@dataclass
class PostedMessage:
    """A message the app posted; ``visible`` is what a reader sees (blocks, else text)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None

    @property
    def visible(self) -> str:
        return blocks_text(self.blocks) if self.blocks else read_mrkdwn(self.text)


def read_mrkdwn(text: str) -> str:
    """What a reader sees of mrkdwn: link labels, date fallbacks, entities decoded.

    Raises AssertionError on markup Slack would misread: a ``<`` that opens no token, a ``>``
    that is not a quote mark at the start of a line, a link label holding ``|``.
    """
    out: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        out.append(_plain(text[position : match.start()]))
        inner = match.group(1)
        target, _, label = inner.partition("|")
        assert "|" not in label, f"a link label with '|' breaks the link: {inner!r}"
        assert target.startswith(("http://", "https://", "!date^", "@", "#")), inner
        out.append(_decode(label or target))
        position = match.end()
    out.append(_plain(text[position:]))
    return "".join(out)


def _plain(text: str) -> str:
    assert "<" not in text, f"unescaped '<' in {text!r}"
    assert ">" not in text, f"unescaped '>' in {text!r}"
    return _decode(text)


def _decode(text: str) -> str:
    return re.sub(r"&(amp|lt|gt);", lambda m: _ENTITIES[m.group(0)], text)


def _quote_marks_out(text: str) -> str:
    # ">" at the start of a line is Slack's quote mark, not text.
    return "\n".join(line[1:] if line.startswith(">") else line for line in text.split("\n"))


def blocks_text(blocks: list[dict[str, Any]]) -> str:
    """The visible text of Block Kit blocks, one block per line."""
    lines = []
    for block in blocks:
        if block["type"] == "header":
            lines.append(read_mrkdwn(block["text"]["text"]))
        elif block["type"] == "section":
            lines.append(read_mrkdwn(_quote_marks_out(block["text"]["text"])))
        elif block["type"] == "context":
            lines += [read_mrkdwn(e["text"]) for e in block["elements"]]
        elif block["type"] == "actions":
            lines.append(" ".join(e["text"]["text"] for e in block["elements"]))
    return "\n".join(lines)


def check_blocks(blocks: Any) -> None:
    """Raise SlackError("invalid_blocks") where Slack would refuse the blocks."""
    if not isinstance(blocks, list) or not 0 < len(blocks) <= MAX_BLOCKS:
        raise SlackError("invalid_blocks")
    for block in blocks:
        kind = block.get("type")
        text = block.get("text", {}).get("text", "")
        limit = {"section": MAX_SECTION_TEXT, "header": MAX_HEADER_TEXT}.get(kind)
        if kind not in ("section", "header", "context", "divider", "actions"):
            raise SlackError("invalid_blocks")
        if limit is not None and not 0 < len(text.encode("utf-16-le")) // 2 <= limit:
            raise SlackError("invalid_blocks")
        if kind == "context" and not 0 < len(block.get("elements", [])) <= 10:
            raise SlackError("invalid_blocks")


@dataclass
class Channel:
    id: str
    name: str
    creator: str = ""
    is_private: bool = False
    is_archived: bool = False
    members: set[str] = field(default_factory=set)

    def info(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "creator": self.creator,
            "is_channel": not self.is_private,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_member": BOT_USER_ID in self.members,
        }


@dataclass
class _ScriptedFailure:
    method: str
    error: SlackError
    remaining: int
    channel: str | None


class FakeSlack:
    """The fake Web API server; one per test."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.posted: dict[str, list[PostedMessage]] = defaultdict(list)
        self.views: dict[str, dict[str, Any]] = {}
        self.responses: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.refusal: str | None = None  # every call answers this error (token_revoked …)
        self._failures: list[_ScriptedFailure] = []
        self._ts = itertools.count(1)
        self._response_ids = itertools.count(1)
        self.socket_replies: list[dict[str, Any]] = []  # what the app sent back over Socket Mode
        self._sockets: list[web.WebSocketResponse] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What ``AsyncWebClient(base_url=…)`` and SLACK_API_BASE_URL take."""
        return f"http://127.0.0.1:{self.port}/api/"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/respond/{id}", self._respond)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def close(self) -> None:
        for socket in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- configuring the workspace -----------------------------------------------------------

    def add_user(self, user_id: str, *, admin: bool = False, owner: bool = False) -> None:
        self.users[user_id] = {"id": user_id, "is_admin": admin, "is_owner": owner}

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        creator: str = "",
        members: set[str] | None = None,
        private: bool = False,
        bot_member: bool = True,
    ) -> Channel:
        people = set(members or ())
        if bot_member:
            people.add(BOT_USER_ID)
        channel = Channel(channel_id, name, creator, private, members=people)
        self.channels[channel_id] = channel
        return channel

    def fail_next(
        self,
        error: SlackError,
        *,
        method: str = "chat.postMessage",
        times: int = 1,
        channel: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``channel``) with ``error``."""
        self._failures.append(_ScriptedFailure(method, error, times, channel))

    def response_url(self) -> str:
        """A fresh ``response_url`` as Slack sends with each slash command and button press."""
        return f"http://127.0.0.1:{self.port}/respond/{next(self._response_ids)}"

    @property
    def socket_connected(self) -> bool:
        return any(not socket.closed for socket in self._sockets)

    async def push(self, envelope: dict[str, Any]) -> None:
        """Send a Socket Mode envelope (a slash command, an event …) to the connected app."""
        [socket] = [s for s in self._sockets if not s.closed]
        await socket.send_json(envelope)

    # -- reading what happened ---------------------------------------------------------------

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def responded(self, response_url: str) -> list[dict[str, Any]]:
        return self.responses[response_url.rsplit("/", 1)[1]]

    # -- the HTTP side -----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        self.calls.append(ApiCall(method, params))
        try:
            self._check_token(request)
            self._scripted_failure(method, params)
            handler = _HANDLERS.get(method)
            if handler is None:
                raise SlackError("unknown_method", 404)
            result = handler(self, params)
        except SlackError as error:
            if error.status == DISCONNECT and request.transport is not None:
                request.transport.close()
            body = {"ok": False, "error": error.error}
            return web.json_response(body, status=error.status, headers=error.headers)
        return web.json_response({"ok": True, **result})

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses[request.match_info["id"]].append(await request.json())
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1})
        async for message in socket:
            if message.type == web.WSMsgType.TEXT:
                self.socket_replies.append(json.loads(message.data))
        return socket

    def _check_token(self, request: web.Request) -> None:
        if self.refusal is not None:
            raise SlackError(self.refusal)
        token = APP_TOKEN if request.path.endswith("apps.connections.open") else BOT_TOKEN
        if request.headers.get("Authorization") != f"Bearer {token}":
            raise SlackError("invalid_auth")

    def _scripted_failure(self, method: str, params: dict[str, Any]) -> None:
        for failure in self._failures:
            if failure.method != method or failure.remaining <= 0:
                continue
            if failure.channel is not None and params.get("channel") != failure.channel:
                continue
            failure.remaining -= 1
            raise failure.error

    def _writable(self, channel_id: str) -> Channel | None:
        """The channel the app may post to; None for a DM; raises Slack's refusal otherwise."""
        if channel_id.startswith("D"):
            return None
        channel = self.channels.get(channel_id)
        if channel is None:
            raise SlackError("channel_not_found")
        if channel.is_archived:
            raise SlackError("is_archived")
        if BOT_USER_ID not in channel.members:
            raise SlackError("not_in_channel")
        return channel

    # -- methods -----------------------------------------------------------------------------

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"user_id": BOT_USER_ID, "user": "geodigest", "team_id": TEAM_ID, "bot_id": "B1"}

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": f"ws://127.0.0.1:{self.port}/socket"}

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        self._writable(channel)
        text, blocks = str(params.get("text") or ""), params.get("blocks") or []
        if len(text) > MAX_TEXT:
            raise SlackError("msg_too_long")
        if blocks:
            check_blocks(blocks)
        elif not text:
            raise SlackError("no_text")
        ts = f"{1_700_000_000 + next(self._ts)}.000100"
        thread = params.get("thread_ts")
        self.posted[channel].append(PostedMessage(channel, ts, text, blocks, thread))
        return {"channel": channel, "ts": ts}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        for message in self.posted.get(channel, []):
            if message.ts == params.get("ts"):
                message.text = str(params.get("text") or "")
                message.blocks = params.get("blocks") or []
                return {"channel": channel, "ts": message.ts}
        raise SlackError("message_not_found")

    def _conversations_join(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(params.get("channel", "")))
        if channel is None:
            raise SlackError("channel_not_found")
        if channel.is_private:
            raise SlackError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise SlackError("is_archived")
        channel.members.add(BOT_USER_ID)
        return {"channel": channel.info()}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(str(params.get("channel", "")))
        if channel is None or (channel.is_private and BOT_USER_ID not in channel.members):
            raise SlackError("channel_not_found")
        return {"channel": channel.info()}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": user}

    def _users_conversations(self, params: dict[str, Any]) -> dict[str, Any]:
        user = str(params.get("user", ""))
        visible = [
            c.info()
            for c in self.channels.values()
            if user in c.members
            and not c.is_archived
            and (not c.is_private or BOT_USER_ID in c.members)
        ]
        start = int(params.get("cursor") or 0)
        limit = int(params.get("limit") or 100)
        page = visible[start : start + limit]
        more = start + limit < len(visible)
        return {
            "channels": page,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if isinstance(view, str):
            view = json.loads(view)
        if view.get("blocks"):
            check_blocks(view["blocks"])
        self.views[str(params.get("user_id"))] = view
        return {"view": view}


_HANDLERS = {
    "apps.connections.open": FakeSlack._apps_connections_open,
    "auth.test": FakeSlack._auth_test,
    "chat.postMessage": FakeSlack._chat_post_message,
    "chat.update": FakeSlack._chat_update,
    "conversations.join": FakeSlack._conversations_join,
    "conversations.info": FakeSlack._conversations_info,
    "users.info": FakeSlack._users_info,
    "users.conversations": FakeSlack._users_conversations,
    "views.publish": FakeSlack._views_publish,
}


async def _params(request: web.Request) -> dict[str, Any]:
    """Parameters as slack_sdk sends them: JSON body, form body or query string."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        params.update(await request.json())
    else:
        params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    if isinstance(params.get("blocks"), str):
        params["blocks"] = json.loads(params["blocks"])
    return params


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A running fake Slack Web API; point slack_sdk at ``fake_slack.base_url``."""
    server = FakeSlack()
    await server.start()
    try:
        yield server
    finally:
        await server.close()
