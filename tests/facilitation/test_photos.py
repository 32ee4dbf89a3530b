"""Photos of the evening in the domain: who may add, caption, choose and remove them, what
a hash must look like, the cap, and that only the facilitators' views carry them."""

from __future__ import annotations

import pytest

from yoriai.facilitation import limits
from yoriai.facilitation.commands import effective_actor
from yoriai.facilitation.model import FACILITATOR, PROJECTOR
from yoriai.facilitation.snapshot import dump, load
from yoriai.facilitation.view import snapshot

from .helpers import Workshop, refused

A, B = "a" * 64, "0123456789abcdef" * 4


def test_a_photo_is_added_captioned_chosen_and_removed() -> None:
    w = Workshop()
    [added] = w.run(FACILITATOR, "add_photo", hash=A, caption="  3班の模造紙\u0000 ")
    assert added.type == "PhotoAdded" and added.data == {"hash": A, "caption": "3班の模造紙"}
    assert not w.state.photos[A].chosen
    w.run(FACILITATOR, "caption_photo", hash=A, caption="会場の様子")
    w.run(FACILITATOR, "choose_photo", hash=A, chosen=True)
    assert w.state.photos[A].caption == "会場の様子" and w.state.photos[A].chosen
    assert w.run(FACILITATOR, "choose_photo", hash=A, chosen=True) == []  # nothing changes
    w.run(FACILITATOR, "remove_photo", hash=A)
    assert A not in w.state.photos
    refused("unknown_photo", w, FACILITATOR, "caption_photo", hash=A, caption="x")
    w.run(FACILITATOR, "add_photo", hash=A, caption="")  # may come back


def test_the_same_photo_twice_is_one_photo() -> None:
    w = Workshop()
    w.run(FACILITATOR, "add_photo", hash=A, caption="一度目")
    assert w.run(FACILITATOR, "add_photo", hash=A, caption="二度目") == []
    assert w.state.photos[A].caption == "一度目"


@pytest.mark.parametrize("bad", ["A" * 64, "a" * 63, "a" * 65, "g" * 64, "", None, 7,
                                 "../../facilitator.key"])
def test_a_photo_is_named_by_64_lower_case_hex_digits(bad: object) -> None:
    refused("bad_photo", Workshop(), FACILITATOR, "add_photo", hash=bad, caption="")


def test_only_the_facilitators_handle_photos() -> None:
    w = Workshop()
    person, helper = w.join("佐藤"), w.join("鈴木")
    w.run(FACILITATOR, "grant_cofacilitator", participant_id=helper.participant_id)
    refused("not_allowed", w, person, "add_photo", hash=A, caption="")
    refused("not_allowed", w, PROJECTOR, "add_photo", hash=A, caption="")
    w.run(helper, "add_photo", hash=A, caption="")
    refused("not_allowed", w, person, "choose_photo", hash=A, chosen=True)
    refused("not_allowed", w, person, "remove_photo", hash=A)
    w.run(helper, "choose_photo", hash=A, chosen=True)
    # Only the facilitators are told: a participant's and the projector's lists are empty.
    assert [p["id"] for p in snapshot(w.state, FACILITATOR)["photos"]] == [A]
    # (as the server sees the つむぎすと: by the state, per message)
    assert [p["id"] for p in snapshot(w.state, effective_actor(w.state, helper))["photos"]] == [A]
    assert snapshot(w.state, person)["photos"] == []
    assert snapshot(w.state, PROJECTOR)["photos"] == []


def test_no_more_than_photos_max_and_a_caption_has_its_limit() -> None:
    w = Workshop()
    for n in range(limits.PHOTOS_MAX):
        w.run(FACILITATOR, "add_photo", hash=f"{n:064x}", caption="")
    refused("too_many_photos", w, FACILITATOR, "add_photo", hash=A, caption="")
    w.run(FACILITATOR, "remove_photo", hash=f"{0:064x}")
    w.run(FACILITATOR, "add_photo", hash=A, caption="")  # a place was freed
    refused("caption_too_long", w, FACILITATOR, "caption_photo", hash=A,
            caption="あ" * (limits.PHOTO_CAPTION_MAX_CHARS + 1))
    refused("bad_text", w, FACILITATOR, "caption_photo", hash=A, caption="\ud800")


def test_photos_survive_a_snapshot() -> None:
    w = Workshop()
    w.run(FACILITATOR, "add_photo", hash=A, caption="一")
    w.run(FACILITATOR, "add_photo", hash=B, caption="二")
    w.run(FACILITATOR, "choose_photo", hash=B, chosen=True)
    back = load(dump(w.state))
    assert back == w.state and list(back.photos) == [A, B]
