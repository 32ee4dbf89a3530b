"""One hierarchy for every refusal the domain can give.

A refusal carries a stable English ``code`` (the key into the message catalogues in
``client/i18n``) and the parameters its message needs; the server turns it into readable
Japanese (or English) text for whoever sent the command.
"""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    """A command the domain will not carry out. Nothing has changed when it is raised."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __repr__(self) -> str:
        return f"Refusal({self.code!r}, {self.params!r})"
