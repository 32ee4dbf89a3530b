"""``yoriai suggest NOTES.json``: the console's 「まとめ方の提案」 from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .serverproc import yoriai

# Three topics a person would never mix (snow, buses, empty houses), worded differently.
SEPARABLE = [
    "雪かきが大変で腰が痛い", "冬の雪かきを手伝ってほしい", "除雪車が来るのが遅い",
    "雪下ろしができない高齢者が多い",
    "バスの本数が少ない", "病院へ行くバスがない", "買い物に行く交通手段がない",
    "送迎してくれる車がほしい",
    "空き家が増えて心配", "空き家を集いの場にしたい", "近所の空き家が危ない",
]
TOPICS = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2]


def test_prints_groups_of_indices_and_a_title_for_each(tmp_path: Path) -> None:
    notes = tmp_path / "notes.json"
    notes.write_text(json.dumps(SEPARABLE, ensure_ascii=False), "utf-8")
    result = yoriai("suggest", str(notes))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"groups", "titles"}
    assert len(out["groups"]) == len(out["titles"]) >= 2
    placed = [i for group in out["groups"] for i in group]
    assert len(placed) == len(set(placed)) and all(0 <= i < len(SEPARABLE) for i in placed)
    for group, title in zip(out["groups"], out["titles"], strict=True):
        assert len({TOPICS[i] for i in group}) == 1, (group, title)  # never mixed
        assert title.strip()
    # Deterministic: the same notes, the same answer (here from standard input).
    again = subprocess.run([sys.executable, "-m", "yoriai", "suggest", "-"], capture_output=True,
                           text=True, timeout=30, input=notes.read_text("utf-8"))
    assert json.loads(again.stdout) == out


def test_a_file_that_is_not_a_list_of_texts_is_one_line(tmp_path: Path) -> None:
    cases = {"numbers.json": "[1, 2]", "broken.json": "[\"雪", "object.json": "{\"a\": 1}"}
    for name, text in cases.items():
        (tmp_path / name).write_text(text, "utf-8")
        result = yoriai("suggest", str(tmp_path / name))
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("yoriai suggest: ")
    missing = yoriai("suggest", str(tmp_path / "nowhere.json"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    empty = tmp_path / "empty.json"
    empty.write_text("[]", "utf-8")
    assert json.loads(yoriai("suggest", str(empty)).stdout) == {"groups": [], "titles": []}
