"""Seating maths (facilitation/seating.py): table counts, the mixed deal, themes as tables,
world-café reshuffles against brute force, and seating a latecomer."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yoriai.facilitation.seating import (
    EXACT_MAX_WAYS,
    deal_by_themes,
    deal_mixed,
    reshuffle,
    seat_latecomer,
    table_count,
)

ATTRIBUTES = ["住民", "町内会・自治会", "事業者", "学生", "行政", ""]


# --- table_count -------------------------------------------------------------------------

def test_count_is_kept_as_the_facilitator_gave_it_even_beyond_the_people_present() -> None:
    assert table_count(30, count=5, per_table=None) == 5
    assert table_count(3, count=5, per_table=None) == 5


@pytest.mark.parametrize(("people", "per_table", "expected"), [
    (10, 4, 3), (12, 4, 3), (13, 4, 4), (1, 6, 1), (0, 6, 1), (200, 8, 25)])
def test_per_table_makes_enough_tables_that_none_is_larger_than_asked(
        people: int, per_table: int, expected: int) -> None:
    assert table_count(people, count=None, per_table=per_table) == expected


@pytest.mark.parametrize(("count", "per_table"), [(None, None), (3, 4), (0, None), (None, 0),
                                                  (-1, None)])
def test_table_count_refuses_what_is_not_exactly_one_positive_number(
        count: int | None, per_table: int | None) -> None:
    with pytest.raises(ValueError):
        table_count(10, count=count, per_table=per_table)


# --- deal_mixed --------------------------------------------------------------------------

rooms = st.lists(st.sampled_from(ATTRIBUTES), max_size=120).map(
    lambda attrs: [(f"p{i}", a) for i, a in enumerate(attrs)])


@settings(max_examples=300, deadline=None)
@given(room=rooms, tables=st.integers(min_value=1, max_value=30))
def test_deal_mixed_is_balanced_by_attribute_and_by_size(
        room: list[tuple[str, str]], tables: int) -> None:
    seats = deal_mixed(room, tables)
    assert len(seats) == tables
    dealt = [pid for table in seats for pid in table]
    assert sorted(dealt) == sorted(pid for pid, _ in room)  # everyone once, nobody else
    sizes = [len(table) for table in seats]
    assert max(sizes) - min(sizes) <= 1
    attribute = dict(room)
    for a in set(attribute.values()):
        counts = [sum(attribute[pid] == a for pid in table) for table in seats]
        assert max(counts) - min(counts) <= 1, (a, counts)
    assert deal_mixed(list(room), tables) == seats  # same room, same deal


def test_deal_mixed_spreads_each_attribute_and_runs_on_between_attributes() -> None:
    room = [("a1", "住民"), ("b1", "学生"), ("a2", "住民"), ("a3", "住民"), ("b2", "学生")]
    # line: a1 a2 a3 | b1 b2 -> dealt to tables 0 1 0 | 1 0
    assert deal_mixed(room, 2) == [["a1", "a3", "b2"], ["a2", "b1"]]


def test_deal_mixed_leaves_extra_tables_empty_and_refuses_nonsense() -> None:
    assert deal_mixed([("a", "住民")], 3) == [["a"], [], []]
    with pytest.raises(ValueError):
        deal_mixed([("a", "住民")], 0)
    with pytest.raises(ValueError):
        deal_mixed([("a", "住民"), ("a", "学生")], 2)


def test_deal_mixed_of_the_sample_room_mixes_every_table() -> None:
    # 30 people, 5 attributes in uneven numbers, 5 tables: each table gets one of each of
    # the attributes that has at least five people.
    attrs = ["住民"] * 12 + ["町内会・自治会"] * 7 + ["事業者"] * 5 + ["学生"] * 4 + ["行政"] * 2
    room = [(f"p{i}", a) for i, a in enumerate(attrs)]
    seats = deal_mixed(room, 5)
    attribute = dict(room)
    for table in seats:
        got = Counter(attribute[pid] for pid in table)
        assert got["住民"] in (2, 3) and got["町内会・自治会"] in (1, 2) and got["事業者"] == 1
    assert Counter(len(t) for t in seats) == Counter({6: 5})


# --- deal_by_themes ----------------------------------------------------------------------

def test_each_theme_with_members_becomes_a_table_when_no_count_is_given() -> None:
    people = ["a", "b", "c", "d", "e", "f"]
    themes = [("t1", ["a", "b"]), ("t2", []), ("t3", ["c", "d", "gone"])]
    seats, theme_of = deal_by_themes(people, themes, None)
    assert theme_of == ["t1", "t3"]  # the empty 輪 makes no table; "gone" is not here
    assert seats == [["a", "b", "e"], ["c", "d", "f"]]  # e and f (in none) fill the smallest


def test_a_person_in_several_themes_sits_once_at_the_least_full_of_their_themes() -> None:
    people = ["a", "b", "c", "d"]
    themes = [("t1", ["a", "b", "c"]), ("t2", ["d", "c"])]
    seats, theme_of = deal_by_themes(people, themes, None)
    assert theme_of == ["t1", "t2"]
    assert seats == [["a", "b"], ["d", "c"]]


def test_fewer_tables_than_themes_go_to_the_largest_themes() -> None:
    people = [f"p{i}" for i in range(7)]
    themes = [("small", ["p0"]), ("big", ["p1", "p2", "p3"]), ("mid", ["p4", "p5"])]
    seats, theme_of = deal_by_themes(people, themes, 2)
    assert theme_of == ["big", "mid"]
    assert seats == [["p1", "p2", "p3", "p6"], ["p4", "p5", "p0"]]  # p0: in no kept theme


def test_more_tables_than_themes_split_the_popular_theme() -> None:
    people = [f"p{i}" for i in range(10)]
    themes = [("big", people[:8]), ("small", people[8:])]
    seats, theme_of = deal_by_themes(people, themes, 4)
    # one each, then D'Hondt: big 8/2 = 4 > small 2/2; big 8/3 > 2/2.
    assert theme_of == ["big", "big", "big", "small"]
    assert [len(t) for t in seats] == [3, 3, 2, 2]
    assert sorted(p for t in seats[:3] for p in t) == sorted(people[:8])


def test_no_theme_gets_more_tables_than_members_and_no_themes_at_all_still_seats() -> None:
    seats, theme_of = deal_by_themes(["a", "b", "c"], [("t1", ["a"])], 3)
    assert theme_of == ["t1", None, None]
    assert seats == [["a"], ["b"], ["c"]]
    assert deal_by_themes(["a", "b"], [], None) == ([["a", "b"]], [None])


@settings(max_examples=200, deadline=None)
@given(n=st.integers(0, 40), data=st.data(),
       tables=st.one_of(st.none(), st.integers(1, 12)))
def test_deal_by_themes_seats_everyone_once_deterministically(
        n: int, data: st.DataObject, tables: int | None) -> None:
    people = [f"p{i}" for i in range(n)]
    themes = [(f"t{k}", data.draw(st.lists(st.sampled_from(people), max_size=n))
               if people else [])
              for k in range(data.draw(st.integers(0, 8)))]
    seats, theme_of = deal_by_themes(people, themes, tables)
    assert len(seats) == len(theme_of) == (tables if tables is not None else len(seats))
    assert sorted(p for t in seats for p in t) == sorted(people)
    members = dict(themes)
    for theme in set(theme_of) - {None}:
        assert theme is not None
        own = [len(t) for t, th in zip(seats, theme_of, strict=True) if th == theme]
        assert len(own) <= len(set(members[theme]))
    # someone in exactly one theme with tables sits at one of that theme's tables
    for pid in people:
        mine = [th for th, m in themes if pid in m and th in theme_of]
        if len(mine) == 1:
            at = next(k for k, t in enumerate(seats) if pid in t)
            assert theme_of[at] == mine[0]
    assert deal_by_themes(list(people), list(themes), tables) == (seats, theme_of)


# --- reshuffle ---------------------------------------------------------------------------

def met_pairs(rounds: Sequence[Mapping[str, str]]) -> set[frozenset[str]]:
    return {frozenset((a, b)) for seating in rounds for a, b in itertools.combinations(seating, 2)
            if seating[a] == seating[b]}


def repeats(seating: Mapping[str, str], rounds: Sequence[Mapping[str, str]]) -> int:
    met = met_pairs(rounds)
    return sum(1 for a, b in itertools.combinations(seating, 2)
               if seating[a] == seating[b] and frozenset((a, b)) in met)


def sizes_ok(seating: Mapping[str, str], tables: Sequence[str]) -> bool:
    sizes = Counter(seating.values())
    return max(sizes[t] for t in tables) - min(sizes[t] for t in tables) <= 1


def brute_force(rounds: Sequence[Mapping[str, str]], hosts: Mapping[str, str],
                people: Sequence[str], tables: Sequence[str]) -> int:
    """The fewest repeats of every seating with hosts at their tables and sizes within 1."""
    fixed = {pid: t for t, pid in hosts.items()}
    movers = [p for p in people if p not in fixed]
    best = None
    for combo in itertools.product(tables, repeat=len(movers)):
        seating = {**fixed, **dict(zip(movers, combo, strict=True))}
        if sizes_ok(seating, tables):
            cost = repeats(seating, rounds)
            best = cost if best is None else min(best, cost)
    assert best is not None
    return best


@st.composite
def small_rooms(draw: st.DrawFn, max_people: int = 9, max_tables: int = 3,
                ) -> tuple[list[dict[str, str]], dict[str, str], list[str], list[str]]:
    people = [f"p{i}" for i in range(draw(st.integers(1, max_people)))]
    tables = [f"k{i + 1}" for i in range(draw(st.integers(1, max_tables)))]
    rounds: list[dict[str, str]] = []
    for _ in range(draw(st.integers(0, 3))):
        # now and then someone was not there in an earlier round
        here = [p for p in people if draw(st.integers(0, 4)) > 0]
        rounds.append({p: draw(st.sampled_from(tables)) for p in here})
    hosted = draw(st.lists(st.booleans(), min_size=len(tables), max_size=len(tables)))
    hosts: dict[str, str] = {}
    for t, has_host in zip(tables, hosted, strict=True):
        free = [p for p in people if p not in hosts.values()]
        if free and has_host:
            hosts[t] = draw(st.sampled_from(free))
    return rounds, hosts, people, tables


@settings(max_examples=300, deadline=None)
@given(room=small_rooms())
def test_reshuffle_of_a_small_room_has_the_fewest_repeats_there_are(
        room: tuple[list[dict[str, str]], dict[str, str], list[str], list[str]]) -> None:
    rounds, hosts, people, tables = room
    seating = reshuffle(rounds, hosts, people, tables)
    assert sorted(seating) == sorted(people)
    assert all(seating[pid] == t for t, pid in hosts.items())
    assert sizes_ok(seating, tables)
    assert repeats(seating, rounds) == brute_force(rounds, hosts, people, tables)
    assert reshuffle(rounds, hosts, list(people), tables) == seating


def test_brute_force_rooms_are_within_the_exact_search() -> None:
    # The brute-force test's largest rooms (9 movers at 3 tables) are searched exactly; the
    # larger rooms below exercise the greedy and local search alone.
    assert 3 ** 9 <= EXACT_MAX_WAYS < 4 ** 9


def café_rounds(people: Sequence[str], tables: Sequence[str], hosts: Mapping[str, str],
                count: int) -> list[dict[str, str]]:
    first = deal_mixed([(p, "") for p in people], len(tables))
    rounds = [{p: tables[k] for k, seated in enumerate(first) for p in seated}]
    # the first round's hosts sit where they host
    for t, pid in hosts.items():
        rounds[0][pid] = t
    for _ in range(count - 1):
        rounds.append(reshuffle(rounds, hosts, people, tables))
    return rounds


@pytest.mark.parametrize(("n", "n_tables", "n_rounds"), [(24, 4, 3), (40, 5, 4), (61, 7, 3)])
def test_reshuffle_of_a_larger_room_is_a_local_optimum(
        n: int, n_tables: int, n_rounds: int) -> None:
    people = [f"p{i}" for i in range(n)]
    tables = [f"k{i + 1}" for i in range(n_tables)]
    hosts = {t: people[3 * k] for k, t in enumerate(tables)}
    rounds = café_rounds(people, tables, hosts, n_rounds)
    seating = reshuffle(rounds, hosts, people, tables)
    assert sizes_ok(seating, tables) and all(seating[p] == t for t, p in hosts.items())
    cost = repeats(seating, rounds)
    movers = [p for p in people if p not in hosts.values()]
    for a, b in itertools.combinations(movers, 2):  # no single swap lowers the repeats
        if seating[a] != seating[b]:
            swapped = {**seating, a: seating[b], b: seating[a]}
            assert repeats(swapped, rounds) >= cost, (a, b)
    sizes = Counter(seating.values())
    for a in movers:  # nor a move from a full table to one a seat short
        for t in tables:
            if sizes[seating[a]] > sizes[t]:
                assert repeats({**seating, a: t}, rounds) >= cost, (a, t)


@settings(max_examples=100, deadline=None)
@given(room=small_rooms(max_people=30, max_tables=6))
def test_reshuffle_of_any_room_leaves_no_swap_or_move_that_would_meet_fewer_again(
        room: tuple[list[dict[str, str]], dict[str, str], list[str], list[str]]) -> None:
    rounds, hosts, people, tables = room
    seating = reshuffle(rounds, hosts, people, tables)
    assert sorted(seating) == sorted(people) and sizes_ok(seating, tables)
    assert all(seating[pid] == t for t, pid in hosts.items())
    met = met_pairs(rounds)

    def meets(pid: str, table: str, without: str = "") -> int:
        return sum(1 for other, t in seating.items()
                   if t == table and other not in (pid, without) and frozenset((pid, other)) in met)

    movers = [p for p in people if p not in hosts.values()]
    for a, b in itertools.combinations(movers, 2):
        ta, tb = seating[a], seating[b]
        if ta != tb:  # a at tb without b, b at ta without a, against where they sit now
            change = (meets(a, tb, b) + meets(b, ta, a)) - (meets(a, ta) + meets(b, tb))
            assert change >= 0, (a, b)
    sizes = Counter(seating.values())
    for a in movers:
        for t in tables:
            if sizes[seating[a]] > sizes[t]:
                assert meets(a, t) >= meets(a, seating[a]), (a, t)


def test_a_second_round_of_a_mixed_room_meets_nobody_again_where_that_is_possible() -> None:
    # 16 people at 4 tables of 4, no hosts: a second round in which everyone meets only new
    # people exists (a 4x4 grid, rows then columns), and reshuffle finds one.
    people = [f"p{i}" for i in range(16)]
    tables = ["k1", "k2", "k3", "k4"]
    first = {p: tables[i // 4] for i, p in enumerate(people)}
    second = reshuffle([first], {}, people, tables)
    assert repeats(second, [first]) == 0 and sizes_ok(second, tables)


def test_hosts_stay_and_the_others_move_on() -> None:
    # 16 people at 4 tables of 4 with a host each: a second round where each table's three
    # guests come one from each other table (nobody meets anyone again) exists; 12 people move,
    # beyond the exact search, so the greedy and local search find it.
    people = [f"p{i}" for i in range(16)]
    tables = ["k1", "k2", "k3", "k4"]
    assert len(tables) ** 12 > EXACT_MAX_WAYS
    first = {p: tables[i % 4] for i, p in enumerate(people)}
    hosts = {"k1": "p0", "k2": "p1", "k3": "p2", "k4": "p3"}
    second = reshuffle([first], hosts, people, tables)
    assert [second[h] for h in ("p0", "p1", "p2", "p3")] == tables
    assert repeats(second, [first]) == 0 and sizes_ok(second, tables)
    assert all(second[p] != first[p] for p in people[4:])  # nobody else stays put


def test_reshuffle_at_one_table_seats_everyone_there_however_many() -> None:
    people = [f"p{i}" for i in range(1200)]  # deeper than Python's recursion limit
    assert set(reshuffle([dict.fromkeys(people, "k1")], {}, people, ["k1"]).values()) == {"k1"}


def test_reshuffle_seats_hosts_not_listed_among_people_and_refuses_nonsense() -> None:
    seating = reshuffle([], {"k2": "h"}, ["a", "b", "c"], ["k1", "k2"])
    assert seating["h"] == "k2" and sorted(seating) == ["a", "b", "c", "h"]
    assert sizes_ok(seating, ["k1", "k2"])
    with pytest.raises(ValueError):
        reshuffle([], {}, ["a"], [])
    with pytest.raises(ValueError):
        reshuffle([], {"k9": "a"}, ["a"], ["k1"])
    with pytest.raises(ValueError):
        reshuffle([], {"k1": "a", "k2": "a"}, ["a"], ["k1", "k2"])
    with pytest.raises(ValueError):
        reshuffle([], {}, ["a", "a"], ["k1"])


# --- seat_latecomer ----------------------------------------------------------------------

def test_a_latecomer_sits_at_the_least_full_table() -> None:
    seats = {"a": "k1", "b": "k1", "c": "k2"}
    assert seat_latecomer(seats, {}, "住民", ["k1", "k2"]) == "k2"


def test_a_latecomer_tie_goes_to_the_table_with_fewest_of_their_attribute_then_lowest() -> None:
    seats = {"a": "k1", "b": "k2", "c": "k3"}
    attributes = {"a": "学生", "b": "住民", "c": "学生"}
    assert seat_latecomer(seats, attributes, "学生", ["k1", "k2", "k3"]) == "k2"
    assert seat_latecomer(seats, attributes, "住民", ["k1", "k2", "k3"]) == "k1"
    assert seat_latecomer({}, {}, "住民", ["k3", "k1"]) == "k3"  # lowest number = first given
    with pytest.raises(ValueError):
        seat_latecomer({}, {}, "住民", [])
