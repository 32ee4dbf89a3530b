"""Steps 3–5: proposals (計画案) and their priority, actions with their 担い手 and
協働のかたち, and the review that is the plan's CHECK and ACT."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import (
    MODERATORS,
    PARTICIPANTS,
    PEOPLE,
    Draft,
    clean_text,
    command,
    flag,
    iso_date,
    me,
    ref,
)
from .errors import Refusal
from .model import (
    Action,
    Actor,
    Event,
    Form,
    Proposal,
    Review,
    ReviewColumn,
    Status,
    WorkshopState,
    applies,
)
from .touch import ALL, touches

# --- proposals (step 3, 地域の活動にしよう) -----------------------------------------------


def ideas_arg(args: Mapping[str, Any]) -> list[str]:
    raw = args.get("ideas", [])
    if not isinstance(raw, list) or len(raw) > limits.IDEAS_MAX:
        raise Refusal("too_many", what="ideas", max=limits.IDEAS_MAX)
    ideas = []
    for item in raw:
        text = clean_text({"idea": item}, "idea", limits.IDEA_MAX_CHARS, empty_code="empty_idea",
                          long_code="idea_too_long", allow_empty=True)
        if text:
            ideas.append(text)
    return ideas


@command("write_proposal", PEOPLE, gated=True, takes=("theme_id", "aim", "ideas"))
def write_proposal(state: WorkshopState, actor: Actor,
                   args: Mapping[str, Any]) -> list[Draft]:
    theme_id = ref(args, "theme_id", state.themes, "unknown_theme")
    if not actor.privileged and actor.participant_id not in state.themes[theme_id].members:
        raise Refusal("not_a_member")  # the theme's own members write its proposal
    aim = clean_text(args, "aim", limits.PROPOSAL_AIM_MAX_CHARS, empty_code="empty_aim",
                     long_code="aim_too_long", multiline=True)
    return [("ProposalWritten", {"theme_id": theme_id, "aim": aim, "ideas": ideas_arg(args),
                                 "participant_id": actor.participant_id})]


@command("choose_proposal", MODERATORS, takes=("theme_id", "chosen"))
def choose_proposal(state: WorkshopState, actor: Actor,
                    args: Mapping[str, Any]) -> list[Draft]:
    theme_id = ref(args, "theme_id", state.proposals, "unknown_proposal")
    chosen = flag(args, "chosen")
    if state.proposals[theme_id].chosen == chosen:
        return []
    return [("ProposalChosen", {"theme_id": theme_id, "chosen": chosen})]


@command("cast_priority", PARTICIPANTS, gated=True, takes=("theme_id",))
def cast_priority(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = me(state, actor)
    theme_id = ref(args, "theme_id", state.proposals, "unknown_proposal")
    proposal = state.proposals[theme_id]
    if not proposal.aim:
        raise Refusal("unknown_proposal")
    if pid in proposal.priority:
        raise Refusal("already_prioritised")
    if state.priority_used(pid) >= state.settings.vote_budget:
        raise Refusal("no_priority_left", budget=state.settings.vote_budget)
    return [("PriorityCast", {"theme_id": theme_id, "participant_id": pid})]


@command("retract_priority", PARTICIPANTS, gated=True, takes=("theme_id",))
def retract_priority(state: WorkshopState, actor: Actor,
                     args: Mapping[str, Any]) -> list[Draft]:
    pid = me(state, actor)
    theme_id = args.get("theme_id")
    proposal = state.proposals.get(theme_id) if isinstance(theme_id, str) else None
    if proposal is None or pid not in proposal.priority:
        raise Refusal("no_vote_to_retract")
    return [("PriorityRetracted", {"theme_id": proposal.theme, "participant_id": pid})]


# --- actions (step 4, 実践しよう) --------------------------------------------------------

def action_fields(args: Mapping[str, Any], current: Action | None) -> dict[str, Any]:
    """The fields given in ``args``, checked; others are left as they are."""
    out: dict[str, Any] = {}
    if "title" in args or current is None:
        out["title"] = clean_text(args, "title", limits.ACTION_TITLE_MAX_CHARS,
                                  empty_code="empty_action", long_code="action_too_long")
    if "form" in args:
        try:
            out["form"] = Form(str(args["form"])).value
        except ValueError:
            raise Refusal("bad_form") from None
    if "partners" in args:
        raw = args["partners"]
        if not isinstance(raw, list) or len(raw) > limits.PARTNERS_MAX:
            raise Refusal("too_many", what="partners", max=limits.PARTNERS_MAX)
        partners: list[str] = []
        for item in raw:
            name = clean_text({"p": item}, "p", limits.PARTNER_MAX_CHARS,
                              empty_code="empty_partner", long_code="partner_too_long")
            if name not in partners:
                partners.append(name)
        out["partners"] = partners
    if "first_step" in args:
        out["first_step"] = clean_text(args, "first_step", limits.FIRST_STEP_MAX_CHARS,
                                       empty_code="empty_note", long_code="first_step_too_long",
                                       allow_empty=True, multiline=True)
    if "due" in args:
        out["due"] = iso_date(args, "due")
    return out


@command("create_action", MODERATORS,
         takes=("title", "theme_id", "form", "partners", "first_step", "due"))
def create_action(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    if len(state.actions) >= limits.ACTIONS_MAX:
        raise Refusal("too_many", what="actions", max=limits.ACTIONS_MAX)
    theme_id = args.get("theme_id")
    if theme_id is not None:
        theme_id = ref(args, "theme_id", state.themes, "unknown_theme")
    fields = action_fields(args, None)
    return [("ActionCreated", {"action_id": state.next_id("a"), "theme_id": theme_id, **fields})]


@command("update_action", MODERATORS,
         takes=("action_id", "form", "partners", "first_step", "due", "title"))
def update_action(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    action_id = ref(args, "action_id", state.actions, "unknown_action")
    fields = action_fields(args, state.actions[action_id])
    if not fields:
        return []
    return [("ActionUpdated", {"action_id": action_id, **fields})]


@command("volunteer", PARTICIPANTS, gated=True, takes=("action_id",))
def volunteer(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    """「やります」: put your name down as one of an action's 担い手."""
    pid = me(state, actor)
    action_id = ref(args, "action_id", state.actions, "unknown_action")
    if pid in state.actions[action_id].volunteers:
        return []
    return [("Volunteered", {"action_id": action_id, "participant_id": pid})]


@command("withdraw", PARTICIPANTS, gated=True, takes=("action_id",))
def withdraw(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    pid = me(state, actor)
    action_id = ref(args, "action_id", state.actions, "unknown_action")
    if pid not in state.actions[action_id].volunteers:
        return []
    return [("Withdrew", {"action_id": action_id, "participant_id": pid})]


@command("set_lead", MODERATORS, takes=("action_id", "participant_id"))
def set_lead(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    action_id = ref(args, "action_id", state.actions, "unknown_action")
    action = state.actions[action_id]
    lead = args.get("participant_id")
    if lead is not None and lead not in action.volunteers:
        raise Refusal("lead_not_volunteer")
    if action.lead == lead:
        return []
    return [("LeadSet", {"action_id": action_id, "participant_id": lead})]


@command("set_action_status", PEOPLE, gated=True, takes=("action_id", "status", "record"))
def set_action_status(state: WorkshopState, actor: Actor,
                      args: Mapping[str, Any]) -> list[Draft]:
    """DO: how an action stands, set by the facilitator or by its own 担い手."""
    action_id = ref(args, "action_id", state.actions, "unknown_action")
    action = state.actions[action_id]
    if not actor.privileged and actor.participant_id not in action.volunteers:
        raise Refusal("not_a_volunteer")
    try:
        status = Status(str(args.get("status")))
    except ValueError:
        raise Refusal("bad_status") from None
    record = (clean_text(args, "record", limits.RECORD_MAX_CHARS, empty_code="empty_note",
                         long_code="record_too_long", allow_empty=True, multiline=True)
              if "record" in args else action.record)
    if (status, record) == (action.status, action.record):
        return []
    return [("ActionStatusSet", {"action_id": action_id, "status": status.value,
                                 "record": record})]


# --- review (step 5, 将来につなげよう) ---------------------------------------------------

def review_text(args: Mapping[str, Any]) -> str:
    return clean_text(args, "text", limits.NOTE_MAX_CHARS, empty_code="empty_review",
                      long_code="review_too_long", multiline=True)


def own_review(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> str:
    review_id = ref(args, "review_id", state.reviews, "unknown_review")
    author = actor.participant_id or actor.role.value
    if state.reviews[review_id].author != author and not actor.privileged:
        raise Refusal("not_your_note")
    return review_id


@command("post_review", PEOPLE, gated=True, takes=("column", "text"))
def post_review(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    try:
        column = ReviewColumn(str(args.get("column")))
    except ValueError:
        raise Refusal("bad_column") from None
    if len(state.reviews) >= limits.REVIEWS_MAX:
        raise Refusal("too_many", what="reviews", max=limits.REVIEWS_MAX)
    author = actor.participant_id or actor.role.value  # the facilitator writes from the room
    return [("ReviewPosted", {"review_id": state.next_id("r"), "column": column.value,
                              "text": review_text(args), "author": author})]


@command("edit_review", PEOPLE, gated=True, takes=("review_id", "text"))
def edit_review(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    review_id = own_review(state, actor, args)
    return [("ReviewEdited", {"review_id": review_id, "text": review_text(args)})]


@command("delete_review", PEOPLE, gated=True, takes=("review_id",))
def delete_review(state: WorkshopState, actor: Actor, args: Mapping[str, Any]) -> list[Draft]:
    return [("ReviewDeleted", {"review_id": own_review(state, actor, args)})]


# --- appliers ----------------------------------------------------------------------------

PROPOSAL = touches(proposals="theme_id")
# Priority changes the proposal's count, the giver's budget, and (for the facilitator) what
# a proxy gave.
PRIORITY = touches(proposals="theme_id", me="participant_id", participants="participant_id")
ACTION = touches(actions="action_id")
VOLUNTEERING = touches(actions="action_id", me="participant_id")


@applies("ProposalWritten", made_by="write_proposal", proxy_for="participant_id",
         touches=PROPOSAL)
def _written(state: WorkshopState, e: Event) -> None:
    d = e.data
    proposal = state.proposals.setdefault(d["theme_id"], Proposal(theme=d["theme_id"]))
    proposal.aim, proposal.ideas = d["aim"], list(d["ideas"])
    pid = d.get("participant_id")
    if pid and pid not in proposal.edited_by:
        proposal.edited_by.append(pid)


@applies("ProposalChosen", made_by="choose_proposal", touches=PROPOSAL)
def _chosen(state: WorkshopState, e: Event) -> None:
    state.proposals[e.data["theme_id"]].chosen = bool(e.data["chosen"])


@applies("PriorityCast", made_by="cast_priority", proxy_for="participant_id", touches=PRIORITY)
def _priority(state: WorkshopState, e: Event) -> None:
    state.proposals[e.data["theme_id"]].priority.append(e.data["participant_id"])


@applies("PriorityRetracted", made_by="retract_priority", proxy_for="participant_id",
         touches=PRIORITY)
def _unpriority(state: WorkshopState, e: Event) -> None:
    state.proposals[e.data["theme_id"]].priority.remove(e.data["participant_id"])


@applies("ActionCreated", made_by="create_action", result="action_id", creates="a",
         touches=ACTION)
def _action(state: WorkshopState, e: Event) -> None:
    d = e.data
    action = Action(id=d["action_id"], title=d["title"], theme=d.get("theme_id"),
                    meeting=state.meeting)
    _set_fields(action, d)
    state.actions[action.id] = action


@applies("ActionUpdated", made_by="update_action", touches=ACTION)
def _updated(state: WorkshopState, e: Event) -> None:
    _set_fields(state.actions[e.data["action_id"]], e.data)


def _set_fields(action: Action, d: dict[str, Any]) -> None:
    if "title" in d:
        action.title = d["title"]
    if "form" in d:
        action.form = Form(d["form"])
    if "partners" in d:
        action.partners = list(d["partners"])
    if "first_step" in d:
        action.first_step = d["first_step"]
    if "due" in d:
        action.due = d["due"]


@applies("Volunteered", made_by="volunteer", proxy_for="participant_id", touches=VOLUNTEERING)
def _volunteered(state: WorkshopState, e: Event) -> None:
    state.actions[e.data["action_id"]].volunteers.append(e.data["participant_id"])


@applies("Withdrew", made_by="withdraw", proxy_for="participant_id", touches=VOLUNTEERING)
def _withdrew(state: WorkshopState, e: Event) -> None:
    action = state.actions[e.data["action_id"]]
    action.volunteers.remove(e.data["participant_id"])
    if action.lead == e.data["participant_id"]:
        action.lead = None


@applies("LeadSet", made_by="set_lead", touches=ACTION)
def _lead(state: WorkshopState, e: Event) -> None:
    state.actions[e.data["action_id"]].lead = e.data["participant_id"]


@applies("ActionStatusSet", made_by="set_action_status", touches=ACTION)
def _status(state: WorkshopState, e: Event) -> None:
    action = state.actions[e.data["action_id"]]
    action.status = Status(e.data["status"])
    action.record = e.data["record"]


@applies("ReviewPosted", made_by="post_review", proxy_for="author", result="review_id",
         creates="r", touches=touches(reviews="review_id", me="author"))
def _review(state: WorkshopState, e: Event) -> None:
    d = e.data
    state.reviews[d["review_id"]] = Review(id=d["review_id"], column=ReviewColumn(d["column"]),
                                           text=d["text"], author=d["author"],
                                           meeting=state.meeting)


@applies("ReviewEdited", made_by="edit_review", touches=touches(reviews="review_id"))
def _review_edited(state: WorkshopState, e: Event) -> None:
    state.reviews[e.data["review_id"]].text = e.data["text"]


# Its author's list (the review, and so who wrote it, is gone from the event's view).
@applies("ReviewDeleted", made_by="delete_review", touches=touches(reviews="review_id", me=ALL))
def _review_deleted(state: WorkshopState, e: Event) -> None:
    del state.reviews[e.data["review_id"]]
