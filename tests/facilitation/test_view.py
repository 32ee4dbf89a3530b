"""Who sees what: snapshots and live events pass the same filter, and a client that
applies its live patches holds exactly what a fresh snapshot would give it."""

from __future__ import annotations

from tests.board import ClientView, normalised
from yoriai.facilitation.commands import decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import (
    FACILITATOR,
    PROJECTOR,
    Actor,
    Event,
    Role,
    WorkshopState,
    replay,
)
from yoriai.facilitation.view import lens, personal_to, snapshot, touched, wire_event

from .helpers import NOW, Workshop


def visible_ids(state: WorkshopState, viewer: Actor) -> set[str]:
    return {n["id"] for n in snapshot(state, viewer)["notes"]}


def follow(log: list[Event], viewer: Actor) -> ClientView:
    """A client that was there from the first event, applying each patch it was sent."""
    client = ClientView()
    state = WorkshopState()
    for i, event in enumerate(log):
        touch = touched(event, state)  # taken before the event is applied
        replay([event], state)
        if i == 0:
            client.load(snapshot(state, viewer))
            continue
        msg = wire_event(event, state, viewer, touch)
        if msg is not None:
            client.patch(msg["data"])
    return client


def assert_clients_agree(w: Workshop, viewers: list[Actor]) -> None:
    for viewer in viewers:
        assert follow(w.log, viewer).as_state() == normalised(snapshot(w.state, viewer)), viewer


def test_hidden_note_is_seen_by_facilitator_and_author_only() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    note_id = w.post(a)
    w.run(FACILITATOR, "hide_note", note_id=note_id)
    assert note_id in visible_ids(w.state, FACILITATOR)
    assert note_id in visible_ids(w.state, a)
    assert note_id not in visible_ids(w.state, b)
    assert note_id not in visible_ids(w.state, PROJECTOR)


def test_live_patches_agree_with_snapshots_for_every_viewer() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    n1 = w.post(a, "一")
    n2 = w.post(b, "二")
    w.run(FACILITATOR, "hide_note", note_id=n1)
    w.run(a, "edit_note", note_id=n1, text="一の二")
    w.run(FACILITATOR, "unhide_note", note_id=n1)
    w.run(FACILITATOR, "hide_note", note_id=n2)
    w.run(b, "delete_note", note_id=n2)
    n3 = w.post(b, "三")
    w.run(FACILITATOR, "hide_note", note_id=n3)
    assert_clients_agree(w, [FACILITATOR, PROJECTOR, a, b])


def test_public_views_carry_no_author() -> None:
    w = Workshop()
    a = w.join("佐藤")
    note_id = w.post(a)
    public = snapshot(w.state, PROJECTOR)
    assert "author" not in public["notes"][0] and "author_name" not in public["notes"][0]
    assert public["participants"] == []
    assert public["me"] is None
    assert snapshot(w.state, a)["me"]["notes"] == [note_id]
    fac = snapshot(w.state, FACILITATOR)
    assert fac["notes"][0]["author_name"] == "佐藤"
    assert fac["participants"][0]["name"] == "佐藤"


def test_participant_joined_tells_the_public_only_the_count() -> None:
    w = Workshop()
    before = w.state.copy()
    w.join("佐藤")
    event = w.log[-1]
    touch = touched(event, before)
    public = wire_event(event, w.state, PROJECTOR, touch)
    assert public is not None
    assert public["data"]["workshop"]["participant_count"] == 1
    assert "佐藤" not in str(public)
    fac = wire_event(event, w.state, FACILITATOR, touch)
    assert fac is not None and fac["data"]["upsert"]["participants"][0]["name"] == "佐藤"


def test_a_participant_sees_own_profile() -> None:
    w = Workshop()
    a = w.join("佐藤", "町内会・自治会")
    assert snapshot(w.state, a)["me"]["attribute"] == "町内会・自治会"
    assert snapshot(w.state, Actor(Role.PROJECTOR))["me"] is None


def test_a_viewers_lens_gets_the_viewers_own_patch() -> None:
    """The hub builds each message from a lens, once per audience: that is only right if
    the lens's patch is the viewer's own, for every event and every kind of viewer."""
    w = Workshop()
    people = [w.join(f"人{i}") for i in range(4)]
    n = w.post(people[0])
    w.run(FACILITATOR, "hide_note", note_id=n)
    w.run(FACILITATOR, "set_private_notes", private=True)
    w.post(people[1])
    w.run(FACILITATOR, "grant_cofacilitator", participant_id=people[3].participant_id)
    w.run(FACILITATOR, "set_vote_settings", votes_visible=True)
    w.run(FACILITATOR, "reveal_notes")
    viewers = [*people, Actor(Role.COFACILITATOR, people[3].participant_id), PROJECTOR,
               FACILITATOR]
    state = WorkshopState()
    lenses = set()
    for event in w.log:
        touch = touched(event, state)
        replay([event], state)
        personal = personal_to(state, touch)
        for viewer in viewers:
            seen_as = lens(state, viewer, personal)
            lenses.add(seen_as)
            assert wire_event(event, state, seen_as, touch) == wire_event(
                event, state, viewer, touch), (event.type, viewer)
    assert len(lenses) < len(viewers) * len(w.log) / 2  # and phones do share


def test_votable_says_what_the_server_lets_this_viewer_give_kyokan_to() -> None:
    """``votable`` is the server's own rule, not a second copy of it: for every note in a
    viewer's view it is true exactly when ``cast_vote`` from that viewer is not refused for
    the note itself (its budget aside)."""
    w = Workshop()
    author, other, helper = w.join("作者"), w.join("他人"), w.join("つむぎ")
    w.run(FACILITATOR, "grant_cofacilitator", participant_id=helper.participant_id)
    helper = Actor(Role.COFACILITATOR, helper.participant_id)
    public = w.post(author, "みんなの付箋")
    hidden = w.post(author, "隠された付箋")
    w.run(FACILITATOR, "hide_note", note_id=hidden)
    w.run(FACILITATOR, "set_private_notes", private=True)
    private = w.post(author, "まだ秘密")
    w.run(FACILITATOR, "set_step", step="companions")
    seen: dict[tuple[str | None, str], bool] = {}
    for viewer in (author, other, helper):
        for note in snapshot(w.state, viewer)["notes"]:
            try:
                decide(w.state, viewer, "cast_vote", {"note_id": note["id"]}, NOW)
                allowed = True
            except Refusal as refusal:
                assert refusal.code in ("unknown_note", "not_allowed"), refusal
                allowed = False
            assert note["votable"] is allowed, (viewer, note)
            seen[viewer.participant_id, note["id"]] = allowed
    # What that means today: a hidden note is not on the board to be chosen, even by its
    # author or a つむぎすと who still see it; your own private note is.
    assert seen[author.participant_id, public] and seen[author.participant_id, private]
    assert not seen[author.participant_id, hidden]
    assert not seen[helper.participant_id, hidden] and seen[helper.participant_id, private]
    assert (other.participant_id, hidden) not in seen
    assert all(n["votable"] for n in snapshot(w.state, PROJECTOR)["notes"])


def test_votable_follows_hiding_in_live_patches() -> None:
    w = Workshop()
    author, other = w.join("作者"), w.join("他人")
    note = w.post(author)
    mine = follow(w.log, author)
    assert mine.items["notes"][note]["votable"] is True
    w.run(FACILITATOR, "hide_note", note_id=note)
    assert follow(w.log, author).items["notes"][note]["votable"] is False
    assert note not in follow(w.log, other).items["notes"]
    w.run(FACILITATOR, "unhide_note", note_id=note)
    assert follow(w.log, author).items["notes"][note]["votable"] is True
    assert_clients_agree(w, [author, other, FACILITATOR, PROJECTOR])


def test_at_tables_patches_and_lenses_agree_for_hosts_movers_and_proxies() -> None:
    """Tables, a host at each, people moved between them, a host made and unmade, a proxy
    seated at a table, 共感 per table and a round: every viewer's patched view is a fresh
    snapshot's, and the lens the hub shares gets each viewer's own patch."""
    w = Workshop()
    people = [w.join(f"人{i}", ("住民", "企業")[i % 2], show_name=i % 3 == 0) for i in range(6)]
    proxy = w.run(FACILITATOR, "add_proxy", name="紙", attribute="住民", show_name=False)
    paper = proxy[0].data["participant_id"]
    w.post(people[0], "テーブル前")
    w.run(FACILITATOR, "make_tables", count=2, by="mixed")
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=people[0].participant_id)
    w.run(FACILITATOR, "set_table_host", table_id="k2", participant_id=people[1].participant_id)
    w.run(FACILITATOR, "seat", participant_id=paper, table_id="k1")
    w.run(FACILITATOR, "set_private_notes", private=True)
    w.post(people[2], "ひみつ")
    w.run(people[0], "post_note", kind="wish", text="代理のひみつ", proxy_for=paper)
    w.run(FACILITATOR, "seat", participant_id=people[2].participant_id, table_id="k2")
    w.run(FACILITATOR, "set_table_settings", vote_scope="table", others_visible=True)
    w.post(people[3], "公開")
    w.run(FACILITATOR, "set_step", step="companions")
    w.run(FACILITATOR, "reveal_notes")
    w.run(people[3], "cast_vote", note_id="n4")
    w.run(people[0], "create_theme", title="ベンチ")
    w.run(FACILITATOR, "set_table_host", table_id="k1", participant_id=people[4].participant_id)
    w.run(FACILITATOR, "name_table", table_id="k2", name="子育て")
    w.run(FACILITATOR, "start_round")
    w.join("遅刻")
    viewers = [*people, FACILITATOR, PROJECTOR, Actor(Role.PARTICIPANT, paper)]
    assert_clients_agree(w, viewers)
    state = WorkshopState()
    for event in w.log:
        touch = touched(event, state)
        replay([event], state)
        personal = personal_to(state, touch)
        for viewer in viewers:
            assert wire_event(event, state, lens(state, viewer, personal), touch) == wire_event(
                event, state, viewer, touch), (event.type, viewer)
