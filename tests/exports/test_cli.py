"""``yoriai export``: a file per format, a sensible name when none is given, and one-line
errors for what a person can get wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from yoriai.exports.registry import EXPORTERS

from .conftest import Evening
from .csvread import csv_records
from .helpers import data_folder_with, docx_document, read_html, svg_root, yoriai


@pytest.fixture(scope="module")
def laptop(evening: Evening, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the sample evening."""
    return data_folder_with(tmp_path_factory.mktemp("laptop"), "sample1", list(evening.log))


def one_line_error(result: object) -> str:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 2, stderr  # type: ignore[attr-defined]
    assert stderr.startswith("yoriai: error: ") and stderr.count("\n") == 1
    assert "Traceback" not in stderr
    return stderr


def test_export_without_o_writes_a_named_file_here(laptop: Path, evening: Evening,
                                                   tmp_path: Path) -> None:
    result = yoriai("export", "sample1", "--data", str(laptop), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    w = evening.data["workshop"]
    out = tmp_path / f"{w['date']}-{w['title']}-計画.pdf"  # the date and title people know
    assert result.stdout.strip() == str(out)
    assert out.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_export_every_format(laptop: Path, evening: Evening, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "sub" / f"plan.{fmt}"
    target.parent.mkdir()
    result = yoriai("export", "sample1", "--format", fmt, "-o", str(target),
                    "--data", str(laptop))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(target)
    data, title = target.read_bytes(), evening.data["workshop"]["title"]
    if fmt == "html":
        assert ("h1", title) in read_html(data).headings
    elif fmt == "docx":
        assert docx_document(data).paragraphs[1].text == title
    elif fmt == "csv":
        assert csv_records(data)[0]["text"] == title
    elif fmt == "svg":
        assert title in "".join(svg_root(data).itertext())
    elif fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        assert data


def test_export_csv_in_english(laptop: Path, tmp_path: Path) -> None:
    target = tmp_path / "records.csv"
    for lang in ("en", "ja"):
        result = yoriai("export", "sample1", "--format", "csv", "--lang", lang, "-o",
                        str(target), "--data", str(laptop))
        assert result.returncode == 0, result.stderr
        rows = csv_records(target.read_bytes(), lang)
        assert rows[0]["type"] == {"en": "workshop", "ja": "ワークショップ"}[lang]
    refused = yoriai("export", "sample1", "--lang", "fr", "--data", str(laptop))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "argument --lang: invalid choice: 'fr'" in refused.stderr


def test_unknown_workshop(laptop: Path) -> None:
    err = one_line_error(yoriai("export", "zzzzzz", "--data", str(laptop)))
    assert "no workshop 'zzzzzz'" in err
    err = one_line_error(yoriai("export", "../etc", "--data", str(laptop)))
    assert "no workshop" in err


def test_a_folder_with_no_data_is_not_created(tmp_path: Path) -> None:
    err = one_line_error(yoriai("export", "sample1", "--data", str(tmp_path / "none")))
    assert "holds no Yoriai data" in err
    assert not (tmp_path / "none").exists()


def test_unknown_format_lists_the_known_ones(laptop: Path) -> None:
    err = one_line_error(yoriai("export", "sample1", "--format", "xls", "--data", str(laptop)))
    assert err == ("yoriai: error: unknown format 'xls' (known: html, pdf, docx, md, csv, "
                   "svg, png, json)\n")


def test_unwritable_output(laptop: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    err = one_line_error(yoriai("export", "sample1", "-o", str(blocker / "plan.pdf"),
                                "--data", str(laptop)))
    assert err.startswith(f"yoriai: error: cannot write {blocker / 'plan.pdf'}")
    folder = tmp_path / "folder"
    folder.mkdir()
    err = one_line_error(yoriai("export", "sample1", "-o", str(folder), "--data", str(laptop)))
    assert "cannot write" in err
