"""How Yoriai runs under uvicorn: one place for the settings the CLI and the tests share."""

from __future__ import annotations

import uvicorn
from starlette.applications import Starlette

from facilitation import limits


def uvicorn_server(app: Starlette, log_level: str = "warning") -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,  # the facilitator key can appear in a URL: never log URLs
        ws="websockets-sansio",
        ws_max_size=limits.WS_HARD_MAX_BYTES,
        # Compression costs memory and CPU per socket for messages of a few hundred bytes.
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=limits.GRACEFUL_SHUTDOWN_SECS,
        lifespan="on",
    )
    return uvicorn.Server(config)
