"""The seams between the core and a chat platform: how it renders and how it sends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from bot.delivery.ratelimit import PlatformLimits
from bot.models import Digest, DigestStory, OutboxMessage, Platform, Rendered

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

# A digest or one story as the platform's message bodies, each within its size limits.
Renderer = Callable[[Digest], Sequence[str]]
AlertRenderer = Callable[[DigestStory], Sequence[str]]


class Sender(Protocol):
    """Sends one outbox message to its platform, raising ``DeliveryError`` subclasses."""

    async def send(self, message: OutboxMessage) -> None: ...


class ChatPlatform(Protocol):
    """One chat platform as the runtime sees it; built by the composition root when enabled."""

    platform: Platform
    limits: PlatformLimits  # pacing the one drainer applies to this platform's rows
    sender: Sender

    def render_digest(self, digest: Digest) -> Sequence[Rendered]: ...

    def render_alert(self, story: DigestStory) -> Sequence[Rendered]: ...

    def plain_fallback(self, message: OutboxMessage) -> Rendered:
        """The message without the markup the platform rejected (used after ``BadMarkup``)."""
        ...

    def is_group(self, external_chat_id: str) -> bool: ...

    def routes(self) -> Sequence[BaseRoute]:
        """What the platform serves on the one web server."""
        ...

    async def start(self) -> None:
        """Connect; raising means "retry later" to the runtime."""
        ...

    async def stop(self) -> None: ...

    @property
    def healthy(self) -> bool:
        """False while the platform refuses us (``PlatformUnavailable``)."""
        ...
