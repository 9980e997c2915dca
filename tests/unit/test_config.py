"""Settings: environment names, database URL mapping, secrets kept out of repr and logs."""

from __future__ import annotations

import logging

import pytest

from bot.config import Settings
from bot.service.logs import RedactingFormatter, redact

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"


def _settings(**env: str) -> Settings:
    return Settings(_env_file=None, **env)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u@h:5432/d", "postgresql+asyncpg://u@h:5432/d"),
        ("postgres://u@h/d", "postgresql+asyncpg://u@h/d"),
        ("postgresql+asyncpg://u@h/d", "postgresql+asyncpg://u@h/d"),
    ],
)
def test_database_urls_map_to_async_drivers(given: str, used: str) -> None:
    assert _settings(database_url=given).database_url == used


def test_platform_tokens_use_their_usual_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("GEODIGEST_POLL_INTERVAL", "120")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert settings.poll_interval == 120
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.model_dump())


def test_tokens_never_reach_the_log() -> None:
    url = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
    assert TOKEN not in redact(f"POST {url} failed")
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "HTTP Request: %s", (url,), None)
    assert TOKEN not in RedactingFormatter("%(message)s").format(record)
    assert "xoxb-1-2-abc" not in redact("token xoxb-1-2-abc rejected")


def test_empty_values_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
    monkeypatch.setenv("GEODIGEST_POLL_INTERVAL", "")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.telegram_bot_token is None
    assert settings.poll_interval == 600
