"""Which address the projector and the terminal offer to phones."""

from __future__ import annotations

from pathlib import Path

from yoriai.server.context import AppContext, Settings
from yoriai.server.netinfo import LanAddress, is_loopback_host, lan_addresses


def ranked(*addresses: LanAddress) -> list[str]:
    return [a.ip for a in sorted(addresses, key=lambda a: (a.rank, a.ip))]


def test_the_rooms_wifi_comes_before_containers_and_vpns() -> None:
    order = ranked(LanAddress("172.17.0.1", "docker0"), LanAddress("10.8.0.2", "tun0"),
                   LanAddress("192.168.1.23", "wlan0"), LanAddress("10.0.0.5", "eth0"))
    assert order == ["192.168.1.23", "10.0.0.5", "10.8.0.2", "172.17.0.1"]


def test_loopback_is_never_offered() -> None:
    assert all(not a.ip.startswith("127.") for a in lan_addresses())
    assert is_loopback_host("127.0.0.1") and is_loopback_host("localhost")
    assert not is_loopback_host("192.168.1.23") and not is_loopback_host("0.0.0.0")


def test_phones_are_sent_a_lan_address_even_when_the_page_is_localhost(tmp_path: Path) -> None:
    ctx = AppContext.build(Settings(data_dir=tmp_path, host="0.0.0.0", port=8123))
    ctx.lan = [LanAddress("192.168.1.23", "wlan0")]
    assert ctx.join_url("abc234") == "http://192.168.1.23:8123/w/abc234"
    bound = AppContext.build(Settings(data_dir=tmp_path, host="192.168.5.9", port=80))
    assert bound.join_url("abc234") == "http://192.168.5.9:80/w/abc234"
    alone = AppContext.build(Settings(data_dir=tmp_path, host="127.0.0.1", port=8000))
    assert alone.join_url("abc234") == "http://127.0.0.1:8000/w/abc234"
