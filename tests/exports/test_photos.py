"""Photos of the evening in the exports: the chosen ones (and only those) appear in the
HTML (an <img>), the PDF (an image pdfimages lists) and the Word file (word/media), each
with its caption; the JSON archive carries every photo and gets them back byte for byte,
and refuses a photo whose bytes do not match its hash."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from yoriai.exports.archive import ArchiveError, checksum, read_archive, render_archive
from yoriai.exports.html import render_html
from yoriai.exports.pdf import render_pdf
from yoriai.exports.source import Source
from yoriai.exports.word import render_docx
from yoriai.facilitation.model import FACILITATOR, Event
from yoriai.facilitation.program import default_program

from .helpers import GENERATED_AT, Workshop, docx_text, pdf_text, read_html, squash


def photo(colour: tuple[int, int, int], size: tuple[int, int] = (320, 240)) -> bytes:
    """A JPEG as the upload stores it: no metadata."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=85)
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


RED, BLUE, GREEN = photo((200, 30, 30)), photo((30, 30, 200), (240, 320)), photo((30, 160, 60))


def workshop(chosen: dict[bytes, str]) -> tuple[Workshop, dict[str, bytes]]:
    """A workshop holding three photos; those in ``chosen`` go into the plan with their
    caption."""
    w = Workshop()
    files = {}
    for data in (RED, BLUE, GREEN):
        w.run(FACILITATOR, "add_photo", {"hash": sha(data), "caption": ""})
        files[sha(data)] = data
    for data, caption in chosen.items():
        w.run(FACILITATOR, "caption_photo", {"hash": sha(data), "caption": caption})
        w.run(FACILITATOR, "choose_photo", {"hash": sha(data), "chosen": True})
    return w, files


def source(w: Workshop, files: dict[str, bytes]) -> Source:
    return Source(w.state, GENERATED_AT, tuple(w.log), photos=files)


def pdf_images(data: bytes, tmp: Path) -> list[str]:
    path = tmp / "plan.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                         check=True, timeout=60).stdout.splitlines()
    return [line for line in out[2:] if line.strip()]


def docx_media(data: bytes) -> list[bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [z.read(n) for n in z.namelist() if n.startswith("word/media/")]


def test_the_chosen_photos_appear_in_html_pdf_and_docx_with_their_captions(
        tmp_path: Path) -> None:
    w, files = workshop({RED: "3班の模造紙", GREEN: "会場の様子"})
    src = source(w, files)

    page = read_html(render_html(src))
    images = [s for s in page.external if s.startswith("data:image/jpeg;base64,")]
    assert len(images) == 2
    embedded = {base64.b64decode(s.split(",", 1)[1]) for s in images}
    assert embedded == {RED, GREEN}  # the very bytes, not BLUE
    assert "3班の模造紙" in page.text and "会場の様子" in page.text
    assert ("h2", "当日の様子写真") in page.headings

    pdf = render_pdf(src)
    listed = pdf_images(pdf, tmp_path)
    # The participation chart is vector shapes: every image in the PDF is a photo.
    assert len(listed) == 2 and all(" jpeg " in line for line in listed)
    text = squash(pdf_text(tmp_path / "plan.pdf"))
    assert "3班の模造紙" in text and "会場の様子" in text

    word = render_docx(src)
    media = docx_media(word)
    assert RED in media and GREEN in media and BLUE not in media
    assert "3班の模造紙" in docx_text(word) and "会場の様子" in docx_text(word)


def test_no_photo_appears_when_none_is_chosen(tmp_path: Path) -> None:
    w, files = workshop({})
    src = source(w, files)
    page = read_html(render_html(src))
    assert not [s for s in page.external if s.startswith("data:")]
    assert "当日の様子" not in page.text
    assert pdf_images(render_pdf(src), tmp_path) == []
    media = docx_media(render_docx(src))
    assert not {RED, BLUE, GREEN} & set(media)


def test_a_photo_unchosen_again_leaves_the_plan() -> None:
    w, files = workshop({RED: "一度は入れた"})
    w.run(FACILITATOR, "choose_photo", {"hash": sha(RED), "chosen": False})
    page = read_html(render_html(source(w, files)))
    assert not [s for s in page.external if s.startswith("data:")]
    assert "一度は入れた" not in page.text


def test_a_chosen_photo_whose_file_is_missing_or_damaged_is_left_out(tmp_path: Path) -> None:
    w, files = workshop({RED: "ある", GREEN: "ない", BLUE: "壊れた"})
    del files[sha(GREEN)]
    files[sha(BLUE)] = b"not a jpeg at all"
    src = source(w, files)
    page = read_html(render_html(src))
    assert len([s for s in page.external if s.startswith("data:image/jpeg")]) == 1
    assert len(pdf_images(render_pdf(src), tmp_path)) == 1
    assert RED in docx_media(render_docx(src))


def test_a_caption_cannot_break_out_of_the_page() -> None:
    w, files = workshop({RED: '<img src=x onerror=alert(1)>"'})
    page = read_html(render_html(source(w, files)))
    assert "x" not in page.external  # the caption is text, not a tag
    assert '<img src=x onerror=alert(1)>"' in page.text


# --- the archive -------------------------------------------------------------------------

def test_the_archive_carries_every_photo_and_gives_the_same_bytes_back() -> None:
    w, files = workshop({RED: "入れる"})
    raw = render_archive(source(w, files))
    doc = json.loads(raw)
    assert doc["version"] == 3  # the default program's first step is a map step
    assert [p["hash"] for p in doc["photos"]] == [sha(RED), sha(BLUE), sha(GREEN)]
    back = read_archive(raw)
    assert dict(back.photos) == files  # byte-identical, chosen or not
    assert back.state.photos == w.state.photos


def program_before_map_work() -> dict[str, Any]:
    """The default program as it was before map work: no step marked "map"."""
    program = default_program().to_dict()
    for step in program["steps"]:
        step.pop("map", None)
    return program


def test_an_archive_is_the_oldest_version_that_holds_it() -> None:
    """1: the log alone; 2: with photos; 3: a log that uses map work (here only a program
    step marked "map"), which a Yoriai from before map work could not read — it is told
    "made by a newer Yoriai", never "damaged"."""
    plain = Workshop(program=program_before_map_work())
    doc = json.loads(render_archive(Source(plain.state, GENERATED_AT, tuple(plain.log))))
    assert doc["version"] == 1 and "photos" not in doc
    assert read_archive(json.dumps(doc).encode()).photos == {}
    files = {sha(RED): RED}
    plain.run(FACILITATOR, "add_photo", {"hash": sha(RED), "caption": ""})
    doc = json.loads(render_archive(source(plain, files)))
    assert doc["version"] == 2 and [p["hash"] for p in doc["photos"]] == [sha(RED)]
    mapped = Workshop()
    doc = json.loads(render_archive(Source(mapped.state, GENERATED_AT, tuple(mapped.log))))
    assert doc["version"] == 3 and "photos" not in doc
    assert read_archive(json.dumps(doc).encode()).state == mapped.state


def reseal(doc: dict[str, object]) -> bytes:
    """An edited archive sealed again: its checksum is right, so the other checks speak."""
    events = [Event.from_json(e) for e in doc["events"]]  # type: ignore[attr-defined]
    doc["checksum"] = {"algorithm": "sha256",
                       "value": checksum(events, doc.get("photos", []))}  # type: ignore[arg-type]
    return json.dumps(doc).encode()


def test_the_checksum_covers_the_photos() -> None:
    w, files = workshop({})
    doc = json.loads(render_archive(source(w, files)))
    doc["photos"][0]["data"] = base64.b64encode(BLUE).decode()
    with pytest.raises(ArchiveError, match="checksum"):
        read_archive(json.dumps(doc).encode())


@pytest.mark.parametrize("damage", ["bytes", "base64", "stranger", "twice", "not_jpeg"])
def test_a_photo_that_is_not_what_its_hash_says_is_refused(damage: str) -> None:
    w, files = workshop({})
    doc = json.loads(render_archive(source(w, files)))
    photos = doc["photos"]
    if damage == "bytes":
        photos[0]["data"] = base64.b64encode(RED[:-10] + b"0123456789").decode()
    elif damage == "base64":
        photos[0]["data"] = "***"
    elif damage == "stranger":  # a photo the workshop never added
        other = photo((1, 2, 3))
        photos.append({"hash": sha(other), "data": base64.b64encode(other).decode()})
    elif damage == "twice":
        photos.append(dict(photos[0]))
    else:  # bytes that match their hash but are no photo
        junk = b"<script>alert(1)</script>"
        w2, _ = Workshop(), None
        w2.run(FACILITATOR, "add_photo", {"hash": sha(junk), "caption": ""})
        doc = json.loads(render_archive(Source(w2.state, GENERATED_AT, tuple(w2.log),
                                               photos={sha(junk): junk})))
    with pytest.raises(ArchiveError, match="photo"):
        read_archive(reseal(doc))
