"""Parse YAML and remember the line of every value, so problems can name a line.

PyYAML's ``safe_load`` forgets where things came from. A survey team editing a
questionnaire by hand needs ``file:line: message``, so this module composes the
YAML node tree and builds plain Python data from it, recording for every path
(``("pages", 2, "items", 3, "reverse")``) the 1-based line where that key or
sequence element starts.

Two deliberate departures from PyYAML's YAML 1.1 defaults:

* only ``true``/``false`` are booleans (YAML 1.2). Under YAML 1.1 ``no`` (the
  language code of Norwegian) or an unquoted answer label ``Yes`` would silently
  become a boolean;
* a key written twice in one mapping is an error: PyYAML keeps the last one
  silently, which hides copy-and-paste mistakes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

#: A position in the data: mapping keys (str) and sequence indices (int).
Path = tuple[str | int, ...]


#: Far above any real questionnaire (the shipped one has about 3,200 values), far
#: below what nested aliases ("billion laughs") can expand to.
MAX_VALUES = 200_000


class YamlError(ValueError):
    """The text is not valid YAML for a questionnaire; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans (no ``yes``/``no``/``on``/``off``)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True)
class LocatedData:
    """Parsed data plus the line of every path in it."""

    data: Any
    lines: dict[Path, int]

    def line_of(self, path: Path) -> int:
        """Line of ``path``, or of its nearest ancestor present in the file."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def parse(text: str) -> LocatedData:
    """Parse one YAML document, keeping lines; raise :class:`YamlError`.

    An empty document (or one holding only comments) gives ``data=None``.
    """
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        line = text[:exc.position].count("\n") + 1
        raise YamlError(line, f"the text contains the control character #x{exc.character:02x}; "
                              "remove it") from None
    try:
        node = loader.get_single_node()
        if node is None:
            return LocatedData(None, {(): 1})
        lines: dict[Path, int] = {(): node.start_mark.line + 1}
        data = _build(loader, node, (), lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.context}, {exc.problem}"
        raise YamlError(line, f"YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(1, f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlError(1, "the YAML is nested too deeply to be a questionnaire") from None
    finally:
        loader.dispose()
    return LocatedData(data, lines)


def _build(loader: _Loader, node: yaml.Node, path: Path, lines: dict[Path, int]) -> Any:
    if len(lines) > MAX_VALUES:
        raise YamlError(node.start_mark.line + 1, f"the file expands to more than {MAX_VALUES} "
                                                  "values; are aliases (*name) nested?")
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(loader, node, path, lines)
    if isinstance(node, yaml.SequenceNode):
        result = []
        for index, child in enumerate(node.value):
            child_path = path + (index,)
            lines[child_path] = child.start_mark.line + 1
            result.append(_build(loader, child, child_path, lines))
        return result
    return loader.construct_object(node, deep=True)


def _build_mapping(loader: _Loader, node: yaml.MappingNode, path: Path,
                   lines: dict[Path, int]) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = _key(loader, key_node)
        line = key_node.start_mark.line + 1
        if key in seen:
            first = "" if seen[key] == line else f" (first on line {seen[key]})"
            raise YamlError(line, f"key '{key}' appears twice in one mapping{first}; "
                                  "remove one of them")
        seen[key] = line
    loader.flatten_mapping(node)  # resolve "<<: *anchor" merge keys
    result: dict = {}
    for key_node, value_node in node.value:
        key = _key(loader, key_node)
        child_path = path + (key,)
        lines[child_path] = key_node.start_mark.line + 1
        result[key] = _build(loader, value_node, child_path, lines)
    return result


def _key(loader: _Loader, key_node: yaml.Node) -> Any:
    """Plain keys are always text: ``de:``, ``no:`` or ``1:`` name a field or language."""
    if isinstance(key_node, yaml.ScalarNode):
        if key_node.tag == "tag:yaml.org,2002:null" and key_node.value in ("", "~"):
            raise YamlError(key_node.start_mark.line + 1, "a mapping key is empty")
        return key_node.value
    raise YamlError(key_node.start_mark.line + 1,
                    "a mapping key must be a plain word, not a list or mapping")


def format_path(path: Path) -> str:
    """``("pages", 2, "items", 3)`` -> ``pages[2].items[3]`` (indices count from 0)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def at(path: Path, message: str) -> tuple[Path, str]:
    """A finding for ``path``: the path (to find its line) and the message naming it."""
    return path, f"{format_path(path)}: {message}"
