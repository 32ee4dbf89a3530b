"""Ctrl-C stops ``yoriai serve`` quietly whenever it comes (README).

uvicorn catches SIGINT only while it serves. Before that (the banner, building the app, the
loop's start) and after, the signal was either ignored, when the server had been started
with SIGINT ignored (a shell does that for what a script starts in the background, and the
children inherit it: CI's ``make test`` hung on it twice), or Python's own handler raised
KeyboardInterrupt wherever the code was, once inside logging's lock handling, which then
failed with a traceback. Here a Ctrl-C outside uvicorn's hands is only noted: the server is
not started, or, once made, it is asked to stop as uvicorn's own handler would ask it. A
second Ctrl-C stops at once (KeyboardInterrupt), as in asyncio: for a start that hangs.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uvicorn import Server


class CtrlC:
    """Installed for the whole of ``yoriai serve``, from its first line."""

    def __init__(self) -> None:
        self.pressed = False
        self.server: Server | None = None  # once made: told to stop
        signal.signal(signal.SIGINT, self._on_sigint)

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        if self.pressed and self.server is None:
            raise KeyboardInterrupt  # the second: the start itself is stuck
        self.pressed = True
        if self.server is not None:
            # Just before uvicorn serves or just after: it looks at this after its start.
            self.server.should_exit = True
