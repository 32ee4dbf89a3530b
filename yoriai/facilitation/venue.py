"""The room's Wi-Fi: which network the phones should join, said on the handout, the
projector's join view and the join page, and the Wi-Fi QR code that joins it.

A phone on mobile data scans the join QR and gets its browser's error, not Yoriai: the
laptop is on the centre's Wi-Fi, not on the internet. So the facilitator names the Wi-Fi
(``yoriai serve --wifi NAME --wifi-password PASS`` for every workshop, or ``set_wifi`` for
this one evening), and everything the room reads says it. The password is only ever used
for the Wi-Fi QR code (``WIFI:`` URI, :func:`wifi_uri`): it is in the log (``WifiSet``) and
the archive, never in a view, a patch or a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import FACILITATOR_ONLY, Draft, command
from .errors import Refusal
from .model import Actor, Event, Wifi, WorkshopState, applies
from .text import TextRule, checked_text
from .touch import touches

# The refusals of a Wi-Fi name or password (also the CLI's, through checked_wifi).
NAME_RULE = TextRule(limits.WIFI_NAME_MAX_BYTES, empty_code="bad_wifi_name",
                     long_code="wifi_name_too_long", allow_empty=True)
PASSWORD_RULE = TextRule(limits.WIFI_PASSWORD_MAX_CHARS, empty_code="bad_wifi_password",
                         long_code="wifi_password_length", allow_empty=True)

# What a WPA passphrase may hold (IEEE 802.11i): printable ASCII, space to tilde.
PASSPHRASE_CHARS = frozenset(chr(c) for c in range(0x20, 0x7F))

# The characters the WIFI: URI scheme (ZXing's, which every phone camera reads) escapes
# with a backslash inside a field.
URI_SPECIAL = '\\;,:"'


def checked_wifi(name: object, password: object) -> Wifi | None:
    """The Wi-Fi as it is recorded, None for "none" (an empty name), or a refusal.

    The name is text like every other (``text.py``: NFC, no controls, trimmed) and at most
    ``WIFI_NAME_MAX_BYTES`` in UTF-8. The password is recorded exactly as typed, since a
    passphrase changed by one character opens nothing: it passes ``text.py``'s checks
    unchanged, is printable ASCII with no space at either end (a paste's stray space would
    make a QR code that fails in every phone; a real passphrase almost never has one), and
    is ``WIFI_PASSWORD_MIN_CHARS``..``WIFI_PASSWORD_MAX_CHARS`` long."""
    wifi_name = checked_text(name, NAME_RULE)
    size = len(wifi_name.encode("utf-8"))
    if size > limits.WIFI_NAME_MAX_BYTES:
        raise Refusal("wifi_name_too_long", max=limits.WIFI_NAME_MAX_BYTES, length=size)
    raw = "" if password is None else password
    if not isinstance(raw, str):
        raise Refusal("bad_wifi_password")
    if raw == "":
        return Wifi(wifi_name) if wifi_name else None
    if not wifi_name:
        raise Refusal("empty_wifi_name")  # a password for no network
    if len(raw) > limits.WIFI_PASSWORD_MAX_CHARS or len(raw) < limits.WIFI_PASSWORD_MIN_CHARS:
        raise Refusal("wifi_password_length", min=limits.WIFI_PASSWORD_MIN_CHARS,
                      max=limits.WIFI_PASSWORD_MAX_CHARS, length=len(raw))
    if (checked_text(raw, PASSWORD_RULE) != raw
            or not set(raw) <= PASSPHRASE_CHARS or raw != raw.strip(" ")):
        raise Refusal("bad_wifi_password")
    return Wifi(wifi_name, raw)


def effective_wifi(state: WorkshopState) -> Wifi | None:
    """The Wi-Fi the room is told: the workshop's own, else the server's default."""
    return state.wifi or state.default_wifi


def escape(field: str) -> str:
    return "".join("\\" + ch if ch in URI_SPECIAL else ch for ch in field)


def wifi_uri(wifi: Wifi) -> str:
    """The text of the Wi-Fi QR code: a phone camera that reads it offers to join."""
    return f"WIFI:T:WPA;S:{escape(wifi.name)};P:{escape(wifi.password)};;"


@command("set_wifi", FACILITATOR_ONLY, takes=("name", "password"))
def set_wifi(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """This workshop's Wi-Fi for the evening; an empty name goes back to the server's."""
    wifi = checked_wifi(args.get("name"), args.get("password"))
    if wifi == state.wifi:
        return []
    data = {"name": "", "password": ""} if wifi is None else {"name": wifi.name,
                                                              "password": wifi.password}
    return [("WifiSet", data)]


@applies("WifiSet", made_by="set_wifi", touches=touches(header=True))
def _wifi_set(state: WorkshopState, e: Event) -> None:
    name, password = e.data["name"], e.data.get("password", "")
    state.wifi = Wifi(name, password) if name else None
