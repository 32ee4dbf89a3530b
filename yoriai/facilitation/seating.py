"""Seating maths for tables (班): how many tables, who sits where, and who moves in a round.

Pure and deterministic: no randomness and no clock, so the same room always gives the same
deal (the facilitator can make the tables again and get what the projector showed, and a
replayed event log agrees with itself). Every tie is broken by a stated order, almost always
the order the caller gave (join order for people, number order for tables).

The domain (facilitation/tables.py) checks the facilitator's arguments and turns these
results into events; this module only does the arithmetic and assumes valid input, raising
``ValueError`` when it is not (a programming error, never a user's).
"""

from __future__ import annotations

from collections.abc import Sequence


def table_count(people: int, *, count: int | None, per_table: int | None) -> int:
    """How many tables to make: ``count`` as given, or enough tables of at most ``per_table``.

    Exactly one of ``count`` and ``per_table`` is given. ``count`` is the facilitator's choice
    and is kept even when it exceeds the people present (latecomers fill the empty tables).
    With ``per_table`` the count is ceil(people / per_table), at least 1: no table is larger
    than asked (10 people, 4 per table -> 3 tables of 4, 3, 3), rather than rounding to the
    nearest count and giving tables of 5.
    """
    if (count is None) == (per_table is None):
        raise ValueError("give exactly one of count and per_table")
    if people < 0:
        raise ValueError("people must not be negative")
    if count is not None:
        if count < 1:
            raise ValueError("count must be at least 1")
        return count
    assert per_table is not None
    if per_table < 1:
        raise ValueError("per_table must be at least 1")
    return max(1, -(-people // per_table))


def deal_mixed(people: Sequence[tuple[str, str]], tables: int) -> list[list[str]]:
    """Deal people to ``tables`` tables so that every table gets a spread of attributes.

    ``people`` is (participant id, attribute) in join order; the result is the seats of each
    table in table order, each in dealing order.

    Construction: line people up grouped by attribute (attributes in order of first
    appearance, people within one attribute in join order), then deal that line like cards,
    person k to table k mod ``tables``, the deal running on from one attribute to the next.

    Why it is balanced: dealing any *contiguous* run of L people round-robin gives every
    table floor(L / tables) or ceil(L / tables) of them. Each attribute is a contiguous run of
    the line, so each attribute's count differs by at most 1 between tables; the whole line is
    a run too, so table sizes differ by at most 1. Running on (rather than restarting at table
    1 for each attribute) spreads the odd ones out, so the first table is not the largest of
    every attribute.
    """
    if tables < 1:
        raise ValueError("tables must be at least 1")
    by_attribute: dict[str, list[str]] = {}
    seen: set[str] = set()
    for pid, attribute in people:
        if pid in seen:
            raise ValueError(f"participant {pid!r} given twice")
        seen.add(pid)
        by_attribute.setdefault(attribute, []).append(pid)
    seats: list[list[str]] = [[] for _ in range(tables)]
    k = 0
    for group in by_attribute.values():  # dicts keep insertion order: first appearance
        for pid in group:
            seats[k % tables].append(pid)
            k += 1
    return seats
