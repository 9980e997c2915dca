"""Command replies as Slack messages: escaped mrkdwn sections and page buttons (pure functions)."""

from __future__ import annotations

from typing import Any

from handlers.commands.context import Navigation, Reply
from handlers.slack.mrkdwn import escape, shorten
from handlers.slack.render import MAX_BLOCKS, Block, Line, section, sections

SLASH_COMMAND = "/geodigest"
# Buttons re-run a command for another page: action ids start with this, values hold
# "command:arguments".
PAGE_ACTION_PREFIX = "page_"
# The reply's `text` only feeds notifications here: the blocks carry the whole reply.
NOTIFICATION_LIMIT = 600

SLACK_NOTES = (
    "In a channel, workspace admins and owners, the channel's creator and the people named by "
    "whoever runs geodigest can change what it receives; everyone can look. In a direct "
    "message with geodigest, you decide. Mention @geodigest with a command, e.g. "
    "“@geodigest digest”, to answer in the channel."
)


class SlackSyntax:
    """Commands as Slack users type them: "/geodigest list 2"."""

    def command(self, name: str, args: str = "") -> str:
        return f"{SLASH_COMMAND} {name} {args}".strip()


def _buttons(navigation: Navigation) -> Block:
    elements = []
    for label, action, page in (
        ("◀ Previous", "previous", navigation.page - 1),
        ("Next ▶", "next", navigation.page + 1),
    ):
        if 1 <= page <= navigation.page_count:
            elements.append(
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": label},
                    "action_id": PAGE_ACTION_PREFIX + action,
                    "value": f"{navigation.command}:{navigation.args_for(page)}",
                }
            )
    return {"type": "actions", "elements": elements}


def reply_message(reply: Reply) -> dict[str, Any]:
    """``text`` and ``blocks`` for chat.postMessage or a response_url: one section a paragraph."""
    blocks: list[Block] = []
    for paragraph in reply.text.split("\n\n"):
        lines = [Line(raw=line) for line in paragraph.split("\n") if line.strip()]
        blocks += [section(text) for text in sections(lines)]
    room = MAX_BLOCKS - (1 if reply.navigation else 0)
    blocks = blocks[:room] or [section(escape(shorten(reply.text, NOTIFICATION_LIMIT)) or "…")]
    if reply.navigation is not None:
        blocks.append(_buttons(reply.navigation))
    return {"text": escape(shorten(reply.text, NOTIFICATION_LIMIT)), "blocks": blocks}


def page_request(value: str) -> tuple[str, str]:
    """The command and arguments a page button asks for: "list:2" → ("list", "2")."""
    command, _, args = value.partition(":")
    return command, args
