"""Which measures of two questionnaire versions may be compared across waves.

A trend line joins a measure only across waves whose definitions of it are
the same: same scale id and the same items (codes, texts, answer options,
reverse coding), scoring rule, range and cut-offs. :func:`measure_fingerprints`
gives each published measure a hash of exactly that; two waves are compared
for a measure when the hashes agree, never across a changed scale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from analysis.questionnaire.model import Questionnaire

__all__ = ["measure_fingerprints"]


def _plain(value):
    """Model dumps with read-only mappings turned into sorted plain data."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _digest(data) -> str:
    text = json.dumps(_plain(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _scale_definition(questionnaire: Questionnaire, scale) -> dict:
    items = []
    for code in scale.items:
        item = questionnaire.item(code)
        dump = item.model_dump(warnings=False)
        answer_scale = getattr(item, "answer_scale", None)
        if answer_scale:
            dump["answer_scale"] = questionnaire.answer_scale(answer_scale).model_dump(warnings=False)
        items.append(dump)
    return {"id": scale.id, "items": items, "scoring": scale.scoring.model_dump(warnings=False),
            "range": list(scale.range), "cuts": list(scale.categories.cuts),
            "labels": list(scale.categories.labels)}


def measure_fingerprints(questionnaire: Questionnaire) -> dict[str, str]:
    """A SHA-256 per published measure of everything that defines it.

    A scale mean and its category shares depend on the scale's items, answer
    scales, reverse coding, scoring rule, range and cut-offs; an index level
    on the index's rules and every scale it uses. Texts of the items are part
    of the items: a reworded item is a different question.

    Examples
    --------
    >>> from analysis.questionnaire import load
    >>> from questionnaires import SHIPPED
    >>> fingerprints = measure_fingerprints(load(SHIPPED))
    >>> len(fingerprints["life_satisfaction"])
    64
    >>> fingerprints["sadness"] == fingerprints["sadness_category=low"]
    True
    """
    scales = {s.id: _digest(_scale_definition(questionnaire, s)) for s in questionnaire.scales}
    out: dict[str, str] = {}
    for scale in questionnaire.scales:
        out[scale.id] = scales[scale.id]
        for label in scale.categories.labels:
            out[f"{scale.id}_category={label}"] = scales[scale.id]
    for index in questionnaire.indices:
        digest = _digest({"index": index.model_dump(warnings=False),
                          "scales": [scales.get(s) for s in index.scales]})
        for level in index.levels:
            out[f"{index.id}={level.id}"] = digest
    return out
