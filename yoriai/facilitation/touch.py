"""What an event changes in the views: a :class:`Touch`, declared with each event.

Every event's declaration (``model.applies``) says what it touches, usually with
:func:`touches` — the entities it names by a field of its data (or all of a kind), the
workshop header, the vote tallies, whose ``me`` — and ``view.py`` turns that into each
viewer's patch. This module knows nothing of viewers; it only names what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Note, WorkshopState

# Every entity of a kind (or every tally, every ``me``): the view sends the whole of it.
ALL = "*"

Data = dict[str, Any]


@dataclass
class Touch:
    """What an event changed: per kind the ids (or ALL), and the header, tallies, ``me``;
    and what the viewer may have had before it (filled in by ``view.touched``)."""

    ids: dict[str, set[str] | str] = field(default_factory=dict)
    workshop: bool = False
    # Only the head count changed (a join): a few bytes rather than the whole header, which
    # carries the program; a room of 1,000 phones joining would otherwise send each phone
    # 1,000 copies of it.
    count: bool = False
    tallies: set[str] | str = field(default_factory=set)
    me: set[str] | str = field(default_factory=set)
    # The touched notes as they were just before the event (copies: appliers change notes
    # in place), and which touched entities of the other kinds existed: only what a viewer
    # could have can be taken away from it.
    prior_notes: dict[str, Note] = field(default_factory=dict)
    existed: dict[str, set[str]] = field(default_factory=dict)

    def add(self, kind: str, *ids: str) -> Touch:
        current = self.ids.setdefault(kind, set())
        if isinstance(current, set):
            current.update(ids)
        return self

    def all(self, kind: str) -> Touch:
        self.ids[kind] = ALL
        return self


# What an event touches, from its data and the state just before it is applied.
TouchRule = Callable[[Data, "WorkshopState"], Touch]


def touches(*, header: bool = False, count: bool = False, notes: str | None = None,
            themes: str | None = None, proposals: str | None = None,
            actions: str | None = None, reviews: str | None = None,
            participants: str | None = None, tallies: str | None = None,
            me: str | None = None, focus: tuple[str, str] | None = None) -> TouchRule:
    """The common shape of a touch, declared. Each kind (``notes`` … ``participants``),
    ``tallies`` and ``me`` takes the data field that names the one id touched, or ALL.
    ``header``: the workshop header changed; ``count``: only the head count did;
    ``focus=(kind, field)``: the header changes if the projector showed that entity just
    before (the applier takes a hidden, deleted or merged thing off the projector)."""
    kinds = {"notes": notes, "themes": themes, "proposals": proposals, "actions": actions,
             "reviews": reviews, "participants": participants}

    def rule(data: Data, before: WorkshopState) -> Touch:
        touch = Touch(workshop=header, count=count)
        for kind, key in kinds.items():
            if key == ALL:
                touch.all(kind)
            elif key is not None:
                touch.add(kind, data[key])
        touch.tallies = _ids(data, tallies)
        touch.me = _ids(data, me)
        if focus is not None and before.focus == {"kind": focus[0], "id": data[focus[1]]}:
            touch.workshop = True
        return touch

    return rule


def _ids(data: Data, key: str | None) -> set[str] | str:
    if key is None:
        return set()
    return ALL if key == ALL else {data[key]}
