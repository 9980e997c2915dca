"""The composition root's list of chat platforms: the only place that names them.

Adding a platform is one entry here: its package implements ``bot.delivery.protocols.
ChatPlatform``, and the runtime starts it, serves its routes, renders for it and drains its
messages. Each package is imported only when enabled, so a process without Slack settings never
loads the Slack SDK (and the same for Telegram).
"""

from __future__ import annotations

from bot.delivery.protocols import ChatPlatform
from bot.service.metrics import Metrics
from bot.services import Services


def enabled_platforms(services: Services, metrics: Metrics) -> list[ChatPlatform]:
    """The platforms whose credentials are configured, built but not started.

    ``metrics`` is there for platforms that count events of their own; Telegram counts none.
    """
    settings = services.settings
    platforms: list[ChatPlatform] = []
    if settings.telegram_bot_token is not None:
        from handlers.telegram.platform import TelegramPlatform

        platforms.append(TelegramPlatform(services))
    return platforms
