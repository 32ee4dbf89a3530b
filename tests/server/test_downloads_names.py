"""Download names (issue 11 item 6): `YYYY-MM-DD-<title>-計画.pdf`, the same stem for every
format of the plan, sent as RFC 6266 `filename*` (UTF-8, percent-encoded) with an ASCII
`filename` beside it, and nothing in the name that Windows, macOS or Linux would refuse or
that would make it show as something else. `yoriai export` names its file the same way.

Real server and real `yoriai` processes; the header is parsed here as a browser would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from tests.support import LiveServer, create_workshop
from yoriai.exports.registry import EXPORTERS

ROOT = Path(__file__).resolve().parents[2]
# What Windows refuses in a name, and every control and format character (U+202E would
# make 「計画.pdf」 read backwards).
UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]')
TITLE = '西部/東部 冬の寄り合い: "みんな"で?<決める>|*\\ \u202egpj.exe'
SAFE_TITLE = "西部_東部 冬の寄り合い_ _みんな_で__決める____ gpj.exe"
KIND = {"svg": "付箋", "png": "付箋", "json": "アーカイブ"}


def disposition(header: str) -> tuple[str, str]:
    """(the ASCII filename, the decoded filename*) of a Content-Disposition header."""
    assert header.startswith("attachment;")
    plain = re.search(r'(?:^|;)\s*filename="([^"]*)"', header)
    extended = re.search(r"(?:^|;)\s*filename\*=UTF-8''([^;\s]+)", header)
    assert plain and extended, header
    assert extended.group(1).isascii()  # percent-encoded: the header stays Latin-1
    return plain.group(1), unquote(extended.group(1), encoding="utf-8", errors="strict")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("names") / "data").start()
    yield live
    live.stop()


def workshop_date(live: LiveServer, code: str) -> str:
    page = httpx.get(f"{live.base}/?key={live.key}", follow_redirects=True).text
    row = page.split(f">{code}<", 1)[1]
    match = re.search(r"\d{4}-\d{2}-\d{2}", row)
    assert match
    return match.group(0)


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_every_download_is_named_by_date_and_title(server: LiveServer, fmt: str) -> None:
    code = create_workshop(server.data_dir, TITLE)
    with httpx.Client(base_url=server.base, cookies={"yoriai_key": server.key},
                      timeout=60) as http:
        reply = http.get(f"/w/{code}/export/{fmt}")
    assert reply.status_code == 200
    date = workshop_date(server, code)
    ext = EXPORTERS[fmt].extension
    plain, name = disposition(reply.headers["content-disposition"])
    assert name == f"{date}-{SAFE_TITLE}-{KIND.get(fmt, '計画')}.{ext}"
    assert not UNSAFE.search(name)
    assert plain.isascii() and plain.startswith(f"{date}-{code}-") and plain.endswith(f".{ext}")
    assert not UNSAFE.search(plain)


def test_a_plain_title_is_kept_as_it_is(server: LiveServer) -> None:
    code = create_workshop(server.data_dir, "中央 春の会")
    with httpx.Client(base_url=server.base, cookies={"yoriai_key": server.key},
                      timeout=60) as http:
        reply = http.get(f"/w/{code}/export/md")
    _, name = disposition(reply.headers["content-disposition"])
    assert name == f"{workshop_date(server, code)}-中央 春の会-計画.md"


def test_yoriai_export_names_its_file_the_same_way(tmp_path: Path) -> None:
    data = tmp_path / "data"
    code = create_workshop(data, TITLE)
    out = tmp_path / "out"
    out.mkdir()
    result = subprocess.run([sys.executable, "-m", "yoriai", "export", code, "--format", "md",
                             "--data", str(data)], capture_output=True, text=True, cwd=out,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    [written] = list(out.iterdir())
    assert re.fullmatch(rf"\d{{4}}-\d{{2}}-\d{{2}}-{re.escape(SAFE_TITLE)}-計画\.md", written.name)
    assert result.stdout.strip() == str(written)
