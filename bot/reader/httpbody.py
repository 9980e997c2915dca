"""Response bodies under a size cap, and the Retry-After header."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from bot.errors import FeedError

# Only encodings the standard library can inflate with a bounded output size.
ACCEPT_ENCODING = "gzip, deflate"
# When Retry-After is absent or unreadable, wait one default poll interval (Settings.poll_interval).
DEFAULT_RETRY_AFTER = 600.0


class _Identity:
    def decompress(self, data: bytes, max_length: int) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


class _Deflate:
    """HTTP "deflate" is meant to be zlib-wrapped, but some servers send raw deflate."""

    def __init__(self) -> None:
        self._inner: zlib._Decompress | None = None

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._inner is None:
            # RFC 1950 header: compression method 8 and a header checksum divisible by 31.
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._inner = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return self._inner.decompress(data, max_length)

    def flush(self) -> bytes:
        return self._inner.flush() if self._inner is not None else b""


def _decoder(content_encoding: str) -> _Identity | _Deflate | zlib._Decompress:
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(zlib.MAX_WBITS | 16)
    if encoding == "deflate":
        return _Deflate()
    raise FeedError(f"the server used an unsupported compression ({content_encoding!r})")


def _too_big(cap: int) -> FeedError:
    return FeedError(f"the response is larger than the {cap // 1024} KiB limit")


async def read_capped(
    raw_chunks: AsyncIterator[bytes], *, content_encoding: str, cap: int
) -> bytes:
    """Decode a response body chunk by chunk, refusing it once it inflates past ``cap`` bytes.

    Output is bounded per step (``max_length``), so a small gzip bomb never inflates in memory.
    """
    decoder = _decoder(content_encoding)
    body = bytearray()
    try:
        async for chunk in raw_chunks:
            body += decoder.decompress(chunk, cap + 1 - len(body))
            if len(body) > cap:
                raise _too_big(cap)
        body += decoder.flush()
    except zlib.error as exc:
        raise FeedError("the server sent a corrupt compressed response") from exc
    if len(body) > cap:
        raise _too_big(cap)
    return bytes(body)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float:
    """Seconds to wait from a Retry-After header given as seconds or as an HTTP date."""
    if not value or not value.strip():
        return DEFAULT_RETRY_AFTER
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
