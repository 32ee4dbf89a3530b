"""What a renderer is given, and what a format is: the shared vocabulary of the exporters.

A renderer is a pure function of a :class:`Source` — the workshop's state, the moment the
document is made (exports read no clock), and, for the archive only, the event log — to
the bytes of one file. An :class:`Exporter` names that function with the media type and
file extension a download or ``yoriai export`` needs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from yoriai.facilitation.model import Event, WorkshopState

from .plan import Plan, build_plan


@dataclass(frozen=True)
class Source:
    state: WorkshopState
    generated_at: datetime.datetime
    # The whole event log, first to last: only the archive needs it.
    events: Sequence[Event] | None = field(default=None, compare=False)
    # The photos' bytes by hash (``state.photos`` names them), read from the data folder by
    # whoever makes the Source (the server, the CLI): the renderers read no file.
    photos: Mapping[str, bytes] = field(default_factory=dict, compare=False)
    # The export's language for the words a format takes from the catalogue (the CSV's
    # column names and labels): "ja" or "en". The plan's pages are Japanese for now.
    lang: str = "ja"
    # The contact line under the 次回 box (「問い合わせ：西部市民サービスセンター 018-…」):
    # the laptop's, set once per data folder (``yoriai contact``), not the workshop's.
    contact: str = ""

    @cached_property
    def plan(self) -> Plan:
        return build_plan(self.state, self.generated_at, contact=self.contact)


Renderer = Callable[[Source], bytes]


@dataclass(frozen=True)
class Exporter:
    format: str
    label: str  # what the console's download list says
    media_type: str
    extension: str
    # The file name after the workshop's code: <code>-plan.pdf, <code>-board.svg …
    stem: str
    render: Renderer

    def filename(self, code: str) -> str:
        return f"{code or 'workshop'}-{self.stem}.{self.extension}"
