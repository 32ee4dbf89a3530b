"""Step 5 (将来につなげよう): the review in two columns, 広げたい and 見直したい — the
plan's CHECK and ACT."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import limits
from .commands import PEOPLE, Draft, clean_text, command, ref
from .errors import Refusal
from .model import Actor, Event, Review, ReviewColumn, WorkshopState, applies
from .touch import ALL, touches


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
