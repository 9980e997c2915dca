"""Plays Slack calling our app: signed slash commands, events and button presses over real HTTP.

Each request is signed as Slack signs it (``X-Slack-Signature: v0=HMAC-SHA256(secret,
"v0:{timestamp}:{body}")``) with ``X-Slack-Request-Timestamp`` from the test's clock, so a test
can send a stale or forged request as easily as a good one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID, FakeSlack

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def signature(secret: str, timestamp: int, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackCaller:
    """Sends what Slack would send to ``url`` (our /slack/events), signed with ``secret``."""

    def __init__(
        self,
        url: str,
        fake: FakeSlack,
        clock: Callable[[], datetime],
        *,
        secret: str = SIGNING_SECRET,
    ) -> None:
        self.url, self.fake, self.clock, self.secret = url, fake, clock, secret

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> httpx.Response:
        """POST ``body`` signed at ``timestamp`` (default: the clock's now) with ``secret``."""
        ts = int(self.clock().timestamp()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature(secret or self.secret, ts, body),
        }
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.post(self.url, content=body, headers=headers)

    def command_body(self, text: str, *, user: str, channel: str, response_url: str) -> str:
        """The form Slack posts for ``/geodigest text``."""
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": TEAM_ID,
                "channel_id": channel,
                "channel_name": "directmessage" if channel.startswith("D") else "newsroom",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/geodigest",
                "text": text,
                "api_app_id": "A0GEODIGEST",
                "response_url": response_url,
                "trigger_id": "1.2.3",
            }
        )

    async def command(
        self, text: str, *, user: str, channel: str, **signing: Any
    ) -> tuple[httpx.Response, str]:
        """Send a slash command; returns our HTTP answer and the command's response_url."""
        response_url = self.fake.response_url()
        body = self.command_body(text, user=user, channel=channel, response_url=response_url)
        answer = await self.post(body, "application/x-www-form-urlencoded", **signing)
        return answer, response_url

    async def event(self, event: dict[str, Any]) -> httpx.Response:
        """An Events API callback wrapping ``event``."""
        envelope = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": "A0GEODIGEST",
            "type": "event_callback",
            "event_id": f"Ev{len(self.fake.calls)}",
            "event_time": int(self.clock().timestamp()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
            "event": event,
        }
        return await self.post(json.dumps(envelope), "application/json")

    async def press(
        self, button: dict[str, Any], *, user: str, channel: str
    ) -> tuple[httpx.Response, str]:
        """Press a Block Kit button of one of our messages; returns the press's response_url."""
        response_url = self.fake.response_url()
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM_ID},
            "user": {"id": user},
            "api_app_id": "A0GEODIGEST",
            "channel": {"id": channel},
            "container": {"type": "message", "is_ephemeral": True},
            "response_url": response_url,
            "trigger_id": "1.2.3",
            "actions": [{**button, "block_id": "b", "action_ts": "1"}],
        }
        body = urlencode({"payload": json.dumps(payload)})
        answer = await self.post(body, "application/x-www-form-urlencoded")
        return answer, response_url
