"""Checks that scales, categories, indices and assets can be scored as written.

A scoring mistake does not show on the pupil pages; it shows months later as a
wrong figure in a planner's report. So everything the analysis relies on is
checked when the definition is loaded: scales only use scorable items on one
answer range, cut-offs split that range, index levels can match and the last
one catches the rest.
"""

from __future__ import annotations

from ._errors import Finding
from .model import CategoryId, Index, Questionnaire, Scale
from ._yaml_lines import Path, at

#: Item types whose answers are not points on a scale.
UNSCORABLE = ("text", "wave_list", "number")
#: Category ids by ascending favourability; labels must follow this or its reverse.
ORDER: tuple[CategoryId, ...] = ("low", "medium", "high")


def scoring_findings(q: Questionnaire) -> list[Finding]:
    """Problems of scales, indices and assets."""
    findings: list[Finding] = []
    for n, scale in enumerate(q.scales):
        findings += _scale(q, ("scales", n), scale)
    labels = {s.id: set(s.categories.labels) for s in q.scales}
    for n, index in enumerate(q.indices):
        findings += _index(("indices", n), index, labels)
    for n, asset in enumerate(q.assets):
        path = ("assets", n)
        if asset.scale not in labels:
            findings.append(at(path + ("scale",), f"unknown scale '{asset.scale}'"))
            continue
        for k, category in enumerate(asset.present_if):
            if category not in labels[asset.scale]:
                findings.append(at(path + ("present_if", k), (
                    f"scale '{asset.scale}' never gives the category '{category}' (its "
                    f"categories: {', '.join(sorted(labels[asset.scale]))})")))
    return findings


def _scale(q: Questionnaire, path: Path, scale: Scale) -> list[Finding]:
    items: dict = {}
    for item in q.items:  # the first of duplicate codes (the duplicate is reported)
        items.setdefault(item.code, item)
    answer_scales = {s.id: s for s in q.answer_scales}
    findings: list[Finding] = []
    seen: set[str] = set()
    ranges: dict[str, tuple[int, int]] = {}
    for k, code in enumerate(scale.items):
        where = path + ("items", k)
        item = items.get(code)
        if code in seen:
            findings.append(at(where, f"item '{code}' is listed twice"))
        elif item is None:
            findings.append(at(where, f"unknown item '{code}'"))
        elif item.type in UNSCORABLE:
            findings.append(at(where, f"item '{code}' is a {item.type} item and cannot be "
                                       "scored; only rating, single_choice and yes_no items can"))
        elif item.answer_scale in answer_scales:
            values = answer_scales[item.answer_scale].values
            ranges[code] = (min(values), max(values))
        seen.add(code)
    distinct = set(ranges.values())
    if len(distinct) > 1:
        shown = ", ".join(f"{code} {lo}-{hi}" for code, (lo, hi) in ranges.items())
        findings.append(at(path + ("items",), "the items must share one answer range so that "
                                               f"their mean means something; they have {shown}"))
    elif len(distinct) == 1:
        low, high = distinct.pop()
        if tuple(scale.range) != (low, high):
            findings.append(at(path + ("range",), f"range must be [{low}, {high}], the lowest "
                                                   "and highest answer value of its items"))
    if scale.scoring.min_answered > len(scale.items):
        findings.append(at(path + ("scoring", "min_answered"), (
            f"min_answered is {scale.scoring.min_answered} but the scale has only "
            f"{len(scale.items)} items")))
    return findings + _categories(path + ("categories",), scale)


def _categories(path: Path, scale: Scale) -> list[Finding]:
    cats, (low, high) = scale.categories, scale.range
    findings: list[Finding] = []
    if any(b <= a for a, b in zip(cats.cuts, cats.cuts[1:])):
        findings.append(at(path + ("cuts",), "cuts must be strictly ascending"))
    for k, cut in enumerate(cats.cuts):
        if not low < cut <= high:
            findings.append(at(path + ("cuts", k), f"cut {cut:g} lies outside the scale's "
                                                    f"range ({low:g}, {high:g}]"))
    if len(cats.labels) != len(cats.cuts) + 1:
        findings.append(at(path + ("labels",), (
            f"{len(cats.cuts)} cuts make {len(cats.cuts) + 1} categories, so there must be "
            f"{len(cats.cuts) + 1} labels, not {len(cats.labels)}")))
    ranks = [ORDER.index(label) for label in cats.labels]
    rising = all(b > a for a, b in zip(ranks, ranks[1:]))
    falling = all(b < a for a, b in zip(ranks, ranks[1:]))
    if not (rising or falling):
        findings.append(at(path + ("labels",), (
            "labels must run from low to high (or high to low when a high score is "
            f"unfavourable), not {', '.join(cats.labels)}")))
    return findings


def _index(path: Path, index: Index, labels: dict[str, set[str]]) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[str] = set()
    for k, scale_id in enumerate(index.scales):
        if scale_id in seen:
            findings.append(at(path + ("scales", k), f"scale '{scale_id}' is listed twice"))
        elif scale_id not in labels:
            findings.append(at(path + ("scales", k), f"unknown scale '{scale_id}'"))
        seen.add(scale_id)
    count = len(index.scales)
    if index.min_scored > count:
        findings.append(at(path + ("min_scored",), (
            f"min_scored is {index.min_scored} but the index has only {count} scales")))
    produced = set().union(*(labels.get(s, set()) for s in index.scales))
    level_ids: dict[str, int] = {}
    for k, level in enumerate(index.levels):
        where = path + ("levels", k)
        if level.id in level_ids:
            findings.append(at(where + ("id",), f"level id '{level.id}' is used twice"))
        level_ids.setdefault(level.id, k)
        findings += _level_bounds(where, level, count, produced)
        unbounded = not level.at_least and not level.at_most
        last = k == len(index.levels) - 1
        if last and not unbounded:
            findings.append(at(where, "the last level must have no at_least/at_most bounds, "
                                       "so that every pupil with enough scales gets a level"))
        elif unbounded and not last:
            findings.append(at(where, "a level without bounds matches everyone, so the "
                                       "levels after it can never be reached"))
    return findings


def _level_bounds(path: Path, level, count: int, produced: set[str]) -> list[Finding]:
    findings: list[Finding] = []
    for bound in ("at_least", "at_most"):
        for category, value in getattr(level, bound).items():
            if value > count:
                findings.append(at(path + (bound, category), (
                    f"{bound} {value} '{category}' is more than the index's {count} scales")))
    for category, value in level.at_least.items():
        if value > 0 and category not in produced:
            findings.append(at(path + ("at_least", category), (
                f"none of the index's scales has the category '{category}', so this level "
                "can never match")))
        elif category in level.at_most and value > level.at_most[category]:
            findings.append(at(path + ("at_least", category), (
                f"at_least {value} contradicts at_most {level.at_most[category]}")))
    if not findings and sum(level.at_least.values()) > count:
        findings.append(at(path + ("at_least",), (
            f"the at_least bounds add up to more than the index's {count} scales")))
    return findings
