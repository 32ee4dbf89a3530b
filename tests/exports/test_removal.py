"""A participant the facilitator removed is in no published format and in no count of the
参画の記録: exports read the state, and the state no longer holds them. (The archive is
the event log and keeps the history; importing it ends without them — see
tests/server/test_moderation.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from yoriai.exports.plan import build_plan
from yoriai.exports.registry import EXPORTERS, render
from yoriai.exports.source import Source
from yoriai.facilitation.model import FACILITATOR

from .helpers import GENERATED_AT, Workshop, squash, text_of

# The PNG holds no text to read back; it is drawn from the same shapes as the SVG.
PUBLISHED = [f for f in EXPORTERS if f not in ("json", "png")]
BOT = "宣伝屋ぼっと"
SPAM = "格安で屋根を直します今すぐ電話"
NAMED = "公開田ひらく"


def evening(remove: bool) -> Workshop:
    """The bot agreed to be named and did everything a person can, beside someone who
    stays; with ``remove`` the facilitator takes it out at the end."""
    w = Workshop(code="rmv1", title="外された人の扱いを確かめる会")
    bot, stays = w.join(BOT, show_name=True), w.join(NAMED, show_name=True)
    spam = w.by(bot, "post_note", {"kind": "wish", "text": SPAM})["note_id"]
    kept = w.by(stays, "post_note", {"kind": "charm", "text": "桜並木"})["note_id"]
    w.run(FACILITATOR, "set_step", {"step": "companions"})
    theme = w.run(FACILITATOR, "create_theme", {"title": "桜の輪", "note_id": kept})["theme_id"]
    w.run(FACILITATOR, "group_note", {"note_id": spam, "theme_id": theme})
    for p in (bot, stays):
        w.by(p, "join_theme", {"theme_id": theme})
        w.by(p, "cast_vote", {"note_id": spam})
    w.run(FACILITATOR, "set_step", {"step": "activity"})
    w.by(stays, "write_proposal", {"theme_id": theme, "aim": "桜を守る"})
    w.by(bot, "cast_priority", {"theme_id": theme})
    w.run(FACILITATOR, "set_step", {"step": "practice"})
    action = w.run(FACILITATOR, "create_action", {"title": "桜の手入れ",
                                                  "theme_id": theme})["action_id"]
    w.by(bot, "volunteer", {"action_id": action})
    w.run(FACILITATOR, "set_lead", {"action_id": action, "participant_id": bot.participant_id})
    w.by(stays, "volunteer", {"action_id": action})
    w.run(FACILITATOR, "set_step", {"step": "future"})
    w.by(bot, "post_review", {"column": "keep", "text": SPAM + "！"})
    if remove:
        w.run(FACILITATOR, "remove_participant", {"participant_id": bot.participant_id})
    return w


@pytest.fixture(scope="module")
def before() -> Workshop:
    return evening(remove=False)


@pytest.fixture(scope="module")
def after() -> Workshop:
    return evening(remove=True)


@pytest.mark.parametrize("fmt", PUBLISHED)
def test_a_removed_person_is_in_no_published_format(before: Workshop, after: Workshop,
                                                    fmt: str, tmp_path: Path) -> None:
    def words(w: Workshop) -> str:
        return squash(text_of(fmt, render(fmt, Source(w.state, GENERATED_AT)), tmp_path))

    was, now = words(before), words(after)
    if fmt != "svg":  # the board's picture names no one at all
        assert squash(BOT) in was and squash(NAMED) in now
    assert squash(SPAM) in was  # the same export did hold the bot's note before
    assert squash(BOT) not in now and squash(SPAM) not in now, fmt


def test_the_record_of_participation_no_longer_counts_them(before: Workshop,
                                                           after: Workshop) -> None:
    was = build_plan(before.state, GENERATED_AT).participation
    now = build_plan(after.state, GENERATED_AT).participation
    assert (was.participants, was.contributors, was.named) == (2, 2, 2)
    assert (now.participants, now.contributors, now.named) == (1, 1, 1)
    assert (was.notes, was.votes, was.priority_votes, was.roles) == (2, 2, 1, 2)
    # The note the bot posted, the 共感 on it (from both), its priority and its role go.
    assert (now.notes, now.votes, now.priority_votes, now.roles) == (1, 0, 0, 1)
