"""Bad settings, databases and files: one line on stderr, no traceback, a non-zero exit.

Every row runs the real ``python -m bot`` in its own process, a few at a time.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.fakes.feed_server import FeedServer
from tests.fakes.service_process import running_service
from tests.fakes.telegram_api import wait_for

POSTGRES = os.environ.get("GEODIGEST_TEST_DATABASE_URL", "")
RUNS_AT_ONCE = 4
LATIN1_PAGE = (
    "Café talks in São Paulo\n\n"
    "The foreign ministers met at the Café Europa in São Paulo on Monday. Señora Müller, the "
    "envoy of the European Union, said the façade of unity would hold through the winter, and "
    "officials in Zürich and Genève agreed that the talks would resume after the new year.\n"
)


@dataclass(frozen=True)
class Case:
    """One bad input: the command, its environment, and what the error line must say."""

    name: str
    args: tuple[str, ...]
    says: str
    env: dict[str, str] = field(default_factory=dict)
    # Lines on stderr: the error itself, after any per-item lines the command prints.
    lines: int = 1


def _cases(tmp: Path, feeds: FeedServer) -> list[Case]:
    (tmp / "not-a-db.db").write_text("these are not the droids")
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "no-feeds.opml").write_text(
        '<opml version="2.0"><body><outline text="x"/></body></opml>'
    )
    bad = feeds.serve("/bad", b"", status=500)
    (tmp / "failing.opml").write_text(
        f'<opml version="2.0"><body><outline text="A" xmlUrl="{bad}"/>'
        f'<outline text="B" xmlUrl="{bad}?b"/></body></opml>'
    )
    read_only = sqlite3.connect(tmp / "read-only.db")
    read_only.execute("CREATE TABLE t (x)")
    read_only.close()
    listing = ("feeds", "list")

    def setting(name: str, value: str, says: str = "") -> Case:
        return Case(f"{name}={value}", listing, says or f"bad setting {name}", {name: value})

    def database(name: str, url: str, says: str) -> Case:
        return Case(name, listing, says, {"GEODIGEST_DATABASE_URL": url})

    cases = [
        setting("GEODIGEST_POLL_INTERVAL", "often"),
        setting("GEODIGEST_POLL_INTERVAL", "-5"),
        setting("GEODIGEST_CONNECT_TIMEOUT", "soon"),
        setting("GEODIGEST_CONNECT_TIMEOUT", "-1"),
        setting("GEODIGEST_READ_TIMEOUT", "0"),
        setting("GEODIGEST_MAX_BODY_BYTES", "-1"),
        setting("GEODIGEST_HTTP_PORT", "99999"),
        setting("GEODIGEST_LOG_LEVEL", "loud"),
        setting("GEODIGEST_DATABASE_URL", "mysql://u:pw@db/news", "mysql:// is not supported"),
        setting("GEODIGEST_DATABASE_URL", "garbage", "is not a database URL"),
        database("postgres closed port", "postgresql://u@127.0.0.1:1/news", "nothing is listening"),
        database(
            "postgres unknown host",
            "postgresql://u@no-such-host.invalid/news",
            "cannot find the database host 'no-such-host.invalid'",
        ),
        database("postgres bad port", "postgresql://u@127.0.0.1:port/news", "not a valid"),
        database(
            "sqlite missing folder",
            f"sqlite:///{tmp / 'missing' / 'x.db'}",
            "missing does not exist",
        ),
        database(
            "sqlite read-only database",
            f"sqlite:///file:{tmp / 'read-only.db'}?mode=ro&uri=true",
            "is read-only",
        ),
        database(
            "sqlite not a database", f"sqlite:///{tmp / 'not-a-db.db'}", "not a SQLite database"
        ),
        Case("preview binary", ("preview", "/bin/ls"), "is a binary file"),
        Case("preview empty", ("preview", str(tmp / "empty.txt")), "is empty"),
        Case("preview folder", ("preview", str(tmp)), "is not a regular file: it is a folder"),
        Case("preview device", ("preview", "/dev/zero"), "is not a regular file: it is a device"),
        Case("preview missing", ("preview", str(tmp / "nothing.txt")), "no such file"),
        Case("import folder", ("feeds", "import", str(tmp)), "is not a regular file"),
        Case("import no feeds", ("feeds", "import", str(tmp / "no-feeds.opml")), "no feeds"),
        Case(
            "import all failing",
            ("feeds", "import", str(tmp / "failing.opml")),
            "none of the 2 feeds could be imported",
            lines=3,
        ),
    ]
    if POSTGRES:
        parts = urlsplit(POSTGRES)
        unknown = parts._replace(path="/geodigest_no_such_database").geturl()
        cases.append(
            database("postgres unknown database", unknown, 'database "geodigest_no_such_database"')
        )
    if os.geteuid() != 0:  # root writes into read-only folders anyway
        folder = tmp / "read-only-folder"
        folder.mkdir()
        folder.chmod(0o555)
        cases.append(
            database("sqlite read-only folder", f"sqlite:///{folder / 'x.db'}", "is not writable")
        )
    return cases


def _environment(tmp: Path, extra: dict[str, str], database: str = "cli") -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp),
        "GEODIGEST_DATABASE_URL": f"sqlite:///{tmp / database}.db",
        "GEODIGEST_ALLOW_PRIVATE_URLS": "true",
        **extra,
    }


async def _run(tmp: Path, case: Case, slots: asyncio.Semaphore) -> tuple[Case, int, str]:
    async with slots:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            *case.args,
            cwd=tmp,
            # A database each: the runs go on at the same time.
            env=_environment(tmp, case.env, database=str(abs(hash(case.name)))),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await process.communicate()
    assert process.returncode is not None
    return case, process.returncode, err.decode()


async def test_every_bad_input_is_one_line_and_a_failure(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    cases = _cases(tmp_path, feed_server)
    slots = asyncio.Semaphore(RUNS_AT_ONCE)
    results = await asyncio.gather(*(_run(tmp_path, case, slots) for case in cases))
    wrong = []
    for case, code, err in results:
        lines = err.strip().splitlines()
        if (
            code == 0
            or "Traceback" in err
            or len(lines) != case.lines
            or not lines[-1].startswith("error: ")
            or case.says not in lines[-1]
        ):
            wrong.append(f"{case.name}: exit {code}, stderr {err!r}")
    assert wrong == []
    assert len(cases) >= 24


async def test_preview_reads_latin1_text_as_written(tmp_path: Path) -> None:
    page = tmp_path / "latin1.txt"
    page.write_bytes(LATIN1_PAGE.encode("latin-1"))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "preview",
        str(page),
        "--json",
        cwd=tmp_path,
        env=_environment(tmp_path, {}),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    text = out.decode()
    assert "Café talks in São Paulo" in text
    assert "Señora Müller" in text
    assert "Zürich and Genève" in text


async def test_run_waits_for_a_database_that_is_down_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    env = _environment(
        tmp_path,
        {
            "GEODIGEST_DATABASE_URL": "postgresql://u:pw@127.0.0.1:1/news",
            "GEODIGEST_HTTP_PORT": "0",
        },
    )
    async with running_service(tmp_path, env) as service:
        # Two attempts, 2 s apart: it is waiting, not giving up.
        await wait_for(lambda: service.output.count("retrying in") >= 2, timeout=60)
    assert service.exit_code == 0
    assert "Traceback" not in service.output
    said = service.output.splitlines()
    assert all(
        "database unavailable: cannot reach the database at 127.0.0.1:1" in line for line in said
    )
    assert ":pw@" not in service.output
