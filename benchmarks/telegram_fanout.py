"""Fan one digest out to many Telegram chats through the fake Bot API, over real HTTP.

    python -m benchmarks.telegram_fanout

1. 1,000 chats with the fake enforcing Telegram's limits (30/s overall, 1/s per chat): the rate
   we reach against 30/s, the 429s we caused.
2. 10,000 chats with the fake's limits raised to 2,000/s, full stack: our CPU per message for the
   drainer, the outbox bookkeeping on SQLite, python-telegram-bot and its HTTP client. The fake
   runs in a child process so its CPU is not counted.
3. The same 10,000 chats with a sender that makes no request: our own overhead per message
   (drainer, pacing, outbox bookkeeping on SQLite), the figure the 1 ms budget is about. The
   difference to 2. is what sending through PTB and httpx costs.
4. Peak traced memory for 1,000 chats.

CPU is ``time.process_time()``: every thread of this process, SQLite's worker thread included.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bot.config import Settings
from bot.delivery.drainer import OutboxDrainer, PlatformLimits, Sender
from bot.models import Digest, DigestStory, OutboxMessage, Quote, Rendered, SourceLink
from handlers.telegram.platform import TelegramOutlet, render_digest
from handlers.telegram.sender import TelegramSender
from storage import ChatRepository, Database, OutboxRepository
from storage.tables import chats

TOKEN = "123456:BENCHMARK"
TELEGRAM_RATE = 30  # Bot API FAQ: about 30 messages per second overall
RAISED_RATE = 2_000  # high enough that our CPU, not the limit, sets the pace
OWN_OVERHEAD_BUDGET_MS = 1.0


def _digest() -> Digest:
    story = DigestStory(
        headline="India and Russia sign energy & defence agreements during Putin's visit",
        url="https://www.rt.com/india/600001-putin-visit/",
        sources=(
            SourceLink("RT", "https://www.rt.com/india/600001-putin-visit/"),
            SourceLink("The Hindu", "https://www.thehindu.com/news/putin-visit"),
        ),
        summary=(
            "Russian President Vladimir Putin arrived in New Delhi for the annual summit.",
            "The two sides signed agreements on energy, defence and trade in national currencies.",
        ),
        quotes=(
            Quote("Moscow appreciates India's foreign policy", 0, 40, "Sergey Lavrov", None, True),
        ),
        countries=("IN", "RU"),
        themes=("diplomacy", "energy"),
    )
    return Digest("Morning digest", (story,) * 4, datetime(2026, 11, 25, 8, tzinfo=UTC))


async def _serve_fake(global_rate: int) -> None:
    from tests.fakes.telegram_api import FakeTelegram, FloodLimits

    fake = FakeTelegram(limits=FloodLimits(global_per_second=global_rate))
    await fake.start()
    print(fake.port, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await fake.close()


@asynccontextmanager
async def _fake_telegram(global_rate: int) -> AsyncIterator[str]:
    """The fake Bot API in a child process; yields its base URL."""
    child = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "benchmarks.telegram_fanout", "--fake", str(global_rate)),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stdin is not None
    port = (await child.stdout.readline()).decode().strip()
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        child.stdin.close()
        await asyncio.wait_for(child.wait(), 10)


async def _fake_stats(base_url: str) -> dict[str, int]:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{base_url}{TOKEN}/getFakeStats")
        result: dict[str, int] = response.json()["result"]
        return result


class InProcessSender:
    """A ``Sender`` that makes no request: what remains is the drainer's and outbox's cost."""

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, message: OutboxMessage) -> None:
        self.sent += 1


@dataclass
class Run:
    messages: int
    seconds: float
    cpu_seconds: float
    traced_peak_bytes: int


async def _prepare(db: Database, chat_count: int, bodies: list[Rendered]) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        await conn.execute(
            chats.insert(),
            [
                {"platform": "telegram", "external_id": str(10_000 + n), "settings": {}}
                | {"created_at": now}
                for n in range(chat_count)
            ],
        )
    outbox = OutboxRepository(db)
    for chat_id in range(1, chat_count + 1):
        await outbox.enqueue(chat_id, bodies, now=now)


async def _drain(sender: Sender, chat_count: int, rate: int, *, trace_memory: bool) -> Run:
    """Queue the digest for ``chat_count`` chats in a fresh SQLite outbox and drain it."""
    bodies = render_digest(_digest())
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        try:
            await db.migrate()
            await _prepare(db, chat_count, bodies)
            limits = PlatformLimits(1.0, 20, float(rate))
            drainer = OutboxDrainer(
                OutboxRepository(db), ChatRepository(db), [TelegramOutlet(sender, limits)]
            )
            if trace_memory:
                tracemalloc.start()
            wall, cpu = time.perf_counter(), time.process_time()
            sent = 0
            while sent < chat_count * len(bodies):
                sent += (await drainer.drain_once()).sent
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            peak = tracemalloc.get_traced_memory()[1] if trace_memory else 0
            tracemalloc.stop()
        finally:
            await db.aclose()
    return Run(sent, wall, cpu, peak)


async def _over_http(chat_count: int, rate: int, *, trace_memory: bool) -> dict[str, float]:
    async with _fake_telegram(rate) as base_url:
        settings = Settings(telegram_bot_token=TOKEN, telegram_api_base_url=base_url)
        async with TelegramSender.from_settings(settings) as sender:
            run = await _drain(sender, chat_count, rate, trace_memory=trace_memory)
        stats = await _fake_stats(base_url)
    return _report(chat_count, run) | {
        "flood_429s": stats["flood_429s"],
        "fake_received": stats["sent"],
    }


async def _in_process(chat_count: int, rate: int) -> dict[str, float]:
    sender = InProcessSender()
    run = await _drain(sender, chat_count, rate, trace_memory=False)
    assert sender.sent == run.messages
    return _report(chat_count, run)


def _report(chat_count: int, run: Run) -> dict[str, float]:
    return {
        "chats": chat_count,
        "messages": run.messages,
        "seconds": run.seconds,
        "per_second": run.messages / run.seconds,
        "cpu_ms_per_message": 1000 * run.cpu_seconds / run.messages,
        "traced_peak_mib": run.traced_peak_bytes / 2**20,
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


async def main() -> None:
    limited = await _over_http(1_000, TELEGRAM_RATE, trace_memory=False)
    print(json.dumps({"telegram_limits": limited}, indent=2))
    full = await _over_http(10_000, RAISED_RATE, trace_memory=False)
    print(json.dumps({"raised_limits_full_stack": full}, indent=2))
    own = await _in_process(10_000, RAISED_RATE)
    print(json.dumps({"raised_limits_own_overhead": own}, indent=2))
    # tracemalloc slows every allocation and so the event loop: measure memory in its own run.
    traced = await _over_http(1_000, RAISED_RATE, trace_memory=True)

    rate = limited["per_second"]
    print(f"rate at Telegram's limits: {rate:.2f}/s = {100 * rate / TELEGRAM_RATE:.1f}% of 30/s")
    print(f"429s caused: {limited['flood_429s']:.0f} (limited), {full['flood_429s']:.0f} (raised)")
    print(f"traced peak (1,000 chats): {traced['traced_peak_mib']:.1f} MiB")
    print(
        f"CPU per message at 30/s, full stack: {limited['cpu_ms_per_message']:.3f} ms "
        "(includes the event loop waking between paced sends)"
    )
    print(f"CPU per message, full stack (ours + PTB + httpx): {full['cpu_ms_per_message']:.3f} ms")
    verdict = "within" if own["cpu_ms_per_message"] < OWN_OVERHEAD_BUDGET_MS else "OVER"
    print(
        f"CPU per message, own overhead (no HTTP): {own['cpu_ms_per_message']:.3f} ms "
        f"({verdict} the {OWN_OVERHEAD_BUDGET_MS:.0f} ms budget)"
    )
    sending = full["cpu_ms_per_message"] - own["cpu_ms_per_message"]
    print(f"CPU per message spent sending through PTB and httpx: {sending:.3f} ms")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--fake":
        asyncio.run(_serve_fake(int(sys.argv[2])))
    else:
        asyncio.run(main())
