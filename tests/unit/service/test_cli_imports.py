"""The command line loads the service only when a command needs it, so ``--help`` is quick."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.paths import FIXTURES

# Each takes a noticeable part of a second to import; none is needed to parse arguments.
HEAVY = ("sqlalchemy", "telegram", "trafilatura", "pydantic", "httpx", "bot.analysis", "storage")


def _loaded_after(code: str) -> set[str]:
    """Top-level and package names in sys.modules after running ``code`` in a fresh process."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_importing_the_cli_leaves_the_service_unloaded() -> None:
    loaded = _loaded_after("import bot.service.cli")
    assert "bot.service.cli" in loaded
    assert {name for name in HEAVY if name in loaded} == set()


def test_help_leaves_the_service_unloaded() -> None:
    code = (
        "from bot.service.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
    )
    loaded = _loaded_after(code)
    assert {name for name in HEAVY if name in loaded} == set()


def test_previewing_a_file_loads_no_storage_http_client_or_chat_sdk() -> None:
    page = FIXTURES / "rt-india-russia-page.txt"
    code = (
        "from bot.service.cli import app\n"
        "try:\n"
        f"    app(['preview', {str(page)!r}, '--json'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
    )
    loaded = _loaded_after(code)
    assert "bot.analysis" in loaded  # the preview did run
    assert {"sqlalchemy", "storage", "httpx", "telegram"} & loaded == set()
