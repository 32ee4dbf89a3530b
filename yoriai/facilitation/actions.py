"""Step 4 (実践しよう): actions with their 協働のかたち, partners, first step and due date;
the 担い手 who volunteer and the lead among them; and, at later meetings, how each stands
(DO)."""

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
    iso_date,
    me,
    ref,
)
from .errors import Refusal
from .model import Action, Actor, Event, Form, Status, WorkshopState, applies
from .touch import touches


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
        if not isinstance(raw, list):
            raise Refusal("bad_value", field="partners")  # a list of names, nothing else
        if len(raw) > limits.PARTNERS_MAX:
            raise Refusal("too_many", what="partners", max=limits.PARTNERS_MAX)
        partners: list[str] = []
        for item in raw:
            name = clean_text({"p": item}, "p", limits.PARTNER_MAX_CHARS,
                              empty_code="empty_partner", long_code="partner_too_long",
                              field="partners")
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
    # Recorded even when not given: an ActionCreated without "form" is from a log written
    # before 未定 existed, and means 市民主導, the default then (see _action).
    fields.setdefault("form", Form.UNDECIDED.value)
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


# --- appliers ----------------------------------------------------------------------------

ACTION = touches(actions="action_id")
# What an action made without a form was before 未定 existed: events from before keep
# meaning what they meant (create_action now always records the form).
LEGACY_DEFAULT_FORM = Form.CITIZEN_LED
VOLUNTEERING = touches(actions="action_id", me="participant_id")


@applies("ActionCreated", made_by="create_action", result="action_id", creates="a",
         touches=ACTION)
def _action(state: WorkshopState, e: Event) -> None:
    d = e.data
    action = Action(id=d["action_id"], title=d["title"], theme=d.get("theme_id"),
                    meeting=state.meeting)
    if "form" not in d:
        action.form = LEGACY_DEFAULT_FORM
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
