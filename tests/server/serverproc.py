"""``yoriai`` as a real subprocess, for the tests that kill it or press Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support import HANG, free_port

# How many ports a start tries when the one chosen was taken in the meantime by some other
# process on the machine (free_port cannot hold the port for a child process).
PORT_TRIES = 5
# One try at asking the server: short, since whatever holds a taken port may never answer;
# the asking goes on (every POLL) until HANG.
POLL = 2.0


def yoriai(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "yoriai", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=Path(__file__).parents[2])


class ServerProcess:
    def __init__(self, data_dir: Path, port: int | None = None,
                 extra_args: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self.extra_args = extra_args  # more `yoriai serve` options (say --wifi NAME)
        self.chosen_port = port is None  # ours to change if someone else takes it
        self.port = port or free_port()
        self.proc: subprocess.Popen[str] | None = None
        self.runs = 0

    def start(self) -> ServerProcess:
        for _ in range(PORT_TRIES):
            if self.start_once():
                return self
            self.port = free_port()
        raise RuntimeError(f"every port tried was taken: {self.err.read_text()}")

    def start_once(self) -> bool:
        """Start on ``self.port``; False when that port was taken by another process (and
        another may be tried), True once this server answers."""
        self.runs += 1
        # Output goes to files: a pipe nobody reads could fill and stall the server.
        self.out = self.data_dir.parent / f"server-{self.runs}.out"
        self.err = self.data_dir.parent / f"server-{self.runs}.err"
        self.out.parent.mkdir(parents=True, exist_ok=True)
        with self.out.open("w") as out, self.err.open("w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "yoriai", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port), "--data", str(self.data_dir), "--no-browser",
                 *self.extra_args],
                stdout=out, stderr=err, text=True, cwd=Path(__file__).parents[2],
                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + HANG
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if self.chosen_port and "already in use" in self.err.read_text():
                    return False
                raise RuntimeError(f"server exited: {self.err.read_text()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=POLL).status_code == 200:
                    if self.answers_as_ours():
                        return True
                    time.sleep(0.05)  # another server holds the port: ours exits, or not
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not answer /healthz")

    def answers_as_ours(self) -> bool:
        """Whether what answers on the port is this server (with this data folder's key),
        not another that took the port first (ours then fails to bind and exits)."""
        key = self.data_dir / "facilitator.key"
        if not key.exists():
            return False
        cookies = {"yoriai_key": key.read_text().strip()}
        # The bare address answers everyone (a box for the join code); only the server
        # holding this key shows it the new-workshop form.
        reply = httpx.get(f"{self.base}/", cookies=cookies, timeout=POLL)
        return reply.status_code == 200 and 'action="/workshops"' in reply.text

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
        self.proc.wait(timeout=HANG)

    def interrupt(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=HANG)
