"""A post's fixed cost: one phone, posts one at a time, Yoriai beside the bare relay.

With a single phone there is no fan-out to speak of, so the time from a post's ``send`` to
its own event coming back is what every post pays before the first phone hears of it:
Yoriai decides it, commits it (with its fsync) and builds its message; the relay
(``bare_relay.py``) echoes it. This is the "fixed start" that bench/broadcast.py's p99
ratio is left with once the per-phone cost is the relay's. Both servers run as
subprocesses on 127.0.0.1 exactly as broadcast.py runs them.

    .venv/bin/python bench/lone_post.py [--posts 150] [--base /path/to/older/checkout]

``--base`` runs that checkout's Yoriai too (its own ``yoriai/`` package, this venv), for a
before/after in one run. Posts are 0.22 s apart, under the server's 5 commands/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GAP_SECS = 0.22  # between posts: under the 5 commands/s a connection may send
DRAIN_SECS = 0.5  # a quiet moment that ends the messages of a join


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def yoriai(base: Path | None, *args: str) -> list[str]:
    """The ``yoriai`` command of this checkout, or of ``base`` run with this venv."""
    root = base or ROOT
    boot = (f"import sys; sys.path.insert(0, {str(root)!r}); sys.argv[0] = 'yoriai'; "
            "from yoriai.server.cli import main; sys.exit(main())")
    return [PYTHON, "-c", boot, *args]


async def wait_for_port(port: int) -> None:
    for _ in range(600):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


async def drain(ws: ClientConnection) -> None:
    try:
        while True:
            await asyncio.wait_for(ws.recv(), DRAIN_SECS)
    except TimeoutError:
        pass


async def timed_posts(ws: ClientConnection, posts: int) -> list[float]:
    """ms from each post's send to the first frame carrying its marker."""
    out = []
    for i in range(posts):
        mark = f"#lone{i}#"
        t0 = time.monotonic()
        await ws.send(json.dumps({"type": "cmd", "id": f"lone-post-{i:08d}", "name": "post_note",
                                  "args": {"kind": "wish", "text": f"ひとつ {mark}"}}))
        while mark not in str(await ws.recv()):
            pass
        out.append(1000 * (time.monotonic() - t0))
        await asyncio.sleep(GAP_SECS)
    return out


async def run_yoriai(posts: int, base: Path | None) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="yoriai-lone-") as tmp:
        made = subprocess.run(yoriai(base, "new", "lone post", "--data", tmp),
                              capture_output=True, text=True, check=True)
        code = made.stdout.strip().split()[-1]
        port = free_port()
        server = subprocess.Popen(
            yoriai(base, "serve", "--host", "127.0.0.1", "--port", str(port), "--data", tmp,
                   "--no-browser"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            await wait_for_port(port)
            async with connect(f"ws://127.0.0.1:{port}/ws", compression=None) as ws:
                await ws.send(json.dumps({"type": "hello", "workshop": code}))
                await drain(ws)
                await ws.send(json.dumps({"type": "cmd", "id": "lone-join-0000000001",
                                          "name": "join",
                                          "args": {"name": "ひとり", "attribute": "住民"}}))
                await drain(ws)
                return await timed_posts(ws, posts)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait()


async def run_relay(posts: int) -> list[float]:
    port = free_port()
    server = subprocess.Popen([PYTHON, str(ROOT / "bench" / "bare_relay.py"), "--port",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        await wait_for_port(port)
        async with connect(f"ws://127.0.0.1:{port}/ws", compression=None) as ws:
            return await timed_posts(ws, posts)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait()


def summary(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    n = len(ms)
    return (f"| {name} | {n} | {ms[0]:.2f} | {ms[n // 2]:.2f} | {ms[int(n * 0.9)]:.2f} | "
            f"{ms[min(n - 1, int(n * 0.99))]:.2f} |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--posts", type=int, default=150)
    p.add_argument("--base", type=Path, help="an older checkout to run beside this one")
    args = p.parse_args()
    print("| server | posts | min ms | p50 ms | p90 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    print(summary("relay", asyncio.run(run_relay(args.posts))))
    if args.base is not None:
        print(summary(f"yoriai ({args.base.name})", asyncio.run(run_yoriai(args.posts,
                                                                            args.base))))
    print(summary("yoriai", asyncio.run(run_yoriai(args.posts, None))))


if __name__ == "__main__":
    main()
