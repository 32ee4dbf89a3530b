"""What the running server knows about itself: where its data is, which addresses it
answers to, the URL phones should use, and the shared hub."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from yoriai.facilitation.model import Wifi

from .auth import Secrets
from .floodgate import Floodgate
from .hub import Hub
from .netinfo import LanAddress, is_loopback_host, lan_addresses
from .store import EventStore

DB_FILE = "yoriai.sqlite3"


@dataclass
class Settings:
    data_dir: Path
    host: str = "0.0.0.0"
    port: int = 8000
    # Extra host names the server answers to (a DNS name a centre has set up).
    extra_hosts: tuple[str, ...] = ()
    # The Wi-Fi phones should join, for every workshop that has not set its own
    # (``yoriai serve --wifi NAME --wifi-password PASS``, checked by venue.checked_wifi).
    wifi: Wifi | None = None
    # The cycle collector's full passes wait for a calm room (collector.py). Set by
    # ``yoriai serve``, whose process is the server's alone; off where a server shares its
    # process with other work (the tests' own), whose heap the passes would walk as well.
    calm_collector: bool = False


def host_only(netloc: str) -> str:
    """``host`` of ``host:port`` (IPv6 brackets kept off)."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1:].split("]")[0]
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


@dataclass
class AppContext:
    settings: Settings
    secrets: Secrets
    store: EventStore
    hub: Hub
    clock: Callable[[], float] = time.time
    lan: list[LanAddress] = field(default_factory=list)
    hosts: frozenset[str] = frozenset()
    # Who may send how much over the WebSocket (rates, joins, sockets not yet anyone's).
    floodgate: Floodgate = field(default_factory=Floodgate)

    def __post_init__(self) -> None:
        names = {"localhost", "127.0.0.1", "::1", self.settings.host.lower()}
        names.update(a.ip for a in self.lan)
        hostname = socket.gethostname().lower()
        names.update({hostname, f"{hostname}.local"})
        names.update(h.lower() for h in self.settings.extra_hosts)
        self.hosts = frozenset(names)

    @classmethod
    def build(cls, settings: Settings, clock: Callable[[], float] = time.time) -> AppContext:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = EventStore(settings.data_dir / DB_FILE)
        hub = Hub(store, clock)
        hub.default_wifi = settings.wifi
        return cls(settings=settings, secrets=Secrets(settings.data_dir), store=store,
                   hub=hub, clock=clock, lan=lan_addresses())

    @property
    def public_host(self) -> str:
        """The host phones are sent to: the bound address if it is a LAN one, else the
        most likely LAN address, else (bound to loopback) the loopback address."""
        host = self.settings.host
        if host not in ("0.0.0.0", "::", "") and not is_loopback_host(host):
            return host
        if host in ("0.0.0.0", "::", "") and self.lan:
            return self.lan[0].ip
        return "127.0.0.1" if host in ("0.0.0.0", "::", "", "localhost") else host

    @property
    def public_base(self) -> str:
        return f"http://{self.public_host}:{self.settings.port}"

    def join_url(self, code: str) -> str:
        return f"{self.public_base}/w/{code}"

    def host_allowed(self, host_header: str | None) -> bool:
        """DNS rebinding defence: answer only to names and addresses that are ours."""
        if not host_header:
            return False
        return host_only(host_header) in self.hosts

    def origin_allowed(self, origin: str | None, host_header: str | None) -> bool:
        """Cross-site WebSocket hijacking defence: a browser always sends Origin; it must
        be this very server. Clients that are not browsers send none."""
        if origin is None:
            return True
        parts = urlsplit(origin)
        return (parts.scheme in ("http", "https") and host_header is not None
                and parts.netloc.lower() == host_header.lower()
                and self.host_allowed(parts.netloc))
