"""The one text check (``facilitation/text.py``): its contract on arbitrary Unicode, the
cases people and attackers actually send, and that every command taking free text uses it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from yoriai.facilitation import limits
from yoriai.facilitation.commands import decide
from yoriai.facilitation.errors import Refusal
from yoriai.facilitation.model import FACILITATOR, PROJECTOR, Actor, Role, WorkshopState
from yoriai.facilitation.text import TextRule, checked_text, clusters

from .helpers import NOW, Workshop

NOTE = TextRule(limits.NOTE_MAX_CHARS, empty_code="empty_note", long_code="note_too_long",
                multiline=True)
NAME = TextRule(limits.NAME_MAX_CHARS, empty_code="empty_name", long_code="name_too_long")

FAMILY = "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"  # 7 code points
KISS = ("\U0001F9D1\U0001F3FB\u200d\u2764\ufe0f\u200d\U0001F48B\u200d\U0001F9D1"
        "\U0001F3FC")  # 10 code points, the longest emoji people send
JAPAN = "\U0001F1EF\U0001F1F5"
ENGLAND = "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"
ZALGO = "a" + "\u0301\u0316\u0353" * 46 + "\u0301"  # 1 letter + 139 combining marks


def outcome(raw: object, rule: TextRule) -> str | tuple[str, dict[str, Any]]:
    try:
        return checked_text(raw, rule)
    except Refusal as exc:
        return exc.code, exc.params


# --- what people and attackers send ------------------------------------------------------

@pytest.mark.parametrize("raw, rule, expected", [
    # Unencodable or not text at all.
    ("\ud800", NAME, ("bad_text", {})),
    ("佐藤\udfff", NAME, ("bad_text", {})),
    ("\ufdd0", NOTE, ("bad_text", {})),
    ("ok\U0010FFFF", NOTE, ("bad_text", {})),
    # Control characters: line ends become \n, a tab a space, the rest go.
    ("雪\r\nかき", NOTE, "雪\nかき"),
    ("雪\rかき\u2028です\x85ね", NOTE, "雪\nかき\nです\nね"),
    ("雪\x00か\x1bき\x7f\x9b", NOTE, "雪かき"),
    ("雪\tかき", NOTE, "雪 かき"),
    ("\ufeff雪かき", NOTE, "雪かき"),
    # A single-line field has no line breaks.
    ("佐藤\nひろ子", NAME, "佐藤 ひろ子"),
    ("佐藤\r\n\r\nひろ子", NAME, "佐藤  ひろ子"),
    # NFC: か + the combining voiced mark is が, one character.
    ("か\u3099", NAME, "が"),
    ("Cafe\u0301", NAME, "Café"),
    # Nothing visible is empty.
    ("", NOTE, ("empty_note", {})),
    (" \u3000\n\t", NOTE, ("empty_note", {})),
    ("\u200b\u200c\u200d\u2060\ufeff", NOTE, ("empty_note", {})),
    ("\u0301\u0302\u20dd", NAME, ("empty_name", {})),  # marks with nothing to sit on
    ("\ufe0f\ufe0f", NAME, ("empty_name", {})),  # variation selectors alone
    ("\u202e\u202c\u2066\u2069", NAME, ("empty_name", {})),  # bidirectional controls alone
    ("\u3164\u115f\uffa0", NAME, ("empty_name", {})),  # Hangul fillers
    ("\u2800\u2800", NAME, ("empty_name", {})),  # the blank Braille pattern
    ("\U000E0020\U000E007F", NAME, ("empty_name", {})),  # tag characters alone
    # Invisible ends are trimmed, what is inside is kept.
    ("\u200b 佐藤 \u200b", NAME, "佐藤"),
    ("\u0301佐藤", NAME, "佐藤"),
    ("\u202e佐藤\u202c", NAME, "佐藤"),
    ("ab\u202edc", NAME, "ab\u202edc"),  # kept as text; the pages isolate it
    ("a\u200bb", NAME, "a\u200bb"),
    # What a person sees as one character counts as one.
    (FAMILY, NAME, FAMILY),
    (KISS, NAME, KISS),
    (ENGLAND + JAPAN, NAME, ENGLAND + JAPAN),
    ("\u2764\ufe0f", NAME, "\u2764\ufe0f"),  # the variation selector after a base is kept
    (FAMILY * limits.NAME_MAX_CHARS, NAME, FAMILY * limits.NAME_MAX_CHARS),
    (FAMILY * (limits.NAME_MAX_CHARS + 1), NAME,
     ("name_too_long", {"max": limits.NAME_MAX_CHARS, "length": limits.NAME_MAX_CHARS + 1})),
    ("が" * limits.NOTE_MAX_CHARS, NOTE, "が" * limits.NOTE_MAX_CHARS),
    ("か\u3099" * (limits.NOTE_MAX_CHARS + 1), NOTE,
     ("note_too_long", {"max": limits.NOTE_MAX_CHARS, "length": limits.NOTE_MAX_CHARS + 1})),
    # One "character" of 140 code points is not a character.
    (ZALGO, NOTE, ("bad_text", {})),
    ("a" + "\u0301" * (limits.CHAR_MAX_CODEPOINTS - 2), NAME,
     "\u00e1" + "\u0301" * (limits.CHAR_MAX_CODEPOINTS - 3)),
    # A megabyte is refused by its length before any work is done on it.
    ("あ" * 1_000_000, NOTE,
     ("note_too_long", {"max": limits.NOTE_MAX_CHARS, "length": 1_000_000})),
    ("a" + "\u0301" * 1_000_000, NOTE, ("bad_text", {})),
    # Not text at all.
    (None, NAME, ("empty_name", {})),
    (5, NAME, ("empty_name", {})),
    (["a"], NOTE, ("empty_note", {})),
])
def test_the_cases(raw: object, rule: TextRule, expected: object) -> None:
    assert outcome(raw, rule) == expected


def test_an_optional_field_may_be_empty() -> None:
    rule = TextRule(10, empty_code="empty_note", long_code="record_too_long", allow_empty=True)
    assert checked_text(None, rule) == ""
    assert checked_text(" \u200b ", rule) == ""
    assert outcome("\ud800", rule) == ("bad_text", {})


# --- the contract, on arbitrary Unicode ---------------------------------------------------

# Every code point, surrogates included (st.text leaves them out unless asked).
ANY_CHAR = st.one_of(st.characters(exclude_categories=()),
                     st.characters(categories=["Cs", "Cc", "Cf", "Mn", "Me", "Zs", "Co"]))
NASTY = st.sampled_from([
    FAMILY, KISS, JAPAN, ENGLAND, "\u0301", "\u20dd", "\ufe0f", "\u200d", "\u200b", "\ufeff",
    "\u2060", "\u202e", "\u202c", "\u2066", "\x00", "\r\n", "\r", "\n", "\t", "\x85",
    "\u2028", "\ud800", "\udc00", "\ufdd0", "\uffff", "\u3164", "\u2800", " ", "\u3000",
    "か", "\u3099", "a", "佐藤", "\U000E0067", "\U000E007F", "\u0600", "\u1100", "\u1161",
])
TEXTS = st.lists(st.one_of(ANY_CHAR, NASTY), max_size=60).map("".join)
RULES = st.builds(TextRule, st.integers(1, 25), empty_code=st.just("empty_note"),
                  long_code=st.just("note_too_long"), allow_empty=st.booleans(),
                  multiline=st.booleans())

# A character anyone would see: letters, digits, punctuation, symbols, private use and
# unassigned code points (a newer emoji), less the few that print nothing.
SEEN = regex.compile(r"[\p{L}\p{N}\p{P}\p{S}\p{Co}\p{Cn}--\p{Default_Ignorable_Code_Point}"
                     r"--\p{Noncharacter_Code_Point}--\u2800]", flags=regex.V1)
NOT_TEXT = regex.compile(r"[\p{Cs}\p{Noncharacter_Code_Point}]")
FORBIDDEN = regex.compile(r"[\p{Cc}\ufeff\p{Cs}\p{Noncharacter_Code_Point}\u2028\u2029--\n]",
                          flags=regex.V1)


def _check(raw: str, rule: TextRule) -> None:
    try:
        text = checked_text(raw, rule)
    except Refusal as exc:
        assert exc.code in {"bad_text", rule.empty_code, rule.long_code}
        if exc.code == "bad_text":
            # Only for what is not text, or a "character" longer than any real one.
            assert NOT_TEXT.search(raw) or len(raw) > limits.CHAR_MAX_CODEPOINTS
        elif exc.code == rule.empty_code:
            assert not rule.allow_empty
            assert not SEEN.search(raw), "refused as empty, yet something shows"
        else:
            assert exc.params["length"] > rule.max_chars == exc.params["max"]
            assert len(raw) >= exc.params["length"]
        return
    # Anything that is not text is refused, never passed on or quietly dropped.
    assert not NOT_TEXT.search(raw) or len(raw) > rule.max_codepoints
    assert unicodedata.is_normalized("NFC", text)
    text.encode("utf-8")
    assert not FORBIDDEN.search(text)
    assert rule.multiline or "\n" not in text
    parts = clusters(text)
    assert len(parts) <= rule.max_chars
    assert all(len(c) <= limits.CHAR_MAX_CODEPOINTS for c in parts)
    if text:
        assert SEEN.search(text)
        # Trimmed: it starts and ends with something that shows.
        assert SEEN.search(parts[0]) and SEEN.search(parts[-1])
    else:
        assert rule.allow_empty and not SEEN.search(raw)
    # Checking again changes nothing: what is recorded passes the check as it is.
    assert checked_text(text, rule) == text


@settings(max_examples=3000, deadline=None)
@given(TEXTS, RULES)
@example("a" + "\u0301" * 139, NOTE)
@example(FAMILY * 3 + JAPAN + ENGLAND, NAME)
@example("\ufeff\u202e\x00\r\n\u200d", NOTE)
def test_the_contract_on_any_text(raw: str, rule: TextRule) -> None:
    _check(raw, rule)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_visible_text_with_nothing_bad_is_accepted(raw: str) -> None:
    """The converse of the refusals: short text with something visible and nothing that
    is not text always goes through."""
    rule = TextRule(1000, empty_code="empty_note", long_code="note_too_long",
                    multiline=True)
    if (SEEN.search(raw) and not NOT_TEXT.search(raw)
            and all(len(c) <= limits.CHAR_MAX_CODEPOINTS for c in clusters(raw))):
        assert SEEN.search(checked_text(raw, rule))


# --- every command that takes text uses the check -----------------------------------------

def _workshop() -> tuple[Workshop, Actor]:
    w = Workshop()
    p = w.join("佐藤")
    w.post(p, "雪かき")
    w.run(FACILITATOR, "create_theme", title="雪", note_id="n1")
    w.run(FACILITATOR, "create_action", title="雪寄せ", theme_id="t1")
    w.run(FACILITATOR, "set_step", step="future")
    w.run(p, "post_review", column="keep", text="よかった")
    return w, p


FACILITATOR_TEXT: list[tuple[str, dict[str, Any], str]] = [
    ("add_proxy", {"attribute": "住民"}, "name"),
    ("create_theme", {}, "title"),
    ("rename_theme", {"theme_id": "t1"}, "title"),
    ("write_proposal", {"theme_id": "t1", "aim": "雪"}, "ideas"),
    ("write_proposal", {"theme_id": "t1"}, "aim"),
    ("create_action", {}, "title"),
    ("update_action", {"action_id": "a1"}, "title"),
    ("update_action", {"action_id": "a1"}, "first_step"),
    ("update_action", {"action_id": "a1"}, "partners"),
    ("set_action_status", {"action_id": "a1", "status": "done"}, "record"),
    ("post_review", {"column": "change"}, "text"),
    ("edit_review", {"review_id": "r1"}, "text"),
    ("edit_note", {"note_id": "n1"}, "text"),
]
PARTICIPANT_TEXT: list[tuple[str, dict[str, Any], str]] = [
    ("post_review", {"column": "keep"}, "text"),
    ("edit_review", {"review_id": "r1"}, "text"),
]
LISTS = {"ideas", "partners"}


@pytest.mark.parametrize("bad", ["\ud800", "\udfff\u3042", "\ufdd0", ZALGO])
def test_every_text_argument_goes_through_the_check(bad: str) -> None:
    w, p = _workshop()
    cases = [(FACILITATOR, *c) for c in FACILITATOR_TEXT]
    cases += [(p, *c) for c in PARTICIPANT_TEXT]
    cases += [(PROJECTOR, "join", {"attribute": "住民"}, "name")]
    for actor, name, args, key in cases:
        value: object = [bad] if key in LISTS else bad
        with pytest.raises(Refusal) as info:
            decide(w.state, actor, name, {**args, key: value}, NOW)
        assert info.value.code == "bad_text", (name, key)
    for key in ("title", "center"):
        args = {"code": "abcd2345", "title": "会", key: bad}
        with pytest.raises(Refusal) as info:
            decide(WorkshopState(), FACILITATOR, "create_workshop", args, NOW)
        assert info.value.code == "bad_text", key
    # A participant's own note, in step 1.
    w2 = Workshop()
    p2 = w2.join()
    with pytest.raises(Refusal) as info:
        decide(w2.state, p2, "post_note", {"kind": "wish", "text": bad}, NOW)
    assert info.value.code == "bad_text"


def test_commands_record_the_checked_text() -> None:
    w = Workshop()
    p = w.join("\u200b佐藤\tひろ子\n")
    assert w.state.participants[p.participant_id or ""].name == "佐藤 ひろ子"
    note = w.post(p, "  雪\r\nかき\x00  ")
    assert w.state.notes[note].text == "雪\nかき"
    w.run(FACILITATOR, "create_theme", title="雪\nかき")
    assert w.state.themes["t1"].title == "雪 かき"


def test_lengths_are_what_a_person_sees() -> None:
    w = Workshop()
    p = w.join()
    note = w.post(p, FAMILY * limits.NOTE_MAX_CHARS)  # 980 code points, 140 characters
    assert w.state.notes[note].text == FAMILY * limits.NOTE_MAX_CHARS
    with pytest.raises(Refusal) as info:
        decide(w.state, p, "post_note", {"kind": "wish", "text": JAPAN * 141}, NOW)
    assert (info.value.code, info.value.params) == ("note_too_long", {"max": 140, "length": 141})


@pytest.mark.parametrize("name", ["\ud800", "x" * 41, "drop tables", "Post_Note", "", "\x00"])
def test_an_unknown_command_is_not_echoed_unless_it_looks_like_one(name: str) -> None:
    w = Workshop()
    with pytest.raises(Refusal) as info:
        decide(w.state, FACILITATOR, name, {}, NOW)
    assert info.value.params == {"command": ""}
    with pytest.raises(Refusal) as info:
        decide(w.state, FACILITATOR, "no_such_thing", {}, NOW)
    assert info.value.params == {"command": "no_such_thing"}


def test_an_event_the_store_could_not_write_is_refused_before_it_has_a_seq() -> None:
    """The second lock: whatever a handler puts in an event is encoded as the store
    encodes it, NaN and infinities refused, before the event is numbered."""
    from yoriai.facilitation import commands

    def sloppy(state: WorkshopState, actor: Actor, args: Any) -> list[Any]:
        return [("NotePosted", {"text": args["raw"]})]

    commands.COMMANDS["_sloppy"] = commands.CommandSpec("_sloppy", frozenset(Role), sloppy,
                                                        takes=frozenset({"raw"}))
    try:
        w = Workshop()
        for raw, code in [("\ud800", "bad_text"), (float("nan"), "bad_value"),
                          (float("inf"), "bad_value"), (object(), "bad_value")]:
            with pytest.raises(Refusal) as info:
                decide(w.state, FACILITATOR, "_sloppy", {"raw": raw}, NOW)
            assert info.value.code == code
        assert decide(w.state, FACILITATOR, "_sloppy", {"raw": "ok"}, NOW)[0].seq == 2
    finally:
        del commands.COMMANDS["_sloppy"]


@pytest.mark.parametrize("code, ok", [
    ("abc234", True), ("sample1", True), ("ABCD", True), ("a" * 16, True),
    ("abc", False), ("a" * 17, False), ("ａｂｃｄ２３", False), ("abc２３４", False),
    ("日本語のコード", False), ("abc-234", False), ("abc 234", False), ("\ud800abcd", False),
])
def test_the_workshop_code_rule(code: str, ok: bool) -> None:
    args = {"code": code, "title": "会"}
    if ok:
        assert decide(WorkshopState(), FACILITATOR, "create_workshop", args, NOW)
    else:
        with pytest.raises(Refusal) as info:
            decide(WorkshopState(), FACILITATOR, "create_workshop", args, NOW)
        assert info.value.code == "bad_code"



def test_bad_text_has_words_in_every_language() -> None:
    from .test_messages import CATALOGUES

    for lang, words in CATALOGUES.items():
        assert words.get("error.bad_text"), lang
    assert "使えない文字" in CATALOGUES["ja"]["error.bad_text"]
