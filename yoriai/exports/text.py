"""The words every format shares: headings, column names and the sentences that sum up a
plan, so that the newsletter page, the PDF, the Word file and the Markdown say the same —
and say what the screens say: the words the room used (付箋, はじめの一歩, いつまでに,
協力先, 役割分担表) come from the app's catalogue (:mod:`~exports.catalogue`)."""

from __future__ import annotations

from yoriai.facilitation.model import NoteKind

from .attendance import TableTally
from .catalogue import word
from .dates import date_text
from .plan import NOTHING, ActionPlan, Plan, ProposalPlan, TablePlan, ThemePlan

# The page's small label: the headline is the workshop's own title, in residents' words;
# 「PDCA」 is the coordinators' word and stays up here, small.
KICKER = "まちづくりの記録 — PDCAプラン"
# The 次回 box and the contact line under it.
NEXT = "次回"
CONTACT = "問い合わせ"
UNTITLED = "ワークショップ"
NOTE = word("console.tab.notes")  # 付箋
THEME = word("screen.theme_label")  # テーマ
ACTION = word("screen.col_action")  # 取り組み
PLAN = ("P", "PLAN 計画", f"{THEME}（輪）と計画案、{ACTION}と役割")
DO = ("D", "DO 実行", f"{ACTION}の{word('action.status')}と実施の記録")
CHECK = ("C", "CHECK 評価", f"{word('console.review.heading')}「{word('review.keep')}」")
ACT = ("A", "ACT 改善", f"{word('console.review.heading')}「{word('review.change')}」— 次の一歩へ")
RECORD = "参画の記録"
THEMES = f"{THEME}（輪）"
ROLES = word("console.roles.title")  # 役割分担表
ROLE_COLUMNS = (ACTION, word("action.form"), word("action.volunteers"),
                word("action.partners"), word("action.first_step"), word("action.due"))
DO_COLUMNS = (ACTION, word("action.status"), word("console.action.record"))
RECORD_COLUMNS = (word("export.col.attribute"), "参加", "うち代理入力",
                  f"{NOTE}を書いた", "共感・優先票を入れた", word("action.volunteers"),
                  "参画した")
UNSORTED = word("export.unsorted")  # テーマに入らなかった付箋
NO_NOTES = word("board.empty")  # まだ付箋はありません。
EMPTY_THEMES = f"まだ{THEMES}はありません。"
EMPTY_ACTIONS = f"まだ{ACTION}はありません。"
EMPTY_REVIEW = f"まだ{word('console.review.heading')}はありません。"
EMPTY_PEOPLE = "まだ参加者はいません。"
UNDECIDED = "未定"
PRIVACY = "お名前は、掲載に同意された方のみ載せています。ほかの方は人数で記しています。"
CONTRIBUTED = (f"参画した人: {NOTE}・共感・優先票・輪への参加・計画案・担い手・"
               f"{word('console.review.heading')}のいずれかをした人。")


def kind_word(kind: NoteKind) -> str:
    """魅力, 課題, 思い: the word the phone shows beside the kind's icon."""
    return word(f"kind.{kind.value}")


def notes_count(n: int) -> str:
    """「付箋 12枚」, as the screens count notes."""
    return word("board.count").format(n=n)


def unsorted_line(plan: Plan) -> str:
    return f"{UNSORTED} {len(plan.unsorted)}枚"


def meta_line(plan: Plan) -> str:
    """「2026年11月20日（金）19:00〜21:00　西部市民サービスセンター」 (and the meetings,
    when more than one): dates as people write them (``dates.py``)."""
    parts = [p for p in (plan.when, plan.venue) if p]
    if len(plan.meetings) > 1:
        parts.append(f"第{len(plan.meetings)}回（初回 {date_text(plan.meetings[0])}）")
    return "　".join(parts) or NOTHING


def next_lines(plan: Plan) -> list[str]:
    """The 次回 box's lines: 「12月18日（金）19:00〜」 and the place; none without a next
    meeting."""
    return [p for p in (plan.next_when, plan.next_place) if p] if plan.next_when else []


def contact_line(plan: Plan) -> str:
    """「問い合わせ：西部市民サービスセンター 018-…」, or "" when the laptop has none."""
    return f"{CONTACT}：{plan.contact}" if plan.contact else ""


def generated_line(plan: Plan) -> str:
    return f"作成日 {plan.generated_on}　寄り合い（Yoriai）で作成　コード {plan.code}"


def summary_items(plan: Plan) -> list[tuple[str, str]]:
    """The handful of numbers printed large at the top of the page."""
    p = plan.participation
    return [
        ("参加", f"{p.participants}人"),
        ("参画した人", f"{p.contributors}人"),
        ("うち住民", p.resident_share_text()),
        (NOTE, f"{p.notes}枚"),
        ("共感", f"{p.votes}票"),
        ("担い手", f"{p.roles}件"),
    ]


def record_sentences(plan: Plan) -> list[str]:
    p = plan.participation
    if not p.participants:
        return [EMPTY_PEOPLE]
    out = [
        f"{p.participants}人が参加し、{p.contributors}人が計画づくりに参画しました"
        f"（うち住民 {p.residents_contributing}人、{p.resident_share_text()}）。",
        f"{notes_count(p.notes)}（{p.total.note_authors}人）、共感 {p.votes}票・優先票 "
        f"{p.priority_votes}票（{p.total.voters}人）、担い手 {p.roles}件"
        f"（{p.total.volunteers}人）。",
    ]
    if p.total.proxies or p.proxy_notes:
        out.append(f"スマートフォンのない方 {p.total.proxies}人の分は、進行役が代わりに入力しました"
                   f"（代理入力 — {notes_count(p.proxy_notes)}）。")
    if plan.withheld_notes:
        out.append(f"非表示・非公開の{NOTE} {plan.withheld_notes}枚は掲載していません。")
    return out


def theme_counts(theme: ThemePlan) -> str:
    return f"{notes_count(theme.notes_count)}・共感 {theme.votes}票・仲間 {theme.members}人"


def proposal_line(proposal: ProposalPlan) -> str:
    chosen = "採用" if proposal.chosen else "検討中"
    return f"計画案（{chosen}・優先票 {proposal.priority}）: {proposal.aim}"


def team_text(action: ActionPlan) -> str:
    """「伊藤さん（代表）、佐々木 ほか1名」; a lead who is not named stays a count:
    「参加者2名（うち1名が代表）」."""
    if action.lead_named:
        return action.team.text(mark_first="（代表）")
    team = action.team.text()
    if not action.lead:
        return team
    return f"{team}（代表）" if action.team.count == 1 else f"{team}（うち1名が代表）"


def partners_text(action: ActionPlan) -> str:
    return "、".join(action.partners) or NOTHING


def role_cells(action: ActionPlan) -> tuple[str, str, str, str, str, str]:
    return (action.title, action.form_label, team_text(action), partners_text(action),
            action.first_step or NOTHING, action.due or UNDECIDED)


def do_cells(action: ActionPlan) -> tuple[str, str, str]:
    return (action.title, action.status_label, action.record or NOTHING)


def record_rows(plan: Plan) -> list[tuple[str, ...]]:
    rows = [*plan.participation.rows, plan.participation.total]
    return [(r.attribute, str(r.participants), str(r.proxies), str(r.note_authors),
             str(r.voters), str(r.volunteers), str(r.contributors)) for r in rows]


def xml_safe(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry (the Word and SVG files are
    XML; a stray one would make the whole file unreadable)."""
    return "".join(ch for ch in value if ch in "\t\n\r" or (
        "\x20" <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd" or ch >= "\U00010000"))


# --- tables (班) ------------------------------------------------------------------------------
# Printed only when the evening had tables; an evening without them prints none of this.

TABLE = word("export.col.table")  # テーブル
TABLES_TALK = "テーブルごとの話し合い"  # the newsletter's section, one box per table
TABLE_RECORD = f"{TABLE}ごとの参画"
ROOM_THEMES = f"全体の{THEMES}"  # themes of no table: the room's, across the tables
ROOM = f"{TABLE}の外"  # notes before the tables were made, people never seated
# The 立場 of a table's people beside its name, then the numbers (right-aligned from 2).
TABLE_RECORD_COLUMNS = (TABLE, "立場の内訳", "参加", "うち代理入力", f"{NOTE}を書いた", NOTE,
                        "共感")
TALK_JOINED = "参加"
TALK_THEMES = THEME
TALK_PROPOSAL = "計画案"
TALK_HOST = "進行役"  # the table host (テーブル進行役), short beside the other labels
TALK_ORIGIN = "はじまり"


def table_number(number: int) -> str:
    """「2班」: the table's number as the room called it."""
    return word("export.table.number").format(n=number)


def table_label(table: TablePlan) -> str:
    """「2班「さくら」」, or 「2班」 for a table with no name."""
    return table_number(table.number) + (f"「{table.name}」" if table.name else "")


def round_label(number: int) -> str:
    """「第2ラウンド」."""
    return word("export.table.round").format(n=number)


def attributes_items(tally: TableTally) -> list[str]:
    """「住民 3人」, 「町内会・自治会 1人」 …: one per 立場 present."""
    return [f"{a} {n}人" for a, n in tally.attributes]


def attributes_text(tally: TableTally) -> str:
    """「住民 3人、町内会・自治会 1人」 (a 立場 may hold 「・」 itself, so 、 between)."""
    return "、".join(attributes_items(tally)) or NOTHING


def per_round(values: tuple[int, ...], unit: str) -> str:
    """「第1ラウンド 4人、第2ラウンド 5人」, or "" for a single round."""
    if len(values) < 2:
        return ""
    return "、".join(f"{round_label(r)} {v}{unit}" for r, v in enumerate(values, 1))


def joined_text(tally: TableTally) -> str:
    """「5人（住民 3人、町内会・自治会 1人、大学・学生 1人）」, with each round's count
    after a world café: 「…。第1ラウンド 4人、第2ラウンド 5人」."""
    if not tally.people:
        return NOTHING
    out = f"{tally.people}人（{attributes_text(tally)}）"
    if tally.proxies:
        out += f"、うち代理入力 {tally.proxies}人"
    rounds = per_round(tally.per_round, "人")
    return f"{out}。{rounds}" if rounds else out


def table_counts(tally: TableTally) -> str:
    """「付箋 12枚（第1ラウンド 8枚、第2ラウンド 4枚）・共感 9票」."""
    rounds = per_round(tally.notes_per_round, "枚")
    return (notes_count(tally.notes) + (f"（{rounds}）" if rounds else "")
            + f"・共感 {tally.votes}票")


def table_heading_line(table: TablePlan) -> str:
    """The small line under a table's name in PLAN: 「参加 5人・付箋 12枚・共感 9票」."""
    return f"{TALK_JOINED} {table.tally.people}人・{table_counts(table.tally)}"


def talk_lines(table: TablePlan) -> list[tuple[str, str]]:
    """The newsletter box of one table, as (label, text) lines an editor prints as they
    are: who took part (by 立場, never names), the themes, each proposal's aim, and the
    host when they agreed to be named."""
    out = [(TALK_JOINED, joined_text(table.tally))]
    if table.host:
        out.append((TALK_HOST, table.host))  # as they gave it, like every name printed
    if table.origin:
        out.append((TALK_ORIGIN, f"「{table.origin}」の輪から"))
    out.append((TALK_THEMES, "、".join(t.title for t in table.themes) or NOTHING))
    for _, p in table.proposals:
        out.append((TALK_PROPOSAL, f"{p.aim}（{'採用' if p.chosen else '検討中'}）"))
    return out


def rounds_sentence(plan: Plan) -> str:
    """After a world café, how the pages count it (tables stay, people move)."""
    if plan.rounds < 2:
        return ""
    return (f"{plan.rounds}ラウンドで席を替えて話し合いました。{TABLE}ごとの{NOTE}・{THEME}・"
            f"計画案はラウンドをまたいでまとめ、参加はいずれかのラウンドでその{TABLE}に"
            "座った人を1回ずつ数えています。")


def table_record_rows(plan: Plan) -> list[tuple[str, ...]]:
    """The 参画の記録 by table: one row per table, then the room outside them."""
    rows = [(table_label(t), t.tally) for t in plan.tables]
    if plan.room is not None:
        rows.append((ROOM, plan.room))
    return [(label, attributes_text(c), str(c.people), str(c.proxies), str(c.note_authors),
             str(c.notes), str(c.votes)) for label, c in rows]
