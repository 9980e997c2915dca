"""The configured secrets are redacted from every handler, library handlers and tracebacks too."""

from __future__ import annotations

import io
import logging
import sys
import threading
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bot.service.logs import REDACTED, configure_logging

TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0"
WEBHOOK_SECRET = "plain words: not shaped like any token"


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """configure_logging with the secrets, undone afterwards (it changes process-wide hooks)."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogRecordFactory())
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    configure_logging("DEBUG", secrets=[TOKEN, WEBHOOK_SECRET])
    yield
    root.handlers[:], _, factory = saved
    root.setLevel(saved[1])
    logging.setLogRecordFactory(factory)


def _library_logger(name: str) -> tuple[logging.Logger, io.StringIO]:
    """A logger with its own handler, added after set-up, not propagating: as uvicorn does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


@pytest.mark.usefixtures("configured")
def test_a_library_handler_never_sees_a_configured_secret() -> None:
    logger, stream = _library_logger("some.library")
    logger.error("The token `%s` was rejected by the server.", TOKEN)
    logger.info("secret %s, encoded %s", WEBHOOK_SECRET, quote(WEBHOOK_SECRET, safe=""))
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/getMe failed with {WEBHOOK_SECRET}")
    except RuntimeError:
        logger.exception("while connecting")
    output = stream.getvalue()
    assert TOKEN not in output
    assert WEBHOOK_SECRET not in output
    assert quote(WEBHOOK_SECRET, safe="") not in output
    assert output.count(REDACTED) >= 5
    assert "Traceback" in output  # the traceback is kept, only cleaned


@pytest.mark.usefixtures("configured")
def test_records_without_secrets_keep_their_arguments() -> None:
    # uvicorn's access formatter unpacks record.args: they must survive untouched.
    logger, _ = _library_logger("uvicorn.access")
    seen: list[object] = []
    logger.addFilter(lambda record: seen.append(record.args) or True)
    logger.info('%s - "%s %s"', "127.0.0.1", "GET", "/healthz")
    assert seen == [("127.0.0.1", "GET", "/healthz")]


@pytest.mark.usefixtures("configured")
def test_an_uncaught_exception_is_printed_without_secrets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        raise ValueError(f"bad token {TOKEN}")
    except ValueError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    printed = capsys.readouterr().err
    assert "ValueError: bad token [redacted]" in printed
    assert TOKEN not in printed
