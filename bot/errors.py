"""The project's small error tree.

GeodigestError
├── FeedError              a feed could not be fetched or parsed (message is user-facing)
│   ├── UnsafeURLError     the URL points at a private / loopback / reserved address
│   ├── FeedGone           410 Gone: the feed is to be disabled
│   └── FeedThrottled      429/503 with Retry-After: wait ``retry_after`` seconds
├── ExtractError           an article page yielded no usable text
├── DatabaseUnavailable    the database cannot be opened (``transient`` when waiting may help)
├── CommandError           a chat command was wrong; the message tells the user what to type
│   └── NotAllowedError    the user may not change this chat
└── DeliveryError          a platform refused or failed a message
    ├── RetryLater         try again after ``seconds`` (rate limit, 5xx, network)
    ├── ChatGone           blocked, kicked, deactivated, not found: stop sending
    ├── ChatMoved          the chat has a new id (Telegram group → supergroup)
    ├── BadMarkup          the platform could not parse our formatting
    └── PlatformUnavailable  the platform refuses the bot as a whole (token revoked …)
"""

from __future__ import annotations


class GeodigestError(Exception):
    """Base of every error geodigest raises on purpose."""


class FeedError(GeodigestError):
    """A feed could not be fetched or parsed; ``str(error)`` is fit to show a user."""


class UnsafeURLError(FeedError):
    """The URL resolves to an address the server must not fetch."""


class FeedGone(FeedError):
    """The server says the feed is gone for good (HTTP 410)."""


class FeedThrottled(FeedError):
    """The server asked us to come back later (429/503 with Retry-After)."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ExtractError(GeodigestError):
    """An article page yielded no usable text."""


class DatabaseUnavailable(GeodigestError):
    """The database could not be opened; ``str(error)`` says why in one line."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        # A server that is down or still starting may come up: worth waiting for. A wrong
        # URL, a missing database or a file that is not a database will not fix themselves.
        self.transient = transient


class CommandError(GeodigestError):
    """A chat command could not be carried out; the message says what to do instead."""


class NotAllowedError(CommandError):
    """The sender may not change this chat's settings."""


class DeliveryError(GeodigestError):
    """A message could not be delivered."""


class RetryLater(DeliveryError):
    """A temporary failure: try again after ``seconds``."""

    def __init__(self, message: str, seconds: float) -> None:
        super().__init__(message)
        self.seconds = seconds


class ChatGone(DeliveryError):
    """The chat can no longer be reached (blocked, kicked, deleted)."""


class ChatMoved(DeliveryError):
    """The chat moved to ``new_chat_id``; resend there."""

    def __init__(self, message: str, new_chat_id: str) -> None:
        super().__init__(message)
        self.new_chat_id = new_chat_id


class BadMarkup(DeliveryError):
    """The platform could not parse the message's formatting."""


class PlatformUnavailable(DeliveryError):
    """The platform refuses this bot as a whole (token revoked, app uninstalled): stop sending
    to it, keep every row, say so on /healthz and in metrics."""
