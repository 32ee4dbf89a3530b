"""Who may do what and who receives what, over real WebSockets: every command × role, and
every event type × recipient role."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from tests.support import Client, LiveServer, map_image, upload_map
from yoriai.facilitation.commands import COMMANDS
from yoriai.facilitation.model import Role, event_types
from yoriai.server.ws import UPLOAD_ONLY

from .test_photos import small_jpeg


async def room_with_every_role(live: LiveServer) -> tuple[str, dict[str, Client]]:
    code = live.new_workshop()
    fac = await Client(live, code, key=live.key).connect()
    cofac = await Client(live, code).connect()
    await cofac.join("つむぎ")
    part = await Client(live, code).connect()
    await part.join("参加者")
    other = await Client(live, code).connect()
    await other.join("となり")
    screen = await Client(live, code).connect()
    reply = await fac.cmd("grant_cofacilitator", participant_id=cofac.board.participant_id)
    assert reply["type"] == "ack"
    await cofac.wait_for(lambda b: b.role == "cofacilitator")
    return code, {"facilitator": fac, "cofacilitator": cofac, "participant": part,
                  "other": other, "projector": screen}


async def test_every_command_is_authorised_per_role(live: LiveServer) -> None:
    _, clients = await room_with_every_role(live)
    for name, spec in sorted(COMMANDS.items()):
        for role in ("facilitator", "cofacilitator", "participant", "projector"):
            reply = await clients[role].cmd_patiently(name)
            if name in UPLOAD_ONLY:  # their files come by HTTP: the socket refuses them all
                assert reply["type"] == "error" and reply["code"] == "upload_only", reply
                continue
            allowed = Role(role) in spec.roles
            if name == "create_workshop":
                allowed = False  # creating is not a socket's job: not_allowed from anyone
            refused_for_role = reply["type"] == "error" and reply["code"] == "not_allowed"
            assert refused_for_role != allowed, (name, role, reply)


async def test_powers_follow_the_grant_per_message(live: LiveServer) -> None:
    _, c = await room_with_every_role(live)
    note = (await c["participant"].cmd("post_note", kind="wish", text="x"))["result"]["note_id"]
    assert (await c["cofacilitator"].cmd("hide_note", note_id=note))["type"] == "ack"
    await c["facilitator"].cmd("revoke_cofacilitator",
                               participant_id=c["cofacilitator"].board.participant_id)
    await c["cofacilitator"].wait_for(lambda b: b.role == "participant")
    reply = await c["cofacilitator"].cmd("unhide_note", note_id=note)
    assert reply["code"] == "not_allowed"
    # and the view narrowed with the role: the hidden note of someone else is gone
    assert note not in c["cofacilitator"].board.notes


SECRET_PRIVATE = "まだ秘密の思い"
SECRET_HIDDEN = "非表示にされた付箋"
WIFI_PASSWORD = "wifi-secret-9"  # only the log, the archive and the Wi-Fi QR code hold it


async def test_every_event_reaches_each_role_as_it_may_see_it(live: LiveServer) -> None:
    code, c = await room_with_every_role(live)
    fac, cofac, part, other, screen = (c[k] for k in (
        "facilitator", "cofacilitator", "participant", "other", "projector"))

    async def ok(client: Client, name: str, /, **args: Any) -> dict[str, Any]:
        reply = await client.cmd_patiently(name, **args)
        assert reply["type"] == "ack", (name, reply)
        result: dict[str, Any] = reply["result"]
        return result

    proxy = (await ok(fac, "add_proxy", name="紙の人", attribute="住民"))["participant_id"]
    bot = await Client(live, code).connect()  # joins, posts, and is removed at the end
    await bot.join("いたずら")
    await ok(bot, "post_note", kind="wish", text="宣伝です")
    public = (await ok(part, "post_note", kind="charm", text="桜並木"))["note_id"]
    gone = (await ok(other, "post_note", kind="wish", text="消す付箋"))["note_id"]
    await ok(other, "edit_note", note_id=gone, text="消す付箋（直し）")
    await ok(other, "delete_note", note_id=gone)
    # Posted in public, then hidden: what its author writes on it afterwards stays hidden.
    hidden = (await ok(part, "post_note", kind="issue", text="言いすぎた付箋"))["note_id"]
    await ok(fac, "hide_note", note_id=hidden)
    await ok(part, "edit_note", note_id=hidden, text=SECRET_HIDDEN)
    temp = (await ok(part, "post_note", kind="issue", text="一度隠す"))["note_id"]
    await ok(fac, "hide_note", note_id=temp)
    await ok(fac, "unhide_note", note_id=temp)
    # The map (its file comes by HTTP too, tests/server/test_map_upload.py): a pin placed,
    # moved, the projector's view set, the map taken away again.
    added = await asyncio.to_thread(upload_map, live, code, map_image(), title="町内")
    assert added.status_code == 200, added.text
    pinned = (await ok(part, "post_note", kind="charm", text="地図の付箋",
                       pin={"x": 2000, "y": 3000}))["note_id"]
    await ok(fac, "place_note", note_id=pinned, pin={"x": 2500, "y": 3000})
    await ok(fac, "set_map_view", kinds=["charm"])
    await ok(fac, "remove_map")
    await ok(fac, "set_private_notes", private=True)
    private = (await ok(part, "post_note", kind="wish", text=SECRET_PRIVATE))["note_id"]
    await ok(fac, "post_note", proxy_for=proxy, kind="issue", text="紙に書いた付箋")

    await ok(fac, "set_step", step="companions")
    await ok(fac, "set_vote_settings", vote_budget=4)  # still hidden from the room
    await ok(other, "cast_vote", note_id=public)
    await ok(other, "cast_vote", note_id=temp)
    await ok(other, "retract_vote", note_id=temp)
    t1 = (await ok(fac, "create_theme", title="桜", note_id=public))["theme_id"]
    t2 = (await ok(cofac, "create_theme", title="仮"))["theme_id"]
    await ok(fac, "rename_theme", theme_id=t2, title="仮の輪")
    await ok(fac, "group_note", note_id=temp, theme_id=t2)
    t3 = (await ok(fac, "create_theme", title="消す輪"))["theme_id"]
    await ok(fac, "delete_theme", theme_id=t3)
    await ok(part, "join_theme", theme_id=t2)
    await ok(other, "join_theme", theme_id=t1)
    await ok(other, "leave_theme", theme_id=t1)
    await ok(fac, "merge_themes", source=t2, target=t1)
    await ok(fac, "set_focus", kind="theme", id=t1)
    await ok(fac, "set_focus", kind=None)
    await ok(fac, "start_timer", seconds=300)
    await ok(fac, "extend_timer")
    await ok(fac, "pause_timer")
    await ok(fac, "lock_board", locked=True)
    await ok(fac, "lock_board", locked=False)
    await ok(fac, "show_join_view", shown=True)  # 「参加受付」: the projector's join view
    await ok(fac, "show_join_view", shown=False)
    # Photos of the evening (their files come by HTTP, tests/server/test_photos.py; the
    # socket refuses add_photo): only the facilitators are told of them.
    def upload(n: int, headers: dict[str, str]) -> str:
        with httpx.Client(base_url=live.base, headers=headers) as http:
            reply = http.post(f"/w/{code}/photos", params={"caption": "会場" if n else ""},
                              content=small_jpeg(n), headers={"accept": "application/json"})
        assert reply.status_code == 200, reply.text
        return str(reply.json()["hash"])

    photo = await asyncio.to_thread(upload, 1, {"cookie": f"yoriai_key={live.key}"})
    await ok(cofac, "caption_photo", hash=photo, caption="会場の写真キャプション")
    await ok(fac, "choose_photo", hash=photo, chosen=True)
    spare = await asyncio.to_thread(upload, 0, {"x-yoriai-token": str(cofac.token)})
    await ok(fac, "remove_photo", hash=spare)

    await ok(fac, "set_wifi", name="公民館ゲスト", password=WIFI_PASSWORD)

    # Tables (班): made, named, a host, people moved, settings, a round, the host ended.
    await ok(fac, "make_tables", count=2, by="mixed")
    await ok(fac, "name_table", table_id="k1", name="桜")
    await ok(fac, "set_table_host", table_id="k1", participant_id=part.board.participant_id)
    await ok(fac, "seat", participant_id=other.board.participant_id, table_id=None)
    await ok(fac, "seat", participant_id=other.board.participant_id, table_id="k2")
    await ok(fac, "set_table_settings", others_visible=True)
    await ok(fac, "start_round")
    await ok(fac, "set_focus", kind="table", id="k1")
    await ok(fac, "set_table_host", table_id="k1", participant_id=None)

    await ok(fac, "set_step", step="activity")
    await ok(part, "write_proposal", theme_id=t1, aim="桜の下でお茶会", ideas=["ござを借りる"])
    await ok(other, "cast_priority", theme_id=t1)
    await ok(other, "retract_priority", theme_id=t1)
    await ok(part, "cast_priority", theme_id=t1)
    await ok(fac, "choose_proposal", theme_id=t1, chosen=True)

    await ok(fac, "set_step", step="practice")
    action = (await ok(fac, "create_action", title="お茶会", theme_id=t1))["action_id"]
    await ok(fac, "update_action", action_id=action, form="citizen_only", due="2027-04-05")
    await ok(part, "volunteer", action_id=action)
    await ok(other, "volunteer", action_id=action)
    await ok(other, "withdraw", action_id=action)
    await ok(fac, "set_lead", action_id=action, participant_id=part.board.participant_id)

    await ok(fac, "set_step", step="future")
    await ok(part, "set_action_status", action_id=action, status="under_way")
    review = (await ok(part, "post_review", column="keep", text="よかった"))["review_id"]
    await ok(part, "edit_review", review_id=review, text="とてもよかった")
    await ok(part, "delete_review", review_id=review)
    # The newsletter page: its facts are the page's public text, in every audience's header.
    await ok(fac, "set_schedule", start="19:00", end="21:00")
    await ok(fac, "write_lead", text="桜の下でお茶会を開くことを決めました。")
    await ok(fac, "set_next_meeting", date="2027-05-01", time="19:00", place="")
    await ok(fac, "revoke_cofacilitator", participant_id=cofac.board.participant_id)
    await ok(fac, "remove_participant", participant_id=bot.board.participant_id)
    await ok(fac, "open_meeting", date="2027-05-01")

    everyone = [fac, cofac, part, other, screen]
    for client in everyone:
        await client.wait_for(lambda b: b.workshop.get("meeting") == 2)
        assert "桜の下でお茶会を開くことを決めました。" in json.dumps(client.received,
                                                          ensure_ascii=False)

    # Nothing secret reached those who may not see it: not live, not in a snapshot.
    for client in (other, screen):
        stream = json.dumps(client.received, ensure_ascii=False)
        leaks = [m for m in client.received
                 if SECRET_PRIVATE in json.dumps(m, ensure_ascii=False)
                 or SECRET_HIDDEN in json.dumps(m, ensure_ascii=False)]
        assert not leaks, leaks[:2]
        assert SECRET_PRIVATE not in stream and SECRET_HIDDEN not in stream
        assert private not in client.board.notes and hidden not in client.board.notes
        assert photo not in stream and "会場の写真キャプション" not in stream
        assert "公民館ゲスト" in stream and WIFI_PASSWORD not in stream
    # Votes stayed hidden from the room (each voter saw only their own, in `me`).
    for client in (part, other, screen):
        assert not any(m.get("data", {}).get("tallies") for m in client.received
                       if m["type"] == "event")
        assert all(not m["state"]["tallies"] for m in client.received if m["type"] == "snapshot")
    # Nor by any other path: a resync after a drop, a fresh snapshot, the pages, an export.
    await other.close()
    await other.connect(resume=True)
    await screen.close()
    await screen.connect()
    with httpx.Client(base_url=live.base) as http:
        pages = [http.get(f"/w/{code}").text, http.get(f"/w/{code}/screen").text,
                 http.get(f"/w/{code}/export/json").text, http.get(f"/w/{code}/export/csv").text]
    for text in [json.dumps(other.received, ensure_ascii=False),
                 json.dumps(screen.received, ensure_ascii=False), *pages]:
        assert SECRET_PRIVATE not in text and SECRET_HIDDEN not in text
    for text in [*(json.dumps(x.received, ensure_ascii=False) for x in everyone), *pages[:2]]:
        assert WIFI_PASSWORD not in text  # in no view of anyone's, nor on a page
    for client in (fac, cofac):
        assert SECRET_HIDDEN in json.dumps(client.received, ensure_ascii=False)
    assert SECRET_PRIVATE in json.dumps(part.received, ensure_ascii=False)  # the author's own

    await ok(fac, "reveal_notes")
    await screen.wait_for(lambda b: private in b.notes)

    # Every event type was produced, and the facilitator saw each.
    seen = {m["event"] for m in fac.received if m["type"] == "event"}
    assert set(event_types()) - seen == {"WorkshopCreated"}

    # Each role's live view equals a fresh connection's snapshot for the same role.
    fresh = {
        "facilitator": await Client(live, code, key=live.key).connect(),
        "cofacilitator": await Client(live, code, token=cofac.token).connect(),
        "participant": await Client(live, code, token=part.token).connect(),
        "other": await Client(live, code, token=other.token).connect(),
        "projector": await Client(live, code).connect(),
    }
    for role, client in c.items():
        live_view, fresh_view = client.board.view.as_state(), fresh[role].board.view.as_state()
        diff: dict[str, Any] = {k: (live_view[k], fresh_view[k]) for k in live_view
                                if live_view[k] != fresh_view[k]}
        if "me" in diff:
            a, b = diff["me"]
            diff["me"] = {k: (a[k], b[k]) for k in a if a[k] != b[k]}
        assert not diff, (role, diff)


async def test_one_workshops_traffic_never_reaches_another(live: LiveServer) -> None:
    _, c = await room_with_every_role(live)
    other_code = live.new_workshop("別の会")
    outsider = await Client(live, other_code, key=live.key).connect()
    before = len(outsider.received)
    await c["participant"].cmd("post_note", kind="wish", text="こちらの話")
    await c["facilitator"].cmd("set_step", step="future")
    await c["projector"].wait_for(lambda b: b.workshop["step"] == "future")
    assert len(outsider.received) == before


async def test_every_command_is_authorised_for_a_table_host(live: LiveServer) -> None:
    """The table host's column of the command × role table: a host's tools are sent (and
    then decided by their arguments), every other moderator's command is not allowed; a
    host's tool aimed at another table is refused with not_your_table."""
    _, c = await room_with_every_role(live)
    fac, host = c["facilitator"], c["participant"]
    assert (await fac.cmd("make_tables", count=2, by="hand"))["type"] == "ack"
    reply = await fac.cmd("set_table_host", table_id="k1", participant_id=host.board.participant_id)
    assert reply["type"] == "ack"
    await host.wait_for(lambda b: b.role == "table_host")
    for name, spec in sorted(COMMANDS.items()):
        reply = await host.cmd_patiently(name)
        if name in UPLOAD_ONLY:
            assert reply["code"] == "upload_only", reply
            continue
        allowed = Role.TABLE_HOST in spec.roles
        refused_for_role = reply["type"] == "error" and reply["code"] == "not_allowed"
        assert refused_for_role != allowed, (name, reply)
    theme = await host.cmd_patiently("create_theme", title="ベンチ")
    assert theme["type"] == "ack", theme
    other = await fac.cmd_patiently("create_theme", title="となり", table_id="k2")
    for name, args in [("create_theme", {"title": "x", "table_id": "k2"}),
                       ("rename_theme", {"theme_id": other["result"]["theme_id"], "title": "y"}),
                       ("merge_themes", {"source": theme["result"]["theme_id"],
                                         "target": other["result"]["theme_id"]})]:
        reply = await host.cmd_patiently(name, **args)
        assert (reply["type"], reply.get("code")) == ("error", "not_your_table"), (name, reply)
    assert (await host.cmd_patiently("rename_theme", theme_id=theme["result"]["theme_id"],
                                     title="ベンチを置く"))["type"] == "ack"
