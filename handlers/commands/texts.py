"""The words chats read: help, command list and the replies every platform shares (plain text).

Commands are spelled by the chat's platform (``CommandSyntax``): ``/list`` on Telegram,
``/geodigest list`` on Slack. Texts that hold commands are therefore functions of the syntax, or
templates whose ``{name}`` fields ``spell`` fills in with commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.models import Chat
from handlers.commands.context import CommandSyntax


@dataclass(frozen=True, slots=True)
class CommandHelp:
    """One command as /help lists it; ``description`` is a ``spell`` template."""

    name: str
    description: str
    example_args: str = ""


# In the order /help lists them; the Telegram layer also publishes them as the command menu.
COMMANDS: tuple[CommandHelp, ...] = (
    CommandHelp("start", "introduce geodigest"),
    CommandHelp("help", "show every command with an example"),
    CommandHelp("subscribe", "add a news feed or a source from {sources}", "bbc-world"),
    CommandHelp("unsubscribe", "remove a feed (URL, name or number from {list})", "2"),
    CommandHelp("list", "this chat's sources, follows and schedule"),
    CommandHelp("sources", "the built-in catalog of world-affairs sources"),
    CommandHelp(
        "follow", "only get stories about a country, organization, theme or keyword", "India"
    ),
    CommandHelp("unfollow", "stop filtering on a follow", "India"),
    CommandHelp("mode", "scheduled digests or an alert per new story", "instant"),
    CommandHelp("schedule", "local times of the daily digest", "08:00 18:00"),
    CommandHelp("timezone", "the time zone of the schedule", "Europe/Berlin"),
    CommandHelp("digest", "send a digest of the last 24 hours now"),
    CommandHelp("pause", "stop sending to this chat for now"),
    CommandHelp("resume", "start sending again"),
    CommandHelp("settings", "show or change summary length, quotes, link previews", "quotes off"),
)

INTRO = (
    "geodigest follows world-affairs news for you. It reads the feeds you choose, groups the "
    "same event reported by several outlets into one story, and sends you a short summary "
    "with the key quotes and who said them, as a daily digest or as instant alerts."
)

START_NEXT_STEPS = (
    "To begin, pick a source from {sources} and send for example {subscribe} bbc-world, "
    "or send {subscribe} followed by any RSS or Atom feed address. {help} lists everything."
)

GROUP_ADMIN_NOTE = "In groups, only administrators can change what this chat receives."

PAUSED = "This chat is paused; send {resume} to get news here again."

SOMETHING_WENT_WRONG = (
    "Something went wrong on my side while handling that command. Please try again in a "
    "minute; if it keeps happening, tell the person who runs this bot."
)

NOT_ADMIN = (
    "Only administrators of this chat can change what it receives. Ask an admin to send this "
    "command, or use {list} to see the current sources."
)

TIMEZONE_EXAMPLES = "Europe/Berlin, America/New_York, Asia/Kolkata or UTC"


class _Spelled(dict[str, str]):
    """``{name}`` → the platform's spelling of the command ``name``."""

    def __init__(self, syntax: CommandSyntax) -> None:
        super().__init__()
        self._syntax = syntax

    def __missing__(self, name: str) -> str:
        return self._syntax.command(name)


def spell(template: str, syntax: CommandSyntax) -> str:
    """Fill the ``{name}`` fields of a text with commands as the platform spells them."""
    return template.format_map(_Spelled(syntax))


def help_text(syntax: CommandSyntax, platform_help: str = "") -> str:
    """The full /help reply: what geodigest does and every command with an example."""
    lines = [INTRO, "", "Commands:"]
    lines += [
        f"{syntax.command(c.name)} — {spell(c.description, syntax)}. "
        f"Example: {syntax.command(c.name, c.example_args)}"
        for c in COMMANDS
    ]
    lines += ["", GROUP_ADMIN_NOTE]
    if platform_help:
        lines.append(platform_help)
    return "\n".join(lines)


def start_text(syntax: CommandSyntax, platform_help: str = "") -> str:
    """The /start reply: what geodigest does and how to begin (and the platform's extras)."""
    parts = [INTRO, spell(START_NEXT_STEPS, syntax)]
    if platform_help:
        parts.append(platform_help)
    return "\n\n".join(parts)


def paused_note(chat: Chat, syntax: CommandSyntax) -> str:
    """A closing paragraph for replies in a paused chat; empty when it is not paused."""
    return f"\n\n{spell(PAUSED, syntax)}" if chat.paused else ""


def unknown_command_text(command: str, syntax: CommandSyntax) -> str:
    known = " ".join(syntax.command(c.name) for c in COMMANDS)
    return (
        f"I don't know the command {syntax.command(command)}. I understand: {known}.\n"
        f"Send {syntax.command('help')} for examples."
    )
