"""Logging set-up for the CLI and the service; tokens are redacted from every record."""

from __future__ import annotations

import logging
import re

# Telegram puts the bot token in every API URL (".../bot123456:AA.../sendMessage");
# Slack tokens start with xoxb-/xapp-. Neither may ever reach a log.
_TOKEN_PATTERNS = re.compile(
    r"bot\d+:[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+"
)
# Libraries that log every request URL at INFO, token included.
_NOISY_LOGGERS = ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler.executors")


def redact(text: str) -> str:
    """Replace anything that looks like a platform token."""
    return _TOKEN_PATTERNS.sub("[redacted]", text)


class RedactingFormatter(logging.Formatter):
    """Formats a record, traceback included, and removes tokens from the result."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def configure_logging(level: str = "INFO") -> None:
    """Log to stderr with timestamps; quiet the per-request loggers of HTTP libraries."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
