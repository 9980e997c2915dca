"""The database handle: one async engine per process, migrations applied at start."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.config import async_database_url
from storage.openfailure import check_sqlite_location, describe_open_failure

# Arbitrary constant shared by every geodigest instance: serializes migrations on PostgreSQL.
_MIGRATION_LOCK_ID = 7_347_011


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("storage") / "migrations"))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(_alembic_config(connection), "head")


class Database:
    """Owns the engine; hands out transactional connections to the repositories."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        url = async_database_url(url)
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, object] = {"echo": echo, "pool_pre_ping": not self.is_sqlite}
        if self.is_sqlite:
            # One writer at a time; wait for the lock instead of failing with "database is locked".
            kwargs["connect_args"] = {"timeout": 30}
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            sa.event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        # SQLite allows one writer: serialize our own writes instead of retrying on lock errors.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (safe to call from several instances)."""
        async with self.engine.begin() as conn:
            if not self.is_sqlite:
                await conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_ID)))
            await conn.run_sync(_upgrade)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside one transaction, committed on success, rolled back on error."""
        if self._write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_lock, self.engine.begin() as conn:
            yield conn

    async def aclose(self) -> None:
        await self.engine.dispose()


async def open_database(url: str) -> Database:
    """A migrated database; DatabaseUnavailable (one line: why, and what to do) when it fails."""
    check_sqlite_location(url)
    try:
        db = Database(url)
    except Exception as error:
        raise describe_open_failure(error, url) from error
    try:
        await db.migrate()
    except Exception as error:
        await db.aclose()
        raise describe_open_failure(error, url) from error
    return db


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
