"""The small web server: ``/healthz``, ``/metrics`` and the routes the chat platforms bring."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field

import uvicorn
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

OK = "ok"
CONNECTING = "connecting"
UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class Health:
    """The database, and each chat platform: "ok", "connecting" or "unavailable"."""

    database: bool
    platforms: Mapping[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if not self.database:
            return UNAVAILABLE
        return OK if all(state == OK for state in self.platforms.values()) else "degraded"

    @property
    def http_status(self) -> int:
        # Only a dead database makes the instance useless. A platform that refuses the bot
        # refuses every instance alike, and taking them all out of a load balancer would also
        # stop the other platforms' webhooks.
        return 200 if self.database else 503


HealthCheck = Callable[[], Awaitable[Health]]


def build_web_app(
    *, health: HealthCheck, registry: CollectorRegistry, routes: Sequence[BaseRoute] = ()
) -> Starlette:
    """The ASGI app: health and metrics, plus the platforms' ``routes`` (webhooks)."""

    async def healthz(_: Request) -> Response:
        state = await health()
        body = {
            "status": state.status,
            "database": OK if state.database else UNAVAILABLE,
            "platforms": dict(state.platforms),
        }
        return JSONResponse(body, status_code=state.http_status)

    async def metrics(_: Request) -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return Starlette(routes=[Route("/healthz", healthz), Route("/metrics", metrics), *routes])


class WebServer(uvicorn.Server):
    """uvicorn without its own signal handling: ``geodigest run`` owns SIGINT/SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    @classmethod
    def for_app(cls, app: Starlette, *, host: str, port: int) -> WebServer:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
        return cls(config)
