"""Which code may import which: the layering, read from the source (no module is imported).

Dependencies point inward: storage knows the models, the core (``bot/``) knows no chat SDK and
no platform package, and only the composition root (``bot/service/``) wires the platforms in.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAT_SDKS = ("telegram", "slack_bolt", "slack_sdk")
STORAGE_MAY_IMPORT = ("bot.models", "bot.errors", "bot.config")


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in the file, function-level ones included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def _within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


@dataclass(frozen=True)
class Rule:
    """Files matching ``files`` (globs from the project root), except those under ``exempt``,
    must not import a module ``forbidden`` says yes to."""

    files: tuple[str, ...]
    forbidden: Callable[[str], bool]
    exempt: tuple[str, ...] = ()

    def violations(self) -> list[str]:
        paths = sorted({p for pattern in self.files for p in ROOT.glob(pattern)})
        found = []
        for path in paths:
            relative = path.relative_to(ROOT).as_posix()
            if relative.startswith(self.exempt):
                continue
            found += [
                f"{relative}:{line} imports {module}"
                for line, module in _imports(path)
                if self.forbidden(module)
            ]
        return found


BOT = ("bot/**/*.py",)
EVERYTHING = (*BOT, "handlers/**/*.py", "storage/**/*.py", "tests/**/*.py", "benchmarks/**/*.py")
RULES = {
    "bot/ knows no chat SDK": Rule(BOT, lambda m: _within(m, *CHAT_SDKS)),
    "only bot/service/ wires the platforms in": Rule(
        BOT, lambda m: _within(m, "handlers"), exempt=("bot/service/",)
    ),
    "the core never imports the runtime": Rule(
        # ``python -m bot`` is the command line's entry point.
        BOT,
        lambda m: _within(m, "bot.service"),
        exempt=("bot/service/", "bot/__main__.py"),
    ),
    "models and errors import nothing of ours": Rule(
        ("bot/models.py", "bot/errors.py"), lambda m: _within(m, "bot", "handlers", "storage")
    ),
    "storage imports only models, errors and config of ours": Rule(
        ("storage/**/*.py",),
        lambda m: _within(m, "bot", "handlers") and not _within(m, *STORAGE_MAY_IMPORT),
    ),
    "benchmarks share only the fakes of the tests": Rule(
        ("benchmarks/**/*.py",), lambda m: _within(m, "tests") and not _within(m, "tests.fakes")
    ),
    "nothing imports test modules or the conftest": Rule(
        EVERYTHING, lambda m: _within(m, "tests.unit", "tests.e2e", "tests.conftest")
    ),
    "the fakes stand alone": Rule(
        ("tests/fakes/**/*.py",),
        lambda m: (
            _within(m, "tests", "bot", "handlers", "storage")
            and not _within(m, "tests.fakes", "tests.paths")
        ),
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_imports_point_inward(rule: Rule) -> None:
    assert rule.violations() == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "sneaky.py"
    module.write_text("def later():\n    from telegram import Bot\n    import handlers.telegram\n")
    assert [m for _, m in _imports(module)] == ["telegram", "handlers.telegram"]
