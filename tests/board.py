"""The client's model of the board, kept by the rule in docs/protocol.md — the same rule
client/static/js/board.js follows: a snapshot replaces everything; a patch replaces whole
kinds, upserts and removes entities by id, merges the header, replaces ``me``, merges tallies."""

from __future__ import annotations

from typing import Any

KINDS = ("notes", "themes", "proposals", "actions", "reviews", "participants", "photos",
         "tables")


def key_of(kind: str, view: dict[str, Any]) -> str:
    return str(view["theme"] if kind == "proposals" else view["id"])


class ClientView:
    def __init__(self) -> None:
        self.workshop: dict[str, Any] | None = None
        self.items: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in KINDS}
        self.tallies: dict[str, int] = {}
        self.me: dict[str, Any] | None = None

    def load(self, state: dict[str, Any]) -> None:
        self.workshop = state["workshop"]
        self.items = {k: {key_of(k, v): v for v in state.get(k, [])} for k in KINDS}
        self.tallies = dict(state["tallies"])
        self.me = state["me"]

    def patch(self, data: dict[str, Any]) -> None:
        for kind, views in data.get("replace", {}).items():
            self.items[kind] = {key_of(kind, v): v for v in views}
        for kind, views in data.get("upsert", {}).items():
            for v in views:
                self.items[kind][key_of(kind, v)] = v
        for kind, ids in data.get("remove", {}).items():
            for i in ids:
                self.items[kind].pop(i, None)
        if "workshop" in data:  # merged: a join sends only the new head count
            self.workshop = {**(self.workshop or {}), **data["workshop"]}
        if "tallies" in data:
            if data.get("tallies_replace"):
                self.tallies = {}
            self.tallies.update(data["tallies"])
            self.tallies = {k: v for k, v in self.tallies.items() if v}
        if "me" in data:
            self.me = data["me"]

    def as_state(self) -> dict[str, Any]:
        """In the shape of ``facilitation.view.snapshot`` (lists sorted by id)."""
        out: dict[str, Any] = {"workshop": self.workshop, "tallies": self.tallies, "me": self.me}
        for kind in KINDS:
            out[kind] = sorted(self.items[kind].values(), key=lambda v: key_of(kind, v))
        return out


def normalised(snapshot: dict[str, Any]) -> dict[str, Any]:
    out = dict(snapshot)
    for kind in KINDS:
        out[kind] = sorted(snapshot.get(kind, []), key=lambda v: key_of(kind, v))
    return out
