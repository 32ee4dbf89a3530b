"""The cycle collector's full passes wait for the room's calm moments (collector.py)."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import HANG, LiveServer
from yoriai.server import collector
from yoriai.server.collector import (
    CALM_SECS,
    FULL_AFTER_PASSES,
    FULL_AT_LEAST_EVERY_SECS,
    NEVER,
    SPACING,
    CalmCollector,
    full_pass_due,
)


@pytest.mark.parametrize(("passes", "idle", "since_last", "due"), [
    (0, 3600.0, 3600.0, False),  # nothing reached the old generation: nothing to look at
    (FULL_AFTER_PASSES - 1, CALM_SECS, FULL_AT_LEAST_EVERY_SECS, False),
    (FULL_AFTER_PASSES, CALM_SECS, 0.0, True),  # calm: now
    (FULL_AFTER_PASSES, CALM_SECS - 0.01, 0.0, False),  # a command in hand: later
    (FULL_AFTER_PASSES, 0.0, FULL_AT_LEAST_EVERY_SECS - 1, False),
    (FULL_AFTER_PASSES, 0.0, FULL_AT_LEAST_EVERY_SECS, True),  # never calm: at the latest
])
def test_a_full_pass_is_due_when_calm_or_long_overdue(
        passes: int, idle: float, since_last: float, due: bool) -> None:
    assert full_pass_due(passes, idle, since_last) is due


@pytest.mark.parametrize(("since_last", "last_took", "due"), [
    (SPACING * 0.1 - 0.01, 0.1, False),  # a pass of 100 ms: not again within 5 s
    (SPACING * 0.1, 0.1, True),
    (CALM_SECS, 0.002, True),  # short passes leave the calm rule alone
])
def test_full_passes_are_spaced_by_how_long_the_last_took(
        since_last: float, last_took: float, due: bool) -> None:
    """A room whose store is idle while its heap grows is calm the whole time: the passes
    take at most 1/SPACING of the loop all the same."""
    assert full_pass_due(FULL_AFTER_PASSES, 3600.0, since_last, last_took) is due


def test_the_collector_spaces_its_own_passes() -> None:
    """The collector times its pass and holds the next one back by SPACING times that."""

    async def ticks() -> list[int]:
        calm = CalmCollector(lambda: 3600.0)  # the store idle all along
        calm.start()
        try:
            made = []
            for _ in range(2):
                for _ in range(FULL_AFTER_PASSES):
                    gc.collect(1)  # enough reaches the oldest generation for a full pass
                calm._tick()
                made.append(calm.passes)
            calm._last -= SPACING * calm._took  # as if that long had gone by
            calm._tick()
            made.append(calm.passes)
            return made
        finally:
            calm.stop()

    assert asyncio.run(ticks()) == [1, 1, 2]


def test_python_makes_no_full_pass_of_its_own_while_a_server_runs() -> None:
    before = gc.get_threshold()
    assert before[2] != NEVER

    async def two_servers() -> None:
        first, second = CalmCollector(lambda: 0.0), CalmCollector(lambda: 0.0)
        first.start()
        second.start()
        assert gc.get_threshold() == (before[0], before[1], NEVER)
        first.stop()
        assert gc.get_threshold()[2] == NEVER  # the other still runs
        second.stop()
        second.stop()  # twice is once

    asyncio.run(two_servers())
    assert gc.get_threshold() == before


class Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def calm(tmp_path: Path) -> Iterator[LiveServer]:
    """A server as ``yoriai serve`` runs it, with the calm collector."""
    server = LiveServer(tmp_path / "data", calm_collector=True).start()
    yield server
    server.stop()


def test_only_a_server_that_asks_changes_the_collector(live: LiveServer) -> None:
    assert gc.get_threshold()[2] != NEVER


def test_a_calm_server_collects_the_cycles_that_wait(calm: LiveServer) -> None:
    """A cycle that became garbage in the oldest generation is freed by a full pass that the
    server makes on its own thread once it is calm (no young pass reaches it)."""
    assert gc.get_threshold()[2] == NEVER
    full_passes: list[str] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            full_passes.append(threading.current_thread().name)

    cycle = Cycle()
    gone = weakref.ref(cycle)
    for _ in range(FULL_AFTER_PASSES):
        gc.collect(1)  # the cycle survives into the oldest generation, and the count grows
    del cycle  # garbage now, which only a full pass finds
    gc.callbacks.append(seen)
    try:
        deadline = time.monotonic() + HANG
        while gone() is not None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        gc.callbacks.remove(seen)
    assert gone() is None
    assert full_passes and threading.main_thread().name not in full_passes
    assert collector._started >= 1
