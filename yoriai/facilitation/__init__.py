"""The pure domain of Yoriai: workshop state, commands, events and who may see what.

Nothing in this package does I/O or reads the clock: the server passes time in and
persists the events that come out. Everything else is tested against it.

Importing the package registers every command and event applier (they live by area).
"""

from . import (  # noqa: F401  (registration)
    actions,
    maps,
    newsletter,
    notes,
    people,
    photos,
    proposals,
    reviews,
    steering,
    tables,
    themes,
    venue,
    votes,
)
