"""The seams between the core and a chat platform: how it renders and how it sends."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from bot.models import Digest, DigestStory, OutboxMessage

# A digest or one story as the platform's message bodies, each within its size limits.
Renderer = Callable[[Digest], Sequence[str]]
AlertRenderer = Callable[[DigestStory], Sequence[str]]


class Sender(Protocol):
    """Sends one outbox message to its platform, raising ``DeliveryError`` subclasses."""

    async def send(self, message: OutboxMessage) -> None: ...
