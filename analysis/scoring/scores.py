"""Scale scores, categories, indices and assets, exactly as the definition says.

One pass over the whole item matrix with numpy: no Python loop per pupil, so a
city's million answers score in seconds. The rules (reverse coding, minimum
number of answered items, cut-offs, index levels, assets) all come from the
questionnaire definition; nothing about an item is hard-coded here.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from analysis.questionnaire.model import Index, Questionnaire, Scale
from analysis.scoring._recode import recode_items, recode_scale_items

__all__ = ["CATEGORY_ORDER", "recode_items", "score"]

#: Category ids from least to most favourable: the order of every category column.
CATEGORY_ORDER: tuple[str, ...] = ("low", "medium", "high")


def score(
    responses: pd.DataFrame,
    questionnaire: Questionnaire,
    *,
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.DataFrame:
    """Append every scale score, category, index and asset to the responses.

    Parameters
    ----------
    responses : pandas.DataFrame
        Wide responses, one row per pupil, one column per item code holding the
        stored answer value (numbers or numeric strings; empty or NaN is
        missing). Other columns are kept unchanged.
    questionnaire : Questionnaire
        The definition: items, answer scales, scales, indices and assets.
    errors : {"raise", "coerce"}
        What to do with a value that is not one of the item's answer values
        (e.g. ``7`` on a 1-4 scale, ``2.5`` or ``"x"``): ``"raise"`` (default)
        raises ``ValueError`` naming the columns, rows and values;
        ``"coerce"`` treats it as missing.

    Returns
    -------
    pandas.DataFrame
        A copy of ``responses`` (same index) with, in questionnaire order:

        * ``<scale id>``: the score (float, NaN when missing);
        * ``<scale id>_category``: ordered categorical ``low < medium < high``
          (how favourable), NaN where the score is missing;
        * ``<index id>``: categorical of the index's level ids, NaN when fewer
          than ``min_scored`` of its scales have a category or no level matches;
        * ``<asset id>``: nullable boolean, ``<NA>`` where the scale has no
          category.

    Notes
    -----
    For item :math:`j` with substantive answer values :math:`V_j` (the answer
    scale's options without *prefer not to say*), the scored value is

    .. math:: y_{ij} = \\begin{cases} \\min V_j + \\max V_j - x_{ij} &
              \\text{item reverse-coded} \\\\ x_{ij} & \\text{otherwise}
              \\end{cases}

    and is missing when :math:`x_{ij}` is missing or *prefer not to say*.
    With :math:`A_i` the answered items of scale :math:`s` and :math:`k_s` its
    ``min_answered``, the score is the prorated mean

    .. math:: S_{is} = \\frac{1}{|A_i|} \\sum_{j \\in A_i} y_{ij}
              \\quad \\text{if } |A_i| \\ge k_s, \\text{ else missing.}

    The category is label :math:`b` with :math:`c_{b-1} \\le S_{is} < c_b`
    for the ascending cuts :math:`c` (lower bound inclusive). An index counts,
    per pupil, how many of its scales fall into each category and takes the
    first level whose ``at_least`` / ``at_most`` bounds all hold. A pupil has an
    asset when the scale's category is one of ``present_if``.

    References
    ----------
    .. [1] Schafer, J. L., & Graham, J. W. (2002). Missing data: Our view of
       the state of the art. *Psychological Methods*, 7(2), 147-177
       (prorated means of available items).
    .. [2] Schonert-Reichl, K. A., et al. (2013). Middle childhood inside and
       out: The psychometric properties of the Middle Years Development
       Instrument (MDI). *Child Indicators Research*, 6(2), 271-290
       (scales, cut-offs and the thriving index this format models).

    Examples
    --------
    >>> import yaml
    >>> from analysis.questionnaire.model import Questionnaire
    >>> q = Questionnaire.model_validate(yaml.safe_load('''
    ... {id: demo, version: "1.0", title: {en: Demo}, licence: CC0, grades: [5, 7],
    ...  languages: [{code: en, name: English}],
    ...  answer_scales: [{id: agree, options: [{value: 1, label: {en: never}},
    ...    {value: 2, label: {en: seldom}}, {value: 3, label: {en: often}},
    ...    {value: 4, label: {en: always}}], prefer_not_to_say: {value: 99, label: {en: skip}}}],
    ...  pages: [{id: p, title: {en: P}, items: [
    ...    {code: a, type: rating, answer_scale: agree, text: {en: A}},
    ...    {code: b, type: rating, answer_scale: agree, text: {en: B}, reverse: true}]}],
    ...  scales: [{id: mood, label: {en: Mood}, domain: wellbeing, items: [a, b],
    ...    scoring: {min_answered: 1}, range: [1, 4],
    ...    categories: {cuts: [2, 3], labels: [low, medium, high], rationale: demo}}]}
    ... '''))
    >>> responses = pd.DataFrame({"a": [4, 2, 99, None], "b": ["1", "4", "", None]})
    >>> score(responses, q)[["mood", "mood_category"]]
       mood mood_category
    0   4.0          high
    1   1.5           low
    2   NaN           NaN
    3   NaN           NaN
    """
    if not isinstance(questionnaire, Questionnaire):
        raise ValueError(
            f"questionnaire must be a Questionnaire, not {type(questionnaire).__name__}")
    new_columns = _output_columns(questionnaire)
    if not isinstance(responses, pd.DataFrame):
        raise ValueError(f"responses must be a pandas DataFrame, not {type(responses).__name__}")
    clash = [c for c in new_columns if c in responses.columns]
    if clash:
        raise ValueError(
            "responses already have columns named like the scores to append: "
            + ", ".join(clash) + " (score the raw responses, or drop these columns first)"
        )
    values = recode_scale_items(responses, questionnaire, errors)

    out: dict[str, object] = {}
    codes: dict[str, np.ndarray] = {}  # scale id -> category code (-1 missing)
    for scale in questionnaire.scales:
        s = _scale_score([values[c] for c in scale.items], scale.scoring.min_answered)
        codes[scale.id] = _category_codes(s, scale)
        out[scale.id] = s
        out[f"{scale.id}_category"] = pd.Categorical.from_codes(
            codes[scale.id], categories=list(CATEGORY_ORDER), ordered=True)
    for index in questionnaire.indices:
        out[index.id] = _index_levels(index, codes, len(responses))
    for asset in questionnaire.assets:
        c = _require(codes, asset.scale, f"asset {asset.id!r}")
        present = np.isin(c, [CATEGORY_ORDER.index(p) for p in asset.present_if])
        out[asset.id] = pd.arrays.BooleanArray(present, c < 0)
    appended = pd.DataFrame(out, index=responses.index)
    return pd.concat([responses, appended], axis=1)


def _output_columns(questionnaire: Questionnaire) -> list[str]:
    names = [n for s in questionnaire.scales for n in (s.id, f"{s.id}_category")]
    return names + [i.id for i in questionnaire.indices] + [a.id for a in questionnaire.assets]


def _scale_score(columns: list[np.ndarray], min_answered: int) -> np.ndarray:
    """Row means of the answered items where at least ``min_answered`` are answered."""
    count = np.zeros(len(columns[0]), dtype=np.int64)
    total = np.zeros(len(columns[0]))
    for y in columns:  # a loop over a scale's few items, not over pupils
        answered = ~np.isnan(y)
        count += answered
        total += np.where(answered, y, 0.0)
    enough = count >= min_answered
    return np.where(enough, total / np.where(enough, count, 1), np.nan)


def _category_codes(scores: np.ndarray, scale: Scale) -> np.ndarray:
    """Position of each score's category in :data:`CATEGORY_ORDER` (-1 when missing)."""
    cats = scale.categories
    if len(cats.labels) != len(cats.cuts) + 1 or list(cats.cuts) != sorted(cats.cuts):
        raise ValueError(
            f"scale {scale.id!r}: categories need ascending cuts and one label more than cuts"
        )
    label_codes = np.array([CATEGORY_ORDER.index(label) for label in cats.labels])
    bins = np.searchsorted(np.asarray(cats.cuts, dtype=float), scores, side="right")
    return np.where(np.isnan(scores), -1, label_codes[np.minimum(bins, len(cats.cuts))])


def _index_levels(index: Index, codes: dict[str, np.ndarray], n: int) -> pd.Categorical:
    """First matching level per pupil; missing below ``min_scored`` or when none matches."""
    scale_codes = np.column_stack([_require(codes, s, f"index {index.id!r}") for s in index.scales])
    counts = {cat: (scale_codes == k).sum(axis=1) for k, cat in enumerate(CATEGORY_ORDER)}
    scored = (scale_codes >= 0).sum(axis=1)
    level = np.full(n, -1)
    undecided = scored >= index.min_scored
    for k, rule in enumerate(index.levels):
        match = undecided.copy()
        for cat, bound in rule.at_least.items():
            match &= counts[cat] >= bound
        for cat, bound in rule.at_most.items():
            match &= counts[cat] <= bound
        level[match] = k
        undecided &= ~match
    return pd.Categorical.from_codes(level, categories=[lvl.id for lvl in index.levels])


def _require(codes: dict[str, np.ndarray], scale_id: str, what: str) -> np.ndarray:
    if scale_id not in codes:
        raise ValueError(f"{what} refers to unknown scale {scale_id!r}")
    return codes[scale_id]

