"""Reading the YAML files of `data/`: values tagged ``!example`` are placeholders that load like
any other value and are reported by path, and every error names the file and the place in it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from api.core.errors import ContentError

if TYPE_CHECKING:
    import yaml
    from yaml.nodes import Node

EXAMPLE_TAG = "!example"


@cache
def _loader_class() -> type[yaml.SafeLoader]:
    """SafeLoader that leaves dates as strings, so pydantic reports a bad date with its path.
    Made on first use: PyYAML loads when content is first read, not at every cold start."""
    import yaml

    class DataLoader(yaml.SafeLoader):
        pass

    DataLoader.yaml_implicit_resolvers = {
        first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return DataLoader


def dotted(loc: tuple[int | str, ...]) -> str:
    """``("groups", 0, "id")`` → ``groups[0].id``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _untag_examples(
    loader: yaml.SafeLoader, node: Node, loc: tuple[int | str, ...]
) -> Iterator[str]:
    """Yield the path of every ``!example`` node and give it back its ordinary tag."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

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
    import yaml

    loader = _loader_class()(text)
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
