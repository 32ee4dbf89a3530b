"""``python -m yoriai`` works like the ``yoriai`` command."""

from __future__ import annotations

import sys

from yoriai.server.cli import main

sys.exit(main())
