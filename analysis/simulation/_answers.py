"""Every item's column of the wide responses table, with realistic missingness.

Missingness is independent of the answers (so district means stay unbiased
and :mod:`.truth` stays exact): item non-response, *prefer not to say*,
drop-outs (every page from a random one on is empty), items hidden by their
display condition, "don't know" for the home district.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.questionnaire.model import DONT_KNOW, Questionnaire

from ._latent import LatentModel, answer_category

ITEM_NONRESPONSE = 0.02
PREFER_NOT_TO_SAY = 0.03
DROP_OUT = 0.05
DONT_KNOW_SHARE = 0.06
TEXT_FILLED = 0.04
_TEXTS = {
    "de": ("mehr Spielplätze", "ein Jugendzentrum", "weniger Müll", "sichere Radwege",
           "einen Bolzplatz", "mehr Bänke im Park"),
    "en": ("more playgrounds", "a youth centre", "less litter", "safe cycle paths",
           "a football pitch", "more benches in the park"),
}


def item_columns(rng, q: Questionnaire, model: LatentModel, theta: np.ndarray, known: dict,
                 iterate=iter) -> dict[str, pd.Series | np.ndarray]:
    """One column per item code, in questionnaire order.

    ``known`` maps roles to the true values (``grade``: numbers; ``gender``:
    stored values; ``district``: codes; ``home_language``: stored values).
    ``iterate`` wraps the page loop (a progress bar).
    """
    n = len(theta)
    first_missing_page = np.full(n, len(q.pages))
    drops = rng.random(n) < DROP_OUT
    first_missing_page[drops] = rng.integers(1, max(len(q.pages), 2), size=int(drops.sum()))
    first_missing_page = np.minimum(first_missing_page, len(q.pages))
    columns: dict[str, object] = {}
    for page_no, page in enumerate(iterate(q.pages)):
        gone = first_missing_page <= page_no
        for item in page.items:
            value, missing = _answer(rng, q, model, theta, known, item, n)
            if item.role not in ("grade",):  # a pupil always knows their grade
                missing |= gone | (rng.random(n) < ITEM_NONRESPONSE)
            if item.show_if is not None:
                missing |= ~_shown(columns[item.show_if.item], item.show_if.in_)
            columns[item.code] = _finish(value, missing)
    return columns


def _answer(rng, q, model, theta, known, item, n):
    """(values, missing mask) before non-response and drop-out."""
    missing = np.zeros(n, dtype=bool)
    if item.type == "text":
        texts = np.array(_TEXTS.get(q.language_codes[0], _TEXTS["en"]), dtype=object)
        value = texts[rng.integers(0, len(texts), size=n)]
        return value, rng.random(n) >= TEXT_FILLED
    if item.type == "wave_list":  # the home district, or "don't know"
        value = np.asarray(known.get("district", np.full(n, DONT_KNOW)), dtype=object)
        return np.where(rng.random(n) < DONT_KNOW_SHARE, DONT_KNOW, value), missing
    if item.role in known:
        value = np.asarray(known[item.role], dtype=float)
    elif item.type == "number":
        mid, span = item.min + 0.6 * (item.max - item.min), (item.max - item.min) / 6.0
        return np.clip(np.rint(rng.normal(mid, span, size=n)), item.min, item.max), missing
    elif item.code in model.items:
        im = model.items[item.code]
        value = im.values[answer_category(rng, im, theta[:, im.scale])]
    else:
        value = _unscored(rng, q.answer_scale(item.answer_scale), item.type, n)
    scale = q.answer_scale(item.answer_scale) if hasattr(item, "answer_scale") else None
    if scale is not None and scale.prefer_not_to_say is not None:
        rate = PREFER_NOT_TO_SAY / 2 if item.role else PREFER_NOT_TO_SAY
        value = np.where(rng.random(n) < rate, scale.prefer_not_to_say.value, value)
    return value, missing


def _unscored(rng, scale, kind: str, n: int) -> np.ndarray:
    """A choice at random, or an ordinal answer from the item's own latent."""
    if kind == "single_choice":
        p = rng.dirichlet(np.full(len(scale.values), 2.0))
        return np.asarray(scale.values, dtype=float)[rng.choice(len(p), size=n, p=p)]
    values = np.array(sorted(scale.values), dtype=float)
    cut = np.linspace(-1.0, 1.0, len(values) - 1) if len(values) > 2 else np.zeros(1)
    return values[np.searchsorted(cut, rng.standard_normal(n), side="right")]


def _shown(column, allowed) -> np.ndarray:
    """Whether a display condition holds, comparing answers as text (``1`` == ``"1"``)."""
    if isinstance(column, pd.arrays.IntegerArray):
        numbers = []
        for a in allowed:
            try:
                numbers.append(float(a))
            except ValueError:
                pass
        return np.isin(column.to_numpy(dtype=float, na_value=np.nan), numbers)
    return pd.Series(column, dtype=object).isin([str(a) for a in allowed]).to_numpy()


def _finish(value: np.ndarray, missing: np.ndarray):
    """Numbers as the smallest nullable integer type; text as objects with None."""
    if value.dtype.kind in "fiu":
        ints = np.asarray(value, dtype=np.int64)
        lo, hi = (int(ints.min()), int(ints.max())) if len(ints) else (0, 0)
        dtype = next(t for t, b in (("Int8", 127), ("Int16", 32767), ("Int32", 2**31 - 1),
                                    ("Int64", 2**63 - 1)) if -b - 1 <= lo and hi <= b)
        return pd.arrays.IntegerArray(ints.astype(dtype.lower()), missing)
    out = np.asarray(value, dtype=object).copy()
    out[missing] = None
    return out
