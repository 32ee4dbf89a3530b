"""Seating maths (facilitation/seating.py): table counts, the mixed deal, themes as tables,
world-café reshuffles against brute force, and seating a latecomer."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yoriai.facilitation.seating import deal_mixed, table_count

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
