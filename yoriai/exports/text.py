"""The words every format shares: headings, column names and the sentences that sum up a
plan, so that the newsletter page, the PDF, the Word file and the Markdown say the same —
and say what the screens say: the words the room used (付箋, はじめの一歩, いつまでに,
協力先, 役割分担表) come from the app's catalogue (:mod:`~exports.catalogue`)."""

from __future__ import annotations

from yoriai.facilitation.model import NoteKind

from .catalogue import word
from .dates import date_text
from .plan import NOTHING, ActionPlan, Plan, ProposalPlan, ThemePlan

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
