"""The baseline for ``bench/broadcast.py``: a bare Starlette + uvicorn WebSocket relay.

Every text message a socket sends is sent, unchanged, to every connected socket (the sender
included). No hello, no state, no storage: the least a broadcast server on this stack can do.
It runs under the same uvicorn settings as Yoriai (``server/runner.py``).

    .venv/bin/python bench/bare_relay.py --port 8001
"""

from __future__ import annotations

import argparse
import resource

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

clients: set[WebSocket] = set()


async def relay(ws: WebSocket) -> None:
    await ws.accept()
    clients.add(ws)
    try:
        while True:
            text = await ws.receive_text()
            for peer in list(clients):
                try:
                    await peer.send_text(text)
                except (WebSocketDisconnect, RuntimeError, OSError):
                    clients.discard(peer)
    except WebSocketDisconnect:
        pass
    finally:
        clients.discard(ws)


app = Starlette(routes=[WebSocketRoute("/ws", relay)])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False,
                ws="websockets-sansio", ws_max_size=256 * 1024, ws_per_message_deflate=False,
                # Yoriai runs on asyncio's own loop (its CLI calls ``asyncio.run``), and so
                # does the relay: uvicorn would take uvloop, installed for the generator.
                loop="asyncio", timeout_graceful_shutdown=2, lifespan="on", backlog=2048)


if __name__ == "__main__":
    main()
