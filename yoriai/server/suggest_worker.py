"""The start of the grouping suggestions' worker process (see ``suggestions.py``): kept in a
module of its own that imports nothing heavy, because a spawned process imports the module
of its initializer before it does anything."""

from __future__ import annotations

import contextlib
import os
import signal

# The worker yields the CPU to the room: on a two-core laptop the server's loop (acks and
# broadcasts) must win when both want a core; suggestions can be a little later.
WORKER_NICENESS = 10


def start_worker() -> None:
    # Ctrl-C goes to the whole process group: the server stops the worker itself, and a
    # traceback from it would only clutter the terminal as the room closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):  # no os.nice on Windows
        os.nice(WORKER_NICENESS)
