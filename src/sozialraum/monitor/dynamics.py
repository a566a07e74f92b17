"""Change over time: absolute/relative change, trend, key changes and crosswalks.

* ``change(a, b)``: absolute change ``b − a`` (for rates in %: percentage points) and
  relative change ``(b − a) / |a| · 100`` (NaN where ``a`` is 0 or NaN).
* ``trend(panel)``: least-squares slope per area and indicator over ≥ 3 years
  (``numpy.polyfit`` degree 1 on the years that are numbers), and a direction
  "steigend"/"fallend"/"gleichbleibend" where ``|slope| ≤ tol`` (default 0) …
* ``key_changes(frames)``: areas present in one year but not another.
* ``apply_crosswalk(counts, crosswalk)``: carries *counts* across a boundary
  change: ``new_j = Σ_i share_ij · old_i``; rates must be recomputed from the carried
  counts (never carry rates by shares).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.errors import InputError, SozialraumWarning, format_ids

__all__ = ["ChangeResult", "apply_crosswalk", "change", "key_changes", "trend", "to_panel"]

_MSG = {
    "only_in": {
        "de": "Gebiete nur in {year}: {ids}.",
        "en": "areas only in {year}: {ids}.",
    },
    "cw_cols": {
        "de": "Die Schlüsselumsteiger-Tabelle braucht die Spalten {cols}; vorhanden: {have}.",
        "en": "the crosswalk table needs the columns {cols}; present: {have}.",
    },
    "cw_missing": {
        "de": "Alte Schlüssel ohne Eintrag in der Umsteiger-Tabelle: {ids}. Bitte ergänzen.",
        "en": "old keys without a crosswalk entry: {ids}. Please add them.",
    },
    "cw_shares": {
        "de": "Die Anteile der alten Schlüssel ergeben nicht 1: {ids}.",
        "en": "the shares of these old keys do not sum to 1: {ids}.",
    },
    "few_years": {
        "de": "Für einen Trend sind mindestens 3 Jahre nötig (vorhanden: {n}).",
        "en": "a trend needs at least 3 years ({n} given).",
    },
}

_TREND = {
    "de": ("steigend", "gleichbleibend", "fallend", "kein Wert"),
    "en": ("rising", "stable", "falling", "no value"),
}


@dataclass(frozen=True)
class ChangeResult:
    """Change between two years.

    Attributes
    ----------
    absolute, relative
        DataFrames over the common areas and columns (relative in %).
    only_first, only_second
        Area keys present in only one of the two years.
    params
        ``years``.
    """

    absolute: pd.DataFrame
    relative: pd.DataFrame
    only_first: list
    only_second: list
    params: dict = field(default_factory=dict)


def change(
    first: pd.DataFrame, second: pd.DataFrame, *, years=(None, None), lang: str | None = None
) -> ChangeResult:
    """Absolute and relative change from ``first`` to ``second`` (same columns).

    Areas in only one of the two frames are listed (and warned about), not dropped
    silently; the result covers the common areas (in ``second``'s order).
    """
    only1 = [str(k) for k in first.index.difference(second.index)]
    only2 = [str(k) for k in second.index.difference(first.index)]
    for ids, y in ((only1, years[0] or "1"), (only2, years[1] or "2")):
        if ids:
            warnings.warn(
                t(_MSG, "only_in", lang, year=y, ids=format_ids(ids)),
                SozialraumWarning,
                stacklevel=2,
            )
    common = second.index.intersection(first.index, sort=False)
    cols = [c for c in second.columns if c in first.columns]
    a = first.loc[common, cols].astype(float)
    b = second.loc[common, cols].astype(float)
    absolute = b - a
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = (absolute / a.abs() * 100.0).where(a != 0)
    return ChangeResult(absolute, relative, only1, only2, {"years": tuple(years)})


def to_panel(frames: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """Stack ``{year: frame}`` into one long frame with a (key, year) MultiIndex."""
    parts = []
    for y, f in sorted(frames.items()):
        g = f.copy()
        g.index = pd.MultiIndex.from_arrays(
            [f.index.astype(str), np.full(len(f), int(y))], names=["key", "year"]
        )
        parts.append(g)
    return pd.concat(parts).sort_index()


def trend(panel, *, tol: float = 0.0, lang: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Linear trend per area and column over the years.

    Parameters
    ----------
    panel
        Long frame with a (key, year) MultiIndex, or a mapping ``{year: frame}``.
    tol
        ``|slope| ≤ tol`` counts as "gleichbleibend".

    Returns
    -------
    (slope, direction)
        ``slope`` (units per year; NaN where fewer than 3 years are numbers) and the
        direction labels.
    """
    if isinstance(panel, Mapping):
        panel = to_panel(panel)
    years = sorted(panel.index.get_level_values(-1).unique())
    if len(years) < 3:
        raise InputError(t(_MSG, "few_years", lang, n=len(years)))
    wide = panel.unstack(level=-1)  # columns (col, year)
    cols = list(dict.fromkeys(wide.columns.get_level_values(0)))
    yr = np.asarray(years, dtype=float)
    slopes = {}
    for c in cols:
        m = wide[c].reindex(columns=years).to_numpy(dtype=float)
        have = ~np.isnan(m)
        n = have.sum(axis=1)
        xm = np.where(have, yr, 0.0)
        xbar = xm.sum(axis=1) / np.maximum(n, 1)
        ybar = np.where(have, m, 0.0).sum(axis=1) / np.maximum(n, 1)
        dx = np.where(have, yr - xbar[:, None], 0.0)
        dy = np.where(have, m - ybar[:, None], 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = (dx * dy).sum(axis=1) / (dx * dx).sum(axis=1)
        slopes[c] = np.where(n >= 3, s, np.nan)
    slope = pd.DataFrame(slopes, index=wide.index)
    up, flat, down, none = _TREND[get_lang(lang)]
    arr = slope.to_numpy()
    lab = np.where(np.isnan(arr), none, np.where(arr > tol, up, np.where(arr < -tol, down, flat)))
    return slope, pd.DataFrame(lab, index=slope.index, columns=slope.columns)


def key_changes(frames: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """Table of areas that are not present in every year: key → bool per year."""
    years = sorted(frames)
    keys = sorted(set().union(*[set(map(str, frames[y].index)) for y in years]))
    tab = pd.DataFrame(
        {y: [k in set(map(str, frames[y].index)) for k in keys] for y in years}, index=keys
    )
    tab.index.name = "key"
    return tab[~tab.all(axis=1)]


def apply_crosswalk(
    counts: pd.DataFrame,
    crosswalk: pd.DataFrame,
    *,
    old: str = "alt",
    new: str = "neu",
    share: str = "anteil",
    lang: str | None = None,
) -> pd.DataFrame:
    """Carry counts from old area keys to new ones.

    Parameters
    ----------
    counts
        Counts indexed by old keys.
    crosswalk
        Rows ``old → new`` with ``share`` (the share of the old area's counts that
        goes to the new one; per old key the shares must sum to 1 ± 0.001). Old keys
        that did not change need a row ``k → k, 1``.
    Returns
    -------
    DataFrame indexed by new keys. A new key's value is NaN when any contributing
    old value is NaN (no silent under-count).
    """
    need = [old, new, share]
    if any(c not in crosswalk.columns for c in need):
        raise InputError(t(_MSG, "cw_cols", lang, cols=need, have=list(crosswalk.columns)))
    cw = crosswalk[need].copy()
    cw[old] = cw[old].astype(str)
    cw[new] = cw[new].astype(str)
    cw[share] = cw[share].astype(float)
    idx = counts.index.astype(str)
    missing = sorted(set(idx) - set(cw[old]))
    if missing:
        raise InputError(t(_MSG, "cw_missing", lang, ids=format_ids(missing)), ids=missing)
    tot = cw.groupby(old)[share].sum()
    bad = tot[(tot - 1.0).abs() > 1e-3].index.tolist()
    if bad:
        raise InputError(t(_MSG, "cw_shares", lang, ids=format_ids(bad)), ids=bad)
    cw = cw[cw[old].isin(set(idx))]
    c = counts.copy()
    c.index = idx
    vals = c.loc[cw[old]].to_numpy(dtype=float) * cw[share].to_numpy()[:, None]
    part = pd.DataFrame(vals, columns=c.columns)
    part["__new"] = cw[new].to_numpy()
    out = part.groupby("__new").sum(min_count=1)
    nan_any = part.drop(columns="__new").isna().groupby(part["__new"]).any()
    out = out.mask(nan_any)
    out.index.name = counts.index.name or "key"
    return out
