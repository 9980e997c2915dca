"""A channel's commands run one after another in arrival order; other channels go on."""

from __future__ import annotations

import asyncio

from handlers.slack.turns import ChannelTurns


async def test_turns_in_one_channel_follow_arrival_order_and_others_do_not_wait() -> None:
    turns = ChannelTurns()
    done: list[str] = []
    first_may_end = asyncio.Event()

    async def command(channel: str, name: str, *, wait: bool = False) -> None:
        turn = turns.take(channel)  # taken at arrival, before any await
        async with turn:
            if wait:
                await first_may_end.wait()
            done.append(name)

    tasks = [
        asyncio.create_task(command("C1", "subscribe", wait=True)),
        asyncio.create_task(command("C1", "digest")),
        asyncio.create_task(command("C2", "help")),
    ]
    await asyncio.wait_for(tasks[2], 5)
    assert done == ["help"]  # C2 went ahead; C1's digest waits for its subscribe
    first_may_end.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 5)
    assert done == ["help", "subscribe", "digest"]
    assert turns._last == {}  # idle channels are forgotten


async def test_a_cancelled_waiter_keeps_the_order_for_those_behind_it() -> None:
    turns = ChannelTurns()
    first, second, third = turns.take("C1"), turns.take("C1"), turns.take("C1")
    order: list[str] = []

    async def hold(turn: object, name: str) -> None:
        async with turn:  # type: ignore[attr-defined]
            order.append(name)

    await first.__aenter__()
    waiting = asyncio.create_task(hold(second, "second"))
    behind = asyncio.create_task(hold(third, "third"))
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.sleep(0)
    assert order == []  # the first turn still holds the channel
    await first.__aexit__(None, None, None)
    await asyncio.wait_for(behind, 5)
    assert order == ["third"]
