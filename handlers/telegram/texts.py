"""What only Telegram says: how it spells commands, and help on channels and forum topics."""

from __future__ import annotations


class TelegramSyntax:
    """Telegram commands: ``/list 2``."""

    def command(self, name: str, args: str = "") -> str:
        return f"/{name} {args}".rstrip()


SYNTAX = TelegramSyntax()

# Appended to /help and /start: channels and forum topics exist only on Telegram.
CHANNELS_AND_TOPICS = (
    "Channels: in a private chat with me, end a command with the channel's name, e.g. "
    f"{SYNTAX.command('subscribe', 'bbc-world @yourchannel')} — you and I must both be "
    "administrators of the channel. Forum topics: send commands inside a topic and it gets its "
    "own sources and settings."
)
