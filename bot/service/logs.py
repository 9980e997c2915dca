"""Logging set-up for the CLI and the service; secrets are redacted from everything logged.

Two layers, because a library may log a token in a message we never wrote (python-telegram-bot
quotes the whole token when Telegram refuses it) and may bring its own handler (uvicorn):

- every log record is cleaned when it is created (``logging.setLogRecordFactory``), so all
  handlers, ours or a library's, added before or after, only ever see redacted text;
- the root handler's formatter cleans the final line again, traceback included.

What is redacted: the configured secrets themselves (every ``SecretStr`` setting, also
URL-encoded), and anything shaped like a Telegram or Slack token.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any
from urllib.parse import quote

REDACTED = "[redacted]"
# Telegram puts the bot token in every API URL (".../bot123456:AA.../sendMessage");
# Slack tokens start with xoxb-/xapp-. Neither may ever reach a log.
_TOKEN_SHAPES = r"bot\d+:[A-Za-z0-9_-]{20,}|xox[abpr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+"  # noqa: S105
# Shorter configured values are not searched for: redacting every "abc" in the log would make
# it unreadable while protecting nothing worth the name.
_MIN_SECRET_CHARS = 4
# Libraries that log every request URL at INFO, token included; alembic's two lines per start.
_NOISY_LOGGERS = ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler.executors", "alembic")


class Redactor:
    """Replaces the given secrets, and anything that looks like a platform token."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        spellings = set()
        for secret in secrets:
            if len(secret) >= _MIN_SECRET_CHARS:
                spellings.update({secret, quote(secret, safe=""), quote(secret)})
        # Longest first, so a secret is never half-replaced by a shorter one inside it.
        literal = [re.escape(s) for s in sorted(spellings, key=len, reverse=True)]
        self._pattern = re.compile("|".join([*literal, _TOKEN_SHAPES]))

    def __call__(self, text: str) -> str:
        return self._pattern.sub(REDACTED, text)


_default_redactor = Redactor()


def redact(text: str) -> str:
    """Replace anything that looks like a platform token."""
    return _default_redactor(text)


class RedactingFormatter(logging.Formatter):
    """Formats a record, traceback included, and removes secrets from the result."""

    def __init__(self, fmt: str | None = None, *, redactor: Redactor | None = None) -> None:
        super().__init__(fmt)
        self._redact = redactor or _default_redactor

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


def _redact_record(record: logging.LogRecord, redactor: Redactor) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: the handler reports it as usual
        return
    clean = redactor(message)
    if clean != message:
        # Only touched when needed: some formatters read ``args`` (uvicorn's access log).
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        # Formatters use a cached exc_text as it is, so the traceback is cleaned once here.
        record.exc_text = redactor(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redactor(record.stack_info)


def _redacting_factory(
    make: Callable[..., logging.LogRecord], redactor: Redactor
) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        _redact_record(record, redactor)
        return record

    factory.redactor = redactor  # type: ignore[attr-defined]
    factory.wrapped = make  # type: ignore[attr-defined]
    return factory


def _install_factory(redactor: Redactor) -> None:
    current = logging.getLogRecordFactory()
    # Configured twice in one process (tests): wrap the original factory, not our own.
    base = getattr(current, "wrapped", current)
    logging.setLogRecordFactory(_redacting_factory(base, redactor))


def _install_excepthooks(redactor: Redactor) -> None:
    """Uncaught exceptions print their traceback to stderr: cleaned like the log."""

    def excepthook(
        kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        sys.stderr.write(redactor("".join(traceback.format_exception(kind, error, trace))))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


def configure_logging(level: str = "INFO", *, secrets: Iterable[str] = ()) -> None:
    """Log to stderr with timestamps, ``secrets`` redacted; quiet per-request library logs."""
    redactor = Redactor(secrets)
    _install_factory(redactor)
    _install_excepthooks(redactor)
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", redactor=redactor)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # Alembic names each of its plugins at INFO when first imported, which commands do lazily.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
