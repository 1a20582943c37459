"""The codebook of a questionnaire definition: every item, its answers, scales and indices.

One CSV (UTF-8 with BOM, so spreadsheets read umlauts) that an analyst keeps
beside the estimates: the wording of each item in every language of the
definition, its answer codes, reverse coding, and which scale uses it.
"""

from __future__ import annotations

from survey_app.services.table_download import DownloadTable, to_csv


def _text(label, lang: str) -> str:
    if label is None:
        return ""
    return label.get(lang) or ""


def item_rows(questionnaire) -> list[dict]:
    """One dict per item: code, page, type, wording per language, answers, reverse, scales."""
    langs = questionnaire.language_codes
    in_scales: dict[str, list[str]] = {}
    for scale in questionnaire.scales:
        for code in scale.items:
            in_scales.setdefault(code, []).append(scale.id)
    rows = []
    for page in questionnaire.pages:
        for item in page.items:
            answers = ""
            if hasattr(item, "answer_scale"):
                scale = questionnaire.answer_scale(item.answer_scale)
                options = list(scale.options)
                if scale.prefer_not_to_say is not None:
                    options.append(scale.prefer_not_to_say)
                answers = "; ".join(f"{o.value} = {_text(o.label, langs[0])}" for o in options)
            elif getattr(item, "type", "") == "number":
                answers = f"{item.min}-{item.max}"
            row = {"kind": "item", "id": item.code, "page": page.id, "type": item.type}
            for lang in langs:
                row[f"text_{lang}"] = _text(item.text, lang)
            row.update({"answers": answers, "reverse": bool(getattr(item, "reverse", False)),
                        "scales": ", ".join(in_scales.get(item.code, []))})
            rows.append(row)
    return rows


def scale_rows(questionnaire) -> list[dict]:
    """One dict per scale and index: id, area, items, scoring, cut-offs, labels."""
    langs = questionnaire.language_codes
    rows = []
    for scale in questionnaire.scales:
        row = {"kind": "scale", "id": scale.id, "page": scale.domain, "type": "mean"}
        for lang in langs:
            row[f"text_{lang}"] = _text(scale.label, lang)
        row.update({
            "answers": f"range {scale.range[0]:g}-{scale.range[1]:g}; at least "
                       f"{scale.scoring.min_answered} items; cut-offs "
                       + ", ".join(f"{c:g}" for c in scale.categories.cuts) + " -> "
                       + "/".join(scale.categories.labels),
            "reverse": "", "scales": ", ".join(scale.items)})
        rows.append(row)
    for index in questionnaire.indices:
        row = {"kind": "index", "id": index.id, "page": "wellbeing", "type": "levels"}
        for lang in langs:
            row[f"text_{lang}"] = _text(index.label, lang)
        row.update({"answers": "; ".join(f"{lv.id} = {_text(lv.label, langs[0])}"
                                         for lv in index.levels),
                    "reverse": "", "scales": ""})
        rows.append(row)
    return rows


def codebook_csv(questionnaire) -> bytes:
    """Items, then scales and indices, as one CSV."""
    rows = item_rows(questionnaire) + scale_rows(questionnaire)
    headers = ["kind", "id", "page", "type"] + \
        [f"text_{lang}" for lang in questionnaire.language_codes] + \
        ["answers", "reverse", "scales"]
    table = DownloadTable(list(headers), [[row.get(h, "") for h in headers] for row in rows])
    return to_csv(table, "en")  # the package's CSVs are international: commas, points
