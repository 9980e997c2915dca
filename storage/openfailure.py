"""Why a database could not be opened, in one line a person can act on.

The drivers report the same few problems in many shapes (an OSError from asyncpg's connect,
an asyncpg error behind SQLAlchemy's DBAPIError, a sqlite3 error with a terse message); this
turns each into a ``DatabaseUnavailable`` that says what is wrong and whether waiting may help.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import DatabaseUnavailable

# PostgreSQL SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_NO_SUCH_DATABASE = "3D000"
_STARTING_UP = "57P03"
_TOO_MANY_CONNECTIONS = "53300"
_LOGIN_REFUSED = ("28000", "28P01")


def _chain(error: BaseException) -> list[BaseException]:
    """The error, what SQLAlchemy wrapped (``orig``) and what it was raised from."""
    found: list[BaseException] = []
    pending = [error]
    while pending and len(found) < 10:
        current = pending.pop()
        if any(current is f for f in found):
            continue
        found.append(current)
        inner = getattr(current, "orig", None)
        for nxt in (inner, current.__cause__, current.__context__):
            if isinstance(nxt, BaseException):
                pending.append(nxt)
    return found


def _where(url: str) -> tuple[str, str]:
    """(``host:port`` or the SQLite file, the URL without its password)."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "", "the configured URL"
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:", shown
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}", shown


def _network(error: OSError, where: str) -> DatabaseUnavailable:
    if isinstance(error, socket.gaierror):
        host = where.rsplit(":", 1)[0]
        return DatabaseUnavailable(
            f"cannot find the database host {host!r} (no such name in DNS)", transient=True
        )
    if isinstance(error, ConnectionRefusedError):
        reason = "nothing is listening there (is PostgreSQL running?)"
    elif isinstance(error, TimeoutError):
        reason = "no answer in time"
    else:
        reason = error.strerror or str(error) or type(error).__name__
    return DatabaseUnavailable(f"cannot reach the database at {where}: {reason}", transient=True)


def _postgres(sqlstate: str, message: str, shown: str) -> DatabaseUnavailable:
    if sqlstate == _NO_SUCH_DATABASE:
        return DatabaseUnavailable(
            f"PostgreSQL says {message}: create it or fix GEODIGEST_DATABASE_URL ({shown})",
            transient=False,
        )
    if sqlstate in _LOGIN_REFUSED:
        return DatabaseUnavailable(f"PostgreSQL refused the login: {message}", transient=False)
    transient = sqlstate in (_STARTING_UP, _TOO_MANY_CONNECTIONS)
    return DatabaseUnavailable(
        f"PostgreSQL refused to open {shown}: {message}", transient=transient
    )


def _sqlite(error: sqlite3.Error, path: str) -> DatabaseUnavailable:
    message = str(error)
    if "not a database" in message:
        text = f"{path} is not a SQLite database (check GEODIGEST_DATABASE_URL)"
    elif "readonly" in message or "read-only" in message:
        text = f"the SQLite database {path} is read-only: geodigest needs to write to it"
    elif "unable to open" in message:
        text = (
            f"cannot open the SQLite database {path}: its folder does not exist or is not writable"
        )
    elif "locked" in message:
        return DatabaseUnavailable(f"the SQLite database {path} is locked", transient=True)
    else:
        text = f"cannot use the SQLite database {path}: {message}"
    return DatabaseUnavailable(text, transient=False)


def describe_open_failure(error: BaseException, url: str) -> DatabaseUnavailable:
    """What ``error``, raised while opening or migrating ``url``, means for the user."""
    where, shown = _where(url)
    chain = _chain(error)
    for cause in chain:
        sqlstate = getattr(cause, "sqlstate", None)
        if isinstance(sqlstate, str):
            return _postgres(sqlstate, str(cause), shown)
        if isinstance(cause, sqlite3.Error):
            return _sqlite(cause, where)
    for cause in chain:
        if isinstance(cause, OSError):
            return _network(cause, where)
        if isinstance(cause, ArgumentError | ValueError):
            return DatabaseUnavailable(
                f"GEODIGEST_DATABASE_URL is not a valid database URL: {cause}", transient=False
            )
    return DatabaseUnavailable(
        f"cannot open the database {shown}: {type(error).__name__}: {error}", transient=False
    )


def check_sqlite_location(url: str) -> None:
    """Refuse a SQLite file whose folder is missing or not writable, before connecting.

    sqlite would say only "unable to open database file", and aiosqlite's worker thread
    outlives a failed connect long enough to complain about the closed event loop.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return
    name = parsed.database or ""
    if (
        parsed.get_backend_name() != "sqlite"
        or name in ("", ":memory:")
        or name.startswith("file:")
    ):
        return
    path = Path(name)
    folder = path.absolute().parent
    if not folder.is_dir():
        raise DatabaseUnavailable(
            f"cannot open the SQLite database {path}: its folder {folder} does not exist",
            transient=False,
        )
    # The write-ahead log needs a file beside the database even when the database exists.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabaseUnavailable(
            f"cannot open the SQLite database {path}: its folder {folder} is not writable",
            transient=False,
        )
