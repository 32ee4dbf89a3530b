"""How long Ctrl-C takes with a room full of phones connected.

Starts ``yoriai serve`` as a subprocess on a free loopback port, connects N phones from a
separate load process (each sends its hello and waits), then sends SIGINT (what Ctrl-C does)
and times how long the server takes to exit, and whether it exited cleanly.

    .venv/bin/python bench/shutdown.py [--phones 500 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def phones(port: int, code: str, n: int, ready: mp.Event, done: mp.Event) -> None:  # type: ignore[valid-type]
    """The load process: N sockets, each past its hello, held open until the server goes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 100)), hard))

    async def one() -> None:
        try:
            async with connect(f"ws://127.0.0.1:{port}/ws", compression=None,
                               open_timeout=60) as ws:
                await ws.send(json.dumps({"type": "hello", "workshop": code}))
                while json.loads(await ws.recv())["type"] != "snapshot":
                    pass
                opened.append(1)
                if len(opened) == n:
                    ready.set()  # type: ignore[attr-defined]
                await ws.wait_closed()
        except Exception:
            pass

    opened: list[int] = []

    async def main() -> None:
        await asyncio.wait_for(asyncio.gather(*[one() for _ in range(n)]), 120)

    asyncio.run(main())
    done.set()  # type: ignore[attr-defined]


def measure(n: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        made = subprocess.run([sys.executable, "-m", "yoriai", "new", "満員の会", "--data",
                               str(data)], cwd=ROOT, capture_output=True, text=True, check=True)
        code = made.stdout.split()[-1]
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "yoriai", "serve", "--host", "127.0.0.1", "--port",
             str(port), "--data", str(data), "--no-browser"], cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            ready, done = mp.Event(), mp.Event()
            load = mp.Process(target=phones, args=(port, code, n, ready, done))
            load.start()
            if not ready.wait(120):
                raise RuntimeError(f"{n} phones did not all connect")
            start = time.perf_counter()
            server.send_signal(signal.SIGINT)
            returncode = server.wait(60)
            took = time.perf_counter() - start
            load.join(30)
            return took, returncode
        finally:
            if server.poll() is None:
                server.kill()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--phones", type=int, nargs="+", default=[500, 1000])
    args = p.parse_args()
    print(f"{'phones':>7} {'Ctrl-C to exit s':>17} {'exit code':>10}")
    for n in args.phones:
        took, code = measure(n)
        print(f"{n:>7} {took:>17.2f} {code:>10}")


if __name__ == "__main__":
    main()
