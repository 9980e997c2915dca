"""The words chats read: help, command list and the replies every platform shares (plain text)."""

from __future__ import annotations

from bot.models import Chat

# (command, one-line description, example) in the order /help lists them; the Telegram layer
# also publishes the first two columns as the bot's command menu.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("start", "introduce geodigest", "/start"),
    ("help", "show every command with an example", "/help"),
    ("subscribe", "add a news feed or a source from /sources", "/subscribe bbc-world"),
    ("unsubscribe", "remove a feed (URL, name or number from /list)", "/unsubscribe 2"),
    ("list", "this chat's sources, follows and schedule", "/list"),
    ("sources", "the built-in catalog of world-affairs sources", "/sources"),
    ("follow", "only get stories about a country, organization, theme or keyword", "/follow India"),
    ("unfollow", "stop filtering on a follow", "/unfollow India"),
    ("mode", "scheduled digests or an alert per new story", "/mode instant"),
    ("schedule", "local times of the daily digest", "/schedule 08:00 18:00"),
    ("timezone", "the time zone of the schedule", "/timezone Europe/Berlin"),
    ("digest", "send a digest of the last 24 hours now", "/digest"),
    ("pause", "stop sending to this chat for now", "/pause"),
    ("resume", "start sending again", "/resume"),
    ("settings", "show or change summary length, quotes, link previews", "/settings quotes off"),
)

INTRO = (
    "geodigest follows world-affairs news for you. It reads the feeds you choose, groups the "
    "same event reported by several outlets into one story, and sends you a short summary "
    "with the key quotes and who said them, as a daily digest or as instant alerts."
)

START_NEXT_STEPS = (
    "To begin, pick a source from /sources and send for example /subscribe bbc-world, "
    "or send /subscribe followed by any RSS or Atom feed address. /help lists everything."
)

GROUP_ADMIN_NOTE = "In groups, only administrators can change what this chat receives."

CHANNELS_AND_TOPICS = (
    "Channels: in a private chat with me, end a command with the channel's name, e.g. "
    "/subscribe bbc-world @yourchannel — you and I must both be administrators of the channel. "
    "Forum topics: send commands inside a topic and it gets its own sources and settings."
)

PAUSED = "This chat is paused; send /resume to get news here again."

SOMETHING_WENT_WRONG = (
    "Something went wrong on my side while handling that command. Please try again in a "
    "minute; if it keeps happening, tell the person who runs this bot."
)

NOT_ADMIN = (
    "Only administrators of this chat can change what it receives. Ask an admin to send this "
    "command, or use /list to see the current sources."
)

TIMEZONE_EXAMPLES = "Europe/Berlin, America/New_York, Asia/Kolkata or UTC"


def help_text() -> str:
    """The full /help reply: what geodigest does and every command with an example."""
    lines = [INTRO, "", "Commands:"]
    lines += [
        f"/{name} — {description}. Example: {example}" for name, description, example in COMMANDS
    ]
    lines += ["", GROUP_ADMIN_NOTE, CHANNELS_AND_TOPICS]
    return "\n".join(lines)


def start_text() -> str:
    """The /start reply: what geodigest does and how to begin, here or for a channel."""
    return f"{INTRO}\n\n{START_NEXT_STEPS}\n\n{CHANNELS_AND_TOPICS}"


def paused_note(chat: Chat) -> str:
    """A closing paragraph for replies in a paused chat; empty when it is not paused."""
    return f"\n\n{PAUSED}" if chat.paused else ""


def unknown_command_text(command: str) -> str:
    known = " ".join(f"/{name}" for name, _, _ in COMMANDS)
    return f"I don't know the command /{command}. I understand: {known}.\nSend /help for examples."
