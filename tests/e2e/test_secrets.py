"""No configured secret reaches the output of a real ``geodigest run``, whatever Telegram says."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fakes.service_process import running_service
from tests.fakes.telegram_api import ApiError, FakeTelegram, wait_for

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"
WEBHOOK_SECRET = "webhook-s3cret-value"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


async def _run_until_logged(tmp_path: Path, base_url: str, expected: str) -> str:
    """Run the service until it logs ``expected``; everything it printed."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "GEODIGEST_DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "GEODIGEST_HTTP_PORT": "0",
        "GEODIGEST_LOG_LEVEL": "DEBUG",  # everything libraries log, too
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "GEODIGEST_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "PTB_TIMEDELTA": "1",
    }
    async with running_service(tmp_path, env) as service:
        await wait_for(lambda: expected in service.output, timeout=60)
    return service.output


@pytest.mark.parametrize("refusal", ["401 unauthorized", "404 wrong base url"])
async def test_a_refused_token_is_never_printed(
    tmp_path: Path, fake_telegram: FakeTelegram, refusal: str
) -> None:
    base_url = fake_telegram.base_url
    if refusal.startswith("401"):
        fake_telegram.fail_next(ApiError(401, "Unauthorized"), method="getMe", times=1000)
    else:
        base_url = base_url.replace("/bot", "/wrong/bot")  # the fake answers 404 there
    output = await _run_until_logged(tmp_path, base_url, "could not connect to telegram")
    assert "rejected" in output or "Not Found" in output  # the error itself is still told
    assert "[redacted]" in output
    for secret in (TOKEN, TOKEN.split(":")[1], WEBHOOK_SECRET, SLACK_SIGNING_SECRET):
        assert secret not in output
