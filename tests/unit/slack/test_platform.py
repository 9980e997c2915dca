"""SlackPlatform as the runtime sees it: enabled by settings, renderers, fallback, connection."""

from __future__ import annotations

import json

import pytest

from bot.config import Settings
from bot.delivery.protocols import ChatPlatform
from bot.models import Digest, DigestStory, OutboxMessage, Platform, Rendered
from bot.reader.fetcher import FeedFetcher
from bot.services import Services
from handlers.slack.platform import SLACK_LIMITS, SlackPlatform
from handlers.slack.render import render_slack_alert, render_slack_digest
from storage import Database
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.fakes.telegram_api import wait_for

STORY = DigestStory("Talks in Moscow", "https://news.example/1", ())


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "enabled"),
    [
        ({}, False),
        ({"slack_bot_token": "xoxb-1"}, False),
        ({"slack_signing_secret": "s"}, False),
        ({"slack_bot_token": "xoxb-1", "slack_signing_secret": "s"}, True),
        ({"slack_bot_token": "xoxb-1", "slack_app_token": "xapp-1"}, True),
    ],
)
def test_slack_is_enabled_by_a_bot_token_and_a_secret_or_app_token(
    values: dict[str, str], enabled: bool
) -> None:
    assert settings(**values).slack_enabled is enabled


def test_the_admins_setting_takes_comma_separated_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEODIGEST_SLACK_ADMINS", "U012AB3CD, U045EF6GH,")

    assert settings().slack_admins == ("U012AB3CD", "U045EF6GH")


async def platform_for(database: Database, fake: FakeSlack, **values: object) -> SlackPlatform:
    config = settings(
        **{
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": "secret",
            "slack_api_base_url": fake.base_url,
            **values,
        }
    )
    fetcher = FeedFetcher(config)
    return SlackPlatform.from_services(Services.from_database(config, database, fetcher))


async def test_the_platform_renders_paces_and_falls_back_as_slack_wants(
    database: Database, fake_slack: FakeSlack
) -> None:
    slack: ChatPlatform = await platform_for(database, fake_slack)
    digest = Digest("Daily", (STORY,))

    assert slack.platform is Platform.SLACK
    assert slack.limits == SLACK_LIMITS
    assert slack.render_digest(digest) == render_slack_digest(digest)
    assert slack.render_alert(STORY) == render_slack_alert(STORY)
    [rendered] = slack.render_alert(STORY)
    row = OutboxMessage(
        1, 1, Platform.SLACK, "C1", "", rendered.text, format="blocks", payload=rendered.payload
    )
    # After msg_too_long / invalid_blocks: the text alone, never the JSON.
    assert slack.plain_fallback(row) == Rendered(text=rendered.text)
    assert "Talks in Moscow" in slack.plain_fallback(row).text
    assert slack.is_group("C1")
    assert not slack.is_group("D1")
    assert [getattr(r, "path", "") for r in slack.routes()] == ["/slack/events"]


async def test_start_checks_the_token_and_health_follows_slacks_answer(
    database: Database, fake_slack: FakeSlack
) -> None:
    slack = await platform_for(database, fake_slack)
    fake_slack.refusal = "token_revoked"

    with pytest.raises(Exception, match="token_revoked"):
        await slack.start()
    assert not slack.healthy

    fake_slack.refusal = None
    await slack.start()
    assert slack.healthy
    assert fake_slack.calls_to("auth.test")
    await slack.stop()


async def test_a_refused_send_makes_the_platform_unhealthy(
    database: Database, fake_slack: FakeSlack
) -> None:
    slack = await platform_for(database, fake_slack)
    fake_slack.add_channel("C1", "news")
    [rendered] = slack.render_alert(STORY)
    row = OutboxMessage(1, 1, Platform.SLACK, "C1", "", rendered.text, format="blocks")
    fake_slack.refusal = "account_inactive"

    with pytest.raises(Exception, match="account_inactive"):
        await slack.sender.send(row)

    assert not slack.healthy
    fake_slack.refusal = None
    await slack.sender.send(row)
    assert slack.healthy
    assert json.dumps(fake_slack.posted["C1"][0].text) == json.dumps(rendered.text)


async def test_socket_mode_serves_no_route(database: Database, fake_slack: FakeSlack) -> None:
    slack = await platform_for(database, fake_slack, slack_app_token="xapp-1-A-1-x")

    assert slack.routes() == []


async def test_socket_mode_takes_slash_commands_over_the_websocket(
    database: Database, fake_slack: FakeSlack
) -> None:
    slack = await platform_for(database, fake_slack, slack_app_token=APP_TOKEN)
    await slack.start()
    try:
        await wait_for(lambda: fake_slack.socket_connected)
        response_url = fake_slack.response_url()
        await fake_slack.push(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "command": "/geodigest",
                    "text": "help",
                    "user_id": "U1",
                    "channel_id": "D1",
                    "team_id": "T0NEWSROOM",
                    "response_url": response_url,
                },
            }
        )
        [acked] = await wait_for(lambda: fake_slack.socket_replies)
        assert acked["envelope_id"] == "env-1"
        [reply] = await wait_for(lambda: fake_slack.responded(response_url))
        assert "Commands:" in reply["text"]
    finally:
        await slack.stop()
    assert not fake_slack.socket_connected


async def test_without_a_signing_secret_nothing_is_served(
    database: Database, fake_slack: FakeSlack
) -> None:
    slack = await platform_for(database, fake_slack, slack_signing_secret=None)

    assert slack.frontend.routes() == []
