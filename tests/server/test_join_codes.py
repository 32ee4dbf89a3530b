"""Workshop codes as people type them (issue 11 item 6): in capitals, or full-width from a
phone keyboard in Japanese mode, in the address or in the bare address's code box; a code
that names nothing gets a readable page with the box again, never a bare 404. And the
facilitator's home page has a real date field.

Real server on loopback, real SQLite in tmp_path."""

from __future__ import annotations

import datetime
import re
import unicodedata
from urllib.parse import quote

import httpx

from tests.support import LiveServer

JA = {"Accept-Language": "ja"}


def full_width(text: str) -> str:
    """``text`` as a phone keyboard in Japanese mode types it (ＡＢＣ１２３)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def test_full_width_and_capital_codes_reach_the_workshop(live: LiveServer) -> None:
    code = live.new_workshop("冬の寄り合い")
    assert code.islower() or code.isdigit()
    typed = full_width(code.upper())
    assert unicodedata.normalize("NFKC", typed) == code.upper() and typed != code.upper()
    with httpx.Client(base_url=live.base, headers=JA) as http:
        for path in (f"/w/{quote(typed)}", f"/w/{code.upper()}", f"/w/{quote(typed)}/screen",
                     f"/w/{code.upper()}/handout"):
            moved = http.get(path)
            assert moved.status_code == 307, path
            target = moved.headers["location"]
            assert target.startswith(f"/w/{code}")  # the workshop's own address
            page = http.get(target)
            assert page.status_code == 200 and "冬の寄り合い" in page.text
        # The QR code and the downloads answer to any spelling too (no page to move).
        assert http.get(f"/w/{code.upper()}/qr.svg").status_code == 200
        # The query string goes along.
        moved = http.get(f"/w/{code.upper()}?preview=1")
        assert moved.headers["location"] == f"/w/{code}?preview=1"


def test_the_bare_address_shows_a_code_box_that_leads_to_the_workshop(
        live: LiveServer) -> None:
    code = live.new_workshop("冬の寄り合い")
    with httpx.Client(base_url=live.base, headers=JA) as http:
        home = http.get("/")
        assert home.status_code == 200
        assert "参加コードを入れる" in home.text and 'action="/join"' in home.text
        assert "冬の寄り合い" not in home.text and code not in home.text  # no list
        for typed in (code, code.upper(), full_width(code), f"  {full_width(code.upper())} "):
            reply = http.get("/join", params={"code": typed})
            assert reply.status_code == 303, typed
            assert reply.headers["location"] == f"/w/{code}"


def test_a_code_that_names_nothing_gets_the_box_again_with_a_readable_message(
        live: LiveServer) -> None:
    live.new_workshop()
    with httpx.Client(base_url=live.base, headers=JA) as http:
        for typed in ("zzzz99", "ＺＺＺ", "<script>x</script>", "あいうえお", "x" * 500):
            reply = http.get("/join", params={"code": typed})
            assert reply.status_code == 200  # the form's answer, a page like any other
            assert "見つかりません" in reply.text and 'action="/join"' in reply.text
            assert "<script>x" not in reply.text  # what was typed is shown as text
            assert "x" * 21 not in reply.text  # and not whole when it cannot be a code
        empty = http.get("/join", params={"code": "  "})
        assert empty.status_code == 200 and "参加コードを入れてください" in empty.text
        # An address with a code that names nothing is a readable page too.
        missing = http.get(f"/w/{quote('ＮＯＳＵＣＨ')}")
        assert missing.status_code == 404 and "見つかりません" in missing.text
        assert 'action="/join"' in missing.text  # with the box to type it again


def test_the_facilitator_still_sees_the_list_and_a_date_field_starting_today(
        live: LiveServer) -> None:
    code = live.new_workshop("冬の寄り合い")
    with httpx.Client(base_url=live.base, headers=JA) as http:
        before = datetime.date.today()
        home = http.get(f"/?key={live.key}", follow_redirects=True)
        after = datetime.date.today()  # a run across midnight may see either day
        assert home.status_code == 200 and code in home.text and "冬の寄り合い" in home.text
        field = re.search(r'<input id="new-date" name="date" type="date" value="([^"]*)"',
                          home.text)
        assert field and field.group(1) in {before.isoformat(), after.isoformat()}
        made = http.post("/workshops", data={"title": "春の会", "center": "中央",
                                             "date": "2027-04-18"})
        assert made.status_code == 303
        new_code = made.headers["location"].split("/")[2]
        assert re.search(rf"{new_code}</span>\s*· <span>2027-04-18<", http.get("/").text)
        bad = http.post("/workshops", data={"title": "春の会", "date": "18/04/2027"})
        assert bad.status_code == 303 and "error=bad_date" in bad.headers["location"]
        assert "日付は 2026-12-20 のように" in http.get(bad.headers["location"]).text
