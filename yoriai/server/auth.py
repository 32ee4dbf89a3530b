"""Secrets of one data folder: the facilitator key and the participants' tokens.

The facilitator key is generated once and kept in the data folder so that the URL printed
by ``yoriai serve`` stays the same across restarts. A participant's token is
``<participant id>.<HMAC of workshop and id>`` under a secret of the data folder: the
server can check it without storing it, and no token is ever written to the event log
(which is exported and moved between laptops). Comparisons are constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = "facilitator.key"
SECRET_FILE = "token.secret"


def _read_or_create(path: Path, make: int) -> str:
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(make)
    # O_EXCL: two processes starting at once agree on one value.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(value + "\n")
    return value


class Secrets:
    def __init__(self, data_dir: Path) -> None:
        self.facilitator_key = _read_or_create(data_dir / KEY_FILE, 18)
        self._secret = _read_or_create(data_dir / SECRET_FILE, 32).encode("ascii")

    def is_facilitator(self, key: object) -> bool:
        # Keys and tokens are ASCII; anything else (a lone surrogate cannot even be encoded)
        # is simply not one.
        if not isinstance(key, str) or not key.isascii():
            return False
        return hmac.compare_digest(key.encode("utf-8"), self.facilitator_key.encode("ascii"))

    def _sign(self, code: str, participant_id: str) -> str:
        mac = hmac.new(self._secret, f"{code}:{participant_id}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()[:18]).decode("ascii")

    def token_for(self, code: str, participant_id: str) -> str:
        return f"{participant_id}.{self._sign(code, participant_id)}"

    def participant_of(self, code: str, token: object) -> str | None:
        """The participant id a token names, if the token is genuine for this workshop."""
        if (not isinstance(token, str) or not token.isascii() or token.count(".") != 1
                or len(token) > 100):
            return None
        pid, sig = token.split(".")
        expected = self._sign(code, pid)
        if hmac.compare_digest(sig.encode("utf-8"), expected.encode("ascii")):
            return pid
        return None
