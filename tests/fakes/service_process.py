"""``geodigest run`` as a real process: its output collected as it comes, stopped by SIGTERM.

async with running_service(tmp_path, env) as service:
    await wait_for(lambda: "connected" in service.output, timeout=30)
assert service.exit_code == 0
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Seconds a stopped service may take to shut down before the test fails.
STOP_SECONDS = 30


@dataclass
class RunningService:
    process: asyncio.subprocess.Process
    collected: bytearray = field(default_factory=bytearray)
    exit_code: int | None = None

    @property
    def output(self) -> str:
        """Everything printed so far, stdout and stderr together."""
        return self.collected.decode(errors="replace")

    async def _collect(self) -> None:
        assert self.process.stdout is not None
        # In chunks, not lines: a debug log line of SQL can outgrow the reader's line limit.
        while chunk := await self.process.stdout.read(1 << 16):
            self.collected.extend(chunk)


@contextlib.asynccontextmanager
async def running_service(cwd: Path, env: Mapping[str, str]) -> AsyncIterator[RunningService]:
    """Start ``python -m bot run``; on leaving, send SIGTERM and wait for it to end."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=dict(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    service = RunningService(process)
    reading = asyncio.create_task(service._collect())
    try:
        yield service
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            service.exit_code = await asyncio.wait_for(process.wait(), STOP_SECONDS)
        except TimeoutError:
            process.kill()  # the test fails, but leaves no process behind
            await process.wait()
            raise
        finally:
            await reading
