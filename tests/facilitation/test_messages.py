"""Every refusal the domain or the server can give has words in every language."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "yoriai" / "client" / "i18n"
CATALOGUES = {lang: json.loads((I18N / f"{lang}.json").read_text("utf-8"))
              for lang in ("ja", "en")}
CODE = re.compile(r'(?:Refusal|BadMessage|error_message)\("([a-z_]+)"'
                  r'|(?:empty_code|long_code)="([a-z_]+)"'
                  r'|ref\([^()]*"(unknown_[a-z_]+)"\)')


def refusal_codes() -> set[str]:
    codes: set[str] = set()
    for folder in ("yoriai/facilitation", "yoriai/server"):
        for path in (ROOT / folder).rglob("*.py"):
            for match in CODE.finditer(path.read_text("utf-8")):
                codes.add(next(g for g in match.groups() if g))
    return codes


def test_the_scan_finds_the_codes() -> None:
    codes = refusal_codes()
    assert {"note_too_long", "step_closed", "unknown_theme", "slow_down"} <= codes


def test_every_refusal_has_a_message_in_every_language() -> None:
    for lang, words in CATALOGUES.items():
        missing = sorted(c for c in refusal_codes() if f"error.{c}" not in words)
        assert not missing, f"{lang}.json lacks {missing}"


def test_the_catalogues_have_the_same_keys() -> None:
    ja, en = CATALOGUES["ja"], CATALOGUES["en"]
    assert sorted(set(ja) - set(en)) == [] and sorted(set(en) - set(ja)) == []


def test_placeholders_agree_between_languages() -> None:
    field = re.compile(r"\{(\w+)\}")
    for key, text in CATALOGUES["ja"].items():
        assert set(field.findall(text)) == set(field.findall(CATALOGUES["en"][key])), key


def test_every_limit_is_documented() -> None:
    from yoriai.facilitation import limits

    protocol = (ROOT / "docs" / "protocol.md").read_text("utf-8")
    names = [n for n in vars(limits) if n.isupper()]
    assert len(names) > 20
    missing = [n for n in names if f"`{n}`" not in protocol]
    assert not missing, f"docs/protocol.md does not document {missing}"
