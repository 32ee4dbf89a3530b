"""``python -m yoriai`` works like the ``yoriai`` command."""

from __future__ import annotations

import sys

from yoriai.server.cli import main

# Guarded: the grouping suggestions' worker process (spawn) imports this module again.
if __name__ == "__main__":
    sys.exit(main())
