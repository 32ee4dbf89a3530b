"""docs/protocol.md is a contract: independent black-box tests are written from it alone.
These tests keep its lists equal to the code's: every error code the domain or the server
can send, every WebSocket close code, every message type and every domain event type is
documented, and the document names none that the code does not have."""

from __future__ import annotations

import re
from pathlib import Path

from yoriai.facilitation.commands import COMMANDS
from yoriai.facilitation.model import EVENTS

ROOT = Path(__file__).resolve().parents[1]
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text("utf-8")
SOURCES = {path: path.read_text("utf-8")
           for folder in ("yoriai/facilitation", "yoriai/server")
           for path in sorted((ROOT / folder).rglob("*.py"))}
SERVER = {p: text for p, text in SOURCES.items() if p.parent.name == "server"}

# Where a code is written as a string in the source: a refusal or error built with it, a
# text rule's codes, a reference checked against a table, an error message's dict.
CODE_LITERAL = re.compile(
    r'(?:Refusal|BadMessage|error_message|error_text)\(\s*"([a-z_]+)"'
    r'|\b(?:empty_code|long_code)\s*=\s*"([a-z_]+)"'
    r'|\bref\([^()]*"([a-z_]+)"\)'
    r'|"code":\s*"([a-z_]+)"')
# ... or through a named constant (``Refusal(BAD_TEXT)``).
CODE_BY_NAME = re.compile(r"(?:Refusal|BadMessage|error_message)\(\s*([A-Z][A-Z0-9_]+)\b")
STRING_CONSTANT = re.compile(r'^([A-Z][A-Z0-9_]+)\s*=\s*"([a-z_]+)"', re.M)

CLOSE_CONSTANT = re.compile(r"^(CLOSE_[A-Z_]+)\s*=\s*(\d{4})\b", re.M)
# A close code written as a number where a socket is closed (instead of a constant).
CLOSE_LITERAL = re.compile(r'(?:\.drop|\.abort|\.close)\(\s*(\d{4})\b'
                           r'|"websocket\.close",\s*"code":\s*(\d{4})')

MESSAGE_TYPE = re.compile(r'\{"type":\s*"([a-z_]+)"')
HANDLED_TYPE = re.compile(r'\w+\["type"\]\s*[!=]=\s*"([a-z_]+)"')


def section(title: str) -> str:
    """The text of the ``## <n>. <title>`` section of the protocol."""
    match = re.search(rf"^## \d+\. {re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", PROTOCOL,
                      re.M | re.S)
    assert match, f"docs/protocol.md has no section {title!r}"
    return match.group(1)


def table_keys(text: str) -> set[str]:
    """Every backticked name in the first cell of the rows of the tables in ``text``."""
    keys: set[str] = set()
    for first_cell in re.findall(r"^\| ([^|]*`[^|]*) \|", text, re.M):
        keys.update(re.findall(r"`([^`]+)`", first_cell))
    return keys


def code_error_codes() -> set[str]:
    constants = {name: value for text in SOURCES.values()
                 for name, value in STRING_CONSTANT.findall(text)}
    codes: set[str] = set()
    for text in SOURCES.values():
        codes.update(next(g for g in m.groups() if g) for m in CODE_LITERAL.finditer(text))
        for name in CODE_BY_NAME.findall(text):
            assert name in constants, f"cannot tell which code {name} is"
            codes.add(constants[name])
    return codes


def code_close_codes() -> dict[int, str]:
    found: dict[int, str] = {}
    for path, text in SERVER.items():
        for name, number in CLOSE_CONSTANT.findall(text):
            found[int(number)] = name
        for match in CLOSE_LITERAL.finditer(text):
            number = int(next(g for g in match.groups() if g))
            found.setdefault(number, f"a literal in {path.name}")
    return found


def test_the_scans_find_what_they_look_for() -> None:
    assert {"note_too_long", "bad_text", "unknown_theme", "slow_down", "message_too_large",
            "too_many_joins"} <= code_error_codes()
    assert {1001, 1008, 4001, 4002, 4004} <= set(code_close_codes())
    assert {"ack", "error", "event", "welcome", "pong", "hello", "ping", "cmd"
            } <= server_message_types()


def test_every_error_code_is_documented_and_no_other() -> None:
    documented = table_keys(section("Acks and errors"))
    in_code = code_error_codes()
    assert not sorted(in_code - documented), \
        f"docs/protocol.md §5 lacks {sorted(in_code - documented)}"
    assert not sorted(documented - in_code), \
        f"docs/protocol.md §5 names codes the code never sends: {sorted(documented - in_code)}"


def test_every_close_code_is_documented_and_no_other() -> None:
    documented = {int(c) for c in re.findall(r"^\| (\d{4}) \|", section("Close codes"), re.M)}
    in_code = code_close_codes()
    missing = {c: n for c, n in in_code.items() if c not in documented}
    assert not missing, f"docs/protocol.md §7 lacks {missing}"
    assert not sorted(documented - set(in_code)), \
        f"docs/protocol.md §7 names close codes the server never sends: " \
        f"{sorted(documented - set(in_code))}"


def server_message_types() -> set[str]:
    """The types of the messages the server sends (a dict starting ``{"type": …``) and of
    those it reads (compared with ``…["type"]``)."""
    types: set[str] = set()
    for text in SOURCES.values():
        types.update(MESSAGE_TYPE.findall(text))
        types.update(HANDLED_TYPE.findall(text))
    return types - {"websocket"}


def test_every_message_type_is_documented() -> None:
    documented = set(re.findall(r'"type":\s*"([a-z_]+)"', PROTOCOL))
    missing = sorted(server_message_types() - documented)
    assert not missing, f"docs/protocol.md shows no message of type {missing}"


def test_every_event_type_is_documented_and_no_other() -> None:
    match = re.search(r"^Domain events: (.*?)\n\n", PROTOCOL, re.M | re.S)
    assert match, "docs/protocol.md has no 'Domain events:' list"
    documented = set(re.findall(r"`([A-Za-z]+)`", match.group(1)))
    declared = set(EVENTS)  # the registry: each event declared once, beside its applier
    assert sorted(declared - documented) == [], "undocumented events"
    assert sorted(documented - declared) == [], "documented events that do not exist"


def test_every_command_and_its_arguments_are_documented() -> None:
    """§4's table names each command with the arguments it takes, and no other: a command
    refuses any argument it does not take (``unknown_argument``), so the table is what a
    client may send."""
    rows = re.findall(r"^\| `([a-z_]+)` \|[^|\n]*\|[^|\n]*\| ([^|\n]*) \|$",
                      section("Commands"), re.M)
    documented = {name: set(re.findall(r"`([a-z_]+)`", args)) for name, args in rows}
    assert sorted(documented) == sorted(COMMANDS), "§4's table and the commands differ"
    for name, spec in COMMANDS.items():
        assert documented[name] == spec.takes, name
