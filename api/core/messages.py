"""One catalogue of every sentence people read outside the pages' prose: API errors, the forms'
labels, hints and checks, the mails, the feeds. `data/messages.yml` holds it, nested by topic;
each leaf carries every language: ``{de: "…", en: "…"}``.

`messages.t("error.rate_limited", "en", retry_after=30)` fills ``{retry_after}``. A missing
translation, an empty text or a placeholder that one language has and another lacks is an error
when the catalogue is loaded (the build, the API and the tests load it), never a gap at runtime.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from api.core.errors import ContentError
from api.core.i18n import LANGUAGES, Lang
from api.core.yamlfile import read_yaml

FILE = "messages.yml"
LABEL = f"data/{FILE}"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class Messages:
    def __init__(self, entries: Mapping[str, Mapping[Lang, str]]) -> None:
        self._entries = dict(entries)

    def t(self, key: str, lang: Lang, /, **values: object) -> str:
        """The message `key` in `lang`; a key that does not exist is a programming error."""
        text = self._entries[key][lang]
        return text.format(**values) if values else text

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def keys(self) -> list[str]:
        return list(self._entries)

    def section(self, prefix: str, lang: Lang) -> dict[str, str]:
        """Every message under `prefix.` in `lang`, keyed by the rest of its key (for a page's
        script, which gets its texts from the page instead of carrying its own)."""
        start = prefix + "."
        return {
            key.removeprefix(start): texts[lang]
            for key, texts in self._entries.items()
            if key.startswith(start)
        }


def _is_leaf(node: Mapping[Any, Any]) -> bool:
    return any(key in LANGUAGES for key in node)


def _leaves(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(node, Mapping) and not _is_leaf(node):
        for key, value in node.items():
            yield from _leaves(value, (*path, str(key)))
    else:
        yield path, node


def parse(data: Any, label: str = LABEL) -> Messages:
    if not isinstance(data, Mapping):
        raise ContentError([f"{label}: expected a mapping of topics"])
    entries: dict[str, dict[Lang, str]] = {}
    problems: list[str] = []
    for path, leaf in _leaves(data, ()):
        key = ".".join(path)
        if not isinstance(leaf, Mapping):
            problems.append(f"{label}: {key}: needs every language ({', '.join(LANGUAGES)})")
            continue
        texts: dict[Lang, str] = {}
        for lang in LANGUAGES:
            text = leaf.get(lang)
            if text is None:
                problems.append(f"{label}: {key}.{lang}: missing translation")
            elif not isinstance(text, str) or not text.strip():
                problems.append(f"{label}: {key}.{lang}: empty translation")
            else:
                texts[lang] = text
        problems += [
            f"{label}: {key}.{extra}: unknown language" for extra in leaf if extra not in LANGUAGES
        ]
        if len(texts) == len(LANGUAGES):
            try:
                names = {lang: placeholders(text) for lang, text in texts.items()}
            except ValueError as error:
                problems.append(f"{label}: {key}: {error}")
                continue
            first = names[LANGUAGES[0]]
            problems += [
                f"{label}: {key}.{lang}: placeholders {sorted(found)} differ from "
                f"{LANGUAGES[0]}'s {sorted(first)}"
                for lang, found in names.items()
                if found != first
            ]
            entries[key] = texts
    if problems:
        raise ContentError(problems)
    return Messages(entries)


def load_messages(data_dir: Path) -> Messages:
    data, _examples = read_yaml(data_dir / FILE, LABEL)
    return parse(data)
