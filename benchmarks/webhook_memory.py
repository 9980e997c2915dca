"""Memory of ``geodigest run`` while strangers post 512 MiB to its Telegram webhook.

    python -m benchmarks.webhook_memory [--project DIR]

Starts ``python -m bot run`` in webhook mode (``--project``: the code of another checkout, for a
before/after comparison), then posts 512 MiB three times over real HTTP: without the secret
header, with it and a declared length, and with it chunked (no length). After each it reads the
service's resident memory (VmRSS) and its peak (VmHWM) from /proc.

Telegram itself is not needed: the webhook route exists from the start, and none of these
requests gets as far as an update.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from tests.fakes.raw_http import filler, free_port, health_status, post

SECRET = "benchmark-secret"
PATH = "/telegram/webhook"
SIZE = 512 * 1024 * 1024


def _memory_mib(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


async def _wait_until_serving(port: int) -> None:
    for _ in range(300):
        if await health_status(port) is not None:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("the service did not start")


async def _attack(port: int, pid: int) -> list[dict[str, object]]:
    right = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
    results: list[dict[str, object]] = [{"request": "before", **_memory_mib(pid)}]
    for name, headers, length in (
        ("no secret, Content-Length 512 MiB", wrong, SIZE),
        ("secret, Content-Length 512 MiB", right, SIZE),
        ("secret, chunked 512 MiB", right, None),
    ):
        started = time.perf_counter()
        try:
            answer = await post(
                port, PATH, filler(SIZE), headers=headers, content_length=length, timeout=600
            )
            outcome: object = answer.status
            sent = answer.body_bytes_sent / 2**20
        except ConnectionError as error:
            outcome, sent = f"connection closed: {error}", float("nan")
        seconds = time.perf_counter() - started
        results.append(
            {
                "request": name,
                "answer": outcome,
                "sent_mib_when_answered": round(sent, 1),
                "seconds": round(seconds, 2),
                **_memory_mib(pid),
            }
        )
    return results


async def main(project: Path) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(project),
            "GEODIGEST_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
            "GEODIGEST_HTTP_PORT": str(port),
            "GEODIGEST_PUBLIC_URL": "https://bot.example.org",
            "GEODIGEST_TELEGRAM_WEBHOOK_SECRET": SECRET,
            "GEODIGEST_LOG_LEVEL": "CRITICAL",
            "TELEGRAM_BOT_TOKEN": "123456:BENCHMARK",
            # Nothing listens there: Telegram stays unconnected, the route is served anyway.
            "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{free_port()}/bot",
        }
        service = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp, env=env
        )
        try:
            await _wait_until_serving(port)
            results = await _attack(port, service.pid)
        finally:
            service.terminate()
            await service.wait()
    for row in results:
        print(json.dumps(row))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", type=Path, default=Path(__file__).resolve().parents[1])
    asyncio.run(main(parser.parse_args().project))
