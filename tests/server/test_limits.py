"""Limits with reasons: workshops per server are capped, and every server limit is documented
with its reason. (A slow phone being dropped is in test_connection.py, a person's extra
sockets in test_hub.py, floods in test_floods.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.support import LiveServer
from yoriai.facilitation.errors import Refusal
from yoriai.server import limits


async def test_workshops_per_server_are_capped(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "WORKSHOPS_MAX", 2)
    live.new_workshop("一")
    live.new_workshop("二")
    with pytest.raises(Refusal) as info:
        live.new_workshop("三")
    assert info.value.code == "too_many_workshops"
    async with httpx.AsyncClient(base_url=live.base) as http:
        await http.get(f"/?key={live.key}")
        reply = await http.post("/workshops", data={"title": "四"})
        assert reply.status_code == 303 and "error=too_many_workshops" in reply.headers["location"]
        home = await http.get(reply.headers["location"])
        assert "つくれません" in home.text  # said on the page, in words


def test_every_server_limit_is_documented_with_its_reason() -> None:
    """docs/protocol.md §8 lists the server's tunables beside the domain's (the domain's are
    checked in tests/facilitation/test_messages.py), each with its value and a reason, and
    each has its reason in a comment in yoriai/server/limits.py too."""
    root = Path(__file__).resolve().parents[2]
    protocol = (root / "docs" / "protocol.md").read_text("utf-8")
    source = (root / "yoriai" / "server" / "limits.py").read_text("utf-8")
    names = [n for n in vars(limits) if n.isupper()]
    assert len(names) > 20
    rows = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(
        r"^\| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \|$", protocol, re.M)}
    missing = [n for n in names if n not in rows]
    assert not missing, f"docs/protocol.md does not document {missing}"
    for name in names:
        value, why = rows[name]
        assert float(value.replace(",", "")) == float(getattr(limits, name)), name
        # A pair (rate and burst, per address and in all) shares the first one's reason.
        assert why.strip() == "as the line above" or len(why.split()) >= 5, \
            f"{name}: no reason in docs/protocol.md"
        # The assignment is preceded by a comment (its own, or its group's).
        before = source[:source.index(f"\n{name} = ")].rstrip().splitlines()
        assert any(line.startswith("#") for line in before[-3:]), f"{name}: no reason"
