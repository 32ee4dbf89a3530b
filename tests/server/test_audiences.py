"""Every audience gets exactly its own view: the hub's real Room, sharing each encoded
message between the phones of one audience as it does in production, never sends anyone
a note (its id, text or tally) they may not see, and a phone whose role changed while it
was away starts over with a snapshot."""

from __future__ import annotations

import json

from tests.board import normalised
from tests.support import Client, LiveServer
from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, Role
from yoriai.facilitation.view import snapshot

from .audience_room import Phone, RoomDriver, mentions


def agrees(d: RoomDriver, phone: Phone) -> bool:
    return phone.board.view.as_state() == normalised(snapshot(d.state, phone.actor))


def room_with_people(d: RoomDriver, *names: str) -> list[Phone]:
    d.run(FACILITATOR, "create_workshop", code="abc234", title="聞こえない声")
    phones = []
    for name in names:
        phone = d.connect(Phone(name, PROJECTOR))
        d.join(phone, name)
        phones.append(phone)
    return phones


def test_a_tally_change_on_a_hidden_note_reaches_only_those_who_see_it() -> None:
    """Two phones of one audience, the author listed after a stranger: the author keeps
    their own note's tally, the stranger never hears of the note."""
    d = RoomDriver()
    stranger, author, voter, second = room_with_people(d, "他人", "作者", "投票者", "二人目")
    console = d.connect(Phone("console", FACILITATOR))
    d.run(FACILITATOR, "set_vote_settings", votes_visible=True)
    note = d.run(author.actor, "post_note", kind="wish", text="公園")[0].data["note_id"]
    d.run(FACILITATOR, "set_step", step="companions")
    d.run(voter.actor, "cast_vote", note_id=note)
    d.run(second.actor, "cast_vote", note_id=note)
    d.run(FACILITATOR, "hide_note", note_id=note)
    before = len(stranger.texts)
    d.run(voter.actor, "retract_vote", note_id=note)  # personal to the voter only
    assert author.board.tallies == {note: 1}
    assert agrees(d, author) and agrees(d, stranger) and agrees(d, console)
    assert not [t for t in stranger.texts[before:] if f'"{note}"' in t]


def test_votes_of_a_private_note_list_no_ids_to_others() -> None:
    """VoteSettingsChanged, NotesRevealed and a private NotePosted carry no entry (not
    even ``0``) for a note the recipient may not see."""
    d = RoomDriver()
    author, other = room_with_people(d, "作者", "となり")
    screen = d.connect(Phone("screen", PROJECTOR))
    d.run(FACILITATOR, "set_private_notes", private=True)
    private = d.run(author.actor, "post_note", kind="wish", text="秘密")[0].data["note_id"]
    d.run(FACILITATOR, "set_vote_settings", vote_budget=4)
    d.run(FACILITATOR, "set_vote_settings", votes_visible=True)
    assert not mentions(other, private) and not mentions(screen, private)
    # Hidden before the reveal: it stays out of the room's view, id included.
    d.run(FACILITATOR, "hide_note", note_id=private)
    d.run(FACILITATOR, "reveal_notes")
    assert not mentions(other, private) and not mentions(screen, private)
    assert mentions(author, private)
    for phone in (author, other, screen):
        assert agrees(d, phone), phone


def test_edits_of_a_hidden_note_are_not_announced_to_others() -> None:
    d = RoomDriver()
    author, other = room_with_people(d, "作者", "となり")
    d.run(FACILITATOR, "set_private_notes", private=True)
    note = d.run(author.actor, "post_note", kind="wish", text="下書き")[0].data["note_id"]
    d.run(author.actor, "edit_note", note_id=note, text="書き直し")
    d.run(author.actor, "delete_note", note_id=note)
    assert not mentions(other, note)
    assert agrees(d, author) and agrees(d, other)


def test_hiding_the_focused_note_clears_the_focus_for_everyone() -> None:
    d = RoomDriver()
    (author,) = room_with_people(d, "作者")
    screen = d.connect(Phone("screen", PROJECTOR))
    note = d.run(author.actor, "post_note", kind="wish", text="桜")[0].data["note_id"]
    d.run(FACILITATOR, "set_focus", kind="note", id=note)
    assert screen.board.workshop["focus"] == {"kind": "note", "id": note}
    d.run(FACILITATOR, "hide_note", note_id=note)
    assert d.state.focus is None
    assert screen.board.workshop["focus"] is None
    assert agrees(d, screen) and agrees(d, author)


def test_made_cofacilitator_while_away_resumes_with_a_snapshot() -> None:
    d = RoomDriver()
    phone, other = room_with_people(d, "つむぎ", "となり")
    note = d.run(other.actor, "post_note", kind="issue", text="言いすぎた")[0].data["note_id"]
    d.run(FACILITATOR, "hide_note", note_id=note)
    assert note not in phone.board.notes
    d.disconnect(phone)
    d.run(FACILITATOR, "grant_cofacilitator", participant_id=phone.actor.participant_id)
    d.run(other.actor, "post_note", kind="wish", text="その後の付箋")
    d.connect(phone, resume=True)
    assert phone.actor.role is Role.COFACILITATOR
    assert phone.board.role == "cofacilitator"
    assert agrees(d, phone)
    assert note in phone.board.notes


def test_revoked_while_away_resumes_with_a_snapshot() -> None:
    d = RoomDriver()
    phone, other = room_with_people(d, "つむぎ", "となり")
    d.run(FACILITATOR, "grant_cofacilitator", participant_id=phone.actor.participant_id)
    assert phone.actor.role is Role.COFACILITATOR  # the live path: refreshed at once
    note = d.run(other.actor, "post_note", kind="issue", text="言いすぎた")[0].data["note_id"]
    d.run(FACILITATOR, "hide_note", note_id=note)
    assert note in phone.board.notes and agrees(d, phone)
    d.disconnect(phone)
    d.run(FACILITATOR, "revoke_cofacilitator", participant_id=phone.actor.participant_id)
    d.connect(phone, resume=True)
    assert phone.board.role == "participant"
    assert note not in phone.board.notes
    assert agrees(d, phone)


def test_role_changes_on_the_live_path_start_the_phone_over() -> None:
    d = RoomDriver()
    phone, other = room_with_people(d, "つむぎ", "となり")
    note = d.run(other.actor, "post_note", kind="issue", text="言いすぎた")[0].data["note_id"]
    d.run(FACILITATOR, "hide_note", note_id=note)
    pid = phone.actor.participant_id
    d.run(FACILITATOR, "grant_cofacilitator", participant_id=pid)
    assert phone.actor == Actor(Role.COFACILITATOR, pid) and agrees(d, phone)
    d.run(FACILITATOR, "revoke_cofacilitator", participant_id=pid)
    assert phone.actor == Actor(Role.PARTICIPANT, pid) and agrees(d, phone)
    assert note not in phone.board.notes


# --- the same over real WebSockets, against the real server --------------------------------

async def everyone_has_seen(step: str, *clients: Client) -> None:
    """Events reach each phone in seq order: once all have this step, all have what
    came before it."""
    for client in clients:
        await client.wait_for(lambda b: b.workshop.get("step") == step)


async def test_a_hidden_notes_tally_reaches_its_author_and_no_one_else(live: LiveServer) -> None:
    code = live.new_workshop()
    console = await Client(live, code, key=live.key).connect()
    phones = {}
    # The stranger joins first, so that it is listed before the author in the room.
    for name in ("stranger", "author", "voter", "second"):
        phones[name] = await Client(live, code).connect()
        await phones[name].join(name)
    stranger, author, voter, second = phones.values()
    assert (await console.cmd("set_vote_settings", votes_visible=True))["type"] == "ack"
    note = (await author.cmd("post_note", kind="wish", text="公園"))["result"]["note_id"]
    await console.cmd("set_step", step="companions")
    assert (await voter.cmd("cast_vote", note_id=note))["type"] == "ack"
    assert (await second.cmd("cast_vote", note_id=note))["type"] == "ack"
    await console.cmd("hide_note", note_id=note)
    await everyone_has_seen("companions", *phones.values())
    await stranger.wait_for(lambda b: note not in b.notes)
    told = len(stranger.received)
    assert (await voter.cmd("retract_vote", note_id=note))["type"] == "ack"
    await console.cmd("set_step", step="activity")
    await everyone_has_seen("activity", console, *phones.values())

    assert author.board.tallies == {note: 1}  # the author keeps their note's tally
    assert console.board.tallies == {note: 1}
    after = json.dumps(stranger.received[told:], ensure_ascii=False)
    assert f'"{note}"' not in after  # the stranger hears nothing of the hidden note
    for client in (console, *phones.values()):
        fresh = await Client(live, code, token=client.token, key=client.key).connect()
        assert client.board.view.as_state() == fresh.board.view.as_state()


async def test_a_role_changed_while_away_resumes_with_a_snapshot(live: LiveServer) -> None:
    code = live.new_workshop()
    console = await Client(live, code, key=live.key).connect()
    phone = await Client(live, code).connect()
    await phone.join("つむぎ")
    other = await Client(live, code).connect()
    await other.join("となり")
    note = (await other.cmd("post_note", kind="issue", text="言いすぎた"))["result"]["note_id"]
    await console.cmd("hide_note", note_id=note)
    await phone.wait_for(lambda b: note not in b.notes and b.seq > 0)
    pid = phone.board.participant_id

    for change, role, sees_it in (("grant_cofacilitator", "cofacilitator", True),
                                  ("revoke_cofacilitator", "participant", False)):
        await phone.close()  # the phone sleeps; its role changes meanwhile
        assert (await console.cmd(change, participant_id=pid))["type"] == "ack"
        await other.cmd("post_note", kind="wish", text=f"{change} の後")
        resumed_from = phone.board.seq
        await phone.connect(resume=True)
        since = [m["type"] for m in phone.received if m.get("seq", 0) > resumed_from
                 or m["type"] == "welcome"]
        assert phone.received[-1]["type"] == "snapshot", since
        assert phone.board.role == role
        assert (note in phone.board.notes) is sees_it
        fresh = await Client(live, code, token=phone.token).connect()
        assert phone.board.view.as_state() == fresh.board.view.as_state()
        await fresh.close()
