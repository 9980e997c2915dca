"""Each channel's commands run one after another, in the order they arrived.

Bolt runs every listener as its own task once the request is acknowledged, so two commands
sent quickly in one channel ("subscribe", then "digest") would otherwise race; the second must
see what the first changed. Other channels are not held up.
"""

from __future__ import annotations

import asyncio
from types import TracebackType


class ChannelTurns:
    """Hands out turns per channel; a turn starts when the one taken before it has ended."""

    def __init__(self) -> None:
        self._last: dict[str, asyncio.Future[None]] = {}

    def take(self, channel: str) -> Turn:
        """Take the next turn in ``channel``; call before any await so arrival order holds."""
        previous = self._last.get(channel)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._last[channel] = mine
        return Turn(self, channel, previous, mine)

    def _forget(self, channel: str, turn: asyncio.Future[None]) -> None:
        # Idle channels leave nothing behind, so the table does not grow with every channel.
        if self._last.get(channel) is turn:
            del self._last[channel]


class Turn:
    """``async with turn:`` waits for the channel's previous turn, then holds this one."""

    def __init__(
        self,
        turns: ChannelTurns,
        channel: str,
        previous: asyncio.Future[None] | None,
        mine: asyncio.Future[None],
    ) -> None:
        self._turns, self._channel = turns, channel
        self._previous, self._mine = previous, mine

    async def __aenter__(self) -> None:
        if self._previous is None:
            return
        try:
            await asyncio.shield(self._previous)
        except asyncio.CancelledError:
            # Whoever waits on this turn must still wait for the one before it.
            self._previous.add_done_callback(lambda _: self._end())
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._end()

    def _end(self) -> None:
        if not self._mine.done():
            self._mine.set_result(None)
        self._turns._forget(self._channel, self._mine)
