"""The Telegram webhook under hostile requests, over real HTTP to the running service."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.service.runtime import run_service
from tests.fakes.raw_http import filler, health_status, post
from tests.fakes.telegram_api import FakeTelegram, private_command_update, wait_for

SECRET = "s3cret-webhook-token"
PATH = "/telegram/webhook"
WITH_SECRET = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
WRONG_SECRET = {"X-Telegram-Bot-Api-Secret-Token": "guess", "Content-Type": "application/json"}
HUGE = 512 * 1024 * 1024
USER = 501


@pytest.fixture
async def port(telegram_settings: Settings, fake_telegram: FakeTelegram) -> AsyncIterator[int]:
    """The port of a running service that takes Telegram updates by webhook."""
    settings = telegram_settings
    settings.telegram_webhook_secret = SecretStr(SECRET)
    settings.public_url = "https://bot.example.org"
    stop = asyncio.Event()
    service = asyncio.create_task(run_service(settings, stop))
    try:
        await wait_for(lambda: fake_telegram.calls_to("setWebhook"), timeout=20)
        await wait_for(lambda: health_status(settings.http_port), timeout=20)
        yield settings.http_port
    finally:
        stop.set()
        await asyncio.wait_for(service, 30)


async def test_a_huge_post_without_the_secret_is_refused_before_its_body_is_read(
    port: int,
) -> None:
    answer = await post(port, PATH, filler(HUGE), headers=WRONG_SECRET, content_length=HUGE)
    assert answer.status == 403
    # Answered while nearly all of the body was still unsent: the server never read it.
    assert answer.body_bytes_sent < HUGE // 8


async def test_a_huge_post_with_the_secret_is_refused_by_its_declared_size(port: int) -> None:
    answer = await post(port, PATH, filler(HUGE), headers=WITH_SECRET, content_length=HUGE)
    assert answer.status == 413
    assert answer.body_bytes_sent < HUGE // 8


async def test_an_endless_chunked_body_is_cut_off_past_the_cap(port: int) -> None:
    endless = 64 * 1024 * 1024
    answer = await post(port, PATH, filler(endless), headers=WITH_SECRET)
    assert answer.status == 413
    assert answer.body_bytes_sent < endless // 4


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 200_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"not json",
        b"[1, 2]",
        b'{"update_id": 1, "message": "not a message"}',
    ],
    ids=["nested arrays", "nested objects", "not JSON", "not an object", "not an update"],
)
async def test_what_is_not_an_update_gets_400_and_the_bot_keeps_answering(
    port: int, fake_telegram: FakeTelegram, body: bytes
) -> None:
    answer = await post(port, PATH, [body], headers=WITH_SECRET, content_length=len(body))
    assert answer.status == 400

    help_update = private_command_update(2, USER, "/help")
    update = json.dumps(help_update).encode()
    ok = await post(port, PATH, [update], headers=WITH_SECRET, content_length=len(update))
    assert ok.status == 200
    await wait_for(lambda: any("Commands:" in t for t in fake_telegram.texts(USER)), timeout=20)
