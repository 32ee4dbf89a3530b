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

import bisect
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

# Up to this many ways to seat the people who move (tables ** movers), reshuffle finds the
# true optimum by a depth-first search: 3 tables and 9 movers are 19,683 ways, a few tens of
# milliseconds even without the cuts; beyond it the local search alone decides.
EXACT_MAX_WAYS = 20_000


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


def seat_latecomer(seats: Mapping[str, str], attributes: Mapping[str, str], attribute: str,
                   tables: Sequence[str]) -> str:
    """The table for someone who arrives while tables exist.

    ``seats`` is who sits where now (pid -> table id), ``attributes`` each seated person's
    attribute, ``attribute`` the newcomer's, ``tables`` the table ids in number order. Rule:
    the table with the fewest people; ties: the fewest people of the newcomer's attribute
    (so the mix stays mixed); then the lowest number.
    """
    if not tables:
        raise ValueError("no tables")
    size = Counter(seats.values())
    alike = Counter(t for pid, t in seats.items() if attributes.get(pid) == attribute)
    return min(tables, key=lambda t: (size[t], alike[t]))  # min keeps the first of equals


def deal_by_themes(people: Sequence[str], themes: Sequence[tuple[str, Sequence[str]]],
                   tables: int | None) -> tuple[list[list[str]], list[str | None]]:
    """The 輪 become tables: returns the seats of each table and the theme it came from.

    ``people`` are the participant ids to seat, in join order; ``themes`` are (theme id,
    member ids) in theme order (members who are not in ``people`` are ignored); ``tables`` is
    how many tables to make, or None for one table per theme that has members (at least one
    table).

    Rule, step by step:
    1. Tables go to themes with members: first one each, to the largest themes if there are
       fewer tables than themes (ties: theme order); then each table left goes, by the
       D'Hondt rule, to the theme with the most members per table after one more (ties:
       theme order), no theme getting more tables than it has members. So a popular theme is
       split over two or more tables, as centres do. Tables no theme can use have no theme
       (None). Tables are in theme order, a theme's tables side by side, themeless ones last.
    2. People in exactly one theme that got tables sit at the least full of that theme's
       tables (ties: the first).
    3. People in several such themes then go to one: the least full table among all their
       themes' tables (ties: the first), so they even out the themes.
    4. People in none (or only in themes that got no table) fill the least full tables of
       all (ties: the first).
    Each step takes people in join order. With a single theme's tables filled one person at a
    time into the least full, that theme's tables differ in size by at most 1.
    """
    if tables is not None and tables < 1:
        raise ValueError("tables must be at least 1")
    present = set(people)
    if len(present) != len(people):
        raise ValueError("a participant is given twice")
    members: dict[str, list[str]] = {}
    for theme_id, pids in themes:
        if theme_id in members:
            raise ValueError(f"theme {theme_id!r} given twice")
        members[theme_id] = list(dict.fromkeys(p for p in pids if p in present))
    used = [t for t, m in members.items() if m]
    n = tables if tables is not None else max(1, len(used))
    allocated = dict.fromkeys(used, 0)
    # sorted() is stable: among themes of equal size the earlier comes first.
    for t in sorted(used, key=lambda t: -len(members[t]))[:n]:
        allocated[t] = 1
    for _ in range(n - sum(allocated.values())):
        open_ = [t for t in used if allocated[t] < len(members[t])]
        if not open_:
            break
        # The most members per table after one more: compare m_a/(k_a+1) with m_b/(k_b+1)
        # exactly, as cross products of integers; max keeps the first of equals.
        best = open_[0]
        for t in open_[1:]:
            if len(members[t]) * (allocated[best] + 1) > len(members[best]) * (allocated[t] + 1):
                best = t
        allocated[best] += 1
    theme_of: list[str | None] = [t for t in used for _ in range(allocated[t])]
    theme_of.extend(None for _ in range(n - len(theme_of)))
    tables_of: dict[str, list[int]] = {}
    for i, theme in enumerate(theme_of):
        if theme is not None:
            tables_of.setdefault(theme, []).append(i)
    seats: list[list[str]] = [[] for _ in range(n)]

    def sit(pid: str, choices: Sequence[int]) -> None:
        seats[min(choices, key=lambda i: len(seats[i]))].append(pid)

    kept: dict[str, list[str]] = {pid: [] for pid in people}
    for t in tables_of:
        for pid in members[t]:
            kept[pid].append(t)
    for pid in people:
        if len(kept[pid]) == 1:
            sit(pid, tables_of[kept[pid][0]])
    for pid in people:
        if len(kept[pid]) > 1:
            sit(pid, sorted(i for t in kept[pid] for i in tables_of[t]))
    for pid in people:
        if not kept[pid]:
            sit(pid, range(n))
    return seats, theme_of


def reshuffle(rounds: Sequence[Mapping[str, str]], hosts: Mapping[str, str],
              people: Sequence[str], tables: Sequence[str]) -> dict[str, str]:
    """A new world-café round: hosts stay, everyone else moves so few meet again.

    ``rounds`` are the earlier rounds' seatings (pid -> table id), ``hosts`` table id -> the
    host's pid, ``people`` everyone to seat in join order (a host may be listed or not: hosts
    are always seated at their own table), ``tables`` the table ids in number order. Returns
    pid -> table id for every person and host.

    A *repeat* is a pair of people at the same table now who already sat at one table in some
    earlier round (a pair counts once however often they met). The rule:
    1. Sizes: with N people (hosts included) and T tables, N mod T tables get
       N // T + 1 people and the others N // T, so sizes differ by at most 1.
    2. Hosts sit at their tables.
    3. Greedy: the others, those who have met the most people first (they are the hardest to
       place; ties: join order), each take the table with room that gives the fewest repeats
       with the people already there; ties: the table they sat at fewest times before (so
       people move on), then the least full, then the lowest number.
    4. Local search: in passes over the non-hosts in join order who meet someone again where
       they sit, move one from a full table to the first table a seat short where they meet
       fewer, or else swap them with the first non-host (tables in number order, among those
       where they would meet no more people than now; people in join order) for whom the
       swap lowers the repeats; passes repeat until one changes nothing. Every swap or move
       that lowers the repeats is one of these (see the note above _swap_gain), so
       then none is left.
    5. Small rooms exactly: when tables ** (people who move) <= EXACT_MAX_WAYS, a depth-first
       search over every seating of rule 1 replaces the result by one with the fewest
       repeats of all, if it has fewer (ties keep the result of 3-4).
    Bound: small rooms (e.g. up to 9 people at 3 tables) get the optimum, checked against a
    brute force in the tests; larger rooms get a local optimum, no single swap or move
    lowers its repeats (also checked). It is not proven optimal there: the true optimum is a
    graph-partitioning problem. A real world café (200 people, 25 tables, 4 rounds) needs
    well under a second (bench/seating.py).
    """
    if not tables:
        raise ValueError("no tables")
    index = {t: k for k, t in enumerate(tables)}
    if len(index) != len(tables):
        raise ValueError("a table is given twice")
    fixed: dict[str, int] = {}
    for table_id, pid in hosts.items():
        if table_id not in index:
            raise ValueError(f"host of unknown table {table_id!r}")
        if pid in fixed:
            raise ValueError(f"{pid!r} hosts two tables")
        fixed[pid] = index[table_id]
    everyone = list(dict.fromkeys([*people, *(p for p in hosts.values() if p not in people)]))
    if len(everyone) != len(people) + sum(p not in people for p in hosts.values()):
        raise ValueError("a participant is given twice")
    n, n_tables = len(everyone), len(tables)
    pos = {pid: i for i, pid in enumerate(everyone)}
    met: list[set[int]] = [set() for _ in range(n)]
    visits = [[0] * n_tables for _ in range(n)]
    for seating in rounds:
        groups: dict[str, list[int]] = {}
        for pid, table_id in seating.items():
            if pid in pos:
                groups.setdefault(table_id, []).append(pos[pid])
                if table_id in index:
                    visits[pos[pid]][index[table_id]] += 1
        for group in groups.values():
            for a in group:
                met[a].update(b for b in group if b != a)
    small, extra = divmod(n, n_tables)  # `extra` tables seat small + 1
    size = [0] * n_tables
    where = [-1] * n
    # conflict[i][t]: how many people at table t person i has met (kept up to date).
    conflict = [[0] * n_tables for _ in range(n)]

    def place(i: int, t: int) -> None:
        where[i] = t
        size[t] += 1
        for j in met[i]:
            conflict[j][t] += 1

    def leave(i: int) -> None:
        t = where[i]
        size[t] -= 1
        for j in met[i]:
            conflict[j][t] -= 1

    for pid, t in fixed.items():
        place(pos[pid], t)
    movers = sorted((i for i in range(n) if everyone[i] not in fixed),
                    key=lambda i: (-len(met[i]), i))
    for i in movers:
        full = sum(s > small for s in size)
        room = [t for t in range(n_tables)
                if size[t] < small or (size[t] == small and full < extra)]
        place(i, min(room, key=lambda t: (conflict[i][t], visits[i][t], size[t], t)))
    order = sorted(movers)
    seated: list[list[int]] = [[] for _ in range(n_tables)]  # the movers at each table
    for i in order:
        seated[where[i]].append(i)  # in join order

    def swap(a: int, b: int) -> None:
        ta, tb = where[a], where[b]
        leave(a)
        leave(b)
        place(a, tb)
        place(b, ta)
        seated[ta].remove(a)
        seated[tb].remove(b)
        bisect.insort(seated[tb], a)
        bisect.insort(seated[ta], b)

    improved = True
    while improved:  # each change lowers the repeats, a whole number >= 0: this ends
        improved = False
        for a in order:
            row_a, ta = conflict[a], where[a]
            here = row_a[ta]
            if here == 0:
                continue  # cannot gain: see the note above _swap_gain
            if size[ta] > small:  # a move from a full table to one a seat short keeps sizes
                better = [t for t in range(n_tables) if size[t] == small and row_a[t] < here]
                if better:
                    leave(a)
                    place(a, better[0])
                    seated[ta].remove(a)
                    bisect.insort(seated[better[0]], a)
                    improved = True
                    continue
            partner = next((b for tb in range(n_tables) if tb != ta and row_a[tb] <= here
                            for b in seated[tb] if _swap_gain(a, b, conflict, where, met) < 0),
                           None)
            if partner is not None:
                swap(a, partner)
                improved = True
    if n_tables > 1 and n_tables ** len(movers) <= EXACT_MAX_WAYS:  # 1 table: one way
        _improve_exactly(movers, where, size, conflict, small, extra, place, leave)
    return {everyone[i]: tables[where[i]] for i in range(n)}


# Which swaps and moves the local search tries, and why they include every one that lowers
# the repeats. A move of a from ta to t changes the repeats by conflict[a][t] -
# conflict[a][ta]: it lowers them only if a meets someone again at ta. A swap of a (at ta)
# and b (at tb) changes them by da + db - 2 met(a, b), where da = conflict[a][tb] -
# conflict[a][ta], db = conflict[b][ta] - conflict[b][tb]; it lowers them only if da + db <
# 2 met(a, b) <= 2, so da <= 0 or db <= 0. Say da <= 0. If a meets someone again at ta, a's
# scan (tables where a would meet no more people than now) finds b. If a meets nobody there,
# da = 0 and a meets nobody at tb either, so a and b never met (b sits at tb), so db < 0:
# b meets someone again at tb, and b's scan finds a at ta.


def _swap_gain(a: int, b: int, conflict: list[list[int]], where: list[int],
               met: list[set[int]]) -> int:
    """How a swap of a and b changes the repeats (negative: fewer)."""
    ta, tb = where[a], where[b]
    # b leaves tb as a arrives (and the other way round): had they met, the conflict counts
    # include each other, who no longer sit there.
    both = 2 if b in met[a] else 0
    return conflict[a][tb] + conflict[b][ta] - conflict[a][ta] - conflict[b][tb] - both


def _improve_exactly(movers: Sequence[int], where: list[int], size: list[int],
                     conflict: list[list[int]], small: int, extra: int,
                     place: Callable[[int, int], None], leave: Callable[[int], None]) -> None:
    """Replace the seating of ``movers`` by one with the fewest repeats of all, if it has
    fewer than the current one: a depth-first search over every seating with the sizes of
    rule 1, cut wherever the repeats so far reach the best known (so ties keep the greedy
    result and the outcome stays the same for the same room)."""
    n_tables = len(size)
    # The current repeats, counted the way the search counts them: each mover against the
    # people seated before it (hosts first, then movers in order), so each pair once.
    for i in movers:
        leave(i)
    best_cost = 0
    for i in movers:
        best_cost += conflict[i][where[i]]
        place(i, where[i])
    best = list(where)
    for i in movers:
        leave(i)

    def search(k: int, cost: int) -> None:
        nonlocal best_cost, best
        if cost >= best_cost:
            return
        if k == len(movers):
            best_cost, best = cost, list(where)
            return
        i = movers[k]
        full = sum(s > small for s in size)
        for t in range(n_tables):
            if size[t] < small or (size[t] == small and full < extra):
                place(i, t)
                search(k + 1, cost + conflict[i][t])
                leave(i)

    search(0, 0)
    for i in movers:
        place(i, best[i])

