"""No limit of the domain is written into the browser's scripts or the page templates as a
number: a page asks vocab.js (the server's vocabulary block) or the template's ``vocab``.

The rule, precise enough to fail on a copied limit and quiet on innocent numbers:

- **Which numbers.** The values of the numeric constants of ``facilitation/limits.py``
  (and of ``CEILINGS``), and of each ``*_SECS`` one in minutes (a timer's 120 minutes is
  ``TIMER_MAX_SECS``). Values of 2 and below are left out: 0, 1 and 2 count things, they
  do not limit them.
- **Where a number is a limit.** Not everywhere (``parseInt(s, 10)``, ``m < 10 ? '0'``, a
  60 in a clock, a 16 px font are not limits), only where a limit is written:
  1. the value of a constant named as a limit: a ``const``/``let``/``var`` whose name has
     ``MAX``, ``MIN``, ``LIMIT``, ``BUDGET`` or ``CEILING`` as one of its ``_`` words
     (``const NOTE_MAX = 140``);
  2. the whole value of a ``max``, ``min``, ``maxlength``/``maxLength`` or
     ``minlength``/``minLength`` property, attribute or ``setAttribute`` argument
     (``{maxlength: 140}``, ``{max: 8}``, ``input.max = 120``, ``maxlength="20"``);
  3. one side of a comparison whose other side is a count: ``.length``, ``.size`` or a
     ``charCount(…)`` (``text.length > 140``, ``200 < charCount(aim)``).
A number that only *derives* from a limit (``limit('X') + 10``) is not one of these.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import esprima
import pytest

from yoriai.facilitation import limits

ROOT = Path(__file__).resolve().parents[2]
JS = sorted((ROOT / "yoriai" / "client" / "static" / "js").glob("*.js"))
TEMPLATES = sorted((ROOT / "yoriai" / "client" / "templates").glob("*.html"))

LIMIT_NAME = re.compile(r"(?:^|_)(?:MAX|MIN|LIMIT|BUDGET|CEILING)(?:_|$)")
LIMIT_KEYS = {"max", "min", "maxlength", "minlength", "maxLength", "minLength"}
COMPARE = {"<", "<=", ">", ">=", "===", "!==", "==", "!="}
COUNTS = {"length", "size"}


def limit_values() -> set[float]:
    values: set[float] = set()
    for name in dir(limits):
        value = getattr(limits, name)
        if not name.isupper():
            continue
        if isinstance(value, dict):
            values.update(v for v in value.values() if isinstance(v, int | float))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            values.add(value)
            if name.endswith("_SECS") and value % 60 == 0:
                values.add(value // 60)
    return {v for v in values if v > 2}


VALUES = limit_values()


def number(text: str) -> float | None:
    text = text.strip("'\"")
    try:
        return float(text)
    except ValueError:
        return None


def is_limit(text: str) -> bool:
    value = number(text)
    return value is not None and value in VALUES


def limit_literals(source: str) -> list[str]:
    """Every number in ``source`` (a script) written where a limit goes, with its context."""
    tokens = list(esprima.tokenize(source, {"comment": False}))
    found = []
    for i, tok in enumerate(tokens):
        if tok.type in ("Numeric", "String") and is_limit(tok.value) and _as_limit(tokens, i):
            before = [t.value for t in tokens[max(0, i - 4):i]]
            after = tokens[i + 1].value if i + 1 < len(tokens) else ";"
            found.append(" ".join([*before, tok.value, after]))
    return found


def _as_limit(tokens: list[Any], i: int) -> bool:
    """Whether the number at ``i`` is written where a limit goes (rules 1-3 above)."""
    tok = tokens[i]
    before = [t.value for t in tokens[max(0, i - 4):i]]
    after = tokens[i + 1].value if i + 1 < len(tokens) else ";"
    ends = after in (",", ";", "}", ")", "]")
    numeric = tok.type == "Numeric"
    # 1. const NOTE_MAX = 140;
    declared = (numeric and len(before) >= 3 and before[-1] == "=" and ends
                and before[-3] in ("const", "let", "var") and bool(LIMIT_NAME.search(before[-2])))
    # 2. {maxlength: 140}, input.max = 120, setAttribute('max', '120')
    keyed = (len(before) >= 2 and before[-1] in (":", "=", ",") and ends
             and before[-2].strip("'\"") in LIMIT_KEYS)
    # 3. text.length > 140, charCount(t) > 140, 140 < text.length
    count_left = numeric and len(before) >= 2 and before[-1] in COMPARE and (
        before[-2] in COUNTS
        or (before[-2] == ")" and _call_before(tokens, i - 2) == "charCount"))
    count_right = (numeric and after in COMPARE and i + 2 < len(tokens)
                   and (tokens[i + 2].value == "charCount" or _count_follows(tokens, i + 2)))
    return declared or keyed or count_left or count_right


def _call_before(tokens: list[Any], close: int) -> str:
    """The name of the call whose ``)`` is at ``close``."""
    depth = 0
    for j in range(close, -1, -1):
        depth += tokens[j].value == ")"
        depth -= tokens[j].value == "("
        if depth == 0:
            return str(tokens[j - 1].value) if j > 0 else ""
    return ""


def _count_follows(tokens: list[Any], start: int) -> bool:
    """Whether the expression from ``start`` is a member chain ending in .length/.size."""
    j = start
    while j + 2 < len(tokens) and tokens[j + 1].value == ".":
        j += 2
    return j != start and str(tokens[j].value) in COUNTS


TEMPLATE_LIMIT = re.compile(
    r"""\b(max|min|maxlength|minlength)\s*=\s*(["']?)(\d+(?:\.\d+)?)\2(?![\w.])""")


def template_limit_literals(text: str) -> list[str]:
    return [m.group(0) for m in TEMPLATE_LIMIT.finditer(text) if is_limit(m.group(3))]


@pytest.mark.parametrize("path", JS, ids=lambda p: p.name)
def test_no_limit_is_a_number_in_a_script(path: Path) -> None:
    found = limit_literals(path.read_text("utf-8"))
    assert not found, f"{path.name}: ask vocab.js limit() for these: {found}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_limit_is_a_number_in_a_template(path: Path) -> None:
    found = template_limit_literals(path.read_text("utf-8"))
    assert not found, f"{path.name}: use vocab.limits for these: {found}"


@pytest.mark.parametrize("snippet", [
    "const NOTE_MAX = 140;",
    "let AIM_MAX_CHARS = 200, x = 1;",
    "const VOTE_BUDGET = 10;",
    "el('input', {maxlength: 60});",
    "el('input', {id: 'a', 'maxlength': '20'});",
    "input.max = 120;",
    "input.setAttribute('max', '120');",
    "if (text.length > 140) { warn(); }",
    "if (names.length >= 8) { warn(); }",
    "if (charCount(aim) > 200) { warn(); }",
    "if (400 < record.text.length) { warn(); }",
])
def test_the_scan_finds_a_limit_written_as_a_number(snippet: str) -> None:
    assert limit_literals(snippet), snippet


@pytest.mark.parametrize("snippet", [
    "const n = parseInt(s, 10);",
    "const pad = s < 10 ? '0' : '';",
    "const m = Math.floor(whole / 60);",
    "const TOP_VOTES = 10;",
    "const FOCUS_WAIT_MS = 3000;",
    "const font = parseFloat(size) || 16;",
    "el('input', {maxlength: limit('NOTE_MAX_CHARS') + 10});",
    "el('textarea', {rows: 3});",
    "if (list.length > 2) { more(); }",
    "const IDEAS_MAX = limit('IDEAS_MAX');",
    "// const NOTE_MAX = 140;",
    "const text = 'maxlength: 140';",
])
def test_the_scan_leaves_innocent_numbers_alone(snippet: str) -> None:
    assert not limit_literals(snippet), snippet


def test_the_scan_of_templates() -> None:
    assert template_limit_literals('<input maxlength="20" min="1" max="120">') == [
        'maxlength="20"', 'max="120"']
    assert not template_limit_literals('<input maxlength="{{ vocab.limits.X }}" rows="3">')
    assert not template_limit_literals('<img width="360" height="360">')
