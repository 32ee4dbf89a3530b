"""The console's downloads (facilitator only) and the join handout, from the real app."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest

from tests.support import LiveServer
from yoriai.exports.archive import read_archive
from yoriai.exports.registry import EXPORTERS

from .conftest import Evening
from .helpers import data_folder_with, read_html


@pytest.fixture(scope="module")
def server(evening: Evening, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data = data_folder_with(tmp_path_factory.mktemp("served"), "sample1", list(evening.log))
    live = LiveServer(data).start()
    yield live
    live.stop()


def facilitator(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.base, cookies={"yoriai_key": server.key}, timeout=30)


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_facilitator_downloads_each_format(server: LiveServer, evening: Evening,
                                           fmt: str) -> None:
    with facilitator(server) as client:
        response = client.get(f"/w/sample1/export/{fmt}")
    assert response.status_code == 200
    e = EXPORTERS[fmt]
    assert response.headers["content-type"].split(";")[0] == e.media_type.split(";")[0]
    # Named by date and title (RFC 6266 filename*), with the code in the ASCII fallback.
    kind = {"svg": "付箋", "png": "付箋", "json": "アーカイブ"}.get(fmt, "計画")
    ascii_kind = {"svg": "board", "png": "board", "json": "archive"}.get(fmt, "plan")
    date, title = evening.data["workshop"]["date"], evening.data["workshop"]["title"]
    name = quote(f"{date}-{title}-{kind}.{e.extension}")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{date}-sample1-{ascii_kind}.{e.extension}"; '
        f"filename*=UTF-8''{name}")
    assert response.headers["cache-control"] == "no-store"
    if fmt == "json":
        restored = read_archive(response.content)
        assert restored.state == evening.state
    elif fmt == "html":
        assert ("h1", evening.data["workshop"]["title"]) in read_html(response.content).headings
    elif fmt == "pdf":
        assert response.content.startswith(b"%PDF-")


def test_downloads_need_the_facilitator_cookie(server: LiveServer) -> None:
    for fmt in ("pdf", "json", "nope"):
        response = httpx.get(f"{server.base}/w/sample1/export/{fmt}")
        assert response.status_code == 403
        assert "attachment" not in response.headers.get("content-disposition", "")
    response = httpx.get(f"{server.base}/w/sample1/export/pdf",
                         cookies={"yoriai_key": "wrong"})
    assert response.status_code == 403


def test_unknown_format_or_workshop_is_404(server: LiveServer) -> None:
    with facilitator(server) as client:
        assert client.get("/w/sample1/export/xls").status_code == 404
        assert client.get("/w/nosuch/export/pdf").status_code == 404


def test_handout_is_a_print_page_within_the_csp(server: LiveServer) -> None:
    response = httpx.get(f"{server.base}/w/sample1/handout")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp
    body = response.text
    assert "<style" not in body and "style=" not in body and "<script" not in body
    page = read_html(response.content)
    join = server.ctx.join_url("sample1")
    assert "/w/sample1/qr.svg" in page.external
    host, _, code = join.rpartition("/w/")
    assert host in page.text and code in page.text
    steps = re.findall(r"<li>(.*?)</li>", body)
    assert len(steps) == 3 and "QRコード" in steps[0] and "参加する" in steps[2]
    sheet = next(href for href in page.external if href.endswith("/css/handout.css"))
    css = httpx.get(server.base + sheet)
    assert css.status_code == 200 and "@page" in css.text and "A4" in css.text
    assert httpx.get(f"{server.base}/w/sample1/qr.svg").status_code == 200
    assert httpx.get(f"{server.base}/w/nosuch/handout").status_code == 404



def test_the_console_offers_every_format() -> None:
    from yoriai.exports.registry import EXPORTERS
    from yoriai.server.pages import EXPORT_FORMATS

    assert set(EXPORT_FORMATS) == set(EXPORTERS)
