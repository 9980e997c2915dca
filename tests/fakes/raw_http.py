"""A bare HTTP/1.1 client for hostile requests: huge or endless bodies, sent while the answer
is read, so a test sees whether a server answered before taking the whole body.

HTTP client libraries send the whole body before they read the answer; a server that refuses
early then looks like a broken connection. Here the body is written in the background, the
status line read as soon as it arrives, and the rest of the body dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import httpx

CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class RawAnswer:
    status: int
    body_bytes_sent: int  # how much of the body was written before the answer came


def free_port() -> int:
    """A local TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def health_status(port: int) -> int | None:
    """The HTTP status of ``/healthz`` on 127.0.0.1:``port``; None while nothing listens."""
    async with httpx.AsyncClient() as client:
        try:
            return (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code
        except httpx.TransportError:
            return None


def filler(size: int, byte: bytes = b" ") -> Iterable[bytes]:
    """``size`` bytes of one byte, in chunks (never held in memory at once)."""
    chunk = byte * CHUNK
    full, rest = divmod(size, CHUNK)
    for _ in range(full):
        yield chunk
    if rest:
        yield byte * rest


async def post(
    port: int,
    path: str,
    body: Iterable[bytes],
    *,
    headers: Mapping[str, str] = {},
    content_length: int | None = None,
    timeout: float = 30.0,  # noqa: ASYNC109 - a deadline for the answer
) -> RawAnswer:
    """POST ``body`` (chunked unless ``content_length`` is given) to 127.0.0.1:``port``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    framing = (
        f"Content-Length: {content_length}"
        if content_length is not None
        else "Transfer-Encoding: chunked"
    )
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", framing]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    sent = 0

    async def send_body() -> None:
        nonlocal sent
        for chunk in body:
            writer.write(chunk if content_length is not None else _framed(chunk))
            await writer.drain()
            sent += len(chunk)
        if content_length is None:
            writer.write(b"0\r\n\r\n")
            await writer.drain()

    sending = asyncio.create_task(send_body())
    try:
        status_line = await asyncio.wait_for(reader.readline(), timeout)
        sent_when_answered = sent
    finally:
        sending.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await sending
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    if not status_line:
        raise ConnectionError("the server closed the connection without an answer")
    return RawAnswer(int(status_line.split()[1]), sent_when_answered)


def _framed(chunk: bytes) -> bytes:
    return f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
