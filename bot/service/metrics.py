"""Prometheus counters of geodigest, held in their own registry (nothing global)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge

from bot.delivery.protocols import DeliveryOutcome
from bot.models import Platform


class Metrics:
    """Counters of polling and delivery; ``registry`` is what ``/metrics`` exposes."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.messages_sent = Counter(
            "geodigest_messages_sent",
            "Messages a platform accepted",
            ["platform"],
            registry=self.registry,
        )
        self.messages_retried = Counter(
            "geodigest_messages_retried",
            "Sends put off to a later attempt (rate limit, server or network error)",
            ["platform"],
            registry=self.registry,
        )
        self.messages_failed = Counter(
            "geodigest_messages_failed",
            "Messages given up on",
            ["platform"],
            registry=self.registry,
        )
        self.chats_paused = Counter(
            "geodigest_chats_paused",
            "Chats paused because the platform says they are gone",
            ["platform"],
            registry=self.registry,
        )
        self.feeds_polled = Counter(
            "geodigest_feeds_polled",
            "Feed polls by result",
            ["result"],
            registry=self.registry,
        )
        self.articles_new = Counter(
            "geodigest_articles_new", "New articles stored", registry=self.registry
        )
        self.platform_up = Gauge(
            "geodigest_platform_up",
            "1 while the chat platform is connected and accepts the bot, else 0",
            ["platform"],
            registry=self.registry,
        )
        self._by_outcome = {
            DeliveryOutcome.SENT: self.messages_sent,
            DeliveryOutcome.RETRIED: self.messages_retried,
            DeliveryOutcome.FAILED: self.messages_failed,
            DeliveryOutcome.CHAT_PAUSED: self.chats_paused,
        }

    def record_delivery(self, platform: Platform, outcome: DeliveryOutcome) -> None:
        """Count what became of one outbox message (``bot.delivery``'s ``DeliveryMetrics``)."""
        self._by_outcome[outcome].labels(platform.value).inc()

    def watch_platform(self, platform: Platform, healthy: Callable[[], bool]) -> None:
        """Report the platform as up or down, asking ``healthy`` at every scrape."""
        self.platform_up.labels(platform.value).set_function(lambda: float(healthy()))

    def record_poll(self, polled: int, not_modified: int, errors: int) -> None:
        """Count one poll cycle's feeds by outcome."""
        self.feeds_polled.labels("not_modified").inc(not_modified)
        self.feeds_polled.labels("error").inc(errors)
        self.feeds_polled.labels("ok").inc(polled - not_modified - errors)
