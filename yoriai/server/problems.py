"""HTTP errors as exceptions that carry their status.

A page handler (or the hub beneath it) raises one of these; one exception handler in
``app.py`` renders it in the page's language — the error page for a browser, JSON for a
client that asks for JSON. No handler builds an error response of its own.

The words are the catalogues' ``error.<code>`` (the message) and ``title_key`` (the page's
heading), so every problem reads the same on the page, over the WebSocket and in the CLI.
"""

from __future__ import annotations

from typing import Any


class HttpProblem(Exception):
    """Something a request cannot have; ``status`` is its HTTP status."""

    status = 500
    title_key = "error.server_error_title"
    # A command the reader can run to put it right, shown on the page as code.
    command: str | None = None

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


class NotFound(HttpProblem):
    status = 404
    title_key = "error.not_found_title"


class UnknownWorkshop(NotFound):
    title_key = "error.unknown_workshop_title"

    def __init__(self) -> None:
        super().__init__("unknown_workshop")


class Forbidden(HttpProblem):
    """A facilitator's page or download without the facilitator's key."""

    status = 403
    title_key = "error.need_key_title"

    def __init__(self) -> None:
        super().__init__("need_key")


class WorkshopDamaged(HttpProblem):
    """The workshop's stored log does not replay (a hole, or an event that does not
    apply): it cannot be served until ``yoriai check --repair`` has put it right. 503: the
    server is fine and serves every other workshop; this one is unavailable."""

    status = 503
    title_key = "error.workshop_damaged_title"
    command = "yoriai check --repair"

    def __init__(self, code: str, detail: str) -> None:
        super().__init__("workshop_damaged", workshop=code)
        self.workshop, self.detail = code, detail

    def __str__(self) -> str:
        return f"workshop {self.workshop} cannot be loaded: {self.detail}"
