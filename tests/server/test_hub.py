"""The hub's rooms (yoriai/server/hub.py): head counts coalesced, the sender of a command
served first, a person's extra sockets closed oldest first, and a lost join ack answered
from memory before the join rate is consulted.

Most tests drive the real :class:`Room` with in-memory subscribers (audience_room.py), and
take the room's timer (``Room.schedule``, a ``loop.call_later`` in the server) into their
own hands: they fire it when they choose, so nothing waits for time to pass.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.board import normalised
from tests.support import HANG, Client, LiveServer
from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, Role
from yoriai.facilitation.view import snapshot
from yoriai.server import limits

from .audience_room import Phone, RoomDriver
from .stranger import StrangerClient


class Timer:
    """The room's ``schedule``: keeps what was asked, runs it when the test says."""

    def __init__(self) -> None:
        self.asked: list[tuple[float, Callable[[], None]]] = []

    def __call__(self, delay: float, callback: Callable[[], None]) -> None:
        self.asked.append((delay, callback))

    def fire(self) -> None:
        pending, self.asked = self.asked, []
        for _, callback in pending:
            callback()


def lagging_room() -> tuple[RoomDriver, Timer]:
    """A room whose head counts wait for the test's timer, as in the server."""
    driver = RoomDriver()
    timer = Timer()
    driver.room.schedule = timer
    driver.run(FACILITATOR, "create_workshop", code="abc234", title="集い", center="西部",
               date="2026-12-03", publish=False)
    driver.room.publish_durable(driver.state.seq, driver.now)  # no flush: the timer's job
    return driver, timer


def join(driver: RoomDriver, phone: Phone, name: str) -> str:
    """As ws.py: the join is published (without the timer firing), then the phone starts
    over as the participant."""
    events = driver.run(phone.actor, "join", publish=False, name=name, attribute="住民")
    driver.room.publish_durable(driver.state.seq, driver.now)
    pid: str = events[0].data["participant_id"]
    driver.room.unsubscribe(phone)
    phone.actor = Actor(Role.PARTICIPANT, pid)
    driver.room.subscribe(phone, None, None, driver.now)
    return pid


def counts(phone: Phone) -> list[int]:
    """The head counts a phone was sent in live events, in order."""
    out = []
    for text in phone.texts:
        msg = json.loads(text)
        if msg["type"] == "event" and "participant_count" in msg["data"].get("workshop", {}):
            out.append(msg["data"]["workshop"]["participant_count"])
    return out


def assert_current(driver: RoomDriver, phone: Phone) -> None:
    """The phone's board equals a fresh snapshot for it."""
    fresh = snapshot(driver.room.shown, phone.actor)
    assert phone.board.view.as_state() == normalised(fresh)


def test_a_join_storm_sends_the_room_one_head_count_per_tick() -> None:
    driver, timer = lagging_room()
    screen = driver.connect(Phone("screen", PROJECTOR))
    console = driver.connect(Phone("console", FACILITATOR))
    arrivals = [driver.connect(Phone(f"phone{i}", PROJECTOR)) for i in range(30)]
    for i, phone in enumerate(arrivals):
        join(driver, phone, f"人{i}")
    # The projector has been sent no head count yet, and the room asked for one timer only.
    assert counts(screen) == []
    assert len(timer.asked) == 1 and timer.asked[0][0] == limits.COUNT_EVERY_SECS
    # The facilitators see every arrival as it happens (the person, with the count).
    assert counts(console) == list(range(1, 31))
    timer.fire()
    assert counts(screen) == [30]  # the latest count only
    assert_current(driver, screen)
    for phone in arrivals:  # whoever joined before the tick: told the count once, up to date
        assert counts(phone) in ([], [30])
        assert_current(driver, phone)
    # Every phone that joined was sent as many messages as the room has people, or fewer:
    # not one per other arrival each.
    assert sum(len(p.texts) for p in arrivals) < 30 * 6


def test_an_owed_head_count_goes_before_anything_else() -> None:
    driver, timer = lagging_room()
    screen = driver.connect(Phone("screen", PROJECTOR))
    poster = driver.connect(Phone("poster", PROJECTOR))
    join(driver, poster, "書く人")
    join(driver, driver.connect(Phone("late", PROJECTOR)), "遅い人")
    assert counts(screen) == []
    before = len(screen.texts)
    driver.run(poster.actor, "post_note", publish=False, kind="wish", text="ベンチがほしい")
    driver.room.publish_durable(driver.state.seq, driver.now)
    sent = [json.loads(t) for t in screen.texts[before:]]
    assert [m["data"].get("workshop", {}).get("participant_count") for m in sent] == [2, None]
    assert sent[0]["seq"] < sent[1]["seq"]  # the count's seq is older than the note's
    assert_current(driver, screen)
    timer.fire()
    assert len(screen.texts) == before + 2  # nothing owed any more: nothing sent again


def test_a_phone_that_starts_over_is_not_owed_a_count() -> None:
    driver, timer = lagging_room()
    screen = driver.connect(Phone("screen", PROJECTOR))
    join(driver, driver.connect(Phone("a", PROJECTOR)), "一")
    driver.disconnect(screen)
    driver.connect(screen)  # its snapshot has the count
    before = len(screen.texts)
    timer.fire()
    assert len(screen.texts) == before
    assert screen.board.participant_count == 1


def tables_sent(phone: Phone) -> int:
    """How many live messages carried a table upsert to ``phone``."""
    return sum(1 for text in phone.texts
               if (m := json.loads(text))["type"] == "event"
               and "tables" in m["data"].get("upsert", {}))


@pytest.mark.parametrize("scope", ["room", "table"])
def test_a_join_storm_at_tables_sends_each_phone_its_tables_once_per_tick(scope: str) -> None:
    """Each latecomer is seated (its table's seat count and names change): like the head
    count, those table upserts are coalesced, yet every phone ends with exactly a fresh
    snapshot's view (a host's with its table's seats, per table while 共感 is per table),
    whatever else is sent in between and whenever the timer fires."""
    driver, timer = lagging_room()
    console = driver.connect(Phone("console", FACILITATOR))
    screen = driver.connect(Phone("screen", PROJECTOR))
    host = driver.connect(Phone("host", PROJECTOR))
    join(driver, host, "世話役")
    driver.run(FACILITATOR, "make_tables", count=3, by="hand", publish=False)
    driver.room.publish_durable(driver.state.seq, driver.now)
    table = next(iter(driver.state.tables))
    driver.run(FACILITATOR, "set_table_host", publish=False, table_id=table,
               participant_id=host.actor.participant_id)
    if scope == "table":
        driver.run(FACILITATOR, "set_table_settings", publish=False, vote_scope="table")
    driver.room.publish_durable(driver.state.seq, driver.now)
    timer.fire()
    phones = [console, screen, host]
    before = {p.name: tables_sent(p) for p in phones}
    for i in range(24):
        phone = driver.connect(Phone(f"phone{i}", PROJECTOR))
        join(driver, phone, f"人{i}")
        phones.append(phone)
        if i % 7 == 3:  # something else for everyone, while the room owes them seats
            driver.run(phone.actor, "post_note", publish=False, kind="wish", text=f"願い{i}")
            driver.room.publish_durable(driver.state.seq, driver.now)
        if i % 10 == 9:
            timer.fire()
    timer.fire()
    for phone in phones:
        assert_current(driver, phone)
        seqs = [m["seq"] for t in phone.texts if (m := json.loads(t))["type"] == "event"]
        assert seqs == sorted(set(seqs)), phone  # in order, none skipped by the board
    # The facilitators see every seat as it is taken; the projector and the host get a few
    # table messages (a tick's worth, or one ahead of a note), not one per arrival.
    assert tables_sent(console) - before["console"] == 24
    for phone in (screen, host):
        assert tables_sent(phone) - before[phone.name] <= 8, phone
    # Everyone was seated, and the projector's tables say so.
    assert all(p.table is not None for p in driver.state.participants.values())
    assert sum(t["seat_count"] for t in screen.board.items("tables").values()) == 25


def test_the_sender_of_a_command_is_sent_its_events_first() -> None:
    driver, _ = lagging_room()
    order: list[str] = []

    class Recording(Phone):
        def deliver_text(self, text: str) -> None:
            order.append(self.name)
            super().deliver_text(text)

    phones = [driver.connect(Recording(f"p{i}", FACILITATOR)) for i in range(5)]
    driver.run(FACILITATOR, "create_theme", publish=False, title="一番に")
    order.clear()
    driver.room.publish_durable(driver.state.seq, driver.now, phones[3])
    assert order[0] == "p3" and sorted(order) == sorted(p.name for p in phones)


async def test_a_persons_extra_sockets_close_oldest_first(live: LiveServer) -> None:
    code = live.new_workshop()
    first = await Client(live, code).connect()
    await first.join()
    others = [await Client(live, code, token=first.token).connect()
              for _ in range(limits.CONNECTIONS_PER_PARTICIPANT)]
    assert first.ws is not None
    await asyncio.wait_for(first.ws.wait_closed(), HANG)
    assert first.ws.close_code == 4002
    for c in others:
        assert c.ws is not None and c.ws.close_code is None
        assert (await c.cmd("post_note", kind="wish", text="まだ使える"))["type"] == "ack"
    room = live.ctx.hub.rooms[code]
    assert first.board.participant_id is not None
    assert len(room.by_person[first.board.participant_id]) == limits.CONNECTIONS_PER_PARTICIPANT


async def test_a_lost_join_ack_is_answered_before_the_join_rate(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A phone whose join ack was lost sends the join again, with the same id, on a new
    socket: it is answered with the same person, even when its address has used up its
    joins, while a new join from that address is still refused."""
    monkeypatch.setattr(limits, "JOINS_PER_ADDRESS_BURST", 1.0)
    monkeypatch.setattr(limits, "JOINS_PER_ADDRESS_PER_SEC", 0.01)
    code = live.new_workshop()
    phone = await StrangerClient(live, code, "127.0.0.5").connect()
    cid = "c-" + "5" * 32
    first = await phone.cmd("join", command_id=cid, name="佐藤", attribute="住民")
    assert first["type"] == "ack"
    await phone.close()
    again = await StrangerClient(live, code, "127.0.0.5").connect()
    retry = await again.cmd("join", command_id=cid, name="佐藤", attribute="住民")
    assert retry["type"] == "ack", retry
    assert retry["result"] == first["result"]  # the same person and token, not a second one
    other = await StrangerClient(live, code, "127.0.0.5").connect()
    refused = await other.cmd("join", name="鈴木", attribute="住民")
    assert refused["code"] == "too_many_joins"
    assert len(live.ctx.hub.rooms[code].state.participants) == 1


async def test_a_command_is_acked_in_the_frame_of_its_own_event(live: LiveServer) -> None:
    """The ack is queued the moment the events are broadcast, behind the sender's own
    event and ahead of the rest of the fan-out: one frame carries both, in that order."""
    code = live.new_workshop()
    watchers = [await Client(live, code).connect() for _ in range(5)]
    poster = await Client(live, code).connect()
    await poster.join("書く人")
    ack = await poster.cmd("post_note", kind="wish", text="同じ便で")
    assert ack["type"] == "ack"
    at = next(i for i, m in enumerate(poster.received) if m is ack)
    event = next(i for i, m in enumerate(poster.received)
                 if m["type"] == "event" and m["seq"] == ack["seq"])
    assert event < at and ack["result"]["note_id"] in json.dumps(poster.received[event])
    assert poster.frame_of[event] == poster.frame_of[at]
    for w in watchers:
        await w.wait_for(lambda b: ack["result"]["note_id"] in b.notes)


async def test_a_rooms_heartbeats_are_spread_over_the_round(
        live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every phone hears a heartbeat each round, but not all at the same moment: a round's
    beats go out a slot at a time, so a note posted just then does not wait behind one
    message per phone. Eight phones in four slots: each beat reaches two of them."""
    monkeypatch.setattr(limits, "HEARTBEAT_SECS", 0.4)
    monkeypatch.setattr(limits, "HEARTBEAT_SLOTS", 4)
    code = live.new_workshop()
    phones = [await Client(live, code).connect() for _ in range(8)]

    def beats(phone: Client) -> list[float]:
        return [m["now"] for m in phone.received if m["type"] == "heartbeat"]

    for phone in phones:  # the task may still sleep its first (unpatched) second
        await phone.wait_for(lambda _board, p=phone: len(beats(p)) >= 3)
    # A beat's moment (its `now`) is shared by the phones of one slot only.
    sharing: dict[float, int] = {}
    for phone in phones:
        for now in beats(phone):
            sharing[now] = sharing.get(now, 0) + 1
    assert max(sharing.values()) <= 2, sharing
    # ... and every phone's beats are a round apart, not bunched (no beat twice a round).
    for phone in phones:
        mine = beats(phone)
        assert len(set(mine)) == len(mine)


class Writer(Phone):
    """A phone that says which way each message came: at once (``deliver_now``, as a
    Connection writes it when nothing waits) or queued (``deliver_text``)."""

    def __init__(self, name: str, actor: Actor, log: list[tuple[str, str, str]]) -> None:
        super().__init__(name, actor)
        self.log = log

    def deliver_now(self, text: str) -> None:
        self.log.append((self.name, "now", json.loads(text)["type"]))
        super().deliver_text(text)

    def deliver_text(self, text: str) -> None:
        self.log.append((self.name, "queued", json.loads(text)["type"]))
        super().deliver_text(text)


@pytest.mark.parametrize("direct", [True, False])
def test_a_post_alone_is_written_at_once_and_its_ack_before_anyone_else(direct: bool) -> None:
    """``direct`` (the commit was alone): every phone but the sender is handed the event at
    once; otherwise every phone's is queued (one frame a phone at the end of the turn). The
    sender's event is queued either way, and its ack follows it before anyone else is sent
    anything of the post."""
    driver = RoomDriver()
    driver.run(FACILITATOR, "create_workshop", code="abc234", title="集い", center="西部",
               date="2026-12-03")
    log: list[tuple[str, str, str]] = []
    author = driver.connect(Writer("author", PROJECTOR, log))
    join(driver, author, "一")
    others = [driver.connect(Writer(f"w{i}", PROJECTOR, log)) for i in range(3)]
    log.clear()
    driver.run(author.actor, "post_note", publish=False, kind="wish", text="すぐ届く")
    driver.room.publish_durable(driver.state.seq, driver.now, author,
                                lambda: author.deliver({"type": "ack"}), direct=direct)
    way = "now" if direct else "queued"
    assert log == [("author", "queued", "event"), ("author", "queued", "ack")] + [
        (w.name, way, "event") for w in others]
    for phone in (author, *others):
        assert_current(driver, phone)


def test_a_socket_that_comes_while_a_post_waits_for_the_disk_is_sent_it() -> None:
    """Its snapshot is from before the post (``shown``), so the post's broadcast must
    reach it too, and only once."""
    driver = RoomDriver()
    driver.run(FACILITATOR, "create_workshop", code="abc234", title="集い", center="西部",
               date="2026-12-03")
    author = driver.connect(Phone("一", PROJECTOR))
    join(driver, author, "一")
    screen = driver.connect(Phone("screen", PROJECTOR))
    driver.run(author.actor, "post_note", publish=False, kind="wish", text="間に来た人にも")
    late = driver.connect(Phone("late", PROJECTOR))
    assert "間に来た人にも" not in "".join(late.texts)  # not durable yet: not shown
    driver.publish()
    for phone in (author, screen, late):
        assert_current(driver, phone)
        assert sum("間に来た人にも" in text for text in phone.texts) == 1


# What can happen to a lagging room between two ticks of its head-count timer.
lagging_steps = st.lists(st.one_of(
    st.tuples(st.just("arrive"), st.integers(0, 9)),
    st.tuples(st.just("join"), st.integers(0, 9)),
    st.tuples(st.just("post"), st.integers(0, 9)),
    st.tuples(st.just("leave"), st.integers(0, 9)),
    st.tuples(st.just("back"), st.integers(0, 9)),
    st.tuples(st.just("promote"), st.integers(0, 9)),
    st.tuples(st.just("tick"), st.just(0)),
), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(lagging_steps)
def test_every_phone_sees_each_seq_once_in_order_and_ends_current(
        steps: list[tuple[str, int]]) -> None:
    """Head counts owed to the whole public board at once (``Room.count_all``), to a
    phone alone, or to no one: whatever comes between two ticks — arrivals, joins, posts,
    phones leaving and coming back, someone made a co-facilitator — every phone's live
    events come in rising seq, never a count older than what it has seen, and after the
    tick every phone, staff or not, shows the room as it is."""
    driver, timer = lagging_room()
    phones = [Phone("console", FACILITATOR), Phone("screen", PROJECTOR)]
    online = {p.name: driver.connect(p) for p in phones}
    for kind, i in steps:
        # Each step picks, by ``i``, among the phones it can happen to.
        def pick(ok: Callable[[Phone], bool], i: int = i) -> Phone | None:
            can = [p for p in phones if ok(p)]
            return can[i % len(can)] if can else None

        if kind == "arrive":
            phones.append(Phone(f"phone{len(phones)}", PROJECTOR))
            online[phones[-1].name] = driver.connect(phones[-1])
        elif kind == "join" and (phone := pick(lambda p: p.actor == PROJECTOR and p.name in online
                                               and p.name != "screen")):
            join(driver, phone, phone.name)
        elif kind == "post" and (phone := pick(lambda p: p.actor.role is Role.PARTICIPANT)):
            driver.run(phone.actor, "post_note", publish=False, kind="wish", text=f"{i}番")
            driver.room.publish_durable(driver.state.seq, driver.now)
        elif kind == "leave" and (phone := pick(lambda p: p.name in online)):
            driver.disconnect(online.pop(phone.name))
        elif kind == "back" and (phone := pick(lambda p: p.name not in online)):
            online[phone.name] = driver.connect(phone, resume=True)
        elif kind == "promote" and (phone := pick(lambda p: p.actor.role is Role.PARTICIPANT)):
            driver.run(FACILITATOR, "grant_cofacilitator", publish=False,
                       participant_id=phone.actor.participant_id)
            driver.room.publish_durable(driver.state.seq, driver.now)
        elif kind == "tick":
            timer.fire()
    timer.fire()
    for phone in online.values():
        seqs: list[int] = []
        for text in phone.texts:
            msg = json.loads(text)
            if msg["type"] == "snapshot":
                seqs = [msg["seq"]]
            elif msg["type"] == "event":
                assert not seqs or msg["seq"] > seqs[-1], (phone, seqs, msg)
                seqs.append(msg["seq"])
        assert_current(driver, phone)
