"""The seams between the core and a chat platform: how it renders, sends, serves and is counted.

A platform package (``handlers/telegram``, ``handlers/slack``) implements ``ChatPlatform``; the
composition root (``bot/service/platforms.py``) builds the enabled ones and the runtime loops
over them. Nothing in ``bot/`` outside the composition root names a platform.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Protocol

from starlette.routing import BaseRoute

from bot.delivery.ratelimit import PlatformLimits
from bot.models import Digest, DigestStory, OutboxMessage, Platform, Rendered

# A digest or one story as the platform's messages, each within its size limits.
Renderer = Callable[[Digest], Sequence[Rendered]]
AlertRenderer = Callable[[DigestStory], Sequence[Rendered]]


class Sender(Protocol):
    """Sends one outbox message to its platform, raising ``DeliveryError`` subclasses."""

    async def send(self, message: OutboxMessage) -> None: ...


class Outlet(Protocol):
    """What the outbox drainer needs of a platform: its sender, its pacing, its fallbacks."""

    @property
    def platform(self) -> Platform: ...

    @property
    def limits(self) -> PlatformLimits: ...

    @property
    def sender(self) -> Sender: ...

    def plain_fallback(self, message: OutboxMessage) -> Rendered:
        """The message without formatting, sent after the platform refused its markup."""
        ...

    def is_group(self, external_chat_id: str) -> bool:
        """Whether the chat is a group, which the platform may pace more strictly."""
        ...


class ChatPlatform(Outlet, Protocol):
    """One chat platform as the runtime sees it; built by the composition root when enabled."""

    def render_digest(self, digest: Digest) -> Sequence[Rendered]: ...

    def render_alert(self, story: DigestStory) -> Sequence[Rendered]: ...

    def routes(self) -> Sequence[BaseRoute]:
        """Routes the platform needs on the one web server (webhooks); built before start."""
        ...

    async def start(self) -> None:
        """Connect and start taking commands; raising means "retry later" to the runtime."""
        ...

    async def stop(self) -> None: ...

    @property
    def healthy(self) -> bool:
        """False while the platform refuses us (``PlatformUnavailable``)."""
        ...


class DeliveryOutcome(enum.StrEnum):
    SENT = "sent"
    RETRIED = "retried"
    FAILED = "failed"
    CHAT_PAUSED = "chat_paused"


class DeliveryMetrics(Protocol):
    """Where the drainer counts what became of each message (Prometheus in the service)."""

    def record_delivery(self, platform: Platform, outcome: DeliveryOutcome) -> None: ...
