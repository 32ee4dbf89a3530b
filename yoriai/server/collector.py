"""When Python's cycle collector makes its full passes: in the room's calm moments.

Python starts a full pass of its cycle collector once enough objects have survived its young
passes, wherever the event loop is at that moment. With a thousand phones in a room a full
pass walks every phone's objects and holds the loop 60-130 ms: twice in the join storm of
1,000 phones, which took ~0.3 s longer for it, and now and then in the middle of a busy room's
posts (bench/README.md, session 7). Almost everything a room makes is freed by reference
counting as soon as it is dropped (the full passes of a join storm found nothing to free), so
the full pass can wait for a calm moment: here it runs once the store has been idle
CALM_SECS, or, in a room that is never calm, FULL_AT_LEAST_EVERY_SECS after the last one;
and never sooner than SPACING times as long as the last one took.
The young passes stay Python's own: they are short.

The collector's thresholds belong to the process, so only ``yoriai serve`` asks for this
(``Settings.calm_collector``): a process that is the server's alone. In a process that also
does other work, the passes would walk that work's heap too, whenever the store is idle (with
it on in the test processes, which drive Chromium and hold a heap of ~1 GB, a fresh-clone
test run took 22 min 41 s; with it only in ``yoriai serve``, the next took 13 min 16 s).
Servers started in one process share the thresholds: the first to start sets them, the last
to stop puts them back.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

# Python's own default: a full pass is considered after ten passes of the middle generation.
FULL_AFTER_PASSES = 10
# The store has written nothing for this long: no command is being carried out.
CALM_SECS = 1.0
# A room that is never calm still has its cycles collected this often (what cycles a busy
# room makes, an exception's traceback, say, waits at most this long).
FULL_AT_LEAST_EVERY_SECS = 300.0
# How often the collector looks whether a full pass is due (a look is three numbers).
CHECK_EVERY_SECS = 1.0
# A full pass waits at least this many times as long as the last one took: the passes then
# take at most 1/50 (2 %) of the loop, even in a room whose store stays idle while objects
# that stay alive pile up (phones connecting before they join, a stranger's open sockets),
# where "calm" would otherwise allow a full pass every CHECK_EVERY_SECS (~100 ms each at
# 1,000 phones). Page loads alone do not: their objects die by reference counting (one
# pass in 20 s of 100 loads a second at 1,000 phones, bench/README.md session 8).
# Python's own guard is another: a full pass only once a quarter more objects reached the
# oldest generation; it needs a count of that generation, which Python does not give
# cheaply.
SPACING = 50.0
# The third threshold so high that Python never starts a full pass of its own.
NEVER = 1 << 30

_started = 0
_saved: tuple[int, int, int] | None = None


def full_pass_due(passes: int, idle: float, since_last: float, last_took: float = 0.0) -> bool:
    """Whether to make a full pass now: enough has reached the oldest generation since the
    last (``passes`` of the middle one, as Python counts them), SPACING times the last
    pass's duration (``last_took``) has gone by, and the room is calm (the store ``idle`` for
    CALM_SECS) or the last pass is long ago."""
    if passes < FULL_AFTER_PASSES or since_last < SPACING * last_took:
        return False
    return idle >= CALM_SECS or since_last >= FULL_AT_LEAST_EVERY_SECS


class CalmCollector:
    """Full passes of the cycle collector at calm moments, on the server's event loop."""

    def __init__(self, idle_for: Callable[[], float]) -> None:
        self.idle_for = idle_for
        self.passes = 0  # full passes made (a test and the benchmark read it)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._last = 0.0
        self._took = 0.0  # how long the last full pass held the loop, in seconds

    def start(self) -> None:
        global _started, _saved
        if _started == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], NEVER)
        _started += 1
        self._loop = asyncio.get_running_loop()
        self._last = self._loop.time()
        self._handle = self._loop.call_later(CHECK_EVERY_SECS, self._tick)

    def stop(self) -> None:
        global _started
        if self._handle is None:
            return
        self._handle.cancel()
        self._handle = None
        _started -= 1
        if _started == 0 and _saved is not None:
            gc.set_threshold(*_saved)

    def _tick(self) -> None:
        assert self._loop is not None
        now = self._loop.time()
        if full_pass_due(gc.get_count()[2], self.idle_for(), now - self._last, self._took):
            gc.collect()
            self._last = now
            self._took = self._loop.time() - now
            self.passes += 1
        self._handle = self._loop.call_later(CHECK_EVERY_SECS, self._tick)
