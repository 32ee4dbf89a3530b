"""HTTP pages and hardening: what every response carries, whom the server answers, and
that nothing it sends points outside the laptop."""

from __future__ import annotations

import contextlib
import re
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.support import HANG, LiveServer
from yoriai.server import limits

from .serverproc import ServerProcess, yoriai
from .stranger import loopback_alias_or_skip

EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", re.I)


def pages(live: LiveServer, code: str) -> list[str]:
    return ["/", f"/w/{code}", f"/w/{code}/screen", f"/w/{code}/facilitate", "/w/nosuch",
            "/healthz"]


def test_healthz(live: LiveServer) -> None:
    reply = httpx.get(f"{live.base}/healthz")
    assert reply.status_code == 200 and reply.json()["ok"] is True


def csp_directives(reply: httpx.Response) -> dict[str, list[str]]:
    policy = reply.headers["content-security-policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def test_every_response_carries_the_security_headers(live: LiveServer) -> None:
    code = live.new_workshop()
    with httpx.Client(base_url=live.base) as http:
        http.get(f"/?key={live.key}")  # the cookie, so that facilitator pages render
        for path in pages(live, code):
            reply = http.get(path)
            csp = csp_directives(reply)
            assert csp["script-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
            # Safari before 15.4 needs the page's own ws:// origin named, not only 'self'.
            assert csp["connect-src"][0] == "'self'"
            assert f"ws://127.0.0.1:{live.port}" in csp["connect-src"]
            assert f"ws://localhost:{live.port}" in csp["connect-src"]
            assert "'unsafe-inline'" not in reply.headers["content-security-policy"]
            assert reply.headers["x-content-type-options"] == "nosniff"
            assert reply.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize("host", [
    "127.0.0.1:1",  # an allowed name with another port
    "127.0.0.1:1; script-src 'unsafe-inline'",  # trying to write into the policy
    "LOCALHOST:{port}",
])
def test_the_host_header_is_never_echoed_into_the_policy(live: LiveServer, host: str) -> None:
    reply = httpx.get(f"{live.base}/healthz", headers={"Host": host.format(port=live.port)})
    if reply.status_code == 421:
        return  # not one of our names: refused before any policy is sent
    policy = reply.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and ":1 " not in policy + " "
    assert "LOCALHOST" not in policy
    # The same policy whatever name the page was asked for.
    assert policy == httpx.get(f"{live.base}/healthz").headers["content-security-policy"]


def test_the_console_is_never_cached(live: LiveServer) -> None:
    """It carries the facilitator key."""
    code = live.new_workshop()
    with httpx.Client(base_url=live.base) as http:
        http.get(f"/?key={live.key}")
        reply = http.get(f"/w/{code}/facilitate")
        assert reply.status_code == 200 and live.key in reply.text
        assert reply.headers["cache-control"] == "no-store"


def test_a_post_from_another_origin_is_refused(live: LiveServer, tmp_path: Path) -> None:
    """CSRF: the facilitator's cookie is SameSite=Strict, but another port of the same host
    is the same site, so the cookie would go along; Origin tells them apart."""
    with httpx.Client(base_url=live.base) as http:
        http.get(f"/?key={live.key}")
        before = http.get("/").text.count('class="workshop-row"')
        for origin in (f"http://127.0.0.1:{live.port + 1}", "http://evil.example", "null",
                       f"https://127.0.0.1:{live.port}", f"http://localhost:{live.port}"):
            reply = http.post("/workshops", data={"title": "乗っ取り"},
                              headers={"Origin": origin})
            assert reply.status_code == 403, origin
            assert "cross-origin" in reply.text
        assert "乗っ取り" not in http.get("/").text
        assert http.get("/").text.count('class="workshop-row"') == before
        # The page's own origin, as a browser sends it with the home page's form.
        same = http.post("/workshops", data={"title": "本物の会"},
                         headers={"Origin": live.base})
        assert same.status_code == 303
        assert "本物の会" in http.get("/").text


def test_a_request_that_never_finishes_its_headers_is_closed(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Slowloris: half a request line and a header, then nothing."""
    monkeypatch.setattr(limits, "HTTP_REQUEST_TIMEOUT_SECS", 0.5)
    with socket.create_connection(("127.0.0.1", live.port)) as raw:
        raw.settimeout(HANG)  # a hang guard: the server must close it long before
        # Closed by the server with no answer (reset, if it was closed before this was sent:
        # a test thread stalled past the deadline).
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            assert raw.recv(1024) == b""
    # A keep-alive connection that dribbles its second request is closed the same way.
    raw = keep_alive_answered(live)
    with raw:
        raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        rest = raw.recv(4096)
        while rest:
            rest = raw.recv(4096)  # nothing but the close
    # A whole request still gets its answer (within the usual deadline: with 0.5 s, a
    # client stalled that long before sending is rightly cut off too).
    monkeypatch.undo()
    assert httpx.get(f"{live.base}/healthz").status_code == 200


def keep_alive_answered(live: LiveServer) -> socket.socket:
    """A connection whose first request was answered. The deadline runs from the moment
    the server takes the connection: a test thread stalled past it between connecting
    and sending (a loaded machine) is cut off before its request, rightly, and the
    connection is closed with no answer (reading it then got b"" forever: the test hung).
    Then another connection is tried, up to the hang guard."""
    deadline = time.monotonic() + HANG
    while True:
        raw = socket.create_connection(("127.0.0.1", live.port))
        raw.settimeout(HANG)  # a hang guard: the server must close it long before
        answer = b""
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            while b'"ok":true' not in answer:
                chunk = raw.recv(4096)
                if not chunk:
                    break
                answer += chunk
        if b'"ok":true' in answer:
            return raw
        raw.close()
        assert time.monotonic() < deadline, "no connection had its first request answered"


def test_nothing_points_outside_the_laptop(live: LiveServer) -> None:
    code = live.new_workshop()
    with httpx.Client(base_url=live.base) as http:
        http.get(f"/?key={live.key}")
        for path in pages(live, code):
            html = http.get(path).text
            assert not EXTERNAL.findall(html), path
            for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
                body = http.get(asset)
                assert body.status_code == 200, asset
                assert not re.search(r"https?://(?!www\.w3\.org/)", body.text), asset


def test_unknown_host_names_are_refused(live: LiveServer) -> None:
    """DNS rebinding: a page from evil.example that resolves to 127.0.0.1 is not served."""
    reply = httpx.get(f"{live.base}/healthz", headers={"Host": "evil.example"})
    assert reply.status_code == 421
    assert httpx.get(f"{live.base}/healthz", headers={"Host": f"localhost:{live.port}"}
                     ).status_code == 200


def test_facilitator_pages_need_the_key(live: LiveServer) -> None:
    code = live.new_workshop()
    # The bare address shows a stranger a box for the join code, and no workshop.
    home = httpx.get(f"{live.base}/")
    assert home.status_code == 200 and 'action="/join"' in home.text
    assert 'action="/workshops"' not in home.text and code not in home.text
    assert httpx.get(f"{live.base}/w/{code}/facilitate").status_code == 403
    assert httpx.get(f"{live.base}/w/{code}/facilitate?key=wrong",
                     follow_redirects=True).status_code == 403
    with httpx.Client(base_url=live.base) as http:
        first = http.get(f"/w/{code}/facilitate?key={live.key}")
        assert first.status_code == 303
        assert first.headers["location"] == f"/w/{code}/facilitate"  # key gone from the bar
        cookie = first.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert http.get(f"/w/{code}/facilitate").status_code == 200


def test_creating_a_workshop_from_the_home_page(live: LiveServer) -> None:
    with httpx.Client(base_url=live.base) as http:
        http.get(f"/?key={live.key}")
        reply = http.post("/workshops", data={"title": "中央 春の会", "center": "中央"})
        assert reply.status_code == 303
        code = reply.headers["location"].split("/")[2]
        assert "中央 春の会" in http.get("/").text
        assert http.get(f"/w/{code}").status_code == 200
    assert httpx.post(f"{live.base}/workshops", data={"title": "x"}).status_code == 403


def test_unknown_workshop_page_is_a_readable_404(live: LiveServer) -> None:
    reply = httpx.get(f"{live.base}/w/nosuch", headers={"Accept-Language": "ja"})
    assert reply.status_code == 404
    assert "見つかりません" in reply.text


def test_static_assets_are_cached_by_version(live: LiveServer) -> None:
    code = live.new_workshop()
    html = httpx.get(f"{live.base}/w/{code}").text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert assets
    for asset in assets:
        reply = httpx.get(f"{live.base}{asset}")
        assert "immutable" in reply.headers["cache-control"]
    version = assets[0].split("/")[2]
    stale = assets[0].replace(version, "0000000000")
    assert httpx.get(f"{live.base}{stale}").status_code == 404
    assert httpx.get(f"{live.base}/static/{version}/../../server/auth.py").status_code == 404


@pytest.fixture
def proc(tmp_path: Path) -> ServerProcess:
    return ServerProcess(tmp_path / "data")


def test_the_key_is_never_logged(proc: ServerProcess) -> None:
    code = yoriai("new", "x", "--data", str(proc.data_dir)).stdout.split()[-1]
    proc.start()
    try:
        for path in (f"/?key={proc.key}", f"/w/{code}/facilitate?key={proc.key}",
                     f"/w/{code}/facilitate?key=wrong-{proc.key}"):
            httpx.get(f"{proc.base}{path}")
    finally:
        proc.stop()
    assert proc.key not in proc.err.read_text()
    # stdout holds the banner, which prints the facilitator URL once, on purpose
    assert proc.out.read_text().count(proc.key) == 1


def test_the_language_switch_is_remembered(live: LiveServer) -> None:
    code = live.new_workshop()
    with httpx.Client(base_url=live.base) as http:
        assert 'lang="ja"' in http.get(f"/w/{code}").text  # Japanese first
        assert 'lang="en"' in http.get(f"/w/{code}?lang=en").text
        assert 'lang="en"' in http.get(f"/w/{code}").text  # still English after a reload
        assert 'lang="ja"' in http.get(f"/w/{code}?lang=ja").text
    english_phone = httpx.get(f"{live.base}/w/{code}", headers={"Accept-Language": "en-US"})
    assert 'lang="en"' in english_phone.text  # the phone's own language


def get_from(live: LiveServer, address: str) -> bytes:
    """One HTTP request on a new connection from ``address``; what came back (b"" or an
    exception's name when the connection was reset unanswered)."""
    with socket.socket() as raw:
        raw.bind((address, 0))
        raw.settimeout(30)  # a hang guard
        raw.connect(("127.0.0.1", live.port))
        try:
            raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            reply = b""
            while chunk := raw.recv(4096):
                reply += chunk
        except (ConnectionResetError, BrokenPipeError) as exc:
            return type(exc).__name__.encode()
        return reply


def test_an_address_that_opens_connections_too_fast_is_cut_off(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "CONNECTIONS_PER_ADDRESS_BURST", 3.0)
    monkeypatch.setattr(limits, "CONNECTIONS_PER_ADDRESS_PER_SEC", 0.01)
    for address in ("127.0.0.2", "127.0.0.3"):
        loopback_alias_or_skip(address)
    for _ in range(3):
        assert get_from(live, "127.0.0.2").startswith(b"HTTP/1.1 200")
    assert not get_from(live, "127.0.0.2").startswith(b"HTTP/")  # reset, unanswered
    assert get_from(live, "127.0.0.3").startswith(b"HTTP/1.1 200")  # another phone
    for _ in range(5):  # the laptop itself is not counted
        assert get_from(live, "127.0.0.1").startswith(b"HTTP/1.1 200")
