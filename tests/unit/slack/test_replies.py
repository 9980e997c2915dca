"""Command replies as Slack messages: escaped sections, page buttons, Slack's command syntax."""

from __future__ import annotations

from handlers.commands.context import Navigation, Reply
from handlers.slack.frontend import chat_address, split_command
from handlers.slack.replies import SlackSyntax, page_request, reply_message
from tests.fakes.slack_api import blocks_text, check_blocks


def test_a_reply_is_escaped_one_section_per_paragraph() -> None:
    message = reply_message(Reply("Subscribed to <Daily & World>.\nMore.\n\nNext paragraph."))

    check_blocks(message["blocks"])
    assert [b["text"]["text"] for b in message["blocks"]] == [
        "Subscribed to &lt;Daily &amp; World&gt;.\nMore.",
        "Next paragraph.",
    ]
    assert blocks_text(message["blocks"]).startswith("Subscribed to <Daily & World>.")
    assert message["text"].startswith("Subscribed to &lt;Daily")


def test_a_long_reply_keeps_to_the_section_limit() -> None:
    message = reply_message(Reply("word " * 2000))

    check_blocks(message["blocks"])
    assert len(message["blocks"]) == 4


def test_pages_get_buttons_for_the_pages_around() -> None:
    first = reply_message(Reply("Sources", Navigation("list", 1, 3)))
    middle = reply_message(Reply("Sources", Navigation("list", 2, 3)))

    [button] = first["blocks"][-1]["elements"]
    assert (button["text"]["text"], button["value"]) == ("Next ▶", "list:2")
    assert [b["value"] for b in middle["blocks"][-1]["elements"]] == ["list:1", "list:3"]
    assert page_request(button["value"]) == ("list", "2")
    check_blocks(middle["blocks"])


def test_commands_are_spelled_the_slack_way() -> None:
    assert SlackSyntax().command("list", "2") == "/geodigest list 2"
    assert SlackSyntax().command("help") == "/geodigest help"
    assert split_command("  Subscribe   bbc-world ") == ("subscribe", "bbc-world")
    assert split_command("") == ("help", "")


def test_direct_messages_are_personal_chats() -> None:
    assert chat_address("D024BE91L").kind == "im"
    assert chat_address("C024BE91L", "newsroom").kind == "channel"
    assert chat_address("G024BE91L").kind == "channel"
