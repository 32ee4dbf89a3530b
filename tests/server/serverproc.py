"""``yoriai`` as a real subprocess, for the tests that kill it or press Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support import free_port


def yoriai(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yoriai", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=Path(__file__).parents[2])


class ServerProcess:
    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.proc: subprocess.Popen[str] | None = None
        self.runs = 0

    def start(self) -> ServerProcess:
        self.runs += 1
        # Output goes to files: a pipe nobody reads could fill and stall the server.
        self.out = self.data_dir.parent / f"server-{self.runs}.out"
        self.err = self.data_dir.parent / f"server-{self.runs}.err"
        self.out.parent.mkdir(parents=True, exist_ok=True)
        with self.out.open("w") as out, self.err.open("w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "yoriai", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--data", str(self.data_dir), "--no-browser"],
                stdout=out, stderr=err, text=True, cwd=Path(__file__).parents[2],
                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.err.read_text()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not answer /healthz")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    @property
    def key(self) -> str:
        return (self.data_dir / "facilitator.key").read_text().strip()

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def interrupt(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
