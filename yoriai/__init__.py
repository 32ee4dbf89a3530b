"""Yoriai (寄り合い): a workshop board for resident-led community planning, served from a
laptop to the phones in the room.

Four parts, each a subpackage: ``facilitation`` (the pure domain), ``server`` (the thin
Starlette layer, the event store and the command line), ``exports`` (the plan in the
formats editors use) and ``client`` (the pages, scripts and message catalogues).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def package_path(package: str, *parts: str) -> Path:
    """A folder or file shipped inside the package, as a real path on disk.

    Read through ``importlib.resources`` so that an installed copy serves its own files;
    Yoriai is installed as plain files (a wheel, or ``pip install -e``), never zipped,
    so the files are on disk and the server can stream them.
    """
    root = resources.files(package)
    path = Path(str(root.joinpath(*parts)))
    if not path.exists():
        raise FileNotFoundError(f"{package}: {'/'.join(parts)} is missing from the package")
    return path
