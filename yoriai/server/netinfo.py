"""Which addresses phones can reach this laptop on.

Phones must be sent a LAN address, never ``localhost``: the projector page may have been
opened as ``localhost`` but the QR code it shows is read by a phone. We list IPv4
addresses with their interface names (Linux: from the kernel; elsewhere: from the routing
table and the host name) and rank them so that the one most likely on the room's Wi-Fi
comes first. Nothing here sends a packet.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import struct
import sys
from dataclasses import dataclass

# Interface names that are never the room's Wi-Fi: containers, VPNs, virtual machines.
VIRTUAL_PREFIXES = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "tun", "tap", "wg",
                    "utun", "zt", "tailscale", "lxc", "lxd", "podman", "cni", "flannel")


@dataclass(frozen=True)
class LanAddress:
    ip: str
    interface: str

    @property
    def rank(self) -> tuple[int, int]:
        """Lower is more likely reachable from phones in the room."""
        ip = ipaddress.ip_address(self.ip)
        virtual = self.interface.startswith(VIRTUAL_PREFIXES)
        wifi = self.interface.startswith(("wl", "en", "eth", "Wi-Fi", "Ethernet"))
        # Home and pocket routers hand out 192.168.x.x; 172.16/12 is typical of containers.
        typical = 0 if ip in ipaddress.ip_network("192.168.0.0/16") else (
            1 if ip in ipaddress.ip_network("10.0.0.0/8") else 2)
        return (2 if virtual else (0 if wifi else 1), typical)


def _linux_interfaces() -> list[LanAddress]:
    import fcntl  # POSIX only

    out = []
    siocgifaddr = 0x8915
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(s.fileno(), siocgifaddr,
                                     struct.pack("256s", name.encode()[:15]))
            except OSError:
                continue  # interface without an IPv4 address
            out.append(LanAddress(socket.inet_ntoa(packed[20:24]), name))
    return out


def _routed_address() -> str | None:
    """The address the OS would use for an off-link destination. ``connect`` on a UDP
    socket only consults the routing table; no packet is sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 9))
            return str(s.getsockname()[0])
        except OSError:
            return None


def lan_addresses() -> list[LanAddress]:
    """Non-loopback IPv4 addresses of this machine, most phone-reachable first."""
    found: list[LanAddress] = []
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, ImportError):
            found = _linux_interfaces()
    if not found:
        routed = _routed_address()
        names: set[str] = set()
        with contextlib.suppress(OSError):
            names.update(socket.gethostbyname_ex(socket.gethostname())[2])
        if routed:
            names.add(routed)
        found = [LanAddress(ip, "default route" if ip == routed else "") for ip in names]
    usable = [a for a in found if not ipaddress.ip_address(a.ip).is_loopback]
    return sorted(usable, key=lambda a: (a.rank, a.ip))


def is_loopback_host(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
