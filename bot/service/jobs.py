"""The scheduler's jobs, one named function each; ``service_jobs`` lists them with their ticks.

Each tick only picks due work from storage; ``bot.service.scheduler`` logs a failed tick and
runs the job again at the next one.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta

from bot.delivery.protocols import AlertRenderer, ChatPlatform, Renderer
from bot.models import Article, Platform
from bot.pipeline.fanout import queue_due_digests, queue_instant_alerts, queue_pending_alerts
from bot.pipeline.poller import poll_due
from bot.service.metrics import Metrics
from bot.service.scheduler import (
    DIGEST_TICK_SECONDS,
    POLL_TICK_SECONDS,
    PRUNE_TICK_SECONDS,
    Job,
)
from bot.services import Services

logger = logging.getLogger(__name__)


async def announce_new_articles(
    services: Services,
    metrics: Metrics,
    alert_renderers: Mapping[Platform, AlertRenderer],
    articles: Sequence[Article],
) -> None:
    """Count new articles and queue instant alerts for them at once."""
    metrics.articles_new.inc(len(articles))
    if alert_renderers:
        await queue_instant_alerts(services, articles, alert_renderers)


async def poll(
    services: Services, metrics: Metrics, alert_renderers: Mapping[Platform, AlertRenderer]
) -> None:
    """Poll the due feeds."""
    on_new = functools.partial(announce_new_articles, services, metrics, alert_renderers)
    summary = await poll_due(services, on_new_articles=on_new)
    metrics.record_poll(summary.polled, summary.not_modified, summary.errors)
    if summary.polled:
        logger.info("poll: %s", summary.line())


async def queue_digests(
    services: Services,
    renderers: Mapping[Platform, Renderer],
    alert_renderers: Mapping[Platform, AlertRenderer],
) -> None:
    """Queue the due digests, and the alerts the poll could not queue right away."""
    try:
        await queue_due_digests(services, renderers)
    finally:
        # Alerts the poll could not queue right away (a crash, a poll-only process).
        await queue_pending_alerts(services, alert_renderers)


async def prune(services: Services) -> None:
    """Delete articles and sent messages older than the retention period."""
    cutoff = services.clock() - timedelta(days=services.settings.retention_days)
    articles = await services.articles.prune(cutoff)
    messages = await services.outbox.prune(cutoff)
    if articles or messages:
        logger.info("pruned %d old articles and %d old messages", articles, messages)


def service_jobs(
    services: Services, metrics: Metrics, platforms: Sequence[ChatPlatform]
) -> dict[str, tuple[Job, int]]:
    """Every job of ``geodigest run`` with its tick in seconds; digests only with platforms."""
    renderers: dict[Platform, Renderer] = {p.platform: p.render_digest for p in platforms}
    alerts: dict[Platform, AlertRenderer] = {p.platform: p.render_alert for p in platforms}
    jobs: dict[str, tuple[Job, int]] = {
        "poll": (functools.partial(poll, services, metrics, alerts), POLL_TICK_SECONDS),
        "prune": (functools.partial(prune, services), PRUNE_TICK_SECONDS),
    }
    if renderers:
        digests = functools.partial(queue_digests, services, renderers, alerts)
        jobs["digests"] = (digests, DIGEST_TICK_SECONDS)
    return jobs
