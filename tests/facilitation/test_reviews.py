"""reviews.py: the review in two columns (広げたい, 見直したい)."""

from __future__ import annotations

from yoriai.facilitation.model import FACILITATOR

from .helpers import Workshop, at_step, refused


def test_review_in_two_columns() -> None:
    w = Workshop()
    a, b = w.join("A"), w.join("B")
    at_step(w, "future")
    r = w.run(a, "post_review", column="keep", text="子どもが10人来た")[0].data["review_id"]
    w.run(FACILITATOR, "post_review", column="change", text="平日夜は来にくい")
    refused("bad_column", w, a, "post_review", column="maybe", text="x")
    refused("empty_review", w, a, "post_review", column="keep", text=" ")
    refused("not_your_note", w, b, "edit_review", review_id=r, text="x")
    w.run(a, "edit_review", review_id=r, text="子どもが12人来た")
    w.run(a, "delete_review", review_id=r)
    assert [x.text for x in w.state.reviews.values()] == ["平日夜は来にくい"]
