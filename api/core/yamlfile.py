"""Reading the YAML files of `data/`: values tagged ``!example`` are placeholders that load like
any other value and are reported by path, and every error names the file and the place in it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from api.core.errors import ContentError

EXAMPLE_TAG = "!example"


class _DataLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings, so pydantic reports a bad date with its path."""


_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def dotted(loc: tuple[int | str, ...]) -> str:
    """``("groups", 0, "id")`` → ``groups[0].id``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _untag_examples(loader: _DataLoader, node: Node, loc: tuple[int | str, ...]) -> Iterator[str]:
    """Yield the path of every ``!example`` node and give it back its ordinary tag."""
    if node.tag == EXAMPLE_TAG:
        yield dotted(loc)
        if isinstance(node, ScalarNode):
            plain = node.style is None
            node.tag = loader.resolve(ScalarNode, node.value, (plain, not plain))  # type: ignore[no-untyped-call]
        elif isinstance(node, SequenceNode):
            node.tag = "tag:yaml.org,2002:seq"
        else:
            node.tag = "tag:yaml.org,2002:map"
    if isinstance(node, MappingNode):
        for key, value in node.value:
            yield from _untag_examples(loader, value, (*loc, str(key.value)))
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            yield from _untag_examples(loader, item, (*loc, index))


def read_yaml(path: Path, label: str) -> tuple[Any, list[str]]:
    """The document and the paths of its ``!example`` values (``data/company.yml: dpo.name``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError([f"{label}: file not found"]) from None
    loader = _DataLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ContentError([f"{label}: file is empty"])
        examples = list(_untag_examples(loader, node, ()))
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ContentError([f"{label}: {where}{problem}"]) from None
    finally:
        loader.dispose()
    return data, [f"{label}: {path}" if path else label for path in examples]
