"""Fixtures of the end-to-end tests that run the whole service."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.config import Settings
from tests.fakes.raw_http import free_port
from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:TEST-TOKEN-for-the-fake-bot-api"


@pytest.fixture
def telegram_settings(settings: Settings, fake_telegram: FakeTelegram) -> Settings:
    """Settings of a service talking to the fake Bot API, its web server on a free port."""
    settings.telegram_bot_token = SecretStr(TOKEN)
    settings.telegram_api_base_url = fake_telegram.base_url
    settings.http_port = free_port()
    return settings
