"""The words every format shares: headings, column names and the sentences that sum up a
plan, so that the newsletter page, the PDF, the Word file and the Markdown say the same."""

from __future__ import annotations

from .plan import NOTHING, ActionPlan, Plan, ProposalPlan, ThemePlan

KICKER = "住民主体のまちづくり — PDCAプラン"
PLAN = ("P", "PLAN 計画", "テーマ（輪）と計画案、取り組みと役割")
DO = ("D", "DO 実行", "取り組みの状況と実施の記録")
CHECK = ("C", "CHECK 評価", "ふりかえり「広げたい」")
ACT = ("A", "ACT 改善", "ふりかえり「見直したい」— 次の一歩へ")
RECORD = "参画の記録"
THEMES = "テーマ（輪）"
ROLES = "役割表"
ROLE_COLUMNS = ("取り組み", "協働のかたち", "担い手", "協力", "最初の一歩", "期日")
DO_COLUMNS = ("取り組み", "状況", "実施の記録")
RECORD_COLUMNS = ("属性", "参加", "うち代理入力", "メモを出した", "票を入れた", "担い手",
                  "参画した")
EMPTY_THEMES = "まだテーマ（輪）はありません。"
EMPTY_ACTIONS = "まだ取り組みはありません。"
EMPTY_REVIEW = "まだふりかえりはありません。"
EMPTY_PEOPLE = "まだ参加者はいません。"
PRIVACY = "お名前は、掲載に同意された方のみ載せています。ほかの方は人数で記しています。"
CONTRIBUTED = ("参画した人: メモ・共感・優先票・輪への参加・計画案・担い手・ふりかえりの"
               "いずれかをした人。")


def meta_line(plan: Plan) -> str:
    """「西部市民サービスセンター　2026-11-20」 (and the meetings, when more than one)."""
    parts = [p for p in (plan.venue, plan.date) if p]
    if len(plan.meetings) > 1:
        parts.append(f"第{len(plan.meetings)}回（初回 {plan.meetings[0]}）")
    return "　".join(parts) or NOTHING


def generated_line(plan: Plan) -> str:
    return f"作成日 {plan.generated_on}　寄り合い（Yoriai）で作成　コード {plan.code}"


def summary_items(plan: Plan) -> list[tuple[str, str]]:
    """The handful of numbers printed large at the top of the page."""
    p = plan.participation
    return [
        ("参加", f"{p.participants}人"),
        ("参画した人", f"{p.contributors}人"),
        ("うち住民", p.resident_share_text()),
        ("メモ", f"{p.notes}件"),
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
        f"メモ {p.notes}件（{p.total.note_authors}人）、共感 {p.votes}票・優先票 "
        f"{p.priority_votes}票（{p.total.voters}人）、担い手 {p.roles}件"
        f"（{p.total.volunteers}人）。",
    ]
    if p.total.proxies or p.proxy_notes:
        out.append(f"スマートフォンのない方 {p.total.proxies}人の分は、進行役が代わりに入力しました"
                   f"（代理入力 — メモ {p.proxy_notes}件）。")
    if plan.withheld_notes:
        out.append(f"非表示・非公開のメモ {plan.withheld_notes}件は掲載していません。")
    return out


def theme_counts(theme: ThemePlan) -> str:
    return f"メモ {theme.notes_count}件・共感 {theme.votes}票・仲間 {theme.members}人"


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
            action.first_step or NOTHING, action.due or "未定")


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
