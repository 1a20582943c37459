"""Which release counted which pupil, and the groups that changed (private to ``releases``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.disclosure._system import parse_group

IN = "\x00in_release_"  # membership columns: a pupil counted in release r ("yes") or not ("no")
NEW = "new"


def membership(pupils, withdrawn, previous):
    frames = [pupils] + ([withdrawn] if withdrawn is not None else [])
    units = pd.concat(frames, ignore_index=True)
    if units["response_id"].duplicated().any():
        raise ValueError("response_id repeats in pupils (and withdrawn)")
    ids = set(units["response_id"])
    for r, release in enumerate(previous):
        unknown = set(release.response_ids) - ids
        if unknown:
            raise ValueError(f"{len(unknown)} pupils of earlier release {r + 1} are neither in pupils nor "
                             "in withdrawn; pass their rows as withdrawn")
        units[f"{IN}{r}"] = np.where(units["response_id"].isin(release.response_ids), "yes", "no")
    units[f"{IN}{NEW}"] = np.where(units["response_id"].isin(pupils["response_id"]), "yes", "no")
    return units


def marked(table, name, city, sep):
    """The table with each group placed inside the release (``district:<in r>``)."""
    out = table.copy()
    is_city = (out["group"].astype(str) == city) | (out["group_var"].astype(str) == city)
    out["group_var"] = np.where(is_city, name, out["group_var"].astype(str) + sep + name)
    out["group"] = np.where(is_city, "yes", out["group"].astype(str) + sep + "yes")
    return out


def mark_changed(new, estimates, units, names, previous, min_n, city, sep):
    """Primary suppression of groups published before that changed by fewer than min_n pupils."""
    shown = [_published_keys(r.table, city, sep) for r in previous]
    measure = estimates["measure"].astype(str).str.partition("=")[0]
    reasons = pd.Series("", index=new.index, dtype=object)
    masks = {}
    for i, (gv, g, m) in enumerate(zip(estimates["group_var"], estimates["group"], measure)):
        key = parse_group(gv, g, city, sep)
        hit = [r for r, keys in enumerate(shown) if (key, m) in keys]
        if not hit:
            continue
        if key not in masks:
            mask = np.ones(len(units), bool)
            for var, value in key:
                mask &= units[var].astype(str).to_numpy() == value if var in units else False
            masks[key] = mask
        mask = masks[key] & (units[m].notna().to_numpy() if m in units.columns else True)
        now = units[names[-1]].to_numpy()[mask]
        for r in hit:
            changed = int((units[names[r]].to_numpy()[mask] != now).sum())
            if 0 < changed < min_n:
                reasons.iloc[i] = f"changed<{min_n}"
    hit = reasons != ""
    new["suppressed"] = hit.to_numpy()
    new["suppression_reason"] = reasons.to_numpy()


def _published_keys(table, city, sep):
    rows = table[~table["suppressed"].fillna(True).astype(bool)]
    measure = rows["measure"].astype(str).str.partition("=")[0]
    return {(parse_group(gv, g, city, sep), m) for gv, g, m in zip(rows["group_var"], rows["group"], measure)}
