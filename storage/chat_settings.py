"""Chat settings as stored in the ``chats.settings`` JSON column."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bot.models import ChatSettings, DeliveryMode


def settings_to_json(settings: ChatSettings) -> dict[str, Any]:
    """The JSON-safe form of a chat's settings."""
    data = asdict(settings)
    data["mode"] = settings.mode.value
    data["schedule"] = list(settings.schedule)
    return data


def settings_from_json(data: dict[str, Any]) -> ChatSettings:
    """Settings from their stored form; unknown keys (from a newer version) are ignored."""
    known = {k: v for k, v in data.items() if k in ChatSettings.__dataclass_fields__}
    if "mode" in known:
        known["mode"] = DeliveryMode(known["mode"])
    if "schedule" in known:
        known["schedule"] = tuple(known["schedule"])
    return ChatSettings(**known)
