"""HTTP hardening for every response: answer only to our own host names (DNS rebinding),
refuse state-changing requests from other origins (CSRF, also from another port of the
same host), and send headers that keep pages to the laptop's own scripts and styles."""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .connection import CLOSE_POLICY
from .context import AppContext

# Methods that change nothing: every other one must come from one of our own pages.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# What a CSP host-source may name: DNS names and IPv4 addresses (CSP has no syntax for an
# IPv6 literal; a page served over IPv6 relies on 'self').
CSP_HOST = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*")
UNSPECIFIED = frozenset({"0.0.0.0", "::", ""})


def websocket_sources(hosts: Iterable[str], port: int) -> list[str]:
    """The ws:// origins of every name the server answers to. Safari before 15.4 does not
    count ws: as covered by 'self', so the page's own WebSocket origin must be named; it
    is always one of these, because a request to any other name is refused (421) before
    it gets a page. Nothing here comes from the request."""
    sources: list[str] = []
    for name in sorted(hosts):
        if name in UNSPECIFIED or not CSP_HOST.fullmatch(name):
            continue
        sources.append(f"ws://{name}:{port}")
        if port == 80:  # a browser leaves the default port out of the page's origin
            sources.append(f"ws://{name}")
    return sources


def content_security_policy(ws_sources: Iterable[str]) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        " ".join(["connect-src 'self'", *ws_sources]),
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, ctx: AppContext) -> None:
        self.app, self.ctx = app, ctx
        # The names are fixed when the server starts: one policy for every response.
        self.csp = content_security_policy(websocket_sources(ctx.hosts, ctx.settings.port))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host")
        if not self.ctx.host_allowed(host):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": CLOSE_POLICY})
                return
            response = PlainTextResponse("unknown host name", status_code=421)
            await response(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)  # the endpoint checks Origin itself
            return
        origin = headers.get("origin")
        if (scope["method"] not in SAFE_METHODS and origin is not None
                and origin.lower() != f"{scope['scheme']}://{host}".lower()):
            # Only the very origin of the page that was asked for: scheme, host and port
            # (host_allowed has checked the name). Browsers send Origin with every POST
            # (our pages' Referrer-Policy keeps it real for our own forms; "null" from
            # elsewhere is refused like any other origin). A request
            # without one is not from a browser, so it cannot carry the facilitator's
            # cookie, which is all a cross-site request could abuse.
            response = PlainTextResponse("cross-origin request refused", status_code=403)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out["content-security-policy"] = self.csp
                out["x-content-type-options"] = "nosniff"
                # same-origin, not no-referrer: with no-referrer a browser sends
                # "Origin: null" with our own form's POST, and the check above could not
                # tell it from a sandboxed page of someone else's. Nothing is sent to
                # other origins either way.
                out["referrer-policy"] = "same-origin"
                out["x-frame-options"] = "DENY"
            await send(message)

        await self.app(scope, receive, send_with_headers)
