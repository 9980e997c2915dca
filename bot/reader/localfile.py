"""Files named on the command line (``preview``, ``feeds import``): read with care, or refused.

Each refusal is a GeodigestError with one line saying what is wrong with the file: missing, not
a regular file (a folder, a device such as /dev/zero), too large, binary, or empty.
"""

from __future__ import annotations

import stat
from pathlib import Path

from charset_normalizer import from_bytes

from bot.errors import GeodigestError

# Binary formats are full of NUL bytes within their first kilobytes; text never has one.
_SNIFF_BYTES = 8192
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff")
# What browsers assume for legacy text that declares nothing (WHATWG Encoding: windows-1252).
_WEB_DEFAULT = "cp1252"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def read_local_file(path: Path, *, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise GeodigestError(f"no such file: {path}") from None
    except OSError as error:
        raise GeodigestError(f"cannot read {path}: {error.strerror or error}") from None
    if not stat.S_ISREG(mode):
        raise GeodigestError(f"{path} is not a regular file: it is {_kind(mode)}")
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as error:
        raise GeodigestError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > max_bytes:
        raise GeodigestError(f"{path} is larger than the {max_bytes // 1024} KiB limit")
    return data


def refuse_binary(data: bytes, path: Path) -> None:
    """Raise GeodigestError when ``data`` is not text (an executable, an image, an archive)."""
    if b"\x00" in data[:_SNIFF_BYTES] and not data.startswith(_UTF16_32_BOMS):
        raise GeodigestError(f"{path} is a binary file, not a text or HTML page")


def _legacy_encoding(data: bytes) -> str:
    """The likeliest encoding of text that is not UTF-8.

    charset_normalizer (which trafilatura uses for pages) ranks candidates; Western text
    often ties between windows-1250 and windows-1252, and then the web's default wins.
    """
    matches = list(from_bytes(data))
    if not matches:
        return _WEB_DEFAULT
    best = (matches[0].chaos, matches[0].coherence)
    tied = [m.encoding for m in matches if (m.chaos, m.coherence) == best]
    return _WEB_DEFAULT if _WEB_DEFAULT in tied else tied[0]


def decode_text(data: bytes, path: Path) -> str:
    """The text of a plain-text file in whatever encoding it is in, or GeodigestError.

    UTF-8 first (with or without a byte-order mark), else the detected legacy encoding, so
    a Latin-1 file reads as it was written.
    """
    refuse_binary(data, path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode(_legacy_encoding(data), errors="replace")
    if not text.strip():
        raise GeodigestError(f"{path} is empty: there is no text to preview")
    return text
