"""The small web server: ``/healthz``, ``/metrics`` and the Telegram webhook endpoint."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Generator
from typing import Any

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

logger = logging.getLogger(__name__)

TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)

HealthCheck = Callable[[], Awaitable[bool]]
# Takes the update JSON and the secret header; returns False when the secret is wrong.
WebhookHandler = Callable[[dict[str, Any], str | None], Awaitable[bool]]


def build_web_app(
    *,
    health: HealthCheck,
    registry: CollectorRegistry,
    telegram_webhook: WebhookHandler | None = None,
) -> Starlette:
    """The ASGI app; the webhook route exists only when a handler is given."""

    async def healthz(_: Request) -> Response:
        ok = await health()
        return JSONResponse(
            {"status": "ok" if ok else "unavailable"}, status_code=200 if ok else 503
        )

    async def metrics(_: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    routes = [Route("/healthz", healthz), Route("/metrics", metrics)]
    if telegram_webhook is not None:
        handler = telegram_webhook

        async def webhook(request: Request) -> Response:
            try:
                payload = json.loads(await request.body())
            except ValueError:
                return Response("invalid JSON", status_code=400)
            if not isinstance(payload, dict):
                return Response("invalid update", status_code=400)
            accepted = await handler(payload, request.headers.get(TELEGRAM_SECRET_HEADER))
            return Response(status_code=200 if accepted else 403)

        routes.append(Route(TELEGRAM_WEBHOOK_PATH, webhook, methods=["POST"]))
    return Starlette(routes=routes)


class WebServer(uvicorn.Server):
    """uvicorn without its own signal handling: ``geodigest run`` owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    @classmethod
    def for_app(cls, app: Starlette, *, host: str, port: int) -> WebServer:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
        return cls(config)
