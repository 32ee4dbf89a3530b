"""The exports say what the screens say: one catalogue (``client/i18n``) feeds the phone,
the console, the projector and the plan, so a newsletter reader meets 付箋, はじめの一歩,
いつまでに, 協力先 and 役割分担表 — the words the room used that evening."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yoriai.exports import text
from yoriai.exports.plan import FORM_LABELS, KIND_LABELS, REVIEW_LABELS, STATUS_LABELS
from yoriai.exports.table import headers

from .helpers import text_of

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "yoriai" / "client"
JA = json.loads((CLIENT / "i18n" / "ja.json").read_text("utf-8"))
EN = json.loads((CLIENT / "i18n" / "en.json").read_text("utf-8"))
# What the exports printed before, and what the screens say instead.
OLD_WORDS = {"メモ": "付箋", "最初の一歩": "はじめの一歩", "期日": "いつまでに",
             "役割表": "役割分担表"}


def screens_source() -> str:
    parts = [p.read_text("utf-8") for p in (CLIENT / "static" / "js").glob("*.js")]
    parts += [p.read_text("utf-8") for p in (CLIENT / "templates").glob("*.html")]
    return "\n".join(parts)


# Each export word, the catalogue key the screens show it by, and its text there.
PAIRS = [
    (text.ROLE_COLUMNS[1], "action.form"),
    (text.ROLE_COLUMNS[2], "action.volunteers"),
    (text.ROLE_COLUMNS[3], "action.partners"),
    (text.ROLE_COLUMNS[4], "action.first_step"),
    (text.ROLE_COLUMNS[5], "action.due"),
    (text.ROLES, "console.roles.title"),
    (text.NOTE, "console.tab.notes"),
    (text.DO_COLUMNS[1], "action.status"),
]


@pytest.mark.parametrize(("word", "key"), PAIRS)
def test_export_words_are_the_screens_words(word: str, key: str) -> None:
    assert word == JA[key]
    # A screen asks for the key by name, or builds it ('console.tab.' ~ view).
    source = screens_source()
    stem = key.rsplit(".", 1)[0] + "."
    assert any(f"{q}{k}" in source for q in "'\"" for k in (f"{key}{q}", stem)), (
        f"{key} is not shown on any screen")


def test_the_words_the_issue_names() -> None:
    assert text.ROLE_COLUMNS[3:] == ("協力先", "はじめの一歩", "いつまでに")
    assert text.ROLES == "役割分担表" and text.NOTE == "付箋"


def test_labels_of_the_domain_s_choices_come_from_the_catalogue() -> None:
    for labels, prefix in ((FORM_LABELS, "form"), (STATUS_LABELS, "status"),
                           (KIND_LABELS, "kind"), (REVIEW_LABELS, "review")):
        for choice, label in labels.items():
            assert label == JA[f"{prefix}.{choice.value}"]


def test_csv_headers_use_the_screens_words_in_each_language() -> None:
    for lang, catalogue in (("ja", JA), ("en", EN)):
        names = headers(lang)
        assert names["partners"] == catalogue["action.partners"]
        assert names["first_step"] == catalogue["action.first_step"]
        assert names["due"] == catalogue["action.due"]
        assert names["status"] == catalogue["action.status"]
        assert len(set(names.values())) == len(names)  # no two columns share a name


@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "md", "csv", "svg"])
def test_no_published_format_uses_the_old_words(outputs: dict[str, bytes], fmt: str,
                                                tmp_path: Path) -> None:
    words = text_of(fmt, outputs[fmt], tmp_path)
    for old, new in OLD_WORDS.items():
        assert old not in words, (fmt, old, new)
    if fmt in ("html", "pdf", "docx", "md"):
        assert "はじめの一歩" in words and "いつまでに" in words and "役割分担表" in words
    assert "付箋" in words


def test_no_screen_uses_the_old_words() -> None:
    """The projector's role board said 期日 where the console and the plan say いつまでに."""
    for key, words in JA.items():
        for old, new in OLD_WORDS.items():
            assert old not in words, (key, old, new)
