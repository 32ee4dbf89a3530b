"""The command-line face of the suggestions: a JSON list of note texts in, groups out.

``main(["NOTES.json"])`` reads the file (``-`` for standard input), checks that it is a JSON
list of strings, and prints ``{"groups": [[index, ...], ...], "titles": [...]}``. A file that
cannot be used gets one readable line on standard error and exit status 2, never a trace.
This is the only module of the package that touches files or streams, and only when run.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from .grouping import suggest

USAGE = "usage: yoriai suggest NOTES.json   (a JSON list of note texts; - for stdin)"

# A file past this size is not an evening's notes; refusing it keeps a mistaken argument
# (a photo, an archive) from being read into memory whole. 1,000 notes of 300 characters
# in JSON are well under 2 MB.
MAX_INPUT_BYTES = 20 * 1024 * 1024


class InputError(ValueError):
    """Input that is not a JSON list of note texts; the message says what is wrong."""


def read_texts(raw: bytes) -> list[str]:
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError(f"the file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text") from None
    except (json.JSONDecodeError, RecursionError) as e:
        raise InputError(f"the file is not JSON ({e})") from None
    if not isinstance(data, list) or not all(isinstance(t, str) for t in data):
        raise InputError("expected a JSON list of strings (the notes' texts)")
    return data


def main(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if len(argv) != 1 or argv[0] in {"-h", "--help"}:
        print(USAGE, file=err if len(argv) != 1 else out)
        return 0 if argv in (["-h"], ["--help"]) else 2
    try:
        if argv[0] == "-":
            raw = (stdin or sys.stdin).buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with open(argv[0], "rb") as f:
                raw = f.read(MAX_INPUT_BYTES + 1)
        texts = read_texts(raw)
    except (OSError, InputError) as e:
        print(f"yoriai suggest: {argv[0]}: {e}", file=err)
        return 2
    json.dump(suggest(texts).to_json(), out, ensure_ascii=False)
    out.write("\n")
    return 0
