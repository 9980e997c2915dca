"""The command line loads the service only when a command needs it, so ``--help`` is quick."""

from __future__ import annotations

import json
import subprocess
import sys

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
