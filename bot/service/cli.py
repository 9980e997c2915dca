"""The ``geodigest`` command line (Typer): run, poll, preview, feeds, sources.

Each command imports what it needs when it runs: the service (SQLAlchemy, the chat SDKs, the
analysis lexicons) takes a second to import, which ``--help`` or a one-page ``preview`` should
not pay for.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from bot.errors import GeodigestError

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.services import Services

app = typer.Typer(help="geodigest: world-affairs news feeds in, short digests out.")
feeds_app = typer.Typer(help="Manage the feeds geodigest polls.")
app.add_typer(feeds_app, name="feeds")

T = TypeVar("T")
console = Console()
errors = Console(stderr=True)


def _fail(message: object) -> NoReturn:
    """Say what went wrong in one line on stderr, and exit with status 1."""
    errors.print(f"[red]error:[/red] {message}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(1)


def _settings() -> Settings:
    from pydantic import ValidationError

    from bot.config import Settings, describe_settings_error
    from bot.service.logs import configure_logging

    try:
        settings = Settings()
    except ValidationError as error:
        _fail(escape(describe_settings_error(error)))
    configure_logging(settings.log_level, secrets=settings.secret_values())
    return settings


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; a GeodigestError becomes a one-line message and exit status 1."""
    import asyncio

    try:
        return asyncio.run(coroutine)
    except GeodigestError as error:
        _fail(escape(str(error)))


@app.command()
def run() -> None:
    """Run the service: poll feeds, build digests, talk to the chat platforms."""
    from bot.service.runtime import run_until_signalled

    _run(run_until_signalled(_settings()))


@app.command()
def poll(
    once: Annotated[bool, typer.Option("--once", help="One cycle, then exit.")] = False,
    everything: Annotated[
        bool, typer.Option("--all", help="With --once: poll every enabled feed, due or not.")
    ] = False,
) -> None:
    """Poll the feeds that are due (with --once: one cycle, then print a summary)."""
    settings = _settings()
    if not once:
        from bot.service.runtime import run_until_signalled

        _run(run_until_signalled(settings, chats=False))
        return
    _run(_poll_once(settings, everything=everything))


async def _poll_once(settings: Settings, *, everything: bool) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from bot.pipeline.poller import PollOutcome, poll_due
    from bot.service.app import open_services

    async with open_services(settings) as services:
        if everything:
            await services.feeds.make_all_due(services.clock())
        total = len([f for f in await services.feeds.all() if f.disabled_reason is None])
        with Progress(
            TextColumn("polling"),
            BarColumn(),
            MofNCompleteColumn(),
            console=errors,
            transient=True,
            disable=not errors.is_terminal,
        ) as progress:
            task = progress.add_task("poll", total=total)

            def advance(outcome: PollOutcome) -> None:
                progress.advance(task)
                if outcome.error:
                    errors.print(
                        f"[yellow]{escape(outcome.feed.url)}[/yellow]: {escape(outcome.error)}",
                        soft_wrap=True,
                    )

            summary = await poll_due(services, on_progress=advance)
            await _finish_pages(services)
    console.print(summary.line(), highlight=False)


async def _finish_pages(services: Services) -> None:
    """Give teasers' pages one feed budget more before the process ends.

    Pages still missing then are not lost: their articles are analyzed from the teaser by
    the next poll.
    """
    await services.pages.join(timeout=services.settings.feed_time_budget)


@app.command()
def preview(
    target: Annotated[
        str, typer.Argument(help="A .txt/.html page, an .xml/.rss/.atom feed, or a URL.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Run the article pipeline on one page or feed without storing anything."""
    from bot.pipeline.preview import preview_file, preview_url

    settings = _settings()
    if target.startswith(("http://", "https://")):
        result = _run(preview_url(target, settings))
    else:
        try:
            result = preview_file(Path(target), settings)
        except GeodigestError as error:
            _fail(escape(str(error)))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for item in result.get("items", [result]):
        _print_article(item)


def _print_article(item: dict[str, Any]) -> None:
    console.rule(item["title"] or "(untitled)")
    console.print(item["url"], style="dim", highlight=False)
    for sentence in item["summary"]:
        console.print(f"• {sentence}", highlight=False)
    for quote in item["quotes"]:
        if quote["key"]:
            console.print(f"  “{quote['text']}” — {quote['speaker']}", style="italic")
    tags = [*item["countries"], *item["organizations"], *item["themes"]]
    console.print(f"geopolitics {item['geopolitics']:.2f}  {' '.join(tags)}", style="cyan")


def _feed_url(name_or_url: str) -> str:
    """The feed URL of a catalog name or a web address (https:// added when missing)."""
    from bot.pipeline.feeds import feed_address

    url = feed_address(name_or_url)
    if url is None:
        # Most likely a mistyped catalog name.
        raise GeodigestError(
            f"no source called {name_or_url.strip()!r}; see `geodigest sources` for names, "
            "or give the feed's address"
        )
    return url


@feeds_app.command("add")
def feeds_add(url: Annotated[str, typer.Argument(help="Feed URL or catalog name.")]) -> None:
    """Add a feed after fetching and parsing it once."""
    _run(_feeds_add(_settings(), url))


async def _feeds_add(settings: Settings, name_or_url: str) -> None:
    from bot.pipeline.ingest import add_feed
    from bot.service.app import open_services

    url = _feed_url(name_or_url)
    async with open_services(settings) as services:
        added = await add_feed(services, url)
        await _finish_pages(services)
    if added.created:
        verb = "added"
    elif added.enabled_again:
        verb = "enabled again:"
    else:
        verb = "already polled:"
    console.print(
        f"{verb} {added.feed.display_name} ({added.feed.url}), "
        f"{len(added.new_articles) + added.pending} articles stored",
        highlight=False,
    )


@feeds_app.command("remove")
def feeds_remove(url: Annotated[str, typer.Argument(help="Feed URL, catalog name or id.")]) -> None:
    """Stop polling a feed and delete its articles."""
    _run(_feeds_remove(_settings(), url))


async def _find_feed(services: Services, key: str) -> int:
    """The feed's id, from the id `feeds list` shows, its URL, catalog name or title."""
    from bot.pipeline.feeds import find_feed

    feed = find_feed({f.id: f for f in await services.feeds.all()}, key)
    if feed is None:
        raise GeodigestError(f"no feed {key!r}; see `geodigest feeds list`")
    return feed.id


async def _feeds_remove(settings: Settings, key: str) -> None:
    from bot.service.app import open_services

    async with open_services(settings) as services:
        await services.feeds.remove(await _find_feed(services, key))
    console.print(f"removed {key}", highlight=False)


@feeds_app.command("enable")
def feeds_enable(url: Annotated[str, typer.Argument(help="Feed URL or id.")]) -> None:
    """Poll a disabled feed again."""
    _run(_feeds_enable(_settings(), url))


async def _feeds_enable(settings: Settings, key: str) -> None:
    from bot.service.app import open_services

    async with open_services(settings) as services:
        await services.feeds.enable(await _find_feed(services, key), now=services.clock())
    console.print(f"enabled {key}", highlight=False)


@feeds_app.command("list")
def feeds_list() -> None:
    """Show every feed with its state."""
    _run(_feeds_list(_settings()))


async def _feeds_list(settings: Settings) -> None:
    from rich.table import Table

    from bot.service.app import open_services

    async with open_services(settings) as services:
        feeds = await services.feeds.all()
    table = Table("id", "title", "url", "state")
    for feed in feeds:
        if feed.disabled_reason:
            state = f"[red]disabled[/red]: {feed.disabled_reason}"
        elif feed.last_error:
            # A throttled feed has an error to show but no failure counted against it.
            count = f"{feed.error_count} errors" if feed.error_count else "waiting"
            state = f"[yellow]{count}[/yellow]: {feed.last_error}"
        else:
            state = "ok"
        table.add_row(str(feed.id), feed.title, feed.url, state)
    console.print(table)


@feeds_app.command("import")
def feeds_import(path: Annotated[Path, typer.Argument(help="An OPML file.")]) -> None:
    """Add every feed of an OPML file (each validated; failures are listed, and only fatal
    when every feed fails)."""
    from bot.reader.localfile import read_local_file

    settings = _settings()
    try:
        opml = read_local_file(path, max_bytes=settings.max_body_bytes)
    except GeodigestError as error:
        _fail(escape(str(error)))
    _run(_feeds_import(settings, opml))


async def _feeds_import(settings: Settings, opml: bytes) -> None:
    from bot.pipeline.ingest import add_feed
    from bot.reader.opml import parse_opml
    from bot.service.app import open_services

    outlines = parse_opml(opml)
    if not outlines:
        raise GeodigestError("the OPML file lists no feeds (no outline has an xmlUrl)")
    added = failed = 0
    async with open_services(settings) as services:
        for title, url in outlines:
            try:
                await add_feed(services, url)
            except GeodigestError as error:
                failed += 1
                errors.print(
                    f"[yellow]{escape(title or url)}[/yellow]: {escape(str(error))}",
                    highlight=False,
                    soft_wrap=True,
                )
            else:
                added += 1
        await _finish_pages(services)
    console.print(f"{added} feeds imported, {failed} failed", highlight=False)
    if failed and not added:
        raise GeodigestError(f"none of the {failed} feeds could be imported")


@feeds_app.command("export")
def feeds_export() -> None:
    """Print every feed as OPML."""
    _run(_feeds_export(_settings()))


async def _feeds_export(settings: Settings) -> None:
    from bot.reader.opml import render_opml
    from bot.service.app import open_services

    async with open_services(settings) as services:
        feeds = await services.feeds.all()
    typer.echo(render_opml(feeds))


@app.command()
def sources() -> None:
    """List the built-in catalog of sources, usable by name."""
    from rich.table import Table

    from bot.reader.catalog import load_catalog

    table = Table("name", "title", "kind", "language", "url")
    for source in load_catalog():
        table.add_row(source.name, source.title, source.kind, source.language, source.url)
    console.print(table)


def main() -> None:
    try:
        app()
    except Exception:
        # A bug, not bad input: its traceback goes through the log, secrets redacted.
        logging.getLogger(__name__).exception("geodigest stopped on an unexpected error")
        raise SystemExit(1) from None
