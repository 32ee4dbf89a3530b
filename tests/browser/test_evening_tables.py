"""A whole evening at tables (班, issue 14), in real Chromium against the real server, as a
centre runs a world café: twelve residents on twelve real phone pages (320×568, each its
own browser context), the facilitator's console on a laptop, the projector at 1024×768.

The console makes three tables mixed by 立場 and a host for each; every phone shows its
table's number and lists its own table's notes; the room writes notes at the tables; the
console starts a second round (the hosts stay, the others are dealt anew so that as few as
possible sit with someone again: the repeats are compared with a brute force over every
seating of the room); the newcomers add notes where the earlier round's stay; with 共感 per
table (the console's setting) only the own table's notes offer 共感; each host sorts their
table's notes into a theme and writes the table's proposal from the phone; 全体共有 puts the
three tables on the projector one after the other and gives the projector back when the room
moves on; every table's proposal joins the room's priority vote; the newsletter export has
「テーブルごとの話し合い」, a box per table, the host named only if they agreed.

Twelve real phone pages (no WebSocket stand-ins); the run takes about a minute (45 s on a
quiet machine, 70 s beside other suites on two cores).

What each person meets is asserted on the pages themselves (the phone's number and lists,
the projector's grid and sheets, the console's columns); the server's view (the
facilitator's board over a WebSocket) is only the yardstick. Every wait is for a state.
Each stage is photographed into /tmp/evening14/ (looked at by a person).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import LIVE, Pages
from tests.browser.drive import Facilitator, quiet, run_hub
from tests.browser.test_phone_one_screen import SMALL
from tests.browser.test_screen_tables import readable
from tests.support import LiveServer
from yoriai.facilitation.program import bundled_program
from yoriai.server.hub import Hub

pytestmark = pytest.mark.browser

PICTURES = Path("/tmp/evening14")
LAPTOP = {"viewport": {"width": 1366, "height": 768}}
XGA = {"viewport": {"width": 1024, "height": 768}}  # the centre's projector
Steer = Callable[[LiveServer, str], Facilitator]

# Twelve people in join order, three of each 立場, so that a mixed deal over three tables
# seats one of each at every table; three did not agree to show their name on the projector.
PEOPLE = [
    ("佐藤 花子", "住民", True), ("鈴木 一郎", "町内会・自治会", True),
    ("高橋 美咲", "NPO・市民活動団体", True), ("田中 健", "企業", False),
    ("伊藤 和子", "住民", True), ("渡辺 茂", "町内会・自治会", False),
    ("山本 さくら", "NPO・市民活動団体", True), ("中村 誠", "企業", True),
    ("小林 陽菜", "住民", False), ("加藤 正男", "町内会・自治会", True),
    ("吉田 翔", "NPO・市民活動団体", True), ("山田 恵", "企業", True),
]
KINDS = ["魅力", "課題", "思い"]
FIRST_NOTES = [
    "川沿いの桜並木", "夜の通学路が暗い", "空き家を居場所にしたい", "朝市がにぎやか",
    "回覧板が遅い", "多世代で防災訓練を", "公園の花壇", "除雪が追いつかない",
    "子どもの遊び場がほしい", "神社のお祭り", "バスの本数が少ない", "集会所をもっと使いたい",
]
# What each table's host makes of its notes: the theme and the proposal's aim and idea.
PLANS = {1: ("雪の日の助け合い", "雪の日に声をかけ合える町内にする", "除雪当番表をつくる"),
         2: ("空き家を居場所に", "空き家を週一回の居場所にする", "和室を土曜に開く"),
         3: ("通学路を明るく", "夜の通学路に明かりを増やす", "暗い場所の地図をつくる")}


def picture(page: Page, name: str, top: bool = True) -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    if top:
        page.evaluate("window.scrollTo(0, 0)")
    quiet(page)
    page.screenshot(path=str(PICTURES / f"{name}.png"))


def world_cafe(live: LiveServer) -> str:
    """A workshop of the bundled world-café program, at its first step (はじめましょう)."""
    steps = bundled_program("world-cafe").to_dict()

    async def make(hub: Hub) -> str:
        return await hub.create_workshop("西部 ワールドカフェの夕べ", "西部", program=steps)

    return run_hub(live, make)


def join_all(pages: Pages, live: LiveServer, code: str) -> dict[str, Page]:
    """Twelve phones join through the join form; each page works while the next is filled
    in (Playwright waits only at the end for every welcome)."""
    phones: dict[str, Page] = {}
    for name, _, _ in PEOPLE:
        phone = pages.open(SMALL, name)
        phone.goto(f"{live.base}/w/{code}")
        phones[name] = phone
    for name, attribute, show in PEOPLE:
        phone = phones[name]
        phone.get_by_label("お名前（ニックネームでも大丈夫です）").fill(name)
        phone.locator("#join-form").get_by_text(attribute, exact=True).click()
        if show:
            phone.locator("#join-show-name").check()
        phone.get_by_role("button", name="参加する").click()
    for name, phone in phones.items():
        expect(phone.locator("#welcome")).to_have_text(f"ようこそ、{name}さん")
    return phones


def step(console: Page, label: str) -> None:
    console.locator("#stepper").get_by_role("button", name=re.compile(label)).click()
    expect(console.locator("#stepper [aria-current=step]")).to_contain_text(label)


def on_step(pages: Iterable[Page], label: str) -> None:
    for page in pages:
        expect(page.locator("#step-title")).to_have_text(label)


def column(console: Page, number: int) -> Locator:
    return console.locator("#table-cols .table-col").filter(
        has=console.locator(".table-number", has_text=re.compile(rf"^{number}班")))


def tables_by_number(fac: Facilitator) -> dict[int, dict[str, Any]]:
    return {int(t["number"]): t for t in fac.items("tables")}


def seating(fac: Facilitator) -> dict[str, int]:
    """Who sits where now, as the server says: name → table number."""
    names = {p["id"]: p["name"] for p in fac.items("participants")}
    return {names[str(s["id"])]: int(t["number"])
            for t in fac.items("tables") for s in t.get("seats", [])}


def repeats(before: Mapping[str, int], now: Mapping[str, int]) -> int:
    """Pairs at one table now who sat at one table before."""
    return sum(1 for a, b in itertools.combinations(sorted(now), 2)
               if now[a] == now[b] and before[a] == before[b])


def fewest_repeats(before: Mapping[str, int], hosts: Mapping[int, str]) -> int:
    """The fewest repeats of any seating with the hosts at their tables and every table the
    same size (twelve at three tables: four each), over every such seating (1,680)."""
    movers = sorted(set(before) - set(hosts.values()))
    per_table = len(before) // len(hosts) - 1
    best = len(before) ** 2
    for first in itertools.combinations(movers, per_table):
        rest = [m for m in movers if m not in first]
        for second in itertools.combinations(rest, per_table):
            third = [m for m in rest if m not in second]
            now = {hosts[n]: n for n in hosts}
            for number, group in zip(sorted(hosts), (first, second, third), strict=True):
                now.update({m: number for m in group})
            best = min(best, repeats(before, now))
    return best


def tablemates(where: Mapping[str, int], name: str) -> set[str]:
    return {o for o, n in where.items() if n == where[name] and o != name}


def post(phone: Page, kind: str, text: str) -> None:
    form = phone.locator("#note-form")
    form.get_by_text(kind, exact=True).click()
    form.get_by_label("付箋の内容").fill(text)
    form.get_by_role("button", name="貼る").click()


def own_table_notes(fac: Facilitator, name: str, where: Mapping[str, int]) -> list[str]:
    """The notes a phone lists beside its own: those of the table it sits at now, by
    others (notes stay at the table where they were written)."""
    pid = next(p["id"] for p in fac.items("participants") if p["name"] == name)
    table = tables_by_number(fac)[where[name]]["id"]
    return sorted(n["text"] for n in fac.items("notes")
                  if n.get("table") == table and n.get("author") != pid)


def phone_shows_its_table(phone: Page, fac: Facilitator, name: str,
                          where: Mapping[str, int]) -> None:
    """The phone's number is its table's, and it lists that table's notes, no other's."""
    expect(phone.locator("#table-number")).to_have_text(f"{where[name]}班")
    listed = phone.locator("#others-list .note")
    expected = own_table_notes(fac, name, where)
    expect(listed).to_have_count(len(expected))
    shown = sorted(t.strip() for t in phone.locator("#others-list .note .note-text")
                   .all_inner_texts())
    assert shown == expected, (name, shown, expected)


def test_an_evening_at_three_tables_with_hosts_two_rounds_and_sharing_back(
        live: LiveServer, pages: Pages, steer: Steer) -> None:
    code = world_cafe(live)
    fac = steer(live, code)
    console = pages.open(LAPTOP, "console")
    console.goto(f"{live.base}/w/{code}/facilitate?key={live.key}")
    expect(console.locator("#conn-status")).to_contain_text("接続中")
    screen = pages.open(XGA, "projector")
    screen.goto(f"{live.base}/w/{code}/screen")
    phones = join_all(pages, live, code)
    expect(screen.locator("#participant-count")).to_contain_text("12")
    expect(console.locator("#people .person")).to_have_count(12)
    picture(screen, "01-screen-welcome")
    picture(phones["佐藤 花子"], "01-phone-joined")

    # 1. Three tables, mixed by 立場, from the console's テーブル panel: one press.
    console.get_by_role("tab", name="テーブル").click()
    make = console.locator("#make-tables")
    make.get_by_label("数", exact=True).fill("3")
    expect(make.get_by_label("立場が混ざるように")).to_be_checked()
    make.get_by_role("button", name="テーブルを作る").click()
    for n in (1, 2, 3):
        expect(column(console, n).locator(".seat-chip")).to_have_count(4)
        # Mixed: one of each 立場 at every table.
        expect(column(console, n).locator(".seat-attribute")).to_have_count(4)
        attributes = column(console, n).locator(".seat-attribute").all_inner_texts()
        assert sorted(attributes) == sorted({a for _, a, _ in PEOPLE}), (n, attributes)
    fac.run(fac.client.wait_for(lambda b: len(b.items("tables")) == 3 and all(
        p.get("table") for p in b.items("participants").values())))
    first_round = seating(fac)
    assert sorted(first_round.values()) == [1] * 4 + [2] * 4 + [3] * 4
    # Every phone: its number, big, under the header.
    for name, phone in phones.items():
        expect(phone.locator("#table-number")).to_have_text(f"{first_round[name]}班")
    # The projector: who sits where, names only of those who agreed.
    expect(screen.locator("#view-tables")).to_have_attribute("data-mode", "seating")
    expect(screen.locator("#view-tables .seating-round")).to_have_text("席の割り当て")
    for n, table in tables_by_number(fac).items():
        cell = screen.locator(f'#view-tables .table-cell[data-table-id="{table["id"]}"]')
        expect(cell.locator(".table-number")).to_have_text(f"{n}班")
        for person, _, show in PEOPLE:
            if first_round[person] == n and show:
                expect(cell.locator(".seat-name", has_text=person)).to_be_visible()
            elif first_round[person] == n:
                expect(cell).not_to_contain_text(person)
        expect(cell).to_contain_text("ほか 1名")  # three who did not agree, one a table
    readable(screen, "the seating")
    picture(console, "02-console-tables-made")
    picture(screen, "02-screen-seating")
    picture(phones["佐藤 花子"], "02-phone-table-number")

    # 2. A host per table, one press each on the console.
    hosts: dict[int, str] = {}
    for n in (1, 2, 3):
        hosts[n] = column(console, n).locator(".seat-chip .seat-name").first.inner_text().strip()
        chip = column(console, n).locator(".seat-chip").filter(
            has=console.locator(".seat-name", has_text=hosts[n]))
        chip.get_by_role("button", name="進行役にする").click()
        expect(chip.locator(".tag-host")).to_have_text("進行役")
    fac.run(fac.client.wait_for(lambda b: all(t.get("host") for t in b.items("tables").values())))
    for name in hosts.values():
        expect(phones[name].get_by_role("button", name="テーブルの進行")).to_be_visible()
    for name, phone in phones.items():
        if name not in hosts.values():
            expect(phone.get_by_role("button", name="テーブルの進行")).to_have_count(0)
    picture(console, "03-console-hosts")
    picture(phones[hosts[1]], "03-phone-host")

    # 3. Round 1 (確かめてみよう): everyone writes a note at their table.
    step(console, "確かめてみよう")
    on_step(phones.values(), "確かめてみよう")
    assert len(fac.items("tables")) == 3  # the step makes tables only when there are none
    for i, phone in enumerate(phones.values()):
        post(phone, KINDS[i % 3], FIRST_NOTES[i])
    for phone in phones.values():
        expect(phone.locator("#mine-list .note")).to_have_count(1)
        expect(phone.locator("#mine-list .is-unsent")).to_have_count(0)
    fac.run(fac.client.wait_for(lambda b: len(b.items("notes")) == 12))
    for name, phone in phones.items():
        phone_shows_its_table(phone, fac, name, first_round)
    notes = fac.items("notes")
    assert all(n["round"] == 1 for n in notes)
    expect(screen.locator("#view-tables")).to_have_attribute("data-mode", "grid")
    for table in tables_by_number(fac).values():
        cell = screen.locator(f'#view-tables .table-cell[data-table-id="{table["id"]}"]')
        for kind in ("charm", "issue", "wish"):
            count = sum(1 for note in notes
                        if note["table"] == table["id"] and note["kind"] == kind)
            expect(cell.locator(f'.kind-count[data-kind="{kind}"] .kind-n')).to_have_text(
                str(count))
    readable(screen, "the grid of round 1")
    picture(screen, "04-screen-grid-round1")
    picture(phones["鈴木 一郎"], "04-phone-round1")

    # 4. Round 2 (席をかえて話そう): 席替え from the console; the hosts stay.
    step(console, "席をかえて話そう")
    on_step(phones.values(), "席をかえて話そう")
    console.get_by_role("tab", name="テーブル").click()
    console.get_by_role("button", name="席替え（次のラウンド）").click()
    question = console.locator("#tables-round .confirm")
    expect(question).to_contain_text("進行役はいまのテーブルに残り")
    question.get_by_role("button", name="席替えする").click()
    expect(console.locator("#tables-round .round-now")).to_have_text("ラウンド 2")
    fac.run(fac.client.wait_for(lambda b: int(b.workshop.get("round", 0)) == 2))
    second_round = seating(fac)
    for n, name in hosts.items():
        assert second_round[name] == n, (name, n)
    assert sorted(second_round.values()) == [1] * 4 + [2] * 4 + [3] * 4
    # The seating rule: as few pairs as possible sit together again (a brute force over
    # every seating of this room with the hosts in place says how few that is), and
    # nobody but a host sits with the same people as before.
    fewest = fewest_repeats(first_round, hosts)
    assert repeats(first_round, second_round) == fewest, (first_round, second_round)
    for name in second_round:
        if name not in hosts.values():
            assert tablemates(second_round, name) != tablemates(first_round, name), name
    print("round 2: repeats", repeats(first_round, second_round), "fewest possible", fewest)
    for name, phone in phones.items():
        expect(phone.locator("#table-number")).to_have_text(f"{second_round[name]}班")
    expect(screen.locator("#view-tables")).to_have_attribute("data-mode", "seating")
    expect(screen.locator("#view-tables .seating-round")).to_have_text("第2ラウンドの席")
    readable(screen, "the seating of round 2")
    picture(console, "05-console-round2")
    picture(screen, "05-screen-round2-seating")
    picture(phones["鈴木 一郎"], "05-phone-round2-number")

    # The newcomers read the notes left at their new table (notes stay where they were
    # written) and add one of their own there.
    movers = [name for name in phones if name not in hosts.values()]
    for name, phone in phones.items():
        phone_shows_its_table(phone, fac, name, second_round)
    for i, name in enumerate(movers):
        post(phones[name], KINDS[(i + 1) % 3], f"{second_round[name]}班で書き足し{i + 1}")
    for name in movers:
        expect(phones[name].locator("#mine-list .note")).to_have_count(2)
        expect(phones[name].locator("#mine-list .is-unsent")).to_have_count(0)
    fac.run(fac.client.wait_for(lambda b: len(b.items("notes")) == 12 + len(movers)))
    tables = tables_by_number(fac)
    for note in fac.items("notes"):
        if "書き足し" in note["text"]:
            number = int(note["text"][0])
            assert (note["round"], note["table"]) == (2, tables[number]["id"]), note
        else:
            assert note["round"] == 1
    for name, phone in phones.items():
        phone_shows_its_table(phone, fac, name, second_round)
    phones["鈴木 一郎"].locator("#others-title").scroll_into_view_if_needed()
    picture(phones["鈴木 一郎"], "06-phone-round2-notes", top=False)
    picture(screen, "06-screen-grid-round2")

    # 仲間を増やそう with 共感 per table (the console's setting): a 共感 for a note of the
    # table they sit at now, and only those offer it.
    console.get_by_label("テーブルごと").check()
    fac.run(fac.client.wait_for(lambda b: (b.workshop.get("settings") or {}).get(
        "vote_scope") == "table"))
    step(console, "仲間を増やそう")
    on_step(phones.values(), "仲間を増やそう")
    for name in movers:
        phone = phones[name]
        votable = phone.locator("#vote-list > li").filter(
            has=phone.get_by_role("button", name="共感する"))
        table = tables[second_round[name]]["id"]
        expect(votable).to_have_count(
            sum(1 for n in fac.items("notes") if n.get("table") == table))
        expect(phone.locator("#votes-hint")).to_contain_text("このテーブルの付箋に")
        text = votable.first.locator(".note-text").inner_text()
        card = phone.locator("#vote-list > li").filter(has_text=text)
        card.get_by_role("button", name="共感する").click()
        expect(card).to_contain_text("共感しました")
    fac.run(fac.client.wait_for(lambda b: sum(b.tallies.values()) == len(movers)))
    picture(phones["鈴木 一郎"], "06-phone-kyokan-per-table")

    # 5. Each host sorts two of their table's notes into a theme and writes its proposal.
    for n, name in hosts.items():
        title, aim, idea = PLANS[n]
        phone = phones[name]
        phone.get_by_role("button", name="テーブルの進行").click()
        expect(phone.locator("#host-title")).to_have_text(f"テーブルの進行（{n}班）")
        table_notes = phone.locator("#host-notes > li")
        table = tables_by_number(fac)[n]["id"]
        written = sorted(note["text"] for note in fac.items("notes")
                         if note.get("table") == table)
        expect(table_notes).to_have_count(len(written))  # both rounds' notes
        first, second = (table_notes.filter(has_text=text) for text in written[:2])
        first.locator(".note-pick").click()
        first.get_by_role("button", name="新しいテーマ").click()
        first.get_by_label("新しいテーマの名前").fill(title)
        first.get_by_role("button", name="テーマを作って入れる").click()
        expect(first.locator(".note-theme")).to_contain_text(title)
        second.locator(".note-pick").click()
        second.get_by_role("button", name=title).click()
        expect(second.locator(".note-theme")).to_contain_text(title)
        if n == 1:
            picture(phone, "07-phone-host-sorted", top=False)
        phone.get_by_role("button", name="計画案", exact=True).click()
        card = phone.locator("#host-proposals > li", has_text=title)
        card.get_by_label("目指すこと").fill(aim)
        card.get_by_label("アイデア 1").fill(idea)
        card.get_by_role("button", name="計画案を保存する").click()
        expect(card).to_contain_text("保存しました")
        if n == 1:
            picture(phone, "07-phone-host-proposal", top=False)
        # Back to the room's step, as everyone has it.
        phone.get_by_role("button", name="話し合いに戻る").click()
        expect(phone.locator("#host-title")).to_be_hidden()
    fac.run(fac.client.wait_for(lambda b: len(b.items("proposals")) == 3))
    themes = {t["id"]: t for t in fac.items("themes")}
    by_table = {t["table"]: t["title"] for t in themes.values()}
    for n, table in tables_by_number(fac).items():
        assert by_table[table["id"]] == PLANS[n][0]
        members = [note for note in fac.items("notes") if note.get("theme") in themes
                   and themes[note["theme"]]["table"] == table["id"]]
        assert len(members) == 2 and all(m["table"] == table["id"] for m in members)

    # 6. 全体共有: the projector shows one table at a time, the console moves it on.
    step(console, "全体で共有しよう")
    on_step(phones.values(), "全体で共有しよう")
    for phone in phones.values():  # the phones rest: the room listens to the tables
        expect(phone.locator("#view-quiet")).to_be_visible()
        expect(phone.locator("#view-quiet .quiet")).to_have_text(
            "いまは進行役のお話を聞きましょう。")
    sharing = console.locator("#view-sharing #sharing-box")
    expect(sharing).to_be_visible()
    sharing.get_by_role("button", name="最初のテーブルを映す").click()
    for n, table in tables_by_number(fac).items():
        if n > 1:
            sharing.get_by_role("button", name="次のテーブル").click()
        expect(sharing).to_contain_text(f"映しているのは {n}班（{n}/3）")
        view = screen.locator("#view-sharing")
        expect(view).to_have_attribute("data-table-id", table["id"])
        expect(view.locator(".sharing-tag")).to_have_text(f"全体共有 {n}/3")
        expect(view.locator(".sheet-head .table-number")).to_have_text(f"{n}班")
        expect(view.locator(".panel-proposals .card-title")).to_have_text(PLANS[n][0])
        expect(view.locator(".panel-proposals .aim")).to_contain_text(PLANS[n][1])
        # Each phone says which table the projector shows, and whether it is theirs.
        for name, phone in phones.items():
            mine = "、あなたのテーブルです。" if second_round[name] == n else "です。"
            expect(phone.locator("#on-screen")).to_have_text(f"大きな画面に出ているのは{n}班{mine}")
        readable(screen, f"全体共有 {n}/3")
        picture(screen, f"08-screen-sharing-{n}")
    # At the last table the next thing offered is the whole room again.
    expect(sharing.get_by_role("button", name="次のテーブル")).to_have_count(0)
    expect(sharing.get_by_role("button", name="全体の表示に戻す")).to_be_visible()
    picture(console, "08-console-sharing")
    picture(phones[movers[0]], "08-phone-sharing")

    # 7. Every table's proposal joins the room's priority vote (own table's first). Moving
    # on from 全体共有 gives the projector back to the room: no table left large over it.
    step(console, "地域の活動にしよう")
    on_step(phones.values(), "地域の活動にしよう")
    fac.run(fac.client.wait_for(lambda b: b.workshop.get("focus") is None))
    expect(screen.locator("#focus")).to_be_hidden()
    for name, phone in phones.items():
        phone.get_by_role("button", name=re.compile("優先したい案を選ぶ")).click()
        cards = phone.locator("#proposal-list > li")
        expect(cards).to_have_count(3)
        expect(cards.nth(0)).to_contain_text(PLANS[second_round[name]][0])
        expect(cards.nth(0).locator(".tag-table")).to_have_count(0)
        expect(cards.nth(1).locator(".tag-table")).to_have_count(1)
        # Each phone gives its 「優先したい」 to the next table's proposal (someone else's).
        choice = PLANS[second_round[name] % 3 + 1][0]
        chosen = phone.locator("#proposal-list > li", has_text=choice)
        chosen.get_by_role("button", name="優先したい").click()
        expect(chosen).to_contain_text("優先したいを入れました")
    fac.run(fac.client.wait_for(lambda b: sum(
        int(p.get("priority_count", 0)) for p in b.items("proposals").values()) == 12))
    counts = {by_table[themes[p["theme"]]["table"]]: p["priority_count"]
              for p in fac.items("proposals")}
    assert counts == {PLANS[n][0]: 4 for n in (1, 2, 3)}, counts
    picture(phones[movers[0]], "09-phone-priority")
    # The projector: every table's proposal, with its 「優先したい」 once counts are shown.
    fac.cmd("set_vote_settings", votes_visible=True)
    for n, (title, _, _) in PLANS.items():
        card = screen.locator("#view-activity .proposal-card", has_text=title)
        expect(card).to_be_visible()
        expect(card.locator(".table-badge")).to_have_text(f"{n}班")
    readable(screen, "the room's priority vote")
    picture(screen, "09-screen-priority")

    # 8. The newsletter: 「テーブルごとの話し合い」, each table with its theme and aim.
    answer = httpx.get(f"{live.base}/w/{code}/export/html",
                       cookies={"yoriai_key": live.key}, timeout=LIVE / 1000)
    assert answer.status_code == 200, answer.text[:200]
    html = answer.text
    assert "テーブルごとの話し合い" in html
    for title, aim, _ in PLANS.values():
        assert title in html and aim in html
    paper = pages.open({"viewport": {"width": 900, "height": 1200}}, "newsletter")
    paper.set_content(html)
    section = paper.get_by_role("heading", name="テーブルごとの話し合い")
    expect(section).to_be_visible()
    boxes = paper.locator("section.talk .table-talk")
    expect(boxes).to_have_count(3)
    shown = {name: show for name, _, show in PEOPLE}
    assert {shown[h] for h in hosts.values()} == {True, False}  # both kinds of host here
    for n, (title, aim, _) in PLANS.items():
        box = boxes.filter(has=paper.get_by_role("heading", name=f"{n}班", exact=True))
        expect(box).to_contain_text(title)
        expect(box).to_contain_text(aim)
        # The host by name only if they agreed to be named.
        if shown[hosts[n]]:
            expect(box).to_contain_text(hosts[n])
        else:
            expect(box).not_to_contain_text(hosts[n])
    section.scroll_into_view_if_needed()
    PICTURES.mkdir(parents=True, exist_ok=True)
    paper.screenshot(path=str(PICTURES / "10-newsletter-tables.png"))
    assert pages.problems == []
