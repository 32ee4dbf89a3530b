from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.sample import load_sample, run_evening
from yoriai.exports.registry import EXPORTERS
from yoriai.exports.source import Source
from yoriai.facilitation.model import Event, WorkshopState

from .helpers import GENERATED_AT, Workshop


@dataclass(frozen=True)
class Evening:
    data: dict[str, Any]  # the sample file
    state: WorkshopState
    log: list[Event]
    ids: dict[str, str]  # sample participant id → Yoriai participant id

    @property
    def source(self) -> Source:
        return Source(self.state, GENERATED_AT, tuple(self.log))


@pytest.fixture(scope="session")
def evening() -> Evening:
    data = load_sample()
    state, log, ids = run_evening(data)
    return Evening(data, state, log, ids)


@pytest.fixture(scope="session")
def outputs(evening: Evening) -> dict[str, bytes]:
    """The sample evening in every format, rendered once for the session."""
    source = evening.source
    return {fmt: e.render(source) for fmt, e in EXPORTERS.items()}


@pytest.fixture(scope="session")
def empty() -> Workshop:
    """A workshop just created: nothing else has happened."""
    return Workshop(code="empty1", title="できたばかりの会", center="河辺")
