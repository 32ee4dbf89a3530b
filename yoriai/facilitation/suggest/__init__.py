"""Offline grouping suggestions for sticky notes (「まとめ方の提案」).

``suggest(texts)`` proposes groups of alike notes, each with a short title from the words
its notes share; nothing is grouped without the facilitator, who accepts, edits or dismisses
each suggestion. Pure: no I/O but the package's own data files (the related-word table,
read through importlib.resources), no clock, deterministic for the same texts.

``main(argv)`` is the command-line face (``python -m yoriai.facilitation.suggest NOTES.json``
prints ``{"groups": [[index, ...], ...], "titles": [...]}``), so ``yoriai suggest`` can be one
line in the CLI.
"""

from __future__ import annotations

from .command import main
from .grouping import Suggestions, suggest

__all__ = ["Suggestions", "main", "suggest"]
