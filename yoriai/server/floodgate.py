"""How much each sender may cost the server: one token bucket per person (shared by all
of their sockets), per client address for sockets that have not joined, a bucket of joins
per address, and a cap on the sockets that are not yet anyone's.

A phone on the community centre's Wi-Fi has an address of its own (the laptop is on the
same LAN, with no NAT between them), so "per address" means "per phone" for everything a
phone does before it has joined. See ``yoriai/server/limits.py`` for the values and the assumption.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from yoriai.facilitation.model import Actor, Role
from yoriai.server import limits

# The laptop's own browser (the console, the projector) reaches the server as localhost.
# Anything running on the laptop can read the data folder and the facilitator key anyway,
# so per-address limits would protect nothing there; and a phone can never come from it
# (Linux drops packets from the LAN that claim a loopback source).
LAPTOP_ADDRESSES = frozenset({"127.0.0.1", "::1"})

# Full buckets are forgotten (a full bucket is the same as a new one) whenever this many
# have been handed out since the last sweep: memory stays bounded by the senders of the
# last few seconds.
SWEEP_EVERY = 512


class TokenBucket:
    """``rate`` tokens a second up to ``burst``; refill is computed from the clock on use."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.stamp = burst, now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.stamp) * self.rate)
        self.stamp = max(self.stamp, now)

    def take(self, now: float) -> bool:
        self._refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def wait(self, now: float) -> float:
        """Seconds until the next token."""
        self._refill(now)
        return max(0.0, (1.0 - self.tokens) / self.rate)

    def full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.burst


class Buckets:
    """Token buckets by key, made on first use and forgotten once full again. ``limit``
    gives the rate and burst when a bucket is made (read from ``limits`` then, so that a
    test can lower them)."""

    def __init__(self, limit: Callable[[], tuple[float, float]]) -> None:
        self.limit = limit
        self._buckets: dict[str, TokenBucket] = {}
        self._handed = 0

    def get(self, key: str, now: float) -> TokenBucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            self._handed += 1
            if self._handed >= SWEEP_EVERY:
                self._handed = 0
                self._buckets = {k: b for k, b in self._buckets.items() if not b.full(now)}
            bucket = self._buckets[key] = TokenBucket(*self.limit(), now)
        return bucket

    def __len__(self) -> int:
        return len(self._buckets)


def is_laptop(address: str) -> bool:
    return address in LAPTOP_ADDRESSES


def address_key(address: str) -> str:
    """One key per address however it is written (an IPv4 address seen over IPv6 too)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


@dataclass
class Ticket:
    """One socket's place at the gate: whom it counts against until it is someone's."""

    address: str
    serial: int
    unjoined: bool = True


@dataclass
class Floodgate:
    """What the WebSocket endpoint asks before it reads, admits or lets a phone join."""

    people: Buckets = field(default_factory=lambda: Buckets(
        lambda: (limits.RATE_PER_SEC, limits.RATE_BURST)))
    facilitators: Buckets = field(default_factory=lambda: Buckets(
        lambda: (limits.FACILITATOR_RATE_PER_SEC, limits.FACILITATOR_RATE_BURST)))
    joins: Buckets = field(default_factory=lambda: Buckets(
        lambda: (limits.JOINS_PER_ADDRESS_PER_SEC, limits.JOINS_PER_ADDRESS_BURST)))
    connections: Buckets = field(default_factory=lambda: Buckets(
        lambda: (limits.CONNECTIONS_PER_ADDRESS_PER_SEC, limits.CONNECTIONS_PER_ADDRESS_BURST)))
    unjoined_by_address: dict[str, int] = field(default_factory=dict)
    unjoined_total: int = 0
    _serials: itertools.count[int] = field(default_factory=itertools.count)

    # --- TCP connections ------------------------------------------------------------------

    def may_connect(self, address: str, now: float) -> bool:
        """Whether a new TCP connection from ``address`` may be served (and is counted)."""
        address = address_key(address)
        return is_laptop(address) or self.connections.get(address, now).take(now)

    # --- sockets that are not yet anyone's -------------------------------------------------

    def admit(self, address: str) -> Ticket | None:
        """Count a new socket as unjoined, or None when its address (or the server) already
        holds as many unjoined sockets as it may. Sockets from the laptop itself count
        toward neither cap."""
        address = address_key(address)
        ticket = Ticket(address, next(self._serials))
        if is_laptop(address):
            ticket.unjoined = False
            return ticket
        here = self.unjoined_by_address.get(address, 0)
        if (here >= limits.UNJOINED_SOCKETS_PER_ADDRESS
                or self.unjoined_total >= limits.UNJOINED_SOCKETS_MAX):
            return None
        self.unjoined_by_address[address] = here + 1
        self.unjoined_total += 1
        return ticket

    def joined(self, ticket: Ticket) -> None:
        """The socket now speaks for someone (a token, the key, or a join): it no longer
        counts as unjoined."""
        if not ticket.unjoined:
            return
        ticket.unjoined = False
        left = self.unjoined_by_address[ticket.address] - 1
        if left:
            self.unjoined_by_address[ticket.address] = left
        else:
            del self.unjoined_by_address[ticket.address]
        self.unjoined_total -= 1

    release = joined  # a closed socket leaves the count the same way

    # --- rates -------------------------------------------------------------------------------

    def bucket(self, ticket: Ticket, workshop: str, actor: Actor, now: float) -> TokenBucket:
        """The bucket a socket's messages are taken from: the person's own, shared by all
        of their sockets; before joining, the address's (each socket its own from the
        laptop)."""
        if actor.role is Role.FACILITATOR:
            return self.facilitators.get("facilitator", now)
        if actor.participant_id is not None:
            return self.people.get(f"{workshop}/{actor.participant_id}", now)
        if is_laptop(ticket.address):
            return self.people.get(f"socket/{ticket.serial}", now)
        return self.people.get(f"address/{ticket.address}", now)

    def may_join(self, ticket: Ticket, now: float) -> float:
        """0 when a join from this socket's address may go ahead (and is counted), else
        the seconds until one may."""
        if is_laptop(ticket.address):
            return 0.0
        bucket = self.joins.get(ticket.address, now)
        return 0.0 if bucket.take(now) else bucket.wait(now)
