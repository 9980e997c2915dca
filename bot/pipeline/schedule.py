"""When digests fall due: chat-local wall-clock times to UTC instants, DST included."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.models import ChatSettings, DeliveryMode

logger = logging.getLogger(__name__)

# A schedule is a handful of daily times; more than this is a typo or a flood.
MAX_SCHEDULE_TIMES = 6


def parse_local_time(value: str) -> time:
    """Parse a wall-clock ``HH:MM`` (24-hour); ValueError when it is not one."""
    hours, sep, minutes = value.strip().partition(":")
    if not sep or not hours.isdigit() or len(minutes) != 2 or not minutes.isdigit():
        raise ValueError(f"not a time of day: {value!r}")
    return time(int(hours), int(minutes))


def _local_times(settings: ChatSettings) -> list[time]:
    parsed: list[time] = []
    for value in settings.schedule:
        try:
            parsed.append(parse_local_time(value))
        except ValueError:
            logger.warning("ignoring malformed schedule time %r", value)
    return parsed


def next_digest_at(settings: ChatSettings, after: datetime) -> datetime | None:
    """The first scheduled local digest time strictly after ``after``, in UTC."""
    if settings.mode is DeliveryMode.INSTANT:
        return None
    times = _local_times(settings)
    if not times:
        return None
    zone = ZoneInfo(settings.timezone)
    today = after.astimezone(zone).date()
    # Build wall-clock times per local day (never "+24 h in UTC") so DST shifts keep 08:00 at
    # 08:00. A time skipped by a spring-forward gap (fold=0) comes out one gap-length later
    # (02:30 → 03:30); a time repeated at fall-back is taken at its first occurrence only.
    candidates = (
        datetime.combine(today + timedelta(days=offset), at, tzinfo=zone).astimezone(UTC)
        for offset in range(3)
        for at in times
    )
    return min(moment for moment in candidates if moment > after)
