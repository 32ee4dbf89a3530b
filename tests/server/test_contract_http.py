"""Black-box contract tests of Yoriai's HTTP side, written only from README.md (the addresses,
the errors of the web pages, Exports and the archive) and docs/protocol.md §9 (photos over
HTTP) and §10 (grouping suggestions); §1 and §4 only to join and post notes. The product is
the real `yoriai` command in a subprocess (`yoriai demo`, `yoriai new`, `yoriai serve`,
`yoriai import`, `yoriai export`) on a free loopback port with its data folder in a temporary
directory, spoken to over real HTTP and real WebSockets. One server for the module; every
wait is for an answer or a message, never for a time."""

from __future__ import annotations

import asyncio
import base64
import csv
import hashlib
import io
import json
import re
import signal
import socket
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest
from PIL import Image, ImageCms
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parents[2]
YORIAI = str(Path(sys.executable).with_name("yoriai"))
HANG = 60.0  # a hang guard for a shared 2-core machine, never a timing target
FORMATS = ["html", "pdf", "docx", "md", "csv", "svg", "png", "json"]
PHOTO_UPLOAD_MAX_BYTES = 15728640  # README: 15 MB; protocol §8: 15 MiB
PHOTOS_MAX = 40
PHOTO_LONG_SIDE_PX = 2000
PHOTO_CAPTION_MAX_CHARS = 80
PHOTO_PIXELS_MAX = 50_000_000
EXT = {"html": "html", "pdf": "pdf", "docx": "docx", "md": "md", "csv": "csv",
       "svg": "svg", "png": "png", "json": "json"}
WORD = {"svg": "付箋", "png": "付箋", "json": "アーカイブ"}  # the rest: 計画
ASCII_WORD = {"svg": "board", "png": "board", "json": "archive"}  # the rest: plan
TYPES = {"html": "text/html", "pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "md": "text/markdown", "csv": "text/csv", "svg": "image/svg+xml",
         "png": "image/png", "json": "application/json"}
TITLE = "写真の会 3/4"  # a slash a file system refuses: README says it becomes _
DATE = "2026-11-20"


def run(*args: str, data: Path | None = None, stdin: bytes | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    argv = [YORIAI, *args] + (["--data", str(data)] if data is not None else [])
    return subprocess.run(argv, input=stdin, capture_output=True, timeout=HANG, cwd=cwd,
                          check=False)


def created_code(done: subprocess.CompletedProcess[bytes]) -> str:
    """README: `yoriai new` prints the join path `/w/<code>` and, on the last line, the code."""
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode().strip().splitlines()
    code = lines[-1].strip()
    assert f"/w/{code}" in done.stdout.decode()
    return code


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Site:
    data: Path
    base: str
    key: str
    demo: str  # the demo evening (`yoriai demo --map`)
    fresh: str  # a workshop made with `yoriai new` before the server started
    proc: subprocess.Popen[bytes]

    def http(self, key: bool = False) -> httpx.Client:
        cookies = {"yoriai_key": self.key} if key else None
        return httpx.Client(base_url=self.base, timeout=HANG, cookies=cookies,
                            follow_redirects=False)

    @property
    def ws_url(self) -> str:
        return self.base.replace("http://", "ws://") + "/ws"

    def new(self, title: str) -> str:
        """README: `yoriai new` works beside a running server, which serves it at once."""
        return created_code(run("new", title, "--center", "西部", "--date", DATE,
                                data=self.data))


def start_server(data: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """`yoriai serve` on a free loopback port; its facilitator URL, read from what it prints.
    A port taken between choosing and binding is tried again with another."""
    for _ in range(5):
        port = free_port()
        proc = subprocess.Popen([YORIAI, "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--data", str(data), "--no-browser"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert proc.stdout is not None
        printed = []
        for raw in proc.stdout:
            line = raw.decode()
            printed.append(line)
            found = re.search(r"(http://127\.0\.0\.1:(\d+))/\?key=([\w-]+)", line)
            if found:
                assert int(found.group(2)) == port
                return proc, found.group(1), found.group(3)
        proc.wait(HANG)
    raise AssertionError("yoriai serve never printed its facilitator URL:\n" + "".join(printed))


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)  # README: Ctrl-C stops it
    try:
        proc.wait(HANG)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    data = tmp_path_factory.mktemp("http") / "data"
    demo = run("demo", "--map", data=data)
    assert demo.returncode == 0, demo.stderr.decode()
    demo_code = demo.stdout.decode().strip().splitlines()[-1].strip()
    fresh = created_code(run("new", TITLE, "--center", "西部", "--date", DATE, data=data))
    proc, base, key = start_server(data)
    try:
        yield Site(data, base, key, demo_code, fresh, proc)
    finally:
        stop_server(proc)
        # stdout is a pipe nobody reads after the start: close it with the process
        if proc.stdout is not None:
            proc.stdout.close()


def json_error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """README: a client asking for JSON gets {"error": {"code", "message", "params",
    "command"}} with the status."""
    assert answer.status_code == status, (answer.status_code, answer.text[:300])
    error: dict[str, Any] = answer.json()["error"]
    assert {"code", "message", "params", "command"} <= set(error), error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    assert "{" not in error["message"], error  # every placeholder filled in
    return error


JSON = {"accept": "application/json"}


def external_urls(text: str, base: str) -> list[str]:
    """Addresses to somewhere other than the server itself. XML namespace names
    (xmlns="http://www.w3.org/…", and the OOXML schema names) identify a vocabulary and
    are never fetched, so they are not references."""
    text = re.sub(r'xmlns(:\w+)?="[^"]*"', "", text)
    text = text.replace(base, "")
    found = re.findall(r"https?://[^\s\"'<>)]+", text, re.I)
    return [u for u in found if not u.startswith(("http://127.0.0.1", "http://localhost"))]


# --- addresses ------------------------------------------------------------------------------


def test_healthz(site: Site) -> None:
    """README: /healthz is {"ok": true, "workshops_loaded": <workshops in memory>}."""
    with site.http() as http:
        body = http.get("/healthz").json()
    assert body["ok"] is True
    assert isinstance(body["workshops_loaded"], int) and body["workshops_loaded"] >= 0


def test_facilitator_url_keeps_the_key_as_a_cookie(site: Site) -> None:
    """README: /?key=KEY keeps the key as a cookie and answers 303 to the same address
    without it (so does /w/<code>/facilitate?key=KEY)."""
    with site.http() as http:
        home = http.get("/", params={"key": site.key})
        assert home.status_code == 303
        assert home.headers["location"] in ("/", f"{site.base}/")
        assert home.cookies.get("yoriai_key") == site.key
        console = http.get(f"/w/{site.fresh}/facilitate", params={"key": site.key})
        assert console.status_code == 303
        assert console.headers["location"].endswith(f"/w/{site.fresh}/facilitate")
        assert "key=" not in console.headers["location"]
        assert console.cookies.get("yoriai_key") == site.key


def test_home_is_the_workshops_with_the_key_and_a_code_box_without(site: Site) -> None:
    """README: / is the facilitator's home with the key's cookie (the workshops and the
    new-workshop form); for anyone else a box for the join code."""
    with site.http(key=True) as http:
        mine = http.get("/")
    with site.http() as http:
        theirs = http.get("/")
    assert mine.status_code == theirs.status_code == 200
    assert site.fresh in mine.text and site.demo in mine.text
    assert 'action="/workshops"' in mine.text
    assert site.fresh not in theirs.text and site.demo not in theirs.text
    assert 'action="/workshops"' not in theirs.text
    assert re.search(r'<form[^>]*action="/join"', theirs.text), theirs.text[:500]


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_join_code_box(site: Site) -> None:
    """README: /join?code=CODE — a code (any case, full-width too) gets 303 to /w/<code>;
    anything else gets the box again (200) saying so."""
    with site.http() as http:
        for typed in (site.fresh, site.fresh.upper(), fullwidth(site.fresh.upper())):
            answer = http.get("/join", params={"code": typed})
            assert answer.status_code == 303, typed
            assert answer.headers["location"].endswith(f"/w/{site.fresh}"), typed
        wrong = http.get("/join", params={"code": "zzzz9999"})
        assert wrong.status_code == 200
        assert re.search(r'<form[^>]*action="/join"', wrong.text)
        said = re.search(r'id="join-code-error"[^>]*>([^<]*)<', wrong.text)
        assert said and said.group(1).strip() and "{" not in said.group(1), wrong.text[:300]
        empty = http.get("/join", params={"code": ""})
        assert empty.status_code == 200


def test_code_in_another_case_is_redirected_with_its_query(site: Site) -> None:
    """README: a code typed in another case or full-width in the address of the phone's page,
    the projector, the console or the handout is answered with 307 to the workshop's own
    address (the query kept). (The console is asked with the key: without it, 403 comes first.)"""
    with site.http(key=True) as http:
        for tail in ("", "/screen", "/facilitate", "/handout"):
            for typed in (site.fresh.upper(), fullwidth(site.fresh)):
                answer = http.get(f"/w/{quote(typed)}{tail}", params={"lang": "en"})
                assert answer.status_code == 307, (typed, tail, answer.status_code)
                location = answer.headers["location"]
                assert f"/w/{site.fresh}{tail}?" in location, location
                assert "lang=en" in location
        # "the other /w/<code>/… addresses answer to it as they are"
        qr = http.get(f"/w/{site.fresh.upper()}/qr.svg")
        assert qr.status_code == 200 and "<svg" in qr.text


def test_pages_answer(site: Site) -> None:
    """README's address table: the phone's page (also ?preview=1), the projector, the console
    (facilitator only), the handout, the QR code, the newsletter lead (facilitator only)."""
    with site.http() as http, site.http(key=True) as fac:
        for path in (f"/w/{site.fresh}", f"/w/{site.fresh}?preview=1", f"/w/{site.fresh}/screen",
                     f"/w/{site.fresh}/handout"):
            answer = http.get(path)
            assert answer.status_code == 200, path
            assert answer.headers["content-type"].startswith("text/html"), path
        qr = http.get(f"/w/{site.fresh}/qr.svg")
        assert qr.status_code == 200
        assert qr.headers["content-type"].startswith("image/svg+xml")
        assert "<svg" in qr.text
        json_error(http.get(f"/w/{site.fresh}/facilitate", headers=JSON), 403, "need_key")
        assert fac.get(f"/w/{site.fresh}/facilitate").status_code == 200
        json_error(http.get(f"/w/{site.demo}/newsletter", headers=JSON), 403, "need_key")
        lead = fac.get(f"/w/{site.demo}/newsletter")
        assert lead.status_code == 200
        assert lead.text.strip()


def test_static_files_are_served_under_their_version(site: Site) -> None:
    """README: /static/<version>/<file> serves scripts, styles and pictures."""
    with site.http() as http:
        page = http.get(f"/w/{site.fresh}").text
        links = re.findall(r'(?:src|href)="(/static/[^"/]+/[^"]+)"', page)
        assert links, page[:500]
        for link in links:
            assert http.get(link).status_code == 200, link


def test_lang_is_chosen_and_remembered_for_a_year(site: Site) -> None:
    """README: ?lang=en (or ja) on a page chooses its language and is remembered in a cookie
    for a year; otherwise the browser's Accept-Language decides."""
    with site.http() as http:
        en = http.get(f"/w/{site.fresh}", params={"lang": "en"})
        assert en.status_code == 200
        assert re.search(r'<html[^>]*lang="en"', en.text)
        cookie = en.headers["set-cookie"]
        age = re.search(r"max-age=(\d+)", cookie, re.I)
        assert age and int(age.group(1)) in (365 * 86400, 366 * 86400), cookie
        # the cookie now decides for this client, whatever Accept-Language says
        again = http.get(f"/w/{site.fresh}", headers={"accept-language": "ja"})
        assert re.search(r'<html[^>]*lang="en"', again.text)
    with site.http() as http:
        ja = http.get(f"/w/{site.fresh}", headers={"accept-language": "ja"})
        assert re.search(r'<html[^>]*lang="ja"', ja.text)
        en2 = http.get(f"/w/{site.fresh}", headers={"accept-language": "en-GB,en;q=0.9"})
        assert re.search(r'<html[^>]*lang="en"', en2.text)


def test_unknown_host_and_other_origin_are_plain_text(site: Site) -> None:
    """README: 421 `unknown host name` for a Host the server does not answer to; 403
    `cross-origin request refused` for a POST whose Origin is not the page's own."""
    with site.http(key=True) as http:
        rebound = http.get("/healthz", headers={"host": "attacker.example"})
        assert rebound.status_code == 421
        assert rebound.text.strip() == "unknown host name"
        assert http.get("/healthz", headers={"host": "localhost"}).status_code == 200
        other = http.post("/workshops", data={"title": "よそから", "center": "", "date": ""},
                          headers={"origin": "http://attacker.example"})
        assert other.status_code == 403
        assert other.text.strip() == "cross-origin request refused"
        photo = http.post(f"/w/{site.fresh}/photos", content=jpeg(),
                          headers={"origin": "http://attacker.example",
                                   "content-type": "image/jpeg"})
        assert photo.status_code == 403
        assert photo.text.strip() == "cross-origin request refused"


def test_new_workshop_form(site: Site) -> None:
    """README: POST /workshops (title, center, date; facilitator only): 303 to
    /w/<code>/facilitate, or to /?error=<code> with the refusal."""
    own = {"origin": site.base}
    with site.http(key=True) as http:
        made = http.post("/workshops", headers=own,
                         data={"title": "フォームの会", "center": "西部", "date": DATE})
        assert made.status_code == 303
        found = re.search(r"/w/([0-9a-z]+)/facilitate$", made.headers["location"])
        assert found, made.headers["location"]
        assert "フォームの会" in http.get(f"/w/{found.group(1)}/facilitate").text
        refused = http.post("/workshops", headers=own,
                            data={"title": "", "center": "", "date": ""})
        assert refused.status_code == 303
        assert re.search(r"/\?error=\w+$", refused.headers["location"])
    with site.http() as http:
        stranger = http.post("/workshops", headers={**own, **JSON},
                             data={"title": "鍵なし", "center": "", "date": ""})
        json_error(stranger, 403, "need_key")


def test_the_new_workshop_refusal_is_a_sentence(site: Site) -> None:
    """README: POST /workshops answers 303 to /?error=<code> with the refusal; the rules of
    the house: bad input gets a clear, human-readable error. The home page then says it in
    words, every number filled in (a title is at most TITLE_MAX_CHARS, 60)."""
    own = {"origin": site.base}
    with site.http(key=True) as http:
        for data, words in (({"title": "", "center": "", "date": ""}, None),
                            ({"title": "長" * 61, "center": "", "date": ""}, "60"),
                            ({"title": "日付", "center": "", "date": "2026-13-01"}, None)):
            refused = http.post("/workshops", headers=own, data=data)
            assert refused.status_code == 303
            page = http.get(refused.headers["location"]).text
            said = re.search(r'class="form-error"[^>]*>([^<]+)<', page)
            assert said and said.group(1).strip(), page[:300]
            assert "{" not in said.group(1), said.group(1)
            if words:
                assert words in said.group(1), said.group(1)


def test_a_workshop_made_beside_the_server_is_served_at_once(site: Site) -> None:
    """README: `yoriai new` — a running server serves it at once."""
    code = site.new("あとから作った会")
    with site.http() as http:
        answer = http.get(f"/w/{code}")
    assert answer.status_code == 200
    assert "あとから作った会" in answer.text


def test_page_errors_are_json_or_a_page(site: Site) -> None:
    """README: the codes need_key, unknown_workshop, unknown_format (params.known lists the
    formats in one string), no_wifi_qr, unknown_photo, unknown_map; a page in the visitor's language
    otherwise, with the same status."""
    hexa = "0" * 64
    with site.http() as http, site.http(key=True) as fac:
        json_error(http.get(f"/w/{site.fresh}/export/pdf", headers=JSON), 403, "need_key")
        json_error(http.get("/w/zzzz9999", headers=JSON), 404, "unknown_workshop")
        json_error(http.get("/w/zzzz9999/screen", headers=JSON), 404, "unknown_workshop")
        unknown = json_error(fac.get(f"/w/{site.fresh}/export/doc", headers=JSON), 404,
                             "unknown_format")
        assert unknown["params"]["known"] == ", ".join(FORMATS)
        # the server was started without --wifi and this workshop names none
        json_error(http.get(f"/w/{site.fresh}/wifi.svg", headers=JSON), 404, "no_wifi_qr")
        json_error(fac.get(f"/w/{site.fresh}/photos/{hexa}.jpg", headers=JSON), 404,
                   "unknown_photo")
        json_error(http.get(f"/w/{site.fresh}/map/{hexa}.jpg", headers=JSON), 404,
                   "unknown_map")
        json_error(http.get(f"/w/{site.fresh}/map/{hexa}-phone.jpg", headers=JSON), 404,
                   "unknown_map")
        page = http.get("/w/zzzz9999", headers={"accept": "text/html", "accept-language": "en"})
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert re.search(r'<html[^>]*lang="en"', page.text)
        page_ja = http.get("/w/zzzz9999", headers={"accept": "text/html,application/json",
                                                    "accept-language": "ja"})
        assert page_ja.status_code == 404
        assert page_ja.headers["content-type"].startswith("text/html")
        assert re.search(r'<html[^>]*lang="ja"', page_ja.text)


def test_no_page_refers_to_anything_outside_the_lan(site: Site) -> None:
    """README: nothing leaves the room's network: no CDN, no web fonts, no analytics."""
    with site.http() as http, site.http(key=True) as fac:
        pages = [http.get("/"), fac.get("/"), http.get("/join?code=x")]
        for code in (site.demo, site.fresh):
            pages += [http.get(f"/w/{code}"), http.get(f"/w/{code}/screen"),
                      http.get(f"/w/{code}/handout"), fac.get(f"/w/{code}/facilitate"),
                      http.get(f"/w/{code}/qr.svg")]
        for answer in pages:
            assert answer.status_code == 200, answer.url
            assert external_urls(answer.text, site.base) == [], answer.url


# --- exports --------------------------------------------------------------------------------


def disposition(answer: httpx.Response) -> tuple[str, str]:
    """(filename*, filename) of an RFC 6266 Content-Disposition."""
    header = answer.headers["content-disposition"]
    star = re.search(r"filename\*=UTF-8''([^;\s]+)", header, re.I)
    plain = re.search(r'filename="([^"]+)"', header)
    assert star and plain, header
    assert header.lower().startswith("attachment"), header
    return unquote(star.group(1)), plain.group(1)


@pytest.fixture(scope="module")
def demo_exports(site: Site) -> dict[str, httpx.Response]:
    with site.http(key=True) as http:
        return {fmt: http.get(f"/w/{site.demo}/export/{fmt}") for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_export_is_named_and_typed(site: Site, demo_exports: dict[str, httpx.Response],
                                        fmt: str) -> None:
    """README's format table: the file names YYYY-MM-DD-<title>-計画/付箋/アーカイブ.<ext>, as
    RFC 6266 filename* (UTF-8) with an ASCII filename naming the code
    (YYYY-MM-DD-<code>-plan.<ext>, -board for svg and png, -archive for json)."""
    answer = demo_exports[fmt]
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"].split(";")[0].strip() == TYPES[fmt]
    utf8, ascii_name = disposition(answer)
    title = "【デモ】西部地域 みらいのまちづくりワークショップ"
    assert utf8 == f"{DATE}-{title}-{WORD.get(fmt, '計画')}.{EXT[fmt]}"
    assert ascii_name == f"{DATE}-{site.demo}-{ASCII_WORD.get(fmt, 'plan')}.{EXT[fmt]}"
    assert answer.content


def test_the_title_loses_what_a_file_system_refuses(site: Site) -> None:
    """README: `<>:"/\\|?*` become `_`; runs of spaces become one."""
    with site.http(key=True) as http:
        answer = http.get(f"/w/{site.fresh}/export/md")
    utf8, _ = disposition(answer)
    assert utf8 == f"{DATE}-写真の会 3_4-計画.md"


def test_export_contents(site: Site, demo_exports: dict[str, httpx.Response]) -> None:
    """README: html carries its CSS inside and fetches nothing; pdf embeds a subset of
    IPAexGothic; docx is Word with real headings and tables and the chart as a picture; csv is
    UTF-8 with BOM, one row per thing with its kind (種別) first, and with a map the columns
    地図の番号; svg and png are the board; md is text; the PDCA parts are in the plan."""
    html = demo_exports["html"].text
    assert "<style" in html
    assert not re.search(r'<link[^>]+href=|<script[^>]+src=|<img[^>]+src="(?!data:)', html)
    for part in ("PLAN", "DO", "CHECK", "ACT", "参画の記録"):
        assert part in html, part
    pdf = demo_exports["pdf"].content
    assert pdf.startswith(b"%PDF-")
    assert b"IPAexGothic" in pdf
    docx = zipfile.ZipFile(io.BytesIO(demo_exports["docx"].content))
    document = docx.read("word/document.xml").decode()
    assert "<w:tbl>" in document and "Heading" in document
    assert any(name.startswith("word/media/") for name in docx.namelist())
    csv = demo_exports["csv"].content
    assert csv.startswith(b"\xef\xbb\xbf")
    header = csv.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[0] == "種別"
    assert "地図の番号" in header
    assert re.search(r"<svg[^>]*>", html[html.index("参画の記録"):])  # the chart beside it
    svg = demo_exports["svg"].text
    size = re.search(r'<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"', svg)
    assert size, svg[:300]
    png = demo_exports["png"].content
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # README: png is the same picture: the board's proportions
    width, height = Image.open(io.BytesIO(png)).size
    assert abs(width / height - float(size.group(1)) / float(size.group(2))) < 0.01
    md = demo_exports["md"].text
    assert "【デモ】西部地域 みらいのまちづくりワークショップ" in md
    for fmt in ("html", "md", "csv", "svg"):
        assert external_urls(demo_exports[fmt].text, site.base) == [], fmt
    for name in docx.namelist():
        if name.endswith(".xml") or name.endswith(".rels"):
            text = docx.read(name).decode("utf-8", "replace")
            # relationship types and schema names are identifiers, never fetched
            text = re.sub(r'(Type|xmlns(:\w+)?|Requires)="[^"]*"', "", text)
            text = re.sub(r"<[a-z]+:[A-Za-z]+ [^>]*schemas[^>]*>", "", text)
            assert "TargetMode=\"External\"" not in text, name


def test_the_demo_map(site: Site, demo_exports: dict[str, httpx.Response]) -> None:
    """README: `yoriai demo --map` pins the 43 notes that name a place on a drawn map; its
    image is served to anyone from /w/<code>/map/<sha256>.jpg, the phones' copy of at most
    1,600 px from /w/<code>/map/<sha256>-phone.jpg (only the current map's hash); the csv's
    note rows gain 地図の番号."""
    events = demo_exports["json"].json()["events"]
    [added] = [e["data"] for e in events if e["type"] == "MapAdded"]
    digest = added["hash"]
    with site.http() as http:
        whole = http.get(f"/w/{site.demo}/map/{digest}.jpg")
        phone = http.get(f"/w/{site.demo}/map/{digest}-phone.jpg")
        json_error(http.get(f"/w/{site.fresh}/map/{digest}.jpg", headers=JSON), 404,
                   "unknown_map")
    assert whole.status_code == phone.status_code == 200
    assert hashlib.sha256(whole.content).hexdigest() == digest
    big = Image.open(io.BytesIO(whole.content))
    small = Image.open(io.BytesIO(phone.content))
    assert big.format == small.format == "JPEG"
    assert max(small.size) <= 1600 and max(big.size) > 1600
    rows = list(csv.reader(io.StringIO(demo_exports["csv"].content.decode("utf-8-sig"))))
    column = rows[0].index("地図の番号")
    assert len([r for r in rows[1:] if r[column].strip()]) == 43


def test_names_only_of_those_who_agreed(demo_exports: dict[str, httpx.Response]) -> None:
    """README: names appear only for people who ticked 「まとめの資料に名前をのせてもよい」;
    everyone else is a count (the csv: a name only if they agreed; votes without names)."""
    events = demo_exports["json"].json()["events"]
    people = [e["data"] for e in events if e["type"] == "ParticipantJoined"]
    shown = {p["name"] for p in people if p["show_name"]}
    texts = " ".join(json.dumps(e["data"], ensure_ascii=False) for e in events
                     if e["type"] != "ParticipantJoined")
    # a hidden name that is (part of) the name of someone who agreed (林さん in 小林さん), or
    # that a note happens to contain, cannot tell anything apart: only the others are looked for
    hidden = {p["name"] for p in people if not p["show_name"]}
    hidden = {name for name in hidden
              if name not in texts and not any(name in other for other in shown)}
    assert hidden and shown
    docx = zipfile.ZipFile(io.BytesIO(demo_exports["docx"].content))
    outputs = {fmt: demo_exports[fmt].text for fmt in ("html", "md", "csv", "svg")}
    outputs["docx"] = docx.read("word/document.xml").decode()
    for fmt, text in outputs.items():
        leaked = sorted(name for name in hidden if name in text)
        assert leaked == [], (fmt, leaked)
    assert any(name in outputs["html"] for name in shown)


def test_the_csv_has_a_row_for_each_thing(demo_exports: dict[str, httpx.Response]) -> None:
    """README: the csv has every theme, note, vote (without names), proposal, action,
    volunteer and review, one row each with its kind (種別) first."""
    events = demo_exports["json"].json()["events"]
    made = {kind: sum(1 for e in events if e["type"] == kind) for kind in (
        "ThemeCreated", "NotePosted", "VoteCast", "ProposalWritten", "ActionCreated",
        "Volunteered", "ReviewPosted")}
    assert not any(e["type"] in ("NoteDeleted", "VoteRetracted", "Withdrawn", "ThemeDeleted",
                                 "ReviewDeleted", "ParticipantRemoved") for e in events)
    rows = list(csv.reader(io.StringIO(demo_exports["csv"].content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    counts: dict[str, int] = {}
    for row in body:
        counts[row[0]] = counts.get(row[0], 0) + 1
    expected = {"テーマ": made["ThemeCreated"], "付箋": made["NotePosted"],
                "共感": made["VoteCast"], "計画案": made["ProposalWritten"],
                "取り組み": made["ActionCreated"], "担い手": made["Volunteered"],
                "振り返り": made["ReviewPosted"]}
    assert {k: counts.get(k, 0) for k in expected} == expected
    name = header.index("名前")
    assert all(not row[name] for row in body if row[0] == "共感")


def test_an_archive_naming_a_map_without_its_image_is_refused(
        demo_exports: dict[str, httpx.Response], tmp_path: Path) -> None:
    """README: the archive carries the map (an archive naming a map without its image is
    refused)."""
    arch = demo_exports["json"].json()
    [added] = [e["data"] for e in arch["events"] if e["type"] == "MapAdded"]
    assert added["hash"] in {p["hash"] for p in arch["photos"]}
    arch["photos"] = [p for p in arch["photos"] if p["hash"] != added["hash"]]
    if not arch["photos"]:
        del arch["photos"]
    arch["checksum"]["value"] = checksum_of(arch)
    path = tmp_path / "no-map.json"
    path.write_text(json.dumps(arch, ensure_ascii=False), encoding="utf-8")
    data = tmp_path / "data"
    done = run("import", str(path), data=data)
    assert done.returncode == 2, done
    assert len(done.stderr.decode().strip().splitlines()) == 1
    assert "Traceback" not in done.stderr.decode()
    assert not (data / "photos").exists() or not list((data / "photos").iterdir())


def checksum_of(archive: dict[str, Any]) -> str:
    """README: SHA-256 (lower-case hex) of the events list as compact JSON (keys sorted,
    separators , and :, non-ASCII as they are, UTF-8), followed, when there are photos, by a
    newline and the photos list as compact JSON the same way but with non-ASCII escaped."""
    text = json.dumps(archive["events"], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    if archive.get("photos"):
        text += "\n" + json.dumps(archive["photos"], sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_the_archive_is_as_described(demo_exports: dict[str, httpx.Response],
                                     site: Site) -> None:
    """README: one JSON object with format, version, workshop (code, title, center, date,
    meetings, seq, the number of events, exported_at), events [{seq, type, data, at, actor}],
    and checksum {algorithm: sha256, value}; protocol §9: photos [{hash, data}] (the demo
    evening has some); a workshop on the default program is version 3."""
    archive = demo_exports["json"].json()
    assert archive["format"] == "yoriai-archive"
    assert archive["version"] == 3
    for photo in archive["photos"]:
        assert hashlib.sha256(base64.b64decode(photo["data"])).hexdigest() == photo["hash"]
    workshop = archive["workshop"]
    assert {"code", "title", "center", "date", "meetings", "seq", "events",
            "exported_at"} <= set(workshop)
    assert workshop["code"] == site.demo
    events = archive["events"]
    assert workshop["events"] == len(events)
    assert workshop["seq"] == events[-1]["seq"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert all(set(e) == {"seq", "type", "data", "at", "actor"} for e in events)
    assert archive["checksum"]["algorithm"] == "sha256"
    assert archive["checksum"]["value"] == checksum_of(archive)


# --- photos (docs/protocol.md §9) ------------------------------------------------------------


def jpeg(width: int = 300, height: int = 200, colour: tuple[int, int, int] = (200, 40, 40),
         exif: bool = False, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    image.paste((20, 20, 220), (0, 0, width // 3, height // 4))  # a corner to tell which way
    tags = Image.Exif()
    if exif:
        tags[0x013B] = "持ち主の名前"  # Artist
        tags[0x010F] = "Camera Maker"  # Make
        tags[0x8825] = {1: "N", 2: (39.0, 43.0, 12.0), 3: "E", 4: (140.0, 6.0, 9.0)}  # GPS
    if orientation is not None:
        tags[0x0112] = orientation
    out = io.BytesIO()
    extra: dict[str, Any] = {}
    if exif:  # the rest a camera or an editor leaves: a colour profile and XMP
        extra["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        extra["xmp"] = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">XMP-OWNER</x:xmpmeta>'
    image.save(out, "JPEG", exif=tags.tobytes() if len(tags) else b"", **extra)
    return out.getvalue()


def upload(site: Site, code: str, body: bytes, *, caption: str | None = None,
           key: bool = True, token: str | None = None,
           content_type: str = "image/jpeg") -> httpx.Response:
    headers = {"content-type": content_type, "origin": site.base, **JSON}
    if token is not None:
        headers["x-yoriai-token"] = token
    params = {"caption": caption} if caption is not None else None
    with site.http(key=key) as http:
        return http.post(f"/w/{code}/photos", content=body, params=params, headers=headers)


def archive_of(site: Site, code: str) -> dict[str, Any]:
    with site.http(key=True) as http:
        answer = http.get(f"/w/{code}/export/json")
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def test_a_photo_is_kept_upright_small_and_without_metadata(site: Site) -> None:
    """§9: turned upright by its EXIF orientation, shrunk to at most PHOTO_LONG_SIDE_PX, kept
    as a new JPEG with no metadata at all in photos/<sha256 of those bytes>.jpg; the answer is
    {hash, seq, width, height, bytes}; the same photo twice is one photo (no new event)."""
    code = site.new("写真を撮る会")
    # 3000×1000 stored sideways (orientation 6: turn 90° clockwise to view)
    body = jpeg(3000, 1000, exif=True, orientation=6)
    answer = upload(site, code, body, caption="3班の模造紙")
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert set(got) >= {"hash", "seq", "width", "height", "bytes"}
    assert got["height"] == PHOTO_LONG_SIDE_PX
    assert abs(got["width"] - PHOTO_LONG_SIDE_PX / 3) <= 1, got
    assert re.fullmatch(r"[0-9a-f]{64}", got["hash"])
    stored = site.data / "photos" / f"{got['hash']}.jpg"
    kept = stored.read_bytes()
    assert hashlib.sha256(kept).hexdigest() == got["hash"]
    assert len(kept) == got["bytes"]
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    assert image.size == (got["width"], got["height"])
    assert not image.getexif()
    assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(image.info)
    assert b"Exif" not in kept and "持ち主".encode() not in kept and b"Camera Maker" not in kept
    assert b"XMP-OWNER" not in kept and b"ICC_PROFILE" not in kept and b"xmpmeta" not in kept
    assert b"XMP-OWNER" in body and b"ICC_PROFILE" in body  # they were there to take away
    # upright: the blue corner, top-left as drawn, is top-right once turned clockwise
    r, g, b = image.convert("RGB").getpixel((got["width"] - 5, 5))  # type: ignore[misc]
    assert b > 150 and r < 100, (r, g, b)
    with site.http(key=True) as fac, site.http() as http:
        served = fac.get(f"/w/{code}/photos/{got['hash']}.jpg")
        assert served.status_code == 200 and served.content == kept
        assert served.headers["content-type"] == "image/jpeg"
        json_error(http.get(f"/w/{code}/photos/{got['hash']}.jpg", headers=JSON), 403,
                   "need_key")
        # only a photo of that workshop: another workshop's address does not serve it
        json_error(fac.get(f"/w/{site.fresh}/photos/{got['hash']}.jpg", headers=JSON), 404,
                   "unknown_photo")
    events = archive_of(site, code)["events"]
    again = upload(site, code, body, caption="もう一度")
    assert again.status_code == 200, again.text
    assert again.json()["hash"] == got["hash"]
    assert len(archive_of(site, code)["events"]) == len(events)


def test_photo_refusals_store_and_record_nothing(site: Site) -> None:
    """§9's table of refusals: need_key, not_an_image (text, empty, truncated JPEG, another
    format), photo_too_large past PHOTO_UPLOAD_MAX_BYTES, photo_too_many_pixels past
    PHOTO_PIXELS_MAX, caption_too_long past PHOTO_CAPTION_MAX_CHARS (80 is fine)."""
    code = site.new("断る写真の会")
    before = archive_of(site, code)["events"]
    files = set((site.data / "photos").glob("*")) if (site.data / "photos").exists() else set()
    json_error(upload(site, code, jpeg(), key=False), 403, "need_key")
    # §9: who sends it is checked before the body is read: no key and a body over the
    # limit is still need_key, never photo_too_large
    json_error(upload(site, code, b"\0" * (PHOTO_UPLOAD_MAX_BYTES + 1), key=False), 403,
               "need_key")
    good = jpeg(320, 240, colour=(1, 2, 3))
    for body in (b"hello, not a picture", b"", good[: len(good) // 2],
                 b"BM" + b"\0" * 100):
        json_error(upload(site, code, body), 415, "not_an_image")
    # §9: the message in the page's language (?lang= remembered, else Accept-Language)
    with site.http(key=True) as http:
        for lang, kana in (("en", False), ("ja", True)):
            answer = http.post(f"/w/{code}/photos", content=b"text",
                               headers={"content-type": "image/jpeg", "origin": site.base,
                                        "accept-language": lang, **JSON})
            message = json_error(answer, 415, "not_an_image")["message"]
            assert bool(re.search(r"[\u3040-\u30ff]", message)) is kana, (lang, message)
    too_big = json_error(upload(site, code, good + b"\0" * (PHOTO_UPLOAD_MAX_BYTES + 1 -
                                                             len(good))), 413,
                         "photo_too_large")
    assert too_big["params"]["max_mb"] == 15
    # a small PNG whose header claims one pixel more than the limit (10000 × 5001 > 50 MP)
    bomb = io.BytesIO()
    Image.new("1", (10000, 5001)).save(bomb, "PNG")
    pixels = json_error(upload(site, code, bomb.getvalue(), content_type="image/png"), 413,
                        "photo_too_many_pixels")
    assert pixels["params"]["max_mp"] == 50
    json_error(upload(site, code, good, caption="字" * (PHOTO_CAPTION_MAX_CHARS + 1)), 422,
               "caption_too_long")
    assert archive_of(site, code)["events"] == before
    now = set((site.data / "photos").glob("*")) if (site.data / "photos").exists() else set()
    assert now == files
    # at the limits: a caption of 80 characters; a body of exactly PHOTO_UPLOAD_MAX_BYTES
    assert upload(site, code, good, caption="字" * PHOTO_CAPTION_MAX_CHARS).status_code == 200
    padded = jpeg(321, 240)
    padded += b"\0" * (PHOTO_UPLOAD_MAX_BYTES - len(padded))
    assert upload(site, code, padded).status_code == 200


def test_png_webp_and_gif_are_taken_and_kept_as_jpeg(site: Site) -> None:
    """§9: the body may be JPEG, PNG, WebP or GIF; another format (BMP, TIFF) is
    not_an_image; what is kept is a JPEG."""
    code = site.new("いろいろな形式の会")
    for i, fmt in enumerate(("PNG", "WEBP", "GIF", "BMP", "TIFF")):
        body = io.BytesIO()
        Image.new("RGB", (90, 60), (10 * i, 200, 30)).save(body, fmt)
        answer = upload(site, code, body.getvalue(), content_type=f"image/{fmt.lower()}")
        if fmt in ("BMP", "TIFF"):
            json_error(answer, 415, "not_an_image")
            continue
        assert answer.status_code == 200, (fmt, answer.text)
        kept = (site.data / "photos" / f"{answer.json()['hash']}.jpg").read_bytes()
        assert Image.open(io.BytesIO(kept)).format == "JPEG", fmt


def test_photos_max_per_workshop(site: Site) -> None:
    """§9 and README: at most PHOTOS_MAX (40) per workshop; the next is 409 too_many_photos
    with params.max, and stores nothing."""
    code = site.new("四十枚の会")
    for i in range(PHOTOS_MAX):
        answer = upload(site, code, jpeg(64, 48, colour=(i * 5, 255 - i * 5, 7)))
        assert answer.status_code == 200, (i, answer.text)
    files = set((site.data / "photos").glob("*"))
    one_more = jpeg(64, 48, colour=(0, 0, 0))
    refused = json_error(upload(site, code, one_more), 409, "too_many_photos")
    assert refused["params"]["max"] == PHOTOS_MAX
    # decided before the body is read: what the body is does not matter
    json_error(upload(site, code, b"not a picture at all"), 409, "too_many_photos")
    assert set((site.data / "photos").glob("*")) == files
    assert len(archive_of(site, code)["photos"]) == PHOTOS_MAX


# --- a WebSocket client of its own (docs/protocol.md §1, §4, §5) ----------------------------


class Socket:
    """One WebSocket connection: sends, and keeps every message it is sent in order."""

    def __init__(self, conn: ClientConnection) -> None:
        self.conn = conn
        self.seen: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, site: Site, code: str, key: str | None = None,
                   token: str | None = None) -> Socket:
        conn = await connect(site.ws_url, origin=site.base)  # type: ignore[arg-type]
        sock = cls(conn)
        hello: dict[str, Any] = {"type": "hello", "workshop": code, "lang": "ja"}
        if key:
            hello["key"] = key
        if token:
            hello["token"] = token
        await sock.send(hello)
        await sock.wait(lambda m: m["type"] in ("snapshot", "events"))
        return sock

    async def send(self, msg: dict[str, Any]) -> None:
        await self.conn.send(json.dumps(msg, ensure_ascii=False))

    async def wait(self, match: Any, after: int = 0) -> dict[str, Any]:
        """The first message from index ``after`` on that matches, reading as needed."""
        async def read() -> dict[str, Any]:
            i = after
            while True:
                while i < len(self.seen):
                    if match(self.seen[i]):
                        return self.seen[i]
                    i += 1
                msg = json.loads(await self.conn.recv())
                self.seen.extend(msg["items"] if msg.get("type") == "batch" else [msg])
        return await asyncio.wait_for(read(), HANG)

    async def cmd(self, command: str, /, **args: Any) -> dict[str, Any]:
        command_id = "c-" + uuid.uuid4().hex
        while True:
            mark = len(self.seen)
            await self.send({"type": "cmd", "id": command_id, "name": command, "args": args})
            reply = await self.wait(lambda m: m.get("id") == command_id
                                    and m["type"] in ("ack", "error"), mark)
            if reply.get("code") != "slow_down":
                return reply
            # told to slow down: wait as long as the server said, then the same id (§5)
            await asyncio.sleep(float(reply.get("params", {}).get("seconds", 0.5)))

    async def close(self) -> None:
        await self.conn.close()


NOTES = ["冬の雪かきが大変", "雪かきの手伝いがほしい", "高齢者の雪かきを手伝う",
         "雪かき ボランティアを集める", "バスの本数が少ない", "バス停が遠い",
         "バスの本数を増やしたい", "公園がきれい", "図書館が静か"]


async def join(site: Site, code: str, name: str) -> tuple[Socket, str, str]:
    phone = await Socket.open(site, code)
    reply = await phone.cmd("join", name=name, attribute="住民", show_name=False)
    assert reply["type"] == "ack", reply
    await phone.wait(lambda m: m["type"] == "snapshot", len(phone.seen) - 1)
    return phone, reply["result"]["participant_id"], reply["result"]["token"]


def as_sets(groups: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(g) for g in groups}


async def test_suggestions_over_the_websocket(site: Site) -> None:
    """§10: the facilitator's console asks with {"type": "suggest", "table": null} and gets at
    once {"type": "suggestions", "table": null, "seq", "groups": [{note_ids, title}]}: groups
    of at least 3 unsorted notes, disjoint, at most 20, titled from their words; the same as
    `yoriai suggest` prints for those texts (README: what the console would make); a phone and
    the projector asking are refused with not_allowed (id null), an unknown table with
    unknown_table; after the notes change a new answer comes; stop ends them."""
    code = site.new("提案の会")
    fac = await Socket.open(site, code, key=site.key)
    screen = await Socket.open(site, code)
    phone, _pid, _token = await join(site, code, "佐藤")
    try:
        step = await fac.cmd("set_step", step="confirm")
        assert step["type"] in ("ack", "error"), step
        texts: dict[str, str] = {}
        for text in NOTES:
            reply = await phone.cmd("post_note", kind="wish", text=text)
            assert reply["type"] == "ack", reply
            texts[reply["result"]["note_id"]] = text
        mark = len(fac.seen)
        await fac.send({"type": "suggest", "table": None})
        answer = await fac.wait(lambda m: m["type"] == "suggestions", mark)
        assert answer["table"] is None and isinstance(answer["seq"], int)
        groups = answer["groups"]
        assert 0 < len(groups) <= 20
        ids = [n for g in groups for n in g["note_ids"]]
        assert len(ids) == len(set(ids)) and set(ids) <= set(texts)
        assert all(len(g["note_ids"]) >= 3 and g["title"] for g in groups)
        cli = run("suggest", "-", stdin=json.dumps(list(texts.values())).encode())
        assert cli.returncode == 0, cli.stderr.decode()
        printed = json.loads(cli.stdout)
        order = list(texts)
        assert as_sets([[order[i] for i in g] for g in printed["groups"]]) == \
            as_sets([g["note_ids"] for g in groups])
        by_members = {frozenset(g["note_ids"]): g["title"] for g in groups}
        for members, title in zip(printed["groups"], printed["titles"], strict=True):
            assert by_members[frozenset(order[i] for i in members)] == title
        # phones and the projector are refused, with id null
        for other in (phone, screen):
            mark = len(other.seen)
            await other.send({"type": "suggest", "table": None})
            error = await other.wait(lambda m: m["type"] == "error", mark)
            assert error["code"] == "not_allowed" and error["id"] is None, error
            assert not any(m["type"] == "suggestions" for m in other.seen)
        mark = len(fac.seen)
        await fac.send({"type": "suggest", "table": "k99"})
        error = await fac.wait(lambda m: m["type"] == "error", mark)
        assert error["code"] == "unknown_table" and error["id"] is None, error
        # ask again, then the notes change: a new answer, from a later seq, with the new note
        mark = len(fac.seen)
        await fac.send({"type": "suggest"})
        first = await fac.wait(lambda m: m["type"] == "suggestions", mark)
        assert as_sets([g["note_ids"] for g in first["groups"]]) == \
            as_sets([g["note_ids"] for g in groups])
        mark = len(fac.seen)
        added = await phone.cmd("post_note", kind="issue", text="雪かきの道具が足りない")
        assert added["type"] == "ack"
        newer = await fac.wait(lambda m: m["type"] == "suggestions", mark)
        assert newer["seq"] > first["seq"]
        assert any(added["result"]["note_id"] in g["note_ids"] for g in newer["groups"])
        # a note a moderator hides leaves the groups
        hidden = added["result"]["note_id"]
        mark = len(fac.seen)
        hid = await fac.cmd("hide_note", note_id=hidden)
        assert hid["type"] == "ack", hid
        later = await fac.wait(lambda m: m["type"] == "suggestions"
                               and m["seq"] >= hid["seq"], mark)
        assert all(hidden not in g["note_ids"] for g in later["groups"])
        # accepting one is create_theme with its note_ids: those notes are sorted now
        chosen = later["groups"][0]
        mark = len(fac.seen)
        made = await fac.cmd("create_theme", title=chosen["title"],
                             note_ids=chosen["note_ids"])
        assert made["type"] == "ack", made
        after = await fac.wait(lambda m: m["type"] == "suggestions"
                               and m["seq"] >= made["seq"], mark)
        left = {n for g in after["groups"] for n in g["note_ids"]}
        assert not left & set(chosen["note_ids"])
    finally:
        for sock in (fac, screen, phone):
            await sock.close()


async def test_only_the_facilitator_or_a_tsumugist_may_upload(site: Site) -> None:
    """§9: a participant's token who is not a つむぎすと gets 403 not_allowed (params.command
    add_photo); a つむぎすと's token uploads; add_photo over the WebSocket is refused
    (upload_only) from anyone; removing a photo leaves its file in the data folder. §10: a
    つむぎすと's console may ask for suggestions; {"stop": false} is an ask."""
    code = site.new("つむぎの会")
    fac = await Socket.open(site, code, key=site.key)
    phone, pid, token = await join(site, code, "鈴木")
    try:
        refused = json_error(upload(site, code, jpeg(50, 50), key=False, token=token), 403,
                             "not_allowed")
        assert refused["params"]["command"] == "add_photo"
        mark = len(phone.seen)
        granted = await fac.cmd("grant_cofacilitator", participant_id=pid)
        assert granted["type"] == "ack", granted
        welcome = await phone.wait(lambda m: m["type"] == "welcome", mark)
        assert welcome["role"] == "cofacilitator"
        await phone.wait(lambda m: m["type"] == "snapshot", mark)
        answer = upload(site, code, jpeg(50, 50), key=False, token=token)
        assert answer.status_code == 200, answer.text
        digest = answer.json()["hash"]
        for sock in (fac, phone):
            again = await sock.cmd("add_photo", hash=digest, caption="")
            assert again["type"] == "error" and again["code"] == "upload_only", again
        mark = len(phone.seen)
        await phone.send({"type": "suggest", "table": None, "stop": False})
        said = await phone.wait(lambda m: m["type"] in ("suggestions", "error"), mark)
        assert said["type"] == "suggestions" and said["groups"] == [], said
        removed = await fac.cmd("remove_photo", hash=digest)
        assert removed["type"] == "ack", removed
        assert (site.data / "photos" / f"{digest}.jpg").exists()
        with site.http(key=True) as http:
            json_error(http.get(f"/w/{code}/photos/{digest}.jpg", headers=JSON), 404,
                       "unknown_photo")
    finally:
        await fac.close()
        await phone.close()


# --- the archive with photos, and import ----------------------------------------------------


def test_an_archive_with_photos_imports_back_to_the_same_board(site: Site,
                                                               tmp_path: Path) -> None:
    """README: the checksum covers the photos (a newline and the photos list, non-ASCII
    escaped); §9: photos [{hash, data: base64}]; `yoriai import` restores the same code, state
    and seq and the photos; an archive whose photo does not match its hash is refused with
    the whole archive, nothing written."""
    code = site.new("持っていく会")
    photo = upload(site, code, jpeg(120, 90, exif=True), caption="会場の様子")
    assert photo.status_code == 200, photo.text
    archive = archive_of(site, code)
    assert archive["version"] == 3
    assert archive["checksum"]["value"] == checksum_of(archive)
    [entry] = archive["photos"]
    assert set(entry) == {"hash", "data"}
    assert hashlib.sha256(base64.b64decode(entry["data"])).hexdigest() == entry["hash"]
    assert entry["hash"] == photo.json()["hash"]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(archive, ensure_ascii=False), encoding="utf-8")
    other = tmp_path / "other"
    # a photo whose bytes do not match its hash, sealed again: refused, nothing written
    bad = json.loads(json.dumps(archive))
    bad["photos"][0]["data"] = base64.b64encode(jpeg(10, 10)).decode()
    bad["checksum"]["value"] = checksum_of(bad)
    bad_path = tmp_path / "bad.json"
    bad_path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    refused = run("import", str(bad_path), data=other)
    assert refused.returncode == 2, refused
    assert len(refused.stderr.decode().strip().splitlines()) == 1, refused.stderr.decode()
    assert "Traceback" not in refused.stderr.decode()
    assert not list((other / "photos").glob("*")) if (other / "photos").exists() else True
    assert run("export", code, "--format", "json", "-o", str(tmp_path / "x.json"),
               data=other).returncode != 0
    # a photo the workshop does not hold, or one that is not a JPEG (its hash right)
    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    for extra in (jpeg(12, 12), png.getvalue()):
        stray = json.loads(json.dumps(archive))
        stray["photos"].append({"hash": hashlib.sha256(extra).hexdigest(),
                                "data": base64.b64encode(extra).decode()})
        stray["checksum"]["value"] = checksum_of(stray)
        stray_path = tmp_path / "stray.json"
        stray_path.write_text(json.dumps(stray, ensure_ascii=False), encoding="utf-8")
        said = run("import", str(stray_path), data=other)
        assert said.returncode == 2, said
        assert len(said.stderr.decode().strip().splitlines()) == 1
        assert not (other / "photos").exists() or not list((other / "photos").iterdir())
    # the good one comes back whole
    done = run("import", str(path), data=other)
    assert done.returncode == 0, done.stderr.decode()
    assert (other / "photos" / f"{entry['hash']}.jpg").read_bytes() == \
        base64.b64decode(entry["data"])
    back = run("export", code, "--format", "json", "-o", str(tmp_path / "back.json"),
               data=other)
    assert back.returncode == 0, back.stderr.decode()
    again = json.loads((tmp_path / "back.json").read_text(encoding="utf-8"))
    assert again["events"] == archive["events"]
    assert again["photos"] == archive["photos"]
    assert again["workshop"]["seq"] == archive["workshop"]["seq"]
    assert again["checksum"]["value"] == archive["checksum"]["value"]
    for fmt in ("md", "csv"):
        with site.http(key=True) as http:
            here = http.get(f"/w/{code}/export/{fmt}").content
        out = tmp_path / f"back.{fmt}"
        assert run("export", code, "--format", fmt, "-o", str(out), data=other).returncode == 0
        assert out.read_bytes() == here, fmt


def test_export_from_a_terminal_beside_the_server(site: Site, tmp_path: Path) -> None:
    """README: `yoriai export` works beside a running server and writes what the download
    serves."""
    out = tmp_path / "plan.md"
    done = run("export", site.demo, "--format", "md", "-o", str(out), data=site.data)
    assert done.returncode == 0, done.stderr.decode()
    assert str(out) in done.stdout.decode()
    with site.http(key=True) as http:
        assert out.read_bytes() == http.get(f"/w/{site.demo}/export/md").content



async def test_the_newsletter_page_opens_as_readme_says(site: Site) -> None:
    """README: the page opens as a 会報 page does: the title as the headline (「PDCA」 only
    in the small label above it), the date and hours as people write them, a lead paragraph
    made from the record, the 次回 box and the contact line (`yoriai contact`, read at each
    export, no restart); protocol §2: GET /w/<code>/newsletter is {lead, generated_lead,
    contact} for the facilitator."""
    line = "問い合わせ：西部市民サービスセンター 018-000-0000"
    code = site.new("会報の会")
    fac = await Socket.open(site, code, key=site.key)
    try:
        for name, args in (("set_schedule", {"start": "19:00", "end": "21:00"}),
                           ("set_next_meeting", {"date": "2026-12-20", "time": "19:00",
                                                 "place": ""})):
            reply = await fac.cmd(name, **args)
            assert reply["type"] == "ack", reply
    finally:
        await fac.close()
    assert run("contact", line, data=site.data).returncode == 0
    try:
        with site.http(key=True) as http:
            facts = http.get(f"/w/{code}/newsletter").json()
            html = http.get(f"/w/{code}/export/html").text
            md = http.get(f"/w/{code}/export/md").text
    finally:
        assert run("contact", "", data=site.data).returncode == 0
    assert facts["lead"] == "" and facts["generated_lead"] and facts["contact"] == line
    body = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "|", html[html.index("<body"):]))
    headline = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert headline and headline.group(1).strip() == "会報の会"
    assert body.index("PDCA") < body.index("会報の会")
    assert "2026年11月20日（金）19:00〜21:00" in body
    assert facts["generated_lead"] in body
    assert "次回" in body and "2026年12月20日" in body
    assert body.index("次回") < body.index(line)
    # (README: in md the headline is the first line and the label the one under it)
    assert md.splitlines()[0] == "# 会報の会"
    label = next(ln for ln in md.splitlines()[1:] if ln.strip())
    assert "PDCA" in label and "PDCA" not in md.splitlines()[0]
    assert line in md and facts["generated_lead"] in md


def test_import_beside_the_running_server(site: Site, tmp_path: Path) -> None:
    """README: `yoriai new`, `import` and `export` work beside a running server (the
    imported workshop is then the server's to serve)."""
    arch = archive_of(site, site.fresh)
    arch["workshop"]["code"] = arch["events"][0]["data"]["code"] = "mukou2laptop"
    text = json.dumps(arch["events"], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    arch["checksum"]["value"] = hashlib.sha256(text.encode()).hexdigest()
    path = tmp_path / "moved.json"
    path.write_text(json.dumps(arch, ensure_ascii=False), encoding="utf-8")
    done = run("import", str(path), data=site.data)
    assert done.returncode == 0, done.stderr.decode()
    with site.http() as http:
        page = http.get("/w/mukou2laptop")
    assert page.status_code == 200
    assert TITLE in page.text


async def test_suggestions_for_a_table_and_never_for_its_host(site: Site) -> None:
    """§10: "table": "k2" asks for one table's notes (the answer names the table); a table
    host asking is refused (not_allowed, id null) and is sent no suggestions."""
    code = site.new("班の提案の会")
    fac = await Socket.open(site, code, key=site.key)
    phone, pid, _token = await join(site, code, "高橋")
    try:
        made = await fac.cmd("make_tables", by="mixed", count=1)
        assert made["type"] == "ack", made
        table = made["result"]["seats"][pid]
        mark = len(phone.seen)
        host = await fac.cmd("set_table_host", table_id=table, participant_id=pid)
        assert host["type"] == "ack", host
        welcome = await phone.wait(lambda m: m["type"] == "welcome", mark)
        assert welcome["role"] == "table_host"
        await phone.wait(lambda m: m["type"] == "snapshot", mark)
        mark = len(phone.seen)
        await phone.send({"type": "suggest", "table": table})
        error = await phone.wait(lambda m: m["type"] == "error", mark)
        assert error["code"] == "not_allowed" and error["id"] is None, error
        mark = len(fac.seen)
        await fac.send({"type": "suggest", "table": table})
        answer = await fac.wait(lambda m: m["type"] in ("suggestions", "error"), mark)
        assert answer["type"] == "suggestions" and answer["table"] == table, answer
        assert answer["groups"] == []  # no note was written at the table
        # the pong comes after everything sent to the phone before it: no suggestions
        mark = len(phone.seen)
        await phone.send({"type": "ping"})
        await phone.wait(lambda m: m["type"] == "pong", mark)
        assert not any(m["type"] == "suggestions" for m in phone.seen)
    finally:
        await fac.close()
        await phone.close()
