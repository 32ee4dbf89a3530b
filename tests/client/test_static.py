"""Static checks of the browser client: the scripts stay within what old phones run, every
word on the pages comes from the catalogues, and the catalogues agree."""

from __future__ import annotations

import json
import re
from pathlib import Path

import esprima
import pytest

from yoriai.facilitation.model import ATTRIBUTES, CENTERS, PARTNERS

ROOT = Path(__file__).resolve().parents[2]
JS = sorted((ROOT / "yoriai" / "client" / "static" / "js").glob("*.js"))
TEMPLATES = sorted((ROOT / "yoriai" / "client" / "templates").glob("*.html"))
I18N = ROOT / "yoriai" / "client" / "i18n"
CATALOGUES = {lang: json.loads((I18N / f"{lang}.json").read_text("utf-8"))
              for lang in ("ja", "en")}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
# Values of the domain (stored in events, the same in every language) and punctuation.
DOMAIN_WORDS = {*ATTRIBUTES, *CENTERS, *PARTNERS, "、", "，", "（", "）", "・", "／"}

# APIs newer than iOS Safari 15.0 / Chrome 92, which the parser cannot catch by syntax.
TOO_NEW = re.compile(r"\.at\(|structuredClone|Object\.hasOwn|\.findLast\(|\.toSorted\(|"
                     r"\.replaceAll\(|\bArray\.fromAsync\b")


@pytest.mark.parametrize("path", JS, ids=lambda p: p.name)
def test_scripts_parse_at_the_old_phone_baseline(path: Path) -> None:
    """esprima parses ES2017 modules: optional chaining, ??, class fields, private
    methods and other newer syntax fail here before they fail on a resident's phone."""
    source = path.read_text("utf-8")
    esprima.parseModule(source)
    assert not TOO_NEW.search(strip_comments(source)), TOO_NEW.search(source)


def strip_comments(source: str) -> str:
    tokens = esprima.tokenize(source, {"comment": False})
    return " ".join(t.value for t in tokens)


def string_literals(source: str) -> list[str]:
    out = []
    for token in esprima.tokenize(source):
        if token.type == "String":
            out.append(token.value[1:-1])
        elif token.type == "Template":
            out.append(token.value)
    return out


@pytest.mark.parametrize("path", JS, ids=lambda p: p.name)
def test_no_japanese_words_hard_coded_in_scripts(path: Path) -> None:
    words = [s for s in string_literals(path.read_text("utf-8"))
             if JAPANESE.search(s) and s not in DOMAIN_WORDS]
    assert not words, f"{path.name}: put these in client/i18n: {words[:5]}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_japanese_words_hard_coded_in_templates(path: Path) -> None:
    text = re.sub(r"{[{%#].*?[}%#]}", "", path.read_text("utf-8"), flags=re.S)
    found = [line.strip() for line in text.splitlines() if JAPANESE.search(line)]
    found = [line for line in found if line not in DOMAIN_WORDS and line != "　"]
    assert not found, f"{path.name}: put these in client/i18n: {found[:5]}"


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in TEMPLATES:
        keys.update(re.findall(r"""\bt(?:_en)?\(\s*['"]([\w.]+)['"]""", path.read_text()))
    for path in JS:
        keys.update(re.findall(r"""\bt\(\s*['"]([\w.]+)['"]""", path.read_text()))
    return keys


def test_every_key_the_pages_use_is_in_every_catalogue() -> None:
    keys = used_keys()
    assert len(keys) > 30  # the scan finds them
    for lang, words in CATALOGUES.items():
        # t('kind.' + kind): a prefix must begin at least one key.
        missing = sorted(k for k in keys if k not in words and not (
            k.endswith((".", "_")) and any(w.startswith(k) for w in words)))
        assert not missing, f"{lang}.json lacks {missing}"


def test_the_catalogues_have_the_same_keys_and_no_empty_words() -> None:
    ja, en = CATALOGUES["ja"], CATALOGUES["en"]
    assert set(ja) == set(en), sorted(set(ja) ^ set(en))
    for lang, words in CATALOGUES.items():
        assert all(isinstance(v, str) and v.strip() for v in words.values()), lang
