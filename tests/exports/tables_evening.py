"""An evening with tables (班), made through the domain's real commands: three tables dealt
by 立場, two of them named, two hosts (one who agreed to be named, one who did not), notes
in two world-café rounds, a latecomer, themes made by the hosts at their tables and one by
the facilitator for the room, 共感, proposals written by the hosts, priority and an action.

Every export test of tables reads this evening back; names no text could hold by chance
mark the people who did not agree to be named."""

from __future__ import annotations

from dataclasses import dataclass, field

from yoriai.facilitation.model import FACILITATOR, Actor, Role

from .helpers import Workshop

NAMED_HOST = "佐藤はなこ"
QUIET_HOST = "伏見かくれ"  # hosts table 2, did not agree to be named
QUIET = ("秘匿野しずか", "無名川とおる", "陰山ひそか", "代理谷ふみ")  # never printed
NAMED = ("伊藤あきら", "鈴木みのる")
TABLE_NAMES = {1: "さくら", 3: "雪見"}
ROOM_THEME = "全体で考える通学路"
AIMS = {1: "空き家を週一回の「縁側サロン」として開き、世代が集まる場所にする",
        2: "冬でも子どもが遊べる室内の遊び場をセンターにつくる"}
HOST_THEMES = {1: "空き家を集いの場に", 2: "子どもの遊び場"}


@dataclass
class TablesEvening:
    w: Workshop
    people: dict[str, Actor] = field(default_factory=dict)  # name → actor
    table_ids: dict[int, str] = field(default_factory=dict)  # number → table id
    themes: dict[int, str] = field(default_factory=dict)  # table number → theme id
    room_theme: str = ""
    round1_notes: list[str] = field(default_factory=list)
    round2_notes: list[str] = field(default_factory=list)
    before_notes: list[str] = field(default_factory=list)  # before the tables were made

    def pid(self, name: str) -> str:
        pid = self.people[name].participant_id
        assert pid is not None
        return pid

    def host_actor(self, name: str) -> Actor:
        """The host's phone: the hub computes the role per message; the domain is given it."""
        return Actor(Role.TABLE_HOST, self.pid(name))


def tables_evening(rounds: int = 2, code: str = "tables1") -> TablesEvening:
    w = Workshop(code=code, title="テーブルで話す会")
    ev = TablesEvening(w)
    profiles = [
        (NAMED_HOST, "住民", True, False), (QUIET_HOST, "町内会・自治会", False, False),
        (NAMED[0], "大学・学生", True, False), (NAMED[1], "企業", True, False),
        (QUIET[0], "住民", False, False), (QUIET[1], "住民", False, False),
        (QUIET[2], "NPO・市民活動団体", False, False), (QUIET[3], "住民", False, True),
        ("山田ゆう", "市職員", True, False),
    ]
    for name, attribute, show, proxy in profiles:
        ev.people[name] = w.join(name, attribute, show_name=show, proxy=proxy)
    # Step 1 starts room-wide: two notes before there are tables.
    for early in (NAMED[0], QUIET[0]):
        ev.before_notes.append(w.by(ev.people[early], "post_note",
                                    {"kind": "charm", "text": f"{early}の町の自慢"})["note_id"])
    w.run(FACILITATOR, "make_tables", {"count": 3, "by": "mixed"})
    ev.table_ids = {t.number: t.id for t in w.state.tables.values()}
    for number, name in TABLE_NAMES.items():
        w.run(FACILITATOR, "name_table", {"table_id": ev.table_ids[number], "name": name})
    w.run(FACILITATOR, "set_table_host", {"table_id": ev.table_ids[1],
                                          "participant_id": ev.pid(NAMED_HOST)})
    w.run(FACILITATOR, "set_table_host", {"table_id": ev.table_ids[2],
                                          "participant_id": ev.pid(QUIET_HOST)})
    # The facilitator moves one person by hand (a drag on the console).
    moved = ev.pid(QUIET[2])
    w.run(FACILITATOR, "seat", {"participant_id": moved, "table_id": next(
        k for k in ev.table_ids.values() if k != w.state.participants[moved].table)})
    # A latecomer is seated at once.
    ev.people["遅刻田おそ"] = w.join("遅刻田おそ", "その他")
    for i, (name, who) in enumerate(ev.people.items()):
        ev.round1_notes.append(w.by(who, "post_note", {
            "kind": ("charm", "issue", "wish")[i % 3],
            "text": f"第一ラウンドで{name}が書いた付箋"})["note_id"])
    if rounds > 1:
        w.run(FACILITATOR, "start_round", {})
        for name, who in list(ev.people.items())[:6]:
            ev.round2_notes.append(w.by(who, "post_note", {
                "kind": "wish", "text": f"第二ラウンドで{name}が書いた付箋"})["note_id"])

    w.run(FACILITATOR, "set_step", {"step": "companions"})
    for number, host_name in ((1, NAMED_HOST), (2, QUIET_HOST)):
        hoster = ev.host_actor(host_name)
        theme = w.run(hoster, "create_theme", {"title": HOST_THEMES[number]})["theme_id"]
        ev.themes[number] = theme
        table = ev.table_ids[number]
        for note in ev.round1_notes + ev.round2_notes:
            if w.state.notes[note].table == table:
                w.run(hoster, "group_note", {"note_id": note, "theme_id": theme})
    ev.room_theme = w.run(FACILITATOR, "create_theme", {"title": ROOM_THEME})["theme_id"]
    for note in ev.before_notes:
        w.run(FACILITATOR, "group_note", {"note_id": note, "theme_id": ev.room_theme})
    for who in ev.people.values():
        w.by(who, "cast_vote", {"note_id": ev.round1_notes[0]})
    w.run(FACILITATOR, "set_step", {"step": "activity"})
    for number, host_name in ((1, NAMED_HOST), (2, QUIET_HOST)):
        w.run(ev.host_actor(host_name), "write_proposal", {
            "theme_id": ev.themes[number], "aim": AIMS[number], "ideas": ["小さく始める"]})
    for who in ev.people.values():
        w.by(who, "cast_priority", {"theme_id": ev.themes[1]})
    w.run(FACILITATOR, "choose_proposal", {"theme_id": ev.themes[1], "chosen": True})
    return ev
