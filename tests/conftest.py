"""Shared fixtures: a migrated database on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings

from bot.config import Settings
from bot.reader.fetcher import FeedFetcher
from bot.services import Services
from storage.db import Database
from tests.paths import FIXTURES

pytest_plugins = ["tests.fakes.feed_server", "tests.fakes.slack_api", "tests.fakes.telegram_api"]

# No time limit per generated example: on a loaded machine Hypothesis's default 200 ms deadline
# fails tests for being slow, and speed is measured in benchmarks/, not in tests.
hypothesis_settings.register_profile("geodigest", deadline=None)
hypothesis_settings.load_profile("geodigest")


POSTGRES_ENV = "GEODIGEST_TEST_DATABASE_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no schema at all; the PostgreSQL one needs GEODIGEST_TEST_DATABASE_URL."""
    if request.param == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
    else:
        url = os.environ.get(POSTGRES_ENV)
        if not url:
            pytest.skip(f"{POSTGRES_ENV} is not set")
        db = Database(url)
        async with db.engine.begin() as conn:
            await conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            await conn.execute(sa.text("CREATE SCHEMA public"))
    try:
        yield db
    finally:
        await db.aclose()


@pytest.fixture
async def database(empty_database: Database) -> Database:
    """A freshly migrated database, on SQLite and (when configured) on PostgreSQL."""
    await empty_database.migrate()
    return empty_database


@pytest.fixture
def now() -> datetime:
    """The moment the test starts, frozen: the clock tests inject into the code under test.

    Taken from the real clock, so that feed items dated relative to it (tests/fakes/documents)
    are recent for the code under test and for a ``geodigest`` subprocess alike, on any day.
    """
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def sample_page() -> str:
    return (FIXTURES / "rt-india-russia-page.txt").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_env_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests build Settings explicitly; a developer's .env or tokens must not leak in.
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_APP_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for tests: no .env, a temporary SQLite file, local servers allowed."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'geodigest.db'}",
        allow_private_urls=True,
        connect_timeout=2.0,
        read_timeout=5.0,
    )


@pytest.fixture
async def services(
    database: Database, settings: Settings, now: datetime
) -> AsyncIterator[Services]:
    """Repositories on the ``database`` fixture plus a real feed fetcher, on the clock ``now``."""
    async with FeedFetcher(settings) as fetcher:
        services = Services.from_database(settings, database, fetcher, clock=lambda: now)
        yield services
        await services.pages.aclose()
