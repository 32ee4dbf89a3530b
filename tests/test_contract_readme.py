"""Black-box contract tests of the `yoriai` command and the make targets, written only from
README.md (the command tables, Running an evening, Exports, the archive, Development). Each
test runs the real `yoriai` command in a subprocess with its data folder in a temporary
directory, as an outside tester would; `yoriai serve` listens on 127.0.0.1 on a free port.
`make` is only asked what it would do (`make -n`), never run. Every wait is for an answer,
a line of output or a process's end, never for a time."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
YORIAI = str(Path(sys.executable).with_name("yoriai"))
HANG = 60.0  # a hang guard on a shared 2-core machine, never a timing target
DATE = "2026-11-20"
FORMATS = ["html", "pdf", "docx", "md", "csv", "svg", "png", "json"]


def run(*args: str, data: Path | None = None, stdin: bytes | None = None,
        cwd: Path | None = None, env: dict[str, str] | None = None,
        command: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    argv = (command or [YORIAI]) + list(args)
    if data is not None:
        argv += ["--data", str(data)]
    return subprocess.run(argv, input=stdin.decode() if stdin is not None else None,
                          capture_output=True, text=True, timeout=HANG, cwd=cwd, env=env,
                          check=False)


def one_line_refusal(done: subprocess.CompletedProcess[str], status: int = 2) -> str:
    """README: a refusal is one line (exit status 2), never a traceback."""
    assert done.returncode == status, (done.returncode, done.stdout, done.stderr)
    said = done.stderr.strip()
    assert said and len(said.splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    return said


def new(data: Path, title: str = "テストの会", *extra: str,
        cwd: Path | None = None) -> str:
    """README: `yoriai new` prints the join path /w/<code> and, on the last line, the code."""
    done = run("new", title, "--center", "西部", "--date", DATE, *extra, data=data, cwd=cwd)
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip().splitlines()[-1].strip()
    assert re.fullmatch(r"[0-9A-Za-z]{4,16}", code), done.stdout
    assert f"/w/{code}" in done.stdout
    return code


def archive(data: Path, code: str, out: Path) -> dict[str, Any]:
    done = run("export", code, "--format", "json", "-o", str(out), data=data)
    assert done.returncode == 0, done.stderr
    loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return loaded


def seal(arch: dict[str, Any]) -> dict[str, Any]:
    """README: the checksum is the SHA-256 (lower-case hex) of the events list as compact
    JSON (keys sorted, separators , and :, non-ASCII as it is, UTF-8), then, with photos, a
    newline and the photos list the same way with non-ASCII escaped."""
    text = json.dumps(arch["events"], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    if arch.get("photos"):
        text += "\n" + json.dumps(arch["photos"], sort_keys=True, separators=(",", ":"))
    arch["checksum"]["value"] = hashlib.sha256(
        text.encode("utf-8", "surrogatepass")).hexdigest()
    return arch


def workshops(data: Path) -> list[str]:
    """The codes `yoriai check` lists (one line per workshop), [] for a folder with none."""
    if not (data / "yoriai.sqlite3").exists():
        return []
    done = run("check", data=data)
    return sorted(line.split(":")[0] for line in done.stdout.splitlines() if ":" in line)


# --- the commands and their options ---------------------------------------------------------

DOCUMENTED = {
    "serve": ["--host", "--port", "--data", "--wifi", "--wifi-password", "--no-browser"],
    "new": ["--center", "--date", "--program", "--data"],
    "suggest": [],
    "demo": ["--if-empty", "--tables", "--map", "--data"],
    "export": ["--format", "--lang", "-o", "--data"],
    "contact": ["--data"],
    "import": ["--data"],
    "check": ["--repair", "--data"],
}


def test_every_documented_command_and_option_exists() -> None:
    """README's command tables: serve, new, suggest, demo, export, contact, import, check
    with their options; `python -m yoriai` is the `yoriai` command."""
    top = run("--help")
    assert top.returncode == 0
    for command, options in DOCUMENTED.items():
        assert command in top.stdout, command
        helped = run(command, "--help")
        assert helped.returncode == 0, command
        for option in options:
            assert re.search(rf"(^|[\s\[,]){re.escape(option)}\b", helped.stdout), \
                (command, option)
    module = run("--help", command=[sys.executable, "-m", "yoriai"])
    assert module.returncode == 0
    assert module.stdout.split("\n", 1)[1] == top.stdout.split("\n", 1)[1]
    nothing = run("frobnicate")
    assert nothing.returncode == 2 and "Traceback" not in nothing.stderr


def test_make_run_and_make_test_do_what_readme_says() -> None:
    """README: `make run` starts Yoriai with a demo workshop (creates .venv; data in
    ./yoriai-data); `make test` runs ruff, mypy and pytest on two worker processes
    (TEST_WORKERS=1 for one), keeping each test file on one worker."""
    def plan(*args: str) -> str:
        done = subprocess.run(["make", "-n", "-B", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=HANG, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout
    runs = plan("run")
    assert "-m venv .venv" in runs
    assert re.search(r"yoriai demo --if-empty --map --data yoriai-data", runs)
    assert re.search(r"yoriai serve --data yoriai-data", runs)
    assert runs.index("yoriai demo") < runs.index("yoriai serve")
    tests = plan("test")
    assert "-m venv .venv" in tests
    assert "ruff check ." in tests and "mypy" in tests
    assert re.search(r"pytest -n 2 --dist loadfile", tests)
    assert re.search(r"pytest -n 1 --dist loadfile", plan("test", "TEST_WORKERS=1"))
    # README: the JavaScript type check is tsc --checkJs over tsconfig.json, installed by
    # npm ci from package-lock.json (make typecheck alone); skipped without node and npm
    typecheck = plan("typecheck")
    assert "npm ci" in typecheck and "tsc -p tsconfig.json" in typecheck
    assert '"checkJs": true' in (ROOT / "tsconfig.json").read_text(encoding="utf-8")
    assert "command -v node" in tests and "skipped" in tests
    # README: mypy strict, over yoriai and tests
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert mypy["strict"] is True and set(mypy["packages"]) == {"yoriai", "tests"}


def test_the_data_folder_default_and_yoriai_data(tmp_path: Path) -> None:
    """README: the data folder is ./yoriai-data by default, or $YORIAI_DATA."""
    done = run("new", "既定の会", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "yoriai-data" / "yoriai.sqlite3").exists()
    env = {"PATH": "/usr/bin:/bin", "YORIAI_DATA": str(tmp_path / "elsewhere"),
           "HOME": str(tmp_path)}
    done = run("new", "環境の会", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip().splitlines()[-1]
    assert workshops(tmp_path / "elsewhere") == [code]


# --- yoriai new -------------------------------------------------------------------------------


def test_new_with_a_bundled_program_by_name(tmp_path: Path) -> None:
    """README: `--program` is a program file or the name of one that comes with Yoriai
    (machizukuri, world-cafe)."""
    data = tmp_path / "data"
    for name in ("machizukuri", "world-cafe"):
        code = new(data, f"{name}の会", "--program", name)
        first = archive(data, code, tmp_path / f"{name}.json")["events"][0]
        assert first["data"]["program"]["id"] == name
        assert first["data"]["date"] == DATE and first["data"]["center"] == "西部"


def test_a_program_file_of_that_name_in_this_folder_wins(tmp_path: Path) -> None:
    """README: a file of that name in the current folder wins; copy and edit one (a one-hour
    review meeting that runs only step 5) and pass it to `yoriai new --program`."""
    bundled = json.loads((ROOT / "yoriai/facilitation/programs/machizukuri.json")
                         .read_text(encoding="utf-8"))
    bundled["id"] = "review-hour"
    bundled["steps"] = bundled["steps"][-1:]
    (tmp_path / "world-cafe").write_text(json.dumps(bundled, ensure_ascii=False),
                                         encoding="utf-8")
    (tmp_path / "review.json").write_text(json.dumps(bundled, ensure_ascii=False),
                                          encoding="utf-8")
    data = tmp_path / "data"
    for given in ("world-cafe", "review.json"):
        code = new(data, "ふりかえりの会", "--program", given, cwd=tmp_path)
        arch = archive(data, code, tmp_path / "a.json")
        program = arch["events"][0]["data"]["program"]
        assert program["id"] == "review-hour", given
        # protocol §9: the version is the oldest that holds it: no map step, no photos, 1
        assert arch["version"] == 1 and "photos" not in arch
        assert [s["id"] for s in program["steps"]] == ["future"]


def test_a_program_that_is_not_right_is_refused_naming_the_line_or_key(tmp_path: Path) -> None:
    """README: a file that is not right is refused with the line or key named."""
    data = tmp_path / "data"
    bundled = json.loads((ROOT / "yoriai/facilitation/programs/machizukuri.json")
                         .read_text(encoding="utf-8"))
    bundled["steps"][0]["map"] = "yes"  # README: anything but true/false refuses the file
    (tmp_path / "map.json").write_text(json.dumps(bundled), encoding="utf-8")
    said = one_line_refusal(run("new", "x", "--program", str(tmp_path / "map.json"),
                                data=data))
    assert "map" in said
    bundled["steps"][0]["map"] = True
    bundled["steps"][0]["tables"] = {"by": "mixed", "count": 5, "per_table": 4}  # not both
    (tmp_path / "tables.json").write_text(json.dumps(bundled), encoding="utf-8")
    said = one_line_refusal(run("new", "x", "--program", str(tmp_path / "tables.json"),
                                data=data))
    assert "tables" in said, said
    (tmp_path / "broken.json").write_text('{\n  "id": "x",\n  "steps": [\n}\n',
                                          encoding="utf-8")
    said = one_line_refusal(run("new", "x", "--program", str(tmp_path / "broken.json"),
                                data=data))
    assert re.search(r"line \d+", said), said
    assert workshops(data) == []


def test_new_refuses_bad_input_in_one_line(tmp_path: Path) -> None:
    """README: bad input gets a clear one-line refusal, nothing half-written."""
    data = tmp_path / "data"
    one_line_refusal(run("new", "", data=data))
    one_line_refusal(run("new", "日付の会", "--date", "2026-13-01", data=data))
    assert workshops(data) == []


# --- yoriai suggest ---------------------------------------------------------------------------

NOTES = ["冬の雪かきが大変", "雪かきの手伝いがほしい", "高齢者の雪かきを手伝う",
         "雪かき ボランティアを集める", "バスの本数が少ない", "バス停が遠い",
         "バスの本数を増やしたい", "公園がきれい", "図書館が静か"]


def test_suggest_prints_groups_and_titles(tmp_path: Path) -> None:
    """README: `yoriai suggest NOTES.json` prints {"groups": [[index, ...], ...], "titles":
    [...]} for a JSON list of note texts (`-`: standard input); README's console rules:
    only clearly alike ones, 3 or more, not every note."""
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(NOTES, ensure_ascii=False), encoding="utf-8")
    from_file = run("suggest", str(path))
    assert from_file.returncode == 0, from_file.stderr
    printed = json.loads(from_file.stdout)
    assert set(printed) == {"groups", "titles"}
    groups, titles = printed["groups"], printed["titles"]
    assert groups and len(groups) == len(titles)
    flat = [i for g in groups for i in g]
    assert len(flat) == len(set(flat)) and all(0 <= i < len(NOTES) for i in flat)
    assert all(len(g) >= 3 for g in groups) and all(isinstance(t, str) and t for t in titles)
    assert len(flat) < len(NOTES)  # 公園 and 図書館 are alike to nothing
    assert {0, 1, 2, 3} in [set(g) for g in groups]  # the four about 雪かき
    from_stdin = run("suggest", "-", stdin=json.dumps(NOTES).encode())
    assert from_stdin.returncode == 0
    assert json.loads(from_stdin.stdout) == printed  # the same notes, the same answer


@pytest.mark.parametrize("body", ['{"notes": []}', "[1, 2, 3]", "not json", '["a", null]'])
def test_suggest_refuses_what_is_not_a_list_of_texts(body: str) -> None:
    """README: exit status 2 with one line for a file that is not such a list."""
    one_line_refusal(run("suggest", "-", stdin=body.encode()))


def test_suggest_refuses_a_missing_file(tmp_path: Path) -> None:
    one_line_refusal(run("suggest", str(tmp_path / "nowhere.json")))


# --- yoriai demo ------------------------------------------------------------------------------


def test_demo_and_if_empty(tmp_path: Path) -> None:
    """README: `yoriai demo` creates a demo workshop from the sample evening (30 people,
    120 notes, 8 themes, 10 actions); --if-empty makes none where there are workshops."""
    data = tmp_path / "data"
    done = run("demo", "--if-empty", data=data)
    assert done.returncode == 0, done.stderr
    code = done.stdout.strip().splitlines()[-1]
    assert f"/w/{code}" in done.stdout
    events = archive(data, code, tmp_path / "demo.json")["events"]
    kinds = [e["type"] for e in events]
    assert kinds.count("ParticipantJoined") == 30
    assert kinds.count("NotePosted") == 120
    assert kinds.count("ThemeCreated") == 8
    assert kinds.count("ActionCreated") == 10
    again = run("demo", "--if-empty", data=data)
    assert again.returncode == 0
    assert workshops(data) == [code]


def test_demo_with_tables(tmp_path: Path) -> None:
    """README: --tables is the same evening at five tables on the world-cafe program, left at
    its 全体共有 step, and the csv gains テーブル, テーブル名, ラウンド, テーブル進行役. (--map:
    tests/server/test_contract_http.py, whose server serves that demo.)"""
    data = tmp_path / "data"
    tables = run("demo", "--tables", data=data).stdout.strip().splitlines()[-1]
    events = archive(data, tables, tmp_path / "t.json")["events"]
    program = events[0]["data"]["program"]
    assert program["id"] == "world-cafe"
    last = [e["data"]["step"] for e in events if e["type"] == "StepChanged"][-1]
    assert next(s for s in program["steps"] if s["id"] == last)["view"] == "sharing"
    csv_path = tmp_path / "t.csv"
    assert run("export", tables, "--format", "csv", "-o", str(csv_path),
               data=data).returncode == 0
    header, *rows = rows_of(csv_path)
    assert {"テーブル", "テーブル名", "ラウンド", "テーブル進行役"} <= set(header)
    table_col = header.index("テーブル")
    assert len({r[table_col] for r in rows} - {""}) == 5
    # a row per table, and a 席 row per person per round (a name only if they agreed)
    people = {e["data"]["participant_id"]: e["data"] for e in events
              if e["type"] == "ParticipantJoined"}
    assert sum(1 for r in rows if r[0] == "テーブル") == 5
    seats = [r for r in rows if r[0] == "席"]
    assert len(seats) == 2 * len(people)  # two rounds, everyone seated in each
    assert {r[header.index("ラウンド")] for r in seats} == {"1", "2"}
    name = header.index("名前")
    for row in seats:
        person = people[row[1]]
        assert (row[name] == person["name"]) == person["show_name"] or \
            any(p["name"] == person["name"] and p["show_name"] for p in people.values()), row
    # README: the page gains 「テーブルごとの話し合い」
    html_path = tmp_path / "t.html"
    assert run("export", tables, "--format", "html", "-o", str(html_path),
               data=data).returncode == 0
    assert "テーブルごとの話し合い" in html_path.read_text(encoding="utf-8")


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# --- yoriai export ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data = tmp_path_factory.mktemp("demo") / "data"
    done = run("demo", data=data)
    assert done.returncode == 0, done.stderr
    return data, done.stdout.strip().splitlines()[-1]


def test_export_default_is_pdf_named_by_date_and_title(demo_folder: tuple[Path, str],
                                                       tmp_path: Path) -> None:
    """README: `yoriai export CODE` writes one format (default pdf) to
    YYYY-MM-DD-<title>-計画.<ext> in this folder and prints the path; svg and png are
    -付箋, json -アーカイブ; -o FILE writes there."""
    data, code = demo_folder
    title = "【デモ】西部地域 みらいのまちづくりワークショップ"
    done = run("export", code, data=data, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    default = tmp_path / f"{DATE}-{title}-計画.pdf"
    assert done.stdout.strip() == str(default)
    assert default.read_bytes().startswith(b"%PDF-")
    for fmt, word in (("svg", "付箋"), ("json", "アーカイブ")):
        done = run("export", code, "--format", fmt, data=data, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(tmp_path / f"{DATE}-{title}-{word}.{fmt}")
    out = tmp_path / "sub" / "plan.html"
    out.parent.mkdir()
    done = run("export", code, "--format", "html", "-o", str(out), data=data)
    assert done.returncode == 0 and out.read_text(encoding="utf-8").startswith("<!doctype html")


def test_export_refusals(demo_folder: tuple[Path, str], tmp_path: Path) -> None:
    """An unknown format names the known ones; an unknown code says so; one line, exit 2."""
    data, code = demo_folder
    said = one_line_refusal(run("export", code, "--format", "doc", data=data, cwd=tmp_path))
    assert all(fmt in said for fmt in FORMATS), said
    said = one_line_refusal(run("export", "zzzz9999", data=data, cwd=tmp_path))
    assert "zzzz9999" in said
    assert list(tmp_path.iterdir()) == []


def test_export_csv_column_names_in_either_language(demo_folder: tuple[Path, str],
                                                    tmp_path: Path) -> None:
    """README: the csv's column names are Japanese (English with --lang en), the kind (種別)
    first; UTF-8 with BOM; every theme, note, vote, proposal, action, volunteer and review,
    one row each."""
    data, code = demo_folder
    ja, en = tmp_path / "ja.csv", tmp_path / "en.csv"
    assert run("export", code, "--format", "csv", "-o", str(ja), data=data).returncode == 0
    assert run("export", code, "--format", "csv", "--lang", "en", "-o", str(en),
               data=data).returncode == 0
    for path in (ja, en):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    ja_rows, en_rows = rows_of(ja), rows_of(en)
    assert ja_rows[0][0] == "種別"
    assert not re.search(r"[\u3040-\u30ff]", en_rows[0][0])
    assert len(en_rows[0]) == len(ja_rows[0])
    assert len(ja_rows) == len(en_rows)
    kinds = [r[0] for r in ja_rows[1:]]
    assert max(kinds.count(k) for k in set(kinds)) == 120  # the notes, one row each
    wrong = run("export", code, "--format", "csv", "--lang", "fr", data=data, cwd=tmp_path)
    assert wrong.returncode == 2 and "fr" in wrong.stderr.strip().splitlines()[-1]
    assert "Traceback" not in wrong.stderr and list(tmp_path.glob("*.csv")) == [ja, en]


def test_export_and_check_only_read(demo_folder: tuple[Path, str], tmp_path: Path) -> None:
    """README: `yoriai export` and `yoriai check` only read: they leave the folder as it
    was (and so work from a read-only copy)."""
    data, code = demo_folder
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)

    def state() -> dict[str, bytes]:
        # (SQLite's -wal and -shm side files, which a reader of a WAL database may create
        # where it can, hold no data of the folder's own)
        return {p.name: p.read_bytes() for p in sorted(copy.iterdir())
                if not p.name.endswith(("-wal", "-shm"))}
    before = state()
    assert run("export", code, "--format", "md", "-o", str(tmp_path / "x.md"),
               data=copy).returncode == 0
    checked = run("check", data=copy)
    assert checked.returncode == 0, checked.stderr
    assert state() == before


def test_export_and_check_work_from_a_read_only_folder(demo_folder: tuple[Path, str]) -> None:
    """README: they work from a read-only copy of the folder too. Root writes anywhere, so
    as root the commands run as `nobody` (setpriv) on a copy only root may write to."""
    data, code = demo_folder
    as_root = os.geteuid() == 0
    if as_root and not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: cannot make a folder read-only")
    # a folder of its own under /tmp that `nobody` can reach (pytest's are root's alone)
    place = Path(tempfile.mkdtemp(prefix="yoriai-ro-"))
    try:
        place.chmod(0o755)
        copy, out = place / "data", place / "out"
        shutil.copytree(data, copy)
        out.mkdir()
        out.chmod(0o777)
        for path in [copy, *copy.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        prefix = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                  YORIAI] if as_root else None
        done = run("export", code, "--format", "md", "-o", str(out / "plan.md"), data=copy,
                   command=prefix)
        assert done.returncode == 0, done.stderr
        assert "#" in (out / "plan.md").read_text(encoding="utf-8")
        checked = run("check", data=copy, command=prefix)
        assert checked.returncode == 0, checked.stderr
        assert code in checked.stdout
    finally:
        for path in [place, *place.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(place)


def test_a_file_name_is_cut_between_characters_at_200_bytes(tmp_path: Path) -> None:
    """README: the title loses what a file system refuses (<>:"/\\|?* become _, runs of
    spaces become one, no dot or space at either end; control and direction characters go);
    at most 200 bytes of UTF-8, cut between characters; a title with nothing left gives the
    code instead."""
    data = tmp_path / "data"
    wide = "𠮷" * 60  # 60 characters of 4 bytes: 240 bytes
    code = new(data, wide)
    done = run("export", code, "--format", "md", data=data, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    name = Path(done.stdout.strip()).name
    stem = name.removeprefix(f"{DATE}-").removesuffix("-計画.md")
    assert stem == "𠮷" * 50
    odd = new(data, 'a<b>c:d"e/f\\g|h?i*j   k.')
    done = run("export", odd, "--format", "md", data=data, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).name == f"{DATE}-a_b_c_d_e_f_g_h_i_j k-計画.md"
    # direction characters go; a title with nothing left gives the code instead
    for title, stem in (("a\u202eb", "ab"), ("...", "")):
        made = new(data, title)
        done = run("export", made, "--format", "md", data=data, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert Path(done.stdout.strip()).name == f"{DATE}-{stem or made}-計画.md"


# --- yoriai contact ---------------------------------------------------------------------------


def test_contact_line(tmp_path: Path) -> None:
    """README: `yoriai contact TEXT` sets the line every export prints under the 次回 box,
    once per data folder (contact.txt there; read at each export); no TEXT prints it; ""
    removes it."""
    data = tmp_path / "data"
    code = new(data)
    line = "問い合わせ：西部市民サービスセンター 018-000-0000"
    assert run("contact", line, data=data).returncode == 0
    assert (data / "contact.txt").read_text(encoding="utf-8").strip() == line
    shown = run("contact", data=data)
    assert shown.returncode == 0 and shown.stdout.strip() == line
    md = tmp_path / "p.md"
    assert run("export", code, "--format", "md", "-o", str(md), data=data).returncode == 0
    assert line in md.read_text(encoding="utf-8")
    assert run("contact", "", data=data).returncode == 0
    assert not (data / "contact.txt").exists() or \
        not (data / "contact.txt").read_text(encoding="utf-8").strip()
    assert line not in run("contact", data=data).stdout
    assert run("export", code, "--format", "md", "-o", str(md), data=data).returncode == 0
    assert line not in md.read_text(encoding="utf-8")


# --- yoriai import ----------------------------------------------------------------------------


def test_import_brings_back_the_same_workshop(demo_folder: tuple[Path, str],
                                              tmp_path: Path) -> None:
    """README: `yoriai import` brings a workshop from an archive: same code, same state,
    same seq; a second import of the same code is refused, writing nothing."""
    data, code = demo_folder
    arch = archive(data, code, tmp_path / "a.json")
    other = tmp_path / "other"
    done = run("import", str(tmp_path / "a.json"), data=other)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == code
    back = archive(other, code, tmp_path / "b.json")
    assert back["events"] == arch["events"]
    assert back["workshop"]["seq"] == arch["workshop"]["seq"]
    for fmt in ("md", "csv"):
        mine, theirs = tmp_path / f"1.{fmt}", tmp_path / f"2.{fmt}"
        run("export", code, "--format", fmt, "-o", str(mine), data=data)
        run("export", code, "--format", fmt, "-o", str(theirs), data=other)
        assert mine.read_bytes() == theirs.read_bytes(), fmt
    said = one_line_refusal(run("import", str(tmp_path / "a.json"), data=other))
    assert code in said
    assert workshops(other) == [code]


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory,
                  demo_folder: tuple[Path, str]) -> dict[str, Any]:
    """A workshop with a few notes: the demo evening's archive cut after its 40th event."""
    data, code = demo_folder
    arch = archive(data, code, tmp_path_factory.mktemp("small") / "a.json")
    arch["events"] = arch["events"][:40]
    arch["workshop"]["seq"] = arch["workshop"]["events"] = 40
    assert any(e["type"] == "NotePosted" for e in arch["events"])
    return seal(arch)


def refused_import(tmp_path: Path, text: str) -> str:
    path = tmp_path / "archive.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    data = tmp_path / "data"
    said = one_line_refusal(run("import", str(path), data=data))
    assert workshops(data) == []
    return said


def variant(arch: dict[str, Any], change: Any) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(arch))
    change(copy)
    return copy


def first_note(arch: dict[str, Any]) -> dict[str, Any]:
    note: dict[str, Any] = next(e for e in arch["events"] if e["type"] == "NotePosted")
    return note


def test_the_small_archive_imports(small_archive: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(small_archive, ensure_ascii=False), encoding="utf-8")
    assert run("import", str(path), data=tmp_path / "data").returncode == 0


def _set_code(code: str) -> Any:
    def change(a: dict[str, Any]) -> None:
        a["workshop"]["code"] = code
        a["events"][0]["data"]["code"] = code
    return change


def _note_text(text: str) -> Any:
    def change(a: dict[str, Any]) -> None:
        first_note(a)["data"]["text"] = text
    return change


def _first_note_id(note_id: str) -> Any:
    def change(a: dict[str, Any]) -> None:
        first_note(a)["data"]["note_id"] = note_id
    return change


REFUSED: dict[str, Callable[[dict[str, Any]], str]] = {
    "checksum mismatch": lambda a: json.dumps(variant(a, _note_text("書き換えた")),
                                              ensure_ascii=False),
    "truncated": lambda a: json.dumps(a, ensure_ascii=False)[:3000],
    "bad JSON": lambda a: "{\"format\": \"yoriai-archive\", ]",
    "newer Yoriai": lambda a: json.dumps(seal(variant(a, lambda c: c.update(version=99)))),
    "a code of 3": lambda a: json.dumps(seal(variant(a, _set_code("abc")))),
    "a code of 17": lambda a: json.dumps(seal(variant(a, _set_code("a" * 17)))),
    "a code not ASCII": lambda a: json.dumps(seal(variant(a, _set_code("abçd")))),
    "a 1 MB note": lambda a: json.dumps(seal(variant(a, _note_text("雪" * 1_000_000))),
                                        ensure_ascii=False),
    "a lone surrogate": lambda a: json.dumps(seal(variant(a, _note_text("雪\ud800かき")))),
    "NaN": lambda a: json.dumps(a, ensure_ascii=False).replace(
        '"at": ' + json.dumps(a["events"][3]["at"]), '"at": NaN', 1),
    "nested too deeply": lambda a: json.dumps(seal(variant(
        a, lambda c: first_note(c)["data"].update(text=json.loads("[" * 500 + "]" * 500))))),
    "ids out of order": lambda a: json.dumps(seal(variant(a, _first_note_id("n7"))),
                                             ensure_ascii=False),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_import_refuses_a_damaged_archive_writing_nothing(
        small_archive: dict[str, Any], tmp_path: Path, case: str) -> None:
    """README: `yoriai import` refuses, writing nothing, an archive that is damaged (bad
    JSON, checksum mismatch, events that do not replay), truncated, made by a newer Yoriai;
    an archive with ids out of order, a 1 MB note, a lone surrogate, NaN, JSON nested too
    deeply or a workshop code that is not 4–16 ASCII letters and digits is refused; one line,
    exit status 2, never a traceback."""
    said = refused_import(tmp_path, REFUSED[case](small_archive))
    if case == "newer Yoriai":
        assert "newer" in said, said


@pytest.mark.parametrize("code", ["abcd", "a" * 16])
def test_import_takes_a_code_of_4_and_of_16(small_archive: dict[str, Any], tmp_path: Path,
                                            code: str) -> None:
    """README: a workshop code is 4–16 ASCII letters and digits (at either limit, taken)."""
    path = tmp_path / "a.json"
    path.write_text(json.dumps(seal(variant(small_archive, _set_code(code)))),
                    encoding="utf-8")
    data = tmp_path / "data"
    done = run("import", str(path), data=data)
    assert done.returncode == 0, done.stderr
    assert workshops(data) == [code]


def test_import_refusal_names_the_event_and_the_rule(small_archive: dict[str, Any],
                                                     tmp_path: Path) -> None:
    """README: the refusal is one line naming the event and the rule."""
    note = first_note(small_archive)
    said = refused_import(tmp_path, json.dumps(seal(variant(
        small_archive, _note_text("雪" * 1_000_000))), ensure_ascii=False))
    assert str(note["seq"]) in said and "NotePosted" in said, said
    assert "note_too_long" in said, said


def test_an_older_text_is_taken_as_recorded(small_archive: dict[str, Any],
                                            tmp_path: Path) -> None:
    """README: a text an older Yoriai recorded by its looser rule — a tab or a line break
    inside, a zero-width space at an end — is accepted as recorded; a tab or a space at an end
    is not, since that rule trimmed them."""
    said = first_note(small_archive)["data"]["text"]
    refused_import(tmp_path, json.dumps(seal(variant(small_archive,
                                                     _note_text(said + "\t")))))
    text = said + "\u200b"
    name = "佐\t藤"

    def older(a: dict[str, Any]) -> None:
        first_note(a)["data"]["text"] = text
        joined = next(e for e in a["events"] if e["type"] == "ParticipantJoined")
        joined["data"]["name"] = name
    path = tmp_path / "older.json"
    path.write_text(json.dumps(seal(variant(small_archive, older)), ensure_ascii=False),
                    encoding="utf-8")
    data = tmp_path / "older"
    done = run("import", str(path), data=data)
    assert done.returncode == 0, done.stderr
    back = archive(data, small_archive["workshop"]["code"], tmp_path / "back.json")
    assert first_note(back)["data"]["text"] == text
    assert next(e for e in back["events"]
                if e["type"] == "ParticipantJoined")["data"]["name"] == name


# --- yoriai check -----------------------------------------------------------------------------


def test_check_one_line_per_workshop(tmp_path: Path) -> None:
    """README: `yoriai check` prints one line per workshop: does its stored record load (how
    many events); exit status 0 while nothing is damaged; --repair leaves a sound folder as
    it is."""
    data = tmp_path / "data"
    codes = sorted([new(data, "一つ目"), new(data, "二つ目")])
    done = run("check", data=data)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 2
    for code, line in zip(codes, sorted(lines), strict=True):
        assert line.startswith(code) and re.search(r"\b1 event", line), line
    before = (data / "yoriai.sqlite3").read_bytes()
    repaired = run("check", "--repair", data=data)
    assert repaired.returncode == 0
    assert not list(data.glob("yoriai-repair-*"))
    assert (data / "yoriai.sqlite3").read_bytes() == before


# --- yoriai serve -----------------------------------------------------------------------------

SSID_32 = "寄り合いの無線ネット"[:10] + "ab"  # 10 × 3 bytes + 2 = 32 bytes
PASS_63 = "p" * 63


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, data: Path, *extra: str, ignoring_ctrl_c: bool = False) -> None:
        self.data = data
        self.port = free_port()
        serve = [YORIAI, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--data",
                 str(data), "--no-browser", *extra]
        if ignoring_ctrl_c:  # as a script's `yoriai serve &` starts it: SIGINT ignored
            serve = ["sh", "-c", 'trap "" INT; exec "$@"', "sh", *serve]
        # PYTHONFAULTHANDLER: a server that does not stop is made to print where each of
        # its threads is (SIGABRT, in ``stop``); it changes nothing else.
        self.proc = subprocess.Popen(
            serve,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONFAULTHANDLER": "1"})
        self.printed: list[str] = []
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.printed.append(line)
            found = re.search(r"http://127\.0\.0\.1:\d+/\?key=([\w-]+)", line)
            if found:
                self.key = found.group(1)
                return
        self.proc.wait(HANG)
        raise AssertionError("".join(self.printed))

    @property
    def text(self) -> str:
        return "".join(self.printed)

    def stop(self) -> int:
        """Ctrl-C (SIGINT); the exit status, with the rest of what it printed kept. A server
        still running HANG s later fails the test at once, with where its threads were and
        its open connections, rather than holding the run until pytest's own timeout."""
        self.proc.send_signal(signal.SIGINT)
        try:
            assert self.proc.stdout is not None
            try:
                code = self.proc.wait(HANG)
            except subprocess.TimeoutExpired:
                sockets = subprocess.run(["ss", "-tanp"], capture_output=True, text=True,
                                         check=False).stdout if shutil.which("ss") else ""
                mine = [line for line in sockets.splitlines() if f"pid={self.proc.pid}," in line]
                self.proc.send_signal(signal.SIGABRT)  # faulthandler prints every thread
                self.proc.wait(HANG)
                self.printed.append(self.proc.stdout.read())
                raise AssertionError(f"still running {HANG:.0f} s after Ctrl-C; its sockets: "
                                     f"{mine}\n{self.text}") from None
            self.printed.append(self.proc.stdout.read())
            return code
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            if self.proc.stdout is not None:
                self.proc.stdout.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str]]:
    data = tmp_path_factory.mktemp("serve") / "data"
    new(data, "先に作った会")
    newest = new(data, "新しい会")
    assert len(SSID_32.encode()) == 32
    server = Served(data, "--wifi", SSID_32, "--wifi-password", PASS_63)
    yield server, newest
    server.stop()


def test_serve_prints_what_readme_says(served: tuple[Served, str]) -> None:
    """README: `yoriai serve` prints each LAN address, a QR code for the newest workshop and
    the facilitator URL (with a key kept in the data folder); it warns when bound to loopback
    only; the data folder holds yoriai.sqlite3, facilitator.key, token.secret and
    yoriai.lock."""
    server, newest = served
    assert f"http://127.0.0.1:{server.port}/w/{newest}" in server.text
    assert re.search(r"loopback|127\.0\.0\.1 only", server.text, re.I)
    assert "█" in server.text  # the QR code, drawn in the terminal
    assert (server.data / "facilitator.key").read_text().strip() == server.key
    for name in ("yoriai.sqlite3", "token.secret", "yoriai.lock"):
        assert (server.data / name).exists(), name


def test_serve_wifi_at_its_limits_is_taken(served: tuple[Served, str]) -> None:
    """README: --wifi is the Wi-Fi every workshop tells the room to join (an SSID of at most
    32 bytes, a WPA password of 8 to 63 ASCII characters), with a Wi-Fi QR code at
    /w/<code>/wifi.svg when there is a password; the password itself is shown nowhere."""
    server, newest = served
    base = f"http://127.0.0.1:{server.port}"
    with httpx.Client(base_url=base, timeout=HANG) as http:
        qr = http.get(f"/w/{newest}/wifi.svg")
        assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg")
        # (the projector's join view is drawn by its script from the board it is sent)
        for page in (f"/w/{newest}", f"/w/{newest}/handout"):
            text = http.get(page).text
            assert SSID_32 in text, page
            assert PASS_63 not in text, page
        assert PASS_63 not in qr.text
        # README: the handout: the Wi-Fi to join first (with its QR code), the big QR code,
        # the address, short steps (the last names the 立場 to choose)
        handout = http.get(f"/w/{newest}/handout").text
        assert f"/w/{newest}/wifi.svg" in handout and f"/w/{newest}/qr.svg" in handout
        assert f"/w/{newest}" in re.sub(r"<[^>]+>", "", handout)
        steps = re.findall(r"<li[^>]*>(.*?)</li>", handout, re.S)
        assert SSID_32 in steps[0] and "wifi.svg" in steps[0]
        assert "住民" in steps[-1]


def test_a_second_serve_on_the_same_folder_says_so(served: tuple[Served, str]) -> None:
    """README: one `yoriai serve` per data folder; a second one exits with one line saying
    so."""
    server, _ = served
    done = run("serve", "--host", "127.0.0.1", "--port", str(free_port()), "--no-browser",
               data=server.data)
    said = one_line_refusal(done, done.returncode)
    assert done.returncode != 0
    assert "yoriai.lock" in said or "already" in said, said


def test_serve_says_plainly_when_the_port_is_taken(tmp_path: Path) -> None:
    """README: it says plainly when the port is taken."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run("serve", "--host", "127.0.0.1", "--port", str(port), "--no-browser",
                   data=tmp_path / "data")
    said = one_line_refusal(done, done.returncode)
    assert done.returncode != 0
    assert str(port) in said and "use" in said, said


@pytest.mark.parametrize("wifi", [
    ["--wifi", SSID_32 + "c"],  # 33 bytes
    ["--wifi", "net", "--wifi-password", "p" * 7],
    ["--wifi", "net", "--wifi-password", "p" * 64],
    ["--wifi", "net", "--wifi-password", "パスワード12345678"],
    ["--wifi", "net", "--wifi-password", " " + "p" * 8],  # README: no space at either end
    ["--wifi-password", "p" * 8],
])
def test_serve_refuses_a_wifi_no_network_could_have(tmp_path: Path, wifi: list[str]) -> None:
    """README: an SSID of at most 32 bytes, a WPA password of 8 to 63 printable ASCII
    characters with no space at either end; one past the limit is refused in one line,
    before anything is served."""
    one_line_refusal(run("serve", "--host", "127.0.0.1", "--port", "1", "--no-browser",
                         *wifi, data=tmp_path / "data"))


def test_ctrl_c_stops_serve_and_lets_go_of_the_folder(tmp_path: Path) -> None:
    """README: Ctrl-C stops it (quietly, whenever it comes: here right after the facilitator
    URL is printed); the lock is let go of when the process ends, so another can start."""
    data = tmp_path / "data"
    first = Served(data)
    assert first.stop() == 0, first.text
    assert "Traceback" not in first.text
    second = Served(data)
    assert second.stop() == 0, second.text
    assert "Traceback" not in second.text


def sigint_ignored(pid: int) -> bool:
    with open(f"/proc/{pid}/status") as f:
        mask = next(line for line in f if line.startswith("SigIgn:"))
    return bool(int(mask.split()[1], 16) & (1 << (signal.SIGINT - 1)))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_ctrl_c_stops_serve_started_with_it_ignored(tmp_path: Path) -> None:
    """README: Ctrl-C stops it also when it was started the way a script starts it in the
    background (SIGINT ignored, inherited): from its first line on, not only once uvicorn
    serves (a Ctrl-C that came before was lost, and the server ran on; CI hung on it)."""
    served = Served(tmp_path / "data", ignoring_ctrl_c=True)
    try:
        assert not sigint_ignored(served.proc.pid)
    except BaseException:
        served.proc.kill()  # it would not stop on Ctrl-C: not left running past the test
        raise
    assert served.stop() == 0, served.text
    assert "Traceback" not in served.text


# --- a damaged workshop -----------------------------------------------------------------------


def test_a_damaged_workshop_is_named_refused_and_repaired(tmp_path: Path) -> None:
    """README: a workshop whose record does not load (left damaged by a disk problem) does not
    stop the others: its pages say so (HTTP 503, workshop_damaged, params.workshop its code,
    command `yoriai check --repair`; after the key's check on a facilitator's); `yoriai
    check` says exactly what is wrong, exit status 2 while something is damaged; --repair
    needs the server stopped, keeps the events up to the damage and moves the rest to
    yoriai-repair-<code>-<time>.jsonl (never deletes)."""
    data = tmp_path / "data"
    sound = new(data, "無事な会")
    demo = run("demo", data=data).stdout.strip().splitlines()[-1]
    # the disk problem: the 50th stored event of the demo evening is no longer JSON (the
    # store is an SQLite file with a table of events: its schema is there to read)
    with sqlite3.connect(data / "yoriai.sqlite3") as db:
        changed = db.execute("UPDATE events SET data = '{broken' WHERE workshop = ? AND seq = 50",
                             (demo,)).rowcount
    assert changed == 1
    checked = run("check", data=data)
    assert checked.returncode == 2
    lines = {line.split(":")[0]: line for line in checked.stdout.strip().splitlines()}
    assert set(lines) == {sound, demo}
    assert "50" in lines[demo] and "--repair" in lines[demo]
    assert re.search(r"\bok\b", lines[sound])
    server = Served(data)
    try:
        base = f"http://127.0.0.1:{server.port}"
        with httpx.Client(base_url=base, timeout=HANG,
                          headers={"accept": "application/json"}) as http:
            hexa = "0" * 64
            keyed = {"cookie": f"yoriai_key={server.key}"}
            for path, headers in (
                    (f"/w/{demo}", {}), (f"/w/{demo}/screen", {}), (f"/w/{demo}/qr.svg", {}),
                    (f"/w/{demo}/handout", {}), (f"/w/{demo}/wifi.svg", {}),
                    (f"/w/{demo}/map/{hexa}.jpg", {}), (f"/w/{demo}/export/pdf", keyed),
                    (f"/w/{demo}/newsletter", keyed), (f"/w/{demo}/photos/{hexa}.jpg", keyed)):
                answer = http.get(path, headers=headers)
                assert answer.status_code == 503, (path, answer.status_code)
                error = answer.json()["error"]
                assert error["code"] == "workshop_damaged"
                assert error["params"]["workshop"] == demo
                assert error["command"] == "yoriai check --repair"
            upload = http.post(f"/w/{demo}/photos", content=b"\xff\xd8\xff",
                               headers={**keyed, "origin": base, "content-type": "image/jpeg"})
            assert upload.status_code == 503, upload.text
            assert http.get(f"/w/{demo}/facilitate").status_code == 403  # the key first
            assert http.get(f"/w/{demo}/facilitate",
                            headers={"cookie": f"yoriai_key={server.key}"}).status_code == 503
            page = http.get(f"/w/{demo}", headers={"accept": "text/html"})
            assert page.status_code == 503 and "yoriai check --repair" in page.text
            assert http.get(f"/w/{sound}").status_code == 200
        busy = run("check", "--repair", data=data)
        assert busy.returncode != 0 and "Traceback" not in busy.stderr
        assert not list(data.glob("yoriai-repair-*"))
    finally:
        assert server.stop() == 0
    repaired = run("check", "--repair", data=data)
    assert repaired.returncode == 0, repaired.stderr
    [moved] = list(data.glob(f"yoriai-repair-{demo}-*.jsonl"))
    assert len(moved.read_text(encoding="utf-8").strip().splitlines()) >= 540 - 49
    after = run("check", data=data)
    assert after.returncode == 0
    assert re.search(r"\b49 event", next(ln for ln in after.stdout.splitlines()
                                          if ln.startswith(demo)))


def test_import_refuses_a_code_the_folder_has_in_another_case(
        small_archive: dict[str, Any], tmp_path: Path) -> None:
    """README: `yoriai import` refuses an archive for a code this data folder already has;
    a code is typed in any case (the code box, the addresses), so ABCD and abcd are one."""
    data = tmp_path / "data"
    for i, code in enumerate(("abcd", "ABCD")):
        path = tmp_path / f"{i}.json"
        path.write_text(json.dumps(seal(variant(small_archive, _set_code(code)))),
                        encoding="utf-8")
        done = run("import", str(path), data=data)
        if i == 0:
            assert done.returncode == 0, done.stderr
    said = one_line_refusal(done)
    assert "abcd" in said
    assert workshops(data) == ["abcd"]
