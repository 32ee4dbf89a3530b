"""The message catalogues (``client/i18n/<lang>.json``), loaded once, for the server's
own words: refusals sent over the WebSocket, page titles and labels in templates."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from yoriai import package_path

CATALOGUE_DIR = package_path("yoriai.client", "i18n")
LANGUAGES = ("ja", "en")
DEFAULT_LANGUAGE = "ja"


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    data: dict[str, str] = json.loads((CATALOGUE_DIR / f"{lang}.json").read_text("utf-8"))
    return data


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def error_text(code: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    return translate(f"error.{code}", lang, **params)


def pick_language(accept_language: str | None, override: str | None = None) -> str:
    """The page language: an explicit choice, else the browser's first known language."""
    if override in LANGUAGES:
        return str(override)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE
