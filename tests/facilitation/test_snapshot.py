"""Snapshots restore the very state they were taken of, and refuse what they cannot read."""

from __future__ import annotations

import json

import pytest

from tests.sample import load_sample, run_evening
from yoriai.facilitation.snapshot import SNAPSHOT_VERSION, SnapshotError, dump, load


def test_the_whole_sample_evening_round_trips_through_json() -> None:
    state, _, _ = run_evening(load_sample())
    assert load(json.loads(json.dumps(dump(state), ensure_ascii=False))) == state


def test_another_version_or_damage_is_refused() -> None:
    state, _, _ = run_evening(load_sample())
    raw = dump(state)
    with pytest.raises(SnapshotError):
        load({**raw, "version": SNAPSHOT_VERSION + 1})
    damaged = json.loads(json.dumps(raw))
    del damaged["state"]["notes"]["n1"]["kind"]
    with pytest.raises(SnapshotError):
        load(damaged)
    with pytest.raises(SnapshotError):
        load("not even a dict")
