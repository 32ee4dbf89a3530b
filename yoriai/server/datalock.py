"""One server per data folder: a lock file held for the life of ``yoriai serve``.

Two servers on one folder would each number events from their own memory and refuse each
other's seqs at the primary key — every command of one of them would fail. So ``serve``
takes an exclusive lock on ``yoriai.lock`` in the data folder and keeps it until the
process ends (the OS lets go of it also when the process is killed: no stale lock to clean
up). ``yoriai check --repair`` takes the same lock for the moment it runs. ``yoriai new``
and ``import`` do not: they write beside a running server, kept apart by SQLite's own
locking, as before.

POSIX: ``flock`` on the file (an advisory lock: every Yoriai honours it). Windows:
``msvcrt.locking`` on the file's first byte, which the OS enforces the same way and also
releases when the process ends.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

LOCK_FILE = "yoriai.lock"


class FolderBusy(Exception):
    """Another process holds the data folder."""

    def __init__(self, folder: Path, holder: str) -> None:
        who = f" (process {holder})" if holder else ""
        super().__init__(f"another Yoriai server is already using the data folder {folder}"
                         f"{who}; stop it first, or start this one with another --data")
        self.folder, self.holder = folder, holder


class DataLock:
    """The held lock; :meth:`release` (or the end of the process) lets go of it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_FILE
        self._file: IO[str] | None = None

    def acquire(self) -> DataLock:
        """Take the lock now or raise :class:`FolderBusy` (never waits)."""
        f = self.path.open("a+", encoding="utf-8")
        try:
            _lock(f)
        except OSError:
            holder = ""
            with contextlib.suppress(OSError):  # Windows: the locked byte cannot be read
                f.seek(0)
                holder = f.read().strip()[:20]
            f.close()
            raise FolderBusy(self.folder, holder) from None
        # The holder's pid, for the message a second server prints.
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        self._file = f
        return self

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.seek(0)
                self._file.truncate()
            self._file.close()  # closing the file lets go of the lock
            self._file = None

    def __enter__(self) -> DataLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _lock(f: IO[str]) -> None:
        f.seek(0)
        msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
else:
    import fcntl

    def _lock(f: IO[str]) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
