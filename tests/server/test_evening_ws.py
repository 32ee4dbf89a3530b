"""Whole evenings over real WebSockets: a small one by hand, and the sample evening."""

from __future__ import annotations

from typing import Any

from tests.sample import load_sample
from tests.support import Client, LiveServer
from yoriai.facilitation.evening import script


async def ok(client: Client, name: str, /, **args: Any) -> dict[str, Any]:
    reply = await client.cmd(name, **args)
    assert reply["type"] == "ack", reply
    result: dict[str, Any] = reply["result"]
    return result


async def test_a_small_evening_through_all_five_steps(live: LiveServer) -> None:
    code = live.new_workshop("東部 ふゆのくらし会議", "東部")
    fac = await Client(live, code, key=live.key).connect()
    screen = await Client(live, code).connect()
    a, b = await Client(live, code).connect(), await Client(live, code).connect()
    await a.join("佐藤", "住民", show_name=True)
    await b.join("鈴木", "NPO・市民活動団体")
    tanaka = (await ok(fac, "add_proxy", name="田中", attribute="町内会・自治会"))["participant_id"]

    # Step 1: 確かめてみよう
    n1 = (await ok(a, "post_note", kind="issue", text="雪寄せが大変"))["note_id"]
    n2 = (await ok(b, "post_note", kind="wish", text="冬も子どもが遊べる場所"))["note_id"]
    n3 = (await ok(fac, "post_note", proxy_for=tanaka, kind="issue",
                   text="一人暮らしの家の前の雪"))["note_id"]
    await screen.wait_for(lambda s: len(s.notes) == 3)

    # Step 2: 仲間を増やそう
    await ok(fac, "set_step", step="companions")
    await a.wait_for(lambda s: s.workshop["step"] == "companions")
    refused = await a.cmd("post_note", kind="wish", text="遅れて")
    assert refused["code"] == "step_closed" and "仲間を増やそう" in refused["message"]
    snow = (await ok(fac, "create_theme", title="雪寄せを助け合う", note_id=n1))["theme_id"]
    await ok(fac, "group_note", note_id=n3, theme_id=snow)
    play = (await ok(fac, "create_theme", title="冬の遊び場", note_id=n2))["theme_id"]
    await ok(a, "cast_vote", note_id=n3)
    await ok(b, "cast_vote", note_id=n3)
    await ok(fac, "cast_vote", proxy_for=tanaka, note_id=n1)
    assert screen.board.tallies == {}  # hidden until the facilitator shows them
    await ok(fac, "set_vote_settings", votes_visible=True)
    await screen.wait_for(lambda s: s.tallies == {n3: 2, n1: 1})
    await ok(a, "join_theme", theme_id=snow)
    await ok(fac, "join_theme", proxy_for=tanaka, theme_id=snow)
    await ok(b, "join_theme", theme_id=play)

    # Step 3: 地域の活動にしよう
    await ok(fac, "set_step", step="activity")
    await ok(a, "write_proposal", theme_id=snow, aim="雪寄せ支援マップをつくる",
             ideas=["民生委員と対象の家を確認", "学生に声をかける"])
    await ok(b, "write_proposal", theme_id=play, aim="和室を土曜に開放する", ideas=[])
    await ok(b, "cast_priority", theme_id=snow)
    await ok(a, "cast_priority", theme_id=snow)
    await ok(fac, "choose_proposal", theme_id=snow, chosen=True)
    await screen.wait_for(lambda s: s.items("proposals")[snow]["priority_count"] == 2)

    # Step 4: 実践しよう
    await ok(fac, "set_step", step="practice")
    action = (await ok(fac, "create_action", title="雪寄せ支援マップ", theme_id=snow))["action_id"]
    await ok(fac, "update_action", action_id=action, form="citizen_led",
             partners=["町内会", "市"], first_step="対象の家を確認する", due="2026-12-20")
    await ok(a, "volunteer", action_id=action)
    await ok(fac, "volunteer", proxy_for=tanaka, action_id=action)
    await ok(fac, "set_lead", action_id=action, participant_id=a.board.participant_id)
    await screen.wait_for(lambda s: len(s.items("actions")[action]["volunteers"]) == 2)

    # Step 5: 将来につなげよう
    await ok(fac, "set_step", step="future")
    await ok(a, "set_action_status", action_id=action, status="under_way")
    await ok(b, "post_review", column="keep", text="子どもが来てくれた")
    await ok(fac, "post_review", column="change", text="平日夜は来にくい")

    for c in (fac, screen, a, b):
        await c.wait_for(lambda s: len(s.items("reviews")) == 2)
    got = screen.board.items("actions")[action]
    assert got["status"] == "under_way" and got["form"] == "citizen_led"
    assert {v["name"] for v in got["volunteers"]} == {"佐藤", "田中"}
    assert got["lead"] == a.board.participant_id
    assert {t["title"]: t["member_count"] for t in screen.board.items("themes").values()} == {
        "雪寄せを助け合う": 2, "冬の遊び場": 1}
    # A phone that joins now sees exactly what the projector has been building live.
    late = await Client(live, code).connect()
    assert late.board.view.as_state() == screen.board.view.as_state()


async def test_the_sample_evening_over_websockets(live: LiveServer) -> None:
    data = load_sample()
    w = data["workshop"]
    code = live.new_workshop(w["title"], w["center"])
    fac = await Client(live, code, key=live.key).connect()
    screen = await Client(live, code).connect()
    phones: dict[str, Client] = {"facilitator": fac}

    last_seq = 0  # of the latest command acked: the screen has it once it has this seq

    async def send(client: Client, name: str, args: dict[str, Any]) -> dict[str, Any]:
        nonlocal last_seq
        reply = await client.cmd_patiently(name, **args)
        assert reply["type"] == "ack", (name, args, reply)
        last_seq = max(last_seq, reply["seq"])
        result: dict[str, Any] = reply["result"]
        return result

    gen = script(data)
    command = next(gen)
    while True:
        if command.joining:
            phone = await Client(live, code).connect()
            phones[command.who] = phone
            p = next(p for p in data["participants"] if p["id"] == command.who)
            result = (await phone.join(p["name"], p["attribute"], p["show_name"]))["result"]
        else:
            result = await send(phones[command.who], command.name, command.args)
        try:
            command = gen.send(result)
        except StopIteration:
            break

    # The sender's ack may come before the others' copies of its event (the room's fan-out is
    # paced when busy): wait until the screen has the last command's event, whatever it is.
    await screen.wait_for(lambda s: s.seq >= last_seq)
    assert len(screen.board.items("reviews")) == len(data["review"])
    board = screen.board
    assert len(board.notes) == 120 and board.participant_count == 30
    assert sum(board.tallies.values()) == len(data["votes"])
    assert {t["title"] for t in board.items("themes").values()} == {
        t["title"] for t in data["themes"]}
    assert len(board.items("actions")) == 10
    volunteers = sum(len(a["volunteers"]) for a in board.items("actions").values())
    assert volunteers == sum(len(a["volunteers"]) for a in data["actions"])
    fresh = await Client(live, code).connect()
    assert fresh.board.view.as_state() == board.view.as_state()
