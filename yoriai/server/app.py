"""The Starlette application: routes, middleware, and the lifespan that opens the store."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.templating import Jinja2Templates

from yoriai import package_path

from . import suggestions, ws
from .assets import static_endpoint, static_version
from .collector import CalmCollector
from .connection import CLOSE_GOING_AWAY
from .context import AppContext, Settings
from .downloads import Downloads
from .maps import Maps
from .newsletter import NewsletterRoutes
from .pages import Pages
from .photos import Photos
from .problems import HttpProblem
from .security import SecurityMiddleware

TEMPLATE_DIR = package_path("yoriai.client", "templates")


def create_app(settings: Settings, clock: Callable[[], float] = time.time) -> Starlette:
    ctx = AppContext.build(settings, clock)
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    pages = Pages(ctx, Jinja2Templates(env=env), static_version())
    downloads = Downloads(ctx, pages)
    newsletter = NewsletterRoutes(ctx, pages)
    photos = Photos(ctx, pages)
    maps = Maps(ctx, pages, photos)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await ctx.store.open()
        heartbeat = ctx.hub.start_heartbeat()
        collector = CalmCollector(ctx.store.idle_for)
        if settings.calm_collector:
            collector.start()
        try:
            yield
        finally:
            collector.stop()
            heartbeat.cancel()
            suggestions.close(ctx)  # the grouping suggestions' worker process, if any
            ctx.hub.close_all(CLOSE_GOING_AWAY, "server stopping")
            await ctx.store.close()

    routes = [
        Route("/", pages.home),
        Route("/workshops", pages.create, methods=["POST"]),
        Route("/join", pages.join),
        Route("/healthz", pages.healthz),
        Route("/static/{version}/{path:path}", static_endpoint(pages.static_version)),
        Route("/w/{code}", pages.participant),
        Route("/w/{code}/screen", pages.screen),
        Route("/w/{code}/facilitate", pages.facilitate),
        Route("/w/{code}/qr.svg", pages.qr_svg),
        Route("/w/{code}/wifi.svg", pages.wifi_svg),
        Route("/w/{code}/export/{fmt}", downloads.export),
        Route("/w/{code}/handout", downloads.handout),
        Route("/w/{code}/newsletter", newsletter.lead),
        Route("/w/{code}/photos", photos.upload, methods=["POST"]),
        Route("/w/{code}/photos/{name}", photos.serve),
        Route("/w/{code}/map", maps.upload, methods=["POST"]),
        Route("/w/{code}/map/{name}", maps.serve),
        WebSocketRoute("/ws", ws.endpoint),
    ]

    async def problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HttpProblem)
        return pages.problem(request, exc)

    async def gone(request: Request, exc: Exception) -> Response:
        # A phone that left the Wi-Fi in the middle of an upload's body: an ordinary event
        # of the evening, not a fault. Nothing was stored (the body is read before anything
        # is written) and nobody is there to answer: no traceback in the laptop's terminal.
        return Response(status_code=400)

    # The one HTTP error path: handlers raise, this renders (the security headers are
    # still added: the middleware is outside it).
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[
        Middleware(SecurityMiddleware, ctx=ctx),
        Middleware(GZipMiddleware, minimum_size=500),
    ], exception_handlers={HttpProblem: problem, ClientDisconnect: gone})
    app.state.ctx = ctx
    return app
