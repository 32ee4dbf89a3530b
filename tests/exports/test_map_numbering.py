"""The map's numbers and drawing (exports/maps.py): numbers run over the map in bands from
the top, left to right; pins that would overlap share a label of consecutive numbers;
only the notes the plan prints are on it; a place converts to the stored image's pixels;
labels go where they cover nothing when there is room."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from yoriai.exports import maps
from yoriai.exports.drawing import Group, Line, Rect, flat
from yoriai.facilitation.limits import MAP_GRID
from yoriai.facilitation.model import FACILITATOR

from .map_evening import HIDDEN_TEXT, PRIVATE_TEXT, UNPLACED_TEXT, map_evening, pin

Place = tuple[str, int, int]


def numbered(places: list[Place], width: int = 2400, height: int = 1600) -> list[str]:
    return [p[0] for group in maps.clusters_of(places, width, height) for p in group]


def test_numbers_run_in_bands_from_the_top_left_to_right() -> None:
    # One band is an eighth of the map: b is lower than a but in the same band, so it is
    # read after a only by x; c is in the next band down, left of both.
    a, b = ("a", 6000, 100), ("b", 9000, 1000)
    c, d = ("c", 500, 2000), ("d", 100, 100)
    assert numbered([a, b, c, d]) == ["d", "a", "b", "c"]


def test_pins_that_would_overlap_share_consecutive_numbers() -> None:
    # e and f are 1% of the map apart (their icons are 2% across); g lies between them in
    # reading order but far away: it must not split the cluster's numbers.
    e, f = ("e", 2000, 5000), ("f", 2100, 5050)
    g = ("g", 8000, 5020)
    groups = maps.clusters_of([e, g, f], 2400, 1600)
    assert [[p[0] for p in group] for group in groups] == [["e", "f"], ["g"]]


def test_a_cluster_reaches_from_its_first_pin_so_a_street_is_not_one_cluster() -> None:
    street = [(f"s{i}", 1000 + i * 150, 5000) for i in range(20)]  # 0.6% apart, a line
    groups = maps.clusters_of(street, 2400, 1600)
    assert len(groups) > 5
    reach = maps.CLUSTER_SHARE * 2400
    for group in groups:
        x0 = group[0][1] * 2400 / MAP_GRID
        assert all(abs(p[1] * 2400 / MAP_GRID - x0) < reach for p in group)


def test_closeness_is_measured_in_pixels_of_the_image_not_grid_units() -> None:
    # On a wide map 200 grid units across are 48 px but 200 down are 12 px: the first
    # pair is apart (reach 48 px), the second together.
    wide = (9600, 2400)
    across = maps.clusters_of([("a", 5000, 5000), ("b", 5200, 5000)], *wide)
    down = maps.clusters_of([("a", 5000, 5000), ("b", 5000, 5200)], *wide)
    assert len(across) == 2 and len(down) == 1


places_strategy = st.lists(
    st.tuples(st.integers(0, MAP_GRID), st.integers(0, MAP_GRID)), max_size=60)


@settings(max_examples=60, deadline=None)
@given(places_strategy, st.integers(1, 2400), st.integers(1, 2400))
def test_every_place_gets_one_number_and_clusters_are_within_reach(
        raw: list[tuple[int, int]], width: int, height: int) -> None:
    places = [(f"n{i}", x, y) for i, (x, y) in enumerate(raw)]
    groups = maps.clusters_of(places, width, height)
    ids = [p[0] for g in groups for p in g]
    assert sorted(ids) == sorted(p[0] for p in places)
    assert groups == maps.clusters_of(list(places), width, height)  # deterministic
    reach = maps.CLUSTER_SHARE * max(width, height)
    for g in groups:
        # Every member lies within reach of one of the cluster's places (the seed).
        assert any(all(math.dist((s[1] * width / MAP_GRID, s[2] * height / MAP_GRID),
                                 (p[1] * width / MAP_GRID, p[2] * height / MAP_GRID)) < reach
                       or p == s for p in g) for s in g)


def test_a_place_in_pixels_of_the_stored_image() -> None:
    assert maps.pixel(0, 0, 2400, 1600) == (0, 0)
    assert maps.pixel(MAP_GRID, MAP_GRID, 2400, 1600) == (2400, 1600)
    assert maps.pixel(2500, 5000, 2400, 1600) == (600, 800)
    assert maps.pixel(1, 1, 2400, 1600) == (0, 0)  # 0.24 px rounds to the first pixel


def test_the_map_plan_holds_the_published_notes_with_a_place_numbered() -> None:
    ev = map_evening()
    mp = maps.map_plan(ev.source())
    assert mp is not None
    texts = [p.note.text for p in mp.pins]
    assert HIDDEN_TEXT not in texts and PRIVATE_TEXT not in texts
    assert UNPLACED_TEXT not in texts
    assert [p.number for p in mp.pins] == list(range(1, len(mp.pins) + 1))
    assert mp.unplaced == 1
    # The CSV's numbers are the list's.
    assert maps.numbers(ev.w.state) == {ev.notes[p.note.text]: p.number for p in mp.pins}
    labels = [c.label for c in mp.clusters]
    assert any(maps.RANGE in label for label in labels)


def test_no_map_plan_without_a_map_or_without_a_published_pin() -> None:
    ev = map_evening()
    ev.w.run(FACILITATOR, "remove_map", {})
    assert maps.map_plan(ev.source()) is None
    assert maps.numbers(ev.w.state) == {}
    ev = map_evening(code="map2")
    for note_id in list(ev.notes.values()):
        if ev.w.state.notes[note_id].pin is not None:
            ev.w.run(FACILITATOR, "place_note", {"note_id": note_id, "pin": None})
    assert maps.map_plan(ev.source()) is None


def test_a_missing_or_damaged_image_leaves_a_frame_with_the_pins() -> None:
    ev = map_evening()
    for photos in ({}, {ev.hash: b"not a jpeg at all"}):
        source = ev.source()
        source = type(source)(source.state, source.generated_at, source.events, photos=photos)
        mp = maps.map_plan(source)
        assert mp is not None and mp.image is None
        assert maps.MISSING in maps.intro(mp)
        pins = [i for i in maps.figure(mp, 1000, 1000).items
                if isinstance(i, Group) and i.cls.startswith("pin ")]
        assert len(pins) == len(mp.pins)


def test_labels_cover_nothing_when_there_is_room() -> None:
    ev = map_evening()
    for i in range(30):  # a grid of well-spaced pins, posted in a scrambled order
        x, y = 500 + (i * 7 % 6) * 1700, 500 + (i * 5 % 5) * 2000
        ev.w.by(ev.w.join(f"追加{i}"), "post_note",
                {"kind": "charm", "text": f"追加の付箋{i}", "pin": pin(x, y)})
    mp = maps.map_plan(ev.source())
    assert mp is not None
    shapes = maps.overlay(mp, 0, 0, 1200, 800)
    labels = [next(s for s in flat(g.items) if isinstance(s, Rect))
              for g in shapes if isinstance(g, Group) and g.cls == "pin-label"]
    assert len(labels) == len(mp.clusters)
    r = maps.PIN_SHARE * 1200 / 2
    icons = [(p.x * 1200 / MAP_GRID, p.y * 800 / MAP_GRID) for p in mp.pins]
    for n, a in enumerate(labels):
        assert a.x >= 0 and a.x + a.w <= 1200
        assert a.y >= 0 and a.y + a.h <= 800
        for b in labels[n + 1:]:
            assert maps.overlaps((a.x, a.y, a.x + a.w, a.y + a.h),
                                 (b.x, b.y, b.x + b.w, b.y + b.h)) == 0
        for cx, cy in icons:
            assert maps.overlaps((a.x, a.y, a.x + a.w, a.y + a.h),
                                 (cx - r, cy - r, cx + r, cy + r)) == 0


def test_a_crowded_spot_still_gets_labels_that_do_not_overlap() -> None:
    # Twenty-five notes around the station, each just too far from the next to share its
    # label (a lattice a little wider than a pin): no room for labels among them, so they
    # are pushed outwards (ring after ring), each far one with a line to its pin.
    ev = map_evening()
    for i in range(25):
        x, y = 4500 + i % 5 * 210, 4500 + i // 5 * 320
        ev.w.by(ev.w.join(f"駅{i}"), "post_note",
                {"kind": ("charm", "issue", "wish")[i % 3], "text": f"駅の付箋{i}",
                 "pin": pin(x, y)})
    mp = maps.map_plan(ev.source())
    assert mp is not None
    shapes = maps.overlay(mp, 0, 0, 600, 400)
    groups = [g for g in shapes if isinstance(g, Group) and g.cls == "pin-label"]
    boxes = [next(s for s in flat(g.items) if isinstance(s, Rect)) for g in groups]
    for n, a in enumerate(boxes):
        for b in boxes[n + 1:]:
            assert maps.overlaps((a.x, a.y, a.x + a.w, a.y + a.h),
                                 (b.x, b.y, b.x + b.w, b.y + b.h)) == 0
    lines = [(g, s) for g in groups for s in g.items if isinstance(s, Line)]
    assert lines  # at least one label had to move away from its pins
    for g, line in lines:
        box = next(s for s in g.items if isinstance(s, Rect))
        assert box.x <= line.x2 <= box.x + box.w and box.y <= line.y2 <= box.y + box.h


def test_a_note_the_plan_did_not_list_is_still_numbered() -> None:
    # The domain keeps a theme's list and its notes' theme in step; were they ever not (a
    # damaged store), the map must still draw the note rather than fail the download.
    ev = map_evening()
    theme = ev.w.run(FACILITATOR, "create_theme", {"title": "駅前"})["theme_id"]
    note = ev.notes["駅前の歩道に雪が残る"]
    ev.w.run(FACILITATOR, "group_note", {"note_id": note, "theme_id": theme})
    ev.w.state.themes[theme].notes.remove(note)  # out of step, on purpose
    mp = maps.map_plan(ev.source())
    assert mp is not None
    assert "駅前の歩道に雪が残る" in [p.note.text for p in mp.pins]
    assert maps.numbers(ev.w.state)[note] in [p.number for p in mp.pins]


def naive_clusters(places: list[Place], width: int, height: int) -> list[list[str]]:
    """The clustering rule said plainly (every seed tried, nearest within reach, the older
    on a tie), to check the grid of cells that makes it fast finds the same clusters."""
    reach = maps.CLUSTER_SHARE * max(width, height)
    seeds: list[tuple[float, float]] = []
    groups: list[list[str]] = []
    for note_id, x, y in places:
        p = (x * width / MAP_GRID, y * height / MAP_GRID)
        near = [(math.dist(p, s), i) for i, s in enumerate(seeds) if math.dist(p, s) < reach]
        if near:
            groups[min(near)[1]].append(note_id)
        else:
            seeds.append(p)
            groups.append([note_id])
    return sorted(sorted(g) for g in groups)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, MAP_GRID), st.integers(0, MAP_GRID)), max_size=80),
       st.integers(1, 2400), st.integers(1, 2400), st.integers(0, 3))
def test_the_fast_clustering_finds_what_the_plain_rule_finds(
        raw: list[tuple[int, int]], width: int, height: int, crowd: int) -> None:
    # ``crowd`` squeezes the places towards the middle: crowded maps have many near ties.
    places = [(f"n{i}", 5000 + (x - 5000) // (1 + 9 * crowd), 5000 + (y - 5000) // (1 + 9 * crowd))
              for i, (x, y) in enumerate(raw)]
    fast = maps.clusters_of(places, width, height)
    assert sorted(sorted(p[0] for p in g) for g in fast) == naive_clusters(places, width, height)
