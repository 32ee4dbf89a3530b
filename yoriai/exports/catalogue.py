"""The screens' words for the exports: the app's message catalogues
(``client/i18n/<lang>.json``), read here so that the plan says 付箋, はじめの一歩 and
いつまでに where the phones and the console say them — one catalogue for both.

Exports are pure renderers and do not import the server, so this reads the same files
the server's ``i18n`` module reads, in the same way.
"""

from __future__ import annotations

import json
from functools import cache

from yoriai import package_path

LANGUAGES = ("ja", "en")
DEFAULT = "ja"


@cache
def catalogue(lang: str) -> dict[str, str]:
    path = package_path("yoriai.client", "i18n", f"{lang if lang in LANGUAGES else DEFAULT}.json")
    data: dict[str, str] = json.loads(path.read_text("utf-8"))
    return data


def word(key: str, lang: str = DEFAULT) -> str:
    """The catalogue's text for ``key``; a key missing from the catalogue is a defect the
    tests catch, so it fails loudly rather than printing the key into a newsletter."""
    found = catalogue(lang).get(key)
    if found is None:
        raise KeyError(f"{key} is missing from i18n/{lang}.json")
    return found
