"""Cross-reference checks run after the structure has been validated.

The pydantic models check each object on its own; these checks look across
objects: unknown references, duplicate ids, conditions on later items, missing
translations. Each returns findings ``(path, message)``; the loader turns the
path into a line of the YAML file. Scale, index and asset checks live in
:mod:`analysis.questionnaire._scoring_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ._errors import Finding
from .model import DONT_KNOW, NumberItem, Questionnaire, TextItem, WaveListItem
from ._scoring_checks import scoring_findings
from ._text_checks import language_findings, text_findings
from ._yaml_lines import Path, at, format_path

#: Columns of the wide responses CSV that every export has.
RESERVED_COLUMNS = ("response_id", "wave", "school", "class", "language", "weight")
#: Fixed columns an item may only fill when it has the matching role.
ROLE_COLUMNS = ("district", "grade", "gender")
#: Item types each role may use.
ROLE_TYPES = {"district": ("wave_list",), "grade": ("number", "single_choice")}


def duplicates(entries: Iterable[tuple[Path, object]], what: str) -> Iterator[Finding]:
    """A finding for every repeat of an id, naming where it was first used."""
    first: dict[object, Path] = {}
    for path, key in entries:
        if key in first:
            yield at(path, f"{what} '{key}' is used twice (first at {format_path(first[key])})")
        else:
            first[key] = path


def find_problems(q: Questionnaire) -> list[Finding]:
    """Every cross-reference problem of a structurally valid questionnaire."""
    return [
        *language_findings(q),
        *_id_findings(q),
        *_answer_scale_findings(q),
        *_item_findings(q),
        *_condition_findings(q),
        *_role_findings(q),
        *scoring_findings(q),
        *text_findings(q, q, ()),
    ]


def item_paths(q: Questionnaire) -> Iterator[tuple[Path, object]]:
    """``(path, item)`` for every item, in questionnaire order."""
    for p, page in enumerate(q.pages):
        for i, item in enumerate(page.items):
            yield ("pages", p, "items", i), item


def _id_findings(q: Questionnaire) -> Iterator[Finding]:
    yield from duplicates(((("languages", n, "code"), lang.code)
                           for n, lang in enumerate(q.languages)), "language code")
    yield from duplicates(((("pages", n, "id"), p.id) for n, p in enumerate(q.pages)), "page id")
    yield from duplicates(((("answer_scales", n, "id"), s.id)
                           for n, s in enumerate(q.answer_scales)), "answer scale id")
    yield from duplicates(((path + ("code",), item.code) for path, item in item_paths(q)),
                          "item code")
    # Item codes and scale, index and asset ids all name columns of the exports.
    owners: dict[str, Path] = {item.code: path + ("code",) for path, item in item_paths(q)}
    for group, what in (("scales", "scale id"), ("indices", "index id"), ("assets", "asset id")):
        entries = [((group, n, "id"), obj.id) for n, obj in enumerate(getattr(q, group))]
        yield from duplicates(entries, what)
        for path, key in entries:
            if key in owners:
                yield at(path, f"'{key}' is already used at {format_path(owners[key])}; item "
                               "codes and scale, index and asset ids name export columns "
                               "and must all differ")
        for path, key in entries:
            owners.setdefault(key, path)
    for path, item in item_paths(q):
        reserved = item.code in RESERVED_COLUMNS or (
            item.code in ROLE_COLUMNS and item.role != item.code)
        if reserved:
            yield at(path + ("code",), f"item code '{item.code}' is a fixed column of the "
                                       "responses export; choose another code")


def _answer_scale_findings(q: Questionnaire) -> Iterator[Finding]:
    for n, scale in enumerate(q.answer_scales):
        base = ("answer_scales", n)
        yield from duplicates((((*base, "options", k, "value"), o.value)
                               for k, o in enumerate(scale.options)), "option value")
        pnts = scale.prefer_not_to_say
        if pnts is not None and pnts.value in scale.values:
            yield at(base + ("prefer_not_to_say", "value"),
                     f"prefer_not_to_say value {pnts.value} is also the value of an option")


def _item_findings(q: Questionnaire) -> Iterator[Finding]:
    scales = {s.id: s for s in q.answer_scales}
    for path, item in item_paths(q):
        ref = getattr(item, "answer_scale", None)
        if ref is not None and ref not in scales:
            yield at(path + ("answer_scale",),
                     f"unknown answer scale '{ref}' (known: {', '.join(scales)})")
        elif item.type == "yes_no" and len(scales[ref].options) != 2:
            yield at(path + ("answer_scale",), f"a yes_no item needs an answer scale with exactly "
                                               f"2 options; '{ref}' has {len(scales[ref].options)}")
        if isinstance(item, NumberItem) and item.min >= item.max:
            yield at(path + ("min",), f"min ({item.min}) must be smaller than max ({item.max})")


def _condition_findings(q: Questionnaire) -> Iterator[Finding]:
    earlier: dict[str, object] = {}
    all_codes = {item.code for _, item in item_paths(q)}
    for path, item in item_paths(q):
        cond, where = item.show_if, path + ("show_if", "item")
        if cond is not None:
            if cond.item == item.code:
                yield at(where, "an item cannot depend on its own answer")
            elif cond.item in earlier:
                yield from _condition_values(q, path + ("show_if", "in"), earlier[cond.item],
                                             cond.in_)
            elif cond.item in all_codes:
                yield at(where, f"'{cond.item}' comes later; a condition may only use "
                                "items asked before this one")
            else:
                yield at(where, f"unknown item '{cond.item}'")
        earlier[item.code] = item


def _condition_values(q: Questionnaire, path: Path, ref, values) -> Iterator[Finding]:
    if isinstance(ref, TextItem):
        allowed = None  # free text: any text may be compared
        bad = [v for v in values if not isinstance(v, str)]
    elif isinstance(ref, WaveListItem):
        bad = [v for v in values if not isinstance(v, str)]
        allowed = f"district ids or '{DONT_KNOW}'"
    elif isinstance(ref, NumberItem):
        bad = [v for v in values if not isinstance(v, int) or not ref.min <= v <= ref.max]
        allowed = f"whole numbers from {ref.min} to {ref.max}"
    else:
        scale = next((s for s in q.answer_scales if s.id == ref.answer_scale), None)
        if scale is None:
            return  # the unknown answer scale is reported on the item itself
        possible = scale.all_values
        bad = [v for v in values if v not in possible]
        allowed = ", ".join(map(str, possible))
    if bad:
        shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in bad)
        yield at(path, f"'{ref.code}' can never be {shown}"
                       + (f" (possible: {allowed})" if allowed else " (it holds text)"))


def _role_findings(q: Questionnaire) -> Iterator[Finding]:
    by_role: dict[str, Path] = {}
    for path, item in item_paths(q):
        if item.role is None:
            continue
        if item.role in by_role:
            yield at(path + ("role",), f"role '{item.role}' is already used by "
                                       f"{format_path(by_role[item.role])}")
        by_role.setdefault(item.role, path)
        types = ROLE_TYPES.get(item.role)
        if types and item.type not in types:
            yield at(path + ("type",), f"an item with role '{item.role}' must have type "
                                       f"{' or '.join(types)}, not {item.type}")
        elif item.role == "grade":
            yield from _grade_item(q, path, item)


def _grade_item(q: Questionnaire, path: Path, item) -> Iterator[Finding]:
    if isinstance(item, NumberItem):
        values = range(item.min, item.max + 1)
    else:
        values = q.answer_scale(item.answer_scale).values if item.answer_scale in {
            s.id for s in q.answer_scales} else ()
    if values and (min(values) < 1 or max(values) > 13):
        yield at(path, "the grade item allows grades outside 1 to 13")
    low, high = q.grades
    if values and not set(range(low, high + 1)) <= set(values):
        yield at(path, f"the grade item does not offer every grade of 'grades: [{low}, {high}]'")
