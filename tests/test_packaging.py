"""The wheel: one top-level name, its files inside it, and a page served from an installed
copy that has nothing of the source tree beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx

from tests.support import answers_as_ours, free_port

ROOT = Path(__file__).resolve().parents[1]


def build_wheel(out: Path) -> Path:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    # setuptools warns when a folder of files would be left out of the wheel.
    assert "would be ignored" not in done.stdout + done.stderr
    (wheel,) = out.glob("yoriai-*.whl")
    return wheel


def test_the_wheel_holds_one_package_and_serves_from_where_it_is_installed(
        tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as whl:
        names = whl.namelist()
        top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
        assert top == {"yoriai"}
        for shipped in ("yoriai/client/templates/participant.html",
                        "yoriai/client/static/js/conn.js", "yoriai/client/i18n/ja.json",
                        "yoriai/facilitation/programs/machizukuri.json",
                        "yoriai/facilitation/samples/sample-evening.json",
                        "yoriai/exports/fonts/ipaexg.ttf"):
            assert shipped in names
        # Installing a wheel is unpacking it into a folder on the path.
        site = tmp_path / "site"
        whl.extractall(site)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONUNBUFFERED": "1"}
    where = subprocess.run([sys.executable, "-c", "import yoriai; print(yoriai.__file__)"],
                           capture_output=True, text=True, cwd=elsewhere, env=env, timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout + where.stderr

    data = tmp_path / "data"
    made = subprocess.run([sys.executable, "-m", "yoriai", "demo", "--data", str(data)],
                          capture_output=True, text=True, cwd=elsewhere, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip().splitlines()[-1]
    # free_port cannot hold the port for a child process: another process may take it in
    # between, and then the installed copy exits saying so and is started on another.
    for _ in range(PORT_TRIES):
        port = free_port()
        with (tmp_path / "out").open("w") as out, (tmp_path / "err").open("w") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "yoriai", "serve", "--host", "127.0.0.1", "--port",
                 str(port), "--data", str(data), "--no-browser"],
                stdout=out, stderr=err, cwd=elsewhere, env=env)
        if answers(proc, f"http://127.0.0.1:{port}", tmp_path / "err", data):
            break
    else:
        raise AssertionError("every port tried was taken: " + (tmp_path / "err").read_text())
    try:
        base = f"http://127.0.0.1:{port}"
        page = httpx.get(f"{base}/w/{code}")
        assert page.status_code == 200
        script = next(part.split('"')[0] for part in page.text.split('src="')[1:]
                      if "/static/" in part)
        assert httpx.get(base + script).status_code == 200
    finally:
        proc.kill()
        proc.wait(timeout=10)


# How many free ports the installed copy's start tries (see ServerProcess for the same).
PORT_TRIES = 5


def answers(proc: subprocess.Popen[bytes], base: str, err: Path, data: Path) -> bool:
    """Wait until the started server answers; False when it exited because its port was
    taken in the meantime (any other exit is a failure of the installed copy). What answers
    must be this server, the one with ``data``'s facilitator key: the process that took
    the port may be another server (another suite's), which answers /healthz too."""
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            if "already in use" in err.read_text():
                return False
            raise AssertionError(err.read_text())
        try:
            if (httpx.get(f"{base}/healthz", timeout=1).status_code == 200
                    and answers_as_ours(base, data)):
                return True
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the installed copy did not start: " + err.read_text())
        time.sleep(0.1)
