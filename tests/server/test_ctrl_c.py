"""Ctrl-C outside uvicorn's hands is noted, not raised (ctrl_c.py)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from yoriai.server.ctrl_c import CtrlC


@pytest.fixture
def ctrl_c() -> Iterator[CtrlC]:
    before = signal.getsignal(signal.SIGINT)
    try:
        yield CtrlC()
    finally:
        signal.signal(signal.SIGINT, before)


def test_a_ctrl_c_before_the_server_is_made_is_only_noted(ctrl_c: CtrlC) -> None:
    signal.raise_signal(signal.SIGINT)  # no KeyboardInterrupt in whatever code it lands in
    assert ctrl_c.pressed


def test_a_second_ctrl_c_stops_a_start_that_hangs(ctrl_c: CtrlC) -> None:
    signal.raise_signal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)


def test_a_ctrl_c_once_the_server_is_made_asks_it_to_stop(ctrl_c: CtrlC) -> None:
    server = SimpleNamespace(should_exit=False)
    ctrl_c.server = server  # type: ignore[assignment]  # what uvicorn looks at: should_exit
    signal.raise_signal(signal.SIGINT)
    signal.raise_signal(signal.SIGINT)  # uvicorn re-raises the one it caught: no harm
    assert server.should_exit and ctrl_c.pressed
