"""``geodigest run``: the whole service against a local feed server and a fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.config import Settings
from bot.models import OutboxState, Platform, Rendered
from bot.service import runtime
from bot.service.app import open_services
from bot.service.runtime import run_service
from tests.fakes.clock import clock_env
from tests.fakes.documents import Item, rss_feed
from tests.fakes.feed_server import FeedServer
from tests.fakes.raw_http import free_port, health_status
from tests.fakes.telegram_api import ApiError, FakeTelegram, private_command_update, wait_for

USER = 501
PARAGRAPHS = (
    "India and Russia agreed on Monday to expand trade in national currencies and to build "
    "new energy links, their foreign ministers said after talks in New Delhi.",
    "The agreement comes as Western sanctions on Moscow push both governments to look for "
    "payment systems outside the dollar, officials in both capitals said.",
    "'Our partnership has withstood every test and will grow stronger still,' Sergey Lavrov, "
    "Russia's foreign minister, told reporters after the meeting.",
    "Indian External Affairs Minister Subrahmanyam Jaishankar said the two sides would also "
    "review defence cooperation and the North-South Transport Corridor next month.",
)


POLLED = "geodigest_feeds_polled_total"
NEW = "geodigest_articles_new_total"


def _sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one sample of a /metrics page; 0 when the sample is not there yet."""
    for family in text_string_to_metric_families(metrics):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


async def test_run_serves_health_and_metrics_polls_and_stops_on_sigterm(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    url = feed_server.serve(
        "/rss", rss_feed("World", [Item("Talks", feed_server.url("/a"), "g", PARAGRAPHS)])
    )
    port = free_port()
    database_url = f"sqlite:///{tmp_path / 'run.db'}"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "GEODIGEST_DATABASE_URL": database_url,
        "GEODIGEST_ALLOW_PRIVATE_URLS": "true",
        "GEODIGEST_HTTP_PORT": str(port),
        **clock_env(),
    }
    # Stored without the first fetch `feeds add` makes, so the service has a due feed to poll.
    stored = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    async with open_services(stored) as services:
        await services.feeds.add(url, now=services.clock())
    service = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await wait_for(lambda: health_status(port), timeout=30)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.get("/healthz")).status_code == 200

            async def polled() -> str:
                # The article is counted once its teaser is completed, after the poll itself.
                metrics = (await client.get("/metrics")).text
                done = _sample(metrics, POLLED, result="ok") and _sample(metrics, NEW)
                return metrics if done else ""

            metrics = await wait_for(polled, timeout=30)
            assert _sample(metrics, POLLED, result="ok") == 1
            assert _sample(metrics, POLLED, result="error") == 0
            assert _sample(metrics, NEW) == 1
            assert len(feed_server.requests_to("/rss")) == 1
    finally:
        service.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(service.communicate(), 30)
    assert service.returncode == 0, err.decode()
    assert "geodigest stopped" in err.decode()


async def test_user_subscribes_and_gets_a_digest_through_the_whole_service(
    telegram_settings: Settings,
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,
    now: datetime,
) -> None:
    items = [
        Item(
            "India and Russia expand trade in national currencies",
            feed_server.url("/a"),
            "a1",
            PARAGRAPHS,
            published=now - timedelta(hours=1),
        )
    ]
    feed_url = feed_server.serve("/rss", rss_feed("Asia Desk", items))
    settings = telegram_settings
    settings.http_port = 0
    stop = asyncio.Event()
    service = asyncio.create_task(run_service(settings, stop, clock=lambda: now))
    try:
        await wait_for(lambda: fake_telegram.calls_to("getUpdates"), timeout=20)
        await fake_telegram.send_user_message(USER, f"/subscribe {feed_url}", user_id=USER)
        await wait_for(lambda: any("Asia Desk" in t for t in fake_telegram.texts(USER)), timeout=20)
        await fake_telegram.send_user_message(USER, "/digest", user_id=USER)
        digest = await wait_for(
            lambda: [t for t in fake_telegram.texts(USER) if "national currencies" in t], timeout=20
        )
    finally:
        stop.set()
        await asyncio.wait_for(service, 30)
    text = digest[0]
    assert "Sergey Lavrov" in text
    assert "withstood every test" in text


async def test_webhook_mode_takes_updates_over_https_route_with_secret(
    telegram_settings: Settings, fake_telegram: FakeTelegram
) -> None:
    settings = telegram_settings
    port = settings.http_port
    settings.telegram_webhook_secret = SecretStr("s3cret-webhook-token")
    settings.public_url = "https://bot.example.org"
    update = private_command_update(1, USER, "/help")
    stop = asyncio.Event()
    service = asyncio.create_task(run_service(settings, stop))
    try:
        (registered,) = await wait_for(lambda: fake_telegram.calls_to("setWebhook"), timeout=20)
        assert registered.params["url"] == "https://bot.example.org/telegram/webhook"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

            async def post(secret: str, body: object) -> int:
                try:
                    response = await client.post(
                        "/telegram/webhook",
                        json=body,
                        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                    )
                except httpx.TransportError:
                    return 0
                return response.status_code

            assert await wait_for(lambda: post("wrong", update), timeout=20) == 403
            assert await post("s3cret-webhook-token", [1, 2]) == 400
            assert await post("s3cret-webhook-token", update) == 200
        await wait_for(
            lambda: any("/subscribe" in t for t in fake_telegram.texts(USER)), timeout=20
        )
        assert not fake_telegram.calls_to("getUpdates")
    finally:
        stop.set()
        await asyncio.wait_for(service, 30)


async def test_polling_goes_on_while_telegram_is_unreachable_and_it_connects_later(
    telegram_settings: Settings,
    fake_telegram: FakeTelegram,
    feed_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runtime, "PLATFORM_RETRY_SECONDS", 0.05)
    fake_telegram.fail_next(ApiError.server_error(), method="getMe", times=3)
    url = feed_server.serve(
        "/rss", rss_feed("World", [Item("Talks", feed_server.url("/a"), "g", PARAGRAPHS)])
    )
    settings = telegram_settings
    settings.http_port = 0
    async with open_services(settings) as services:
        await services.feeds.add(url, now=services.clock())
    stop = asyncio.Event()
    service = asyncio.create_task(run_service(settings, stop))
    try:
        await wait_for(lambda: feed_server.requests_to("/rss"), timeout=20)
        await wait_for(lambda: fake_telegram.calls_to("getUpdates"), timeout=20)
    finally:
        stop.set()
        await asyncio.wait_for(service, 30)
    assert len(fake_telegram.calls_to("getMe")) > 3


async def test_a_revoked_token_shows_on_healthz_and_metrics_and_keeps_the_messages(
    telegram_settings: Settings, fake_telegram: FakeTelegram
) -> None:
    settings = telegram_settings
    port = settings.http_port
    async with open_services(settings) as services:
        chat = await services.chats.ensure(Platform.TELEGRAM, str(USER), now=services.clock())
        [message_id] = await services.outbox.enqueue(
            chat.id, [Rendered("<b>kept</b>", "HTML")], now=services.clock()
        )
    fake_telegram.fail_next(ApiError(401, "Unauthorized"), times=1_000)
    stop = asyncio.Event()
    service = asyncio.create_task(run_service(settings, stop))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

            async def telegram_refuses() -> dict[str, object] | None:
                try:
                    health = (await client.get("/healthz")).json()
                except httpx.TransportError:
                    return None
                return health if health["platforms"] == {"telegram": "unavailable"} else None

            health = await wait_for(telegram_refuses, timeout=20)
            metrics = (await client.get("/metrics")).text
    finally:
        stop.set()
        await asyncio.wait_for(service, 30)
    assert health["status"] == "degraded"
    assert 'geodigest_platform_up{platform="telegram"} 0.0' in metrics
    async with open_services(settings) as services:
        kept = await services.outbox.get(message_id)
    assert kept is not None
    assert (kept.state, kept.attempts) == (OutboxState.PENDING, 0)
