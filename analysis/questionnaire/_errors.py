"""Turn pydantic's validation errors into messages a survey team understands.

Pydantic reports ``('pages', 2, 'items', 3, 'rating', 'revers')`` and "Extra
inputs are not permitted". A person editing YAML needs ``pages[2].items[3]:
unknown field 'revers' (did you mean 'reverse'?)`` on the right line. This
module walks the model's annotations along pydantic's location to know which
fields were allowed there, drops the union-member tags pydantic inserts (which
are not part of the YAML), and reports one problem per underlying mistake.
"""

from __future__ import annotations

import datetime
import difflib
import re
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from .model import Questionnaire
from ._yaml_lines import Path, format_path

#: A problem before it has a line: the path to locate it and the full message.
Finding = tuple[Path, str]


def translate(error: ValidationError) -> list[Finding]:
    """One plain-language finding per mistake, in the order pydantic found them."""
    raw = error.errors(include_url=False)
    located = [(_walk(err["loc"]), err) for err in raw]
    paths = [walked[0] for walked, _ in located]
    findings: dict[Path, Finding] = {}
    for (path, ann, key_error, parent), err in located:
        if err["type"] == "too_short" and any(
                other[:len(path)] == path and other != path for other in paths):
            continue  # "0 items after validation" only echoes the items' own errors
        if path not in findings:  # one finding per place, not one per union member
            line_at = path + ("type",) if err["type"].startswith("union_tag") else path
            findings[path] = (line_at, _message(path, ann, parent, key_error, err))
    return list(findings.values())


def _walk(loc: tuple) -> tuple[Path, Any, bool, Any]:
    """Split pydantic's loc into the YAML path, the annotation expected there
    and the annotation of its parent (which knows the allowed field names)."""
    key_error = bool(loc) and loc[-1] == "[key]"
    parts = list(loc[:-1] if key_error else loc)
    ann: Any = Questionnaire
    parent: Any = None
    path: list = []
    for part in parts:
        ann = _strip(ann)
        if _is_union(ann):
            ann = _member(ann, part)
            continue  # a union-member tag, not a key in the YAML
        path.append(part)
        parent, ann = ann, _child(ann, part)
    return tuple(path), _strip(ann), key_error, parent


def _strip(ann: Any) -> Any:
    """Remove ``Annotated[...]`` and ``| None`` wrappers."""
    while True:
        if get_origin(ann) is Annotated:
            ann = get_args(ann)[0]
        elif _is_union(ann):
            members = [m for m in get_args(ann) if m is not NoneType]
            if len(members) != 1:
                return ann
            ann = members[0]
        else:
            return ann


def _is_union(ann: Any) -> bool:
    return get_origin(ann) in (Union, UnionType)


def _member(union: Any, tag: Any) -> Any:
    for member in get_args(union):
        inner = _strip(member)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            field = inner.model_fields.get("type")
            if field is not None and tag in get_args(field.annotation):
                return inner
        elif getattr(inner, "__name__", None) == tag:
            return inner
    return None


def _child(ann: Any, part: Any) -> Any:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        for name, field in ann.model_fields.items():
            if part in (name, field.alias):
                return field.annotation
        return None
    origin, args = get_origin(ann), get_args(ann)
    if origin is tuple and isinstance(part, int):
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
        return args[part] if part < len(args) else None
    if origin is dict:
        return args[1]
    return None


def _fields(ann: Any) -> list[str]:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [field.alias or name for name, field in ann.model_fields.items()]
    return []


def _fixed_tuple(ann: Any) -> int | None:
    args = get_args(ann)
    if get_origin(ann) is tuple and args and args[-1] is not Ellipsis:
        return len(args)
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else "a long text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return f"the date {value.isoformat()}"
    return type(value).__name__


def _did_you_mean(word: Any, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _choices(text: str) -> list[str]:
    return re.findall(r"'([^']*)'", text)


_PATTERNS = {
    "^[a-z][a-z0-9_]{0,62}$": "is not a valid id: use lowercase letters a-z, digits and '_', "
                              "starting with a letter, at most 63 characters",
    "^[a-z]{2,3}$": "is not a language code: use the 2- or 3-letter lowercase ISO 639 code, "
                    "e.g. 'de' or 'tr'",
    r"^\d+\.\d+(\.\d+)?$": "is not a version number: write it like \"1.0\" or \"1.2.3\"",
}


def _message(path: Path, ann: Any, parent: Any, key_error: bool, err: dict) -> str:
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    where = format_path(path[:-1] if kind in ("missing", "extra_forbidden") or key_error else path)
    if key_error:
        value = path[-1]
    text = _text(kind, path, ann, parent, value, ctx)
    return f"{where}: {text if text is not None else err['msg']}"


def _text(kind: str, path: Path, ann: Any, parent: Any, value: Any, ctx: dict) -> str | None:
    last = path[-1] if path else None
    if kind == "extra_forbidden":
        return f"unknown field '{last}'{_did_you_mean(last, _fields(_strip(parent)))}"
    if kind == "missing":
        size = _fixed_tuple(_strip(parent)) if isinstance(last, int) else None
        return f"needs exactly {size} values" if size else f"missing field '{last}'"
    if kind == "union_tag_not_found":
        return f"missing field 'type' (one of: {', '.join(_tags(ann))})"
    if kind == "union_tag_invalid":
        tags, tag = _tags(ann), value.get("type") if isinstance(value, dict) else None
        return (f"unknown item type {_describe(tag)}"
                f"{_did_you_mean(tag, tags)}; use one of: {', '.join(tags)}")
    if kind == "literal_error":
        options = _choices(ctx.get("expected", ""))
        return (f"{_describe(value)} is not allowed here{_did_you_mean(value, options)}; "
                f"use one of: {', '.join(options)}")
    if kind == "string_pattern_mismatch":
        return f"{_describe(value)} {_PATTERNS.get(ctx.get('pattern'), 'has the wrong form')}"
    if kind == "string_type":
        if value is None:
            return "is empty: write a text here"
        if isinstance(value, (int, float, bool)):
            return f"must be text, not {_describe(value)}: put the value in quotes"
        return f"must be text, not {_describe(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"must be a whole number, not {_describe(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"must be a number, not {_describe(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"must be true or false, not {_describe(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        if get_origin(ann) is dict and not _is_counts(ann):
            return f"must give the text per language, e.g. {{de: ..., en: ...}}, not {_describe(value)}"
        return f"must be a mapping of fields (key: value), not {_describe(value)}"
    if kind in ("tuple_type", "list_type"):
        return f"must be a list, not {_describe(value)}"
    if kind in ("too_short", "too_long"):
        size = _fixed_tuple(ann)
        if size:
            return f"needs exactly {size} values, e.g. [1, 4]"
        if kind == "too_short":
            return f"needs at least {ctx.get('min_length')} entries"
        return f"may have at most {ctx.get('max_length')} entries"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, not {_describe(value)}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}, not {_describe(value)}"
    return None


def _tags(union: Any) -> list[str]:
    tags = []
    for member in get_args(union):
        inner = _strip(member)
        if isinstance(inner, type) and issubclass(inner, BaseModel) and "type" in inner.model_fields:
            tags.extend(get_args(inner.model_fields["type"].annotation))
    return tags


def _is_counts(ann: Any) -> bool:
    key = _strip(get_args(ann)[0]) if get_args(ann) else None
    return get_origin(key) is Literal
