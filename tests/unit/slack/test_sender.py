"""The Slack sender over real HTTP against the fake Web API: what it posts, how refusals map."""

from __future__ import annotations

import json
import logging

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.errors import BadMarkup, ChatGone, DeliveryError, PlatformUnavailable, RetryLater
from bot.models import DigestStory, OutboxMessage, Platform, Quote, SourceLink
from handlers.slack.render import render_slack_alert
from handlers.slack.sender import SlackSender, web_client
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack, SlackError

CHANNEL = "C0NEWS"


def settings_for(fake: FakeSlack) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token=BOT_TOKEN,
        slack_api_base_url=fake.base_url,
    )


@pytest.fixture
def sender(fake_slack: FakeSlack) -> SlackSender:
    fake_slack.add_channel(CHANNEL, "news")
    return SlackSender(web_client(settings_for(fake_slack)))


def message(
    text: str = "hello", *, channel: str = CHANNEL, attempts: int = 1, **fields: str
) -> OutboxMessage:
    return OutboxMessage(
        id=1,
        chat_id=1,
        platform=Platform.SLACK,
        external_chat_id=channel,
        thread_id="",
        body=text,
        attempts=attempts,
        **fields,  # type: ignore[arg-type]
    )


STORY = DigestStory(
    headline="India and Russia widen oil trade",
    url="https://news.example/1",
    sources=(SourceLink("Daily World", "https://news.example/"),),
    summary=("India and Russia agreed on Tuesday to expand their trade.",),
    quotes=(Quote("We are moving away from the dollar", 0, 1, "Sergey Lavrov", key=True),),
)


async def test_blocks_and_their_text_are_posted(sender: SlackSender, fake_slack: FakeSlack) -> None:
    [alert] = render_slack_alert(STORY)

    await sender.send(message(alert.text, format=alert.format, payload=alert.payload))

    [posted] = fake_slack.posted[CHANNEL]
    assert posted.blocks == json.loads(alert.payload)
    assert posted.text == alert.text
    assert "— Sergey Lavrov" in posted.visible
    [call] = fake_slack.calls_to("chat.postMessage")
    assert call.params["unfurl_links"] is False


async def test_a_thread_and_link_previews_are_kept(
    sender: SlackSender, fake_slack: FakeSlack
) -> None:
    threaded = OutboxMessage(1, 1, Platform.SLACK, CHANNEL, "1700.01", "hi", link_previews=True)

    await sender.send(threaded)

    [posted] = fake_slack.posted[CHANNEL]
    assert (posted.thread_ts, posted.text, posted.blocks) == ("1700.01", "hi", [])
    assert fake_slack.calls_to("chat.postMessage")[0].params["unfurl_links"] is True


async def test_a_rate_limit_waits_out_retry_after(
    sender: SlackSender, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next(SlackError.ratelimited(30))

    with pytest.raises(RetryLater) as raised:
        await sender.send(message())

    assert raised.value.seconds == 30
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # no retry inside the SDK
    await sender.send(message())
    assert len(fake_slack.posted[CHANNEL]) == 1


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("channel_not_found", "the channel does not exist"),
        ("is_archived", "the channel is archived"),
        ("restricted_action", "does not let geodigest post"),
    ],
)
async def test_a_gone_channel_says_why(
    sender: SlackSender, fake_slack: FakeSlack, code: str, reason: str
) -> None:
    fake_slack.fail_next(SlackError(code))

    with pytest.raises(ChatGone, match=reason) as raised:
        await sender.send(message())

    assert code in str(raised.value)
    assert not fake_slack.calls_to("conversations.join")


async def test_an_archived_channel_is_gone(sender: SlackSender, fake_slack: FakeSlack) -> None:
    fake_slack.channels[CHANNEL].is_archived = True

    with pytest.raises(ChatGone, match="archived"):
        await sender.send(message())


async def test_a_public_channel_the_app_left_is_joined_and_posted_to(
    sender: SlackSender, fake_slack: FakeSlack
) -> None:
    fake_slack.add_channel("C0OPEN", "open", bot_member=False)

    await sender.send(message(channel="C0OPEN"))

    assert len(fake_slack.calls_to("conversations.join")) == 1
    assert [m.text for m in fake_slack.posted["C0OPEN"]] == ["hello"]


async def test_a_private_channel_it_cannot_join_is_gone_with_how_to_fix_it(
    sender: SlackSender, fake_slack: FakeSlack
) -> None:
    fake_slack.add_channel("G0SECRET", "secret", private=True, bot_member=False)

    with pytest.raises(ChatGone, match="invite it with /invite @geodigest"):
        await sender.send(message(channel="G0SECRET"))

    assert len(fake_slack.calls_to("conversations.join")) == 1
    assert not fake_slack.posted["G0SECRET"]


@pytest.mark.parametrize("code", ["token_revoked", "invalid_auth", "account_inactive"])
async def test_a_refused_token_makes_slack_unavailable_as_a_whole(
    sender: SlackSender, fake_slack: FakeSlack, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.refusal = code

    with caplog.at_level(logging.ERROR), pytest.raises(PlatformUnavailable, match=code):
        await sender.send(message())

    assert sender.refusal is not None
    assert "nothing is sent to Slack" in caplog.text
    assert BOT_TOKEN not in caplog.text
    fake_slack.refusal = None
    await sender.send(message())
    assert sender.refusal is None


@pytest.mark.parametrize("code", ["msg_too_long", "invalid_blocks"])
async def test_rejected_blocks_are_bad_markup(
    sender: SlackSender, fake_slack: FakeSlack, code: str
) -> None:
    fake_slack.fail_next(SlackError(code))

    with pytest.raises(BadMarkup, match=code):
        await sender.send(message())


async def test_blocks_over_slacks_limits_are_refused_as_bad_markup(
    sender: SlackSender,
) -> None:
    blocks = json.dumps([{"type": "divider"}] * 51)

    with pytest.raises(BadMarkup):
        await sender.send(message(format="blocks", payload=blocks))


async def test_slack_server_errors_back_off(sender: SlackSender, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next(SlackError.server_error())

    with pytest.raises(RetryLater) as raised:
        await sender.send(message(attempts=3))

    assert raised.value.seconds >= 10  # grows with the attempts: 5 s × 2² × jitter ≥ ½


async def test_network_errors_back_off(fake_slack: FakeSlack) -> None:
    settings = settings_for(fake_slack)
    await fake_slack.close()  # nobody listens there any more

    with pytest.raises(RetryLater, match="network error"):
        await SlackSender(web_client(settings)).send(message())


async def test_other_refusals_are_permanent(sender: SlackSender, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next(SlackError("too_many_attachments"))

    with pytest.raises(DeliveryError, match="too_many_attachments") as raised:
        await sender.send(message())

    assert type(raised.value) is DeliveryError


def test_the_client_leaves_pacing_to_the_drainer(fake_slack: FakeSlack) -> None:
    client: AsyncWebClient = web_client(settings_for(fake_slack))

    assert client.retry_handlers == []
    assert client.base_url == fake_slack.base_url
