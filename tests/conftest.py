"""What every layer's tests share: a live server per test, and Hypothesis settings that
do not depend on how fast the machine is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.support import LiveServer

# Hypothesis by default fails an example that takes over 200 ms (``deadline``) and a test
# whose examples are slow to generate (``too_slow``): both are timings, and both fail on a
# 2-core machine running browsers beside the suite. Every property test here is about what
# happens, not how fast; a test may still set its own settings on top of these.
settings.register_profile("yoriai", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("yoriai")


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "data").start()
    yield server
    server.stop()
