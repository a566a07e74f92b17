"""Standardisation of rates so that indicators become comparable.

Methods (per indicator column ``x``; the *reference set* ``R`` = areas that are valid
for that column: a number and not excluded as unreliable):

* ``"z"``: ``z_i = (x_i − mean_R(x)) / sd_R(x)`` with the **population** SD
  (``ddof=0``) and the **unweighted** mean over ``R`` — every area counts once,
  whatever its size, as in the Berlin MSS; this keeps small and large areas on an
  equal footing and makes the z-scores of ``R`` have mean 0 and SD 1 exactly.
* ``"minmax"``: ``(x_i − min_R) / (max_R − min_R)`` (0…1 on ``R``).
* ``"rank"``: percentile rank (mid-rank): ``(#{r ∈ R: r < x_i} + ½ #{r ∈ R: r = x_i}) / |R|``
  (0…1).

Direction: columns whose catalogue ``direction`` is ``"resource"`` are turned round
(z → −z, minmax/rank → 1 − value) so that **higher = more need** everywhere.

Rules:

* Areas excluded from ``R`` (unreliable) still get a value computed against ``R``'s
  mean/SD (so nothing disappears); callers decide whether to rate them (the monitor
  marks them ``bewertet = False``). Min–max values of excluded areas may lie outside 0…1.
* Constant column (SD = 0 or max = min over ``R``): every value becomes the neutral
  value (z 0, minmax/rank 0.5) where ``x`` is a number; a ``SozialraumWarning`` names
  the column; listed in ``params["constant"]``.
* All-missing column (``R`` empty): all NaN; warning; ``params["all_missing"]``.
* NaN stays NaN (no imputation here); composite indices state their own rule.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError, SozialraumWarning

__all__ = ["StandardizeResult", "standardize", "z_array", "zscore"]

_MSG = {
    "constant": {
        "de": "Indikator(en) ohne Streuung (alle Gebiete gleich): {cols}; standardisiert als neutraler Wert.",
        "en": "indicator(s) without variation (all areas equal): {cols}; standardised to the neutral value.",
    },
    "all_missing": {
        "de": "Indikator(en) ohne gültigen Wert: {cols}; sie bleiben leer und fließen in keinen Index ein.",
        "en": "indicator(s) without any valid value: {cols}; they stay empty and enter no index.",
    },
    "method": {
        "de": "Unbekannte Standardisierung {method!r} (z, minmax, rank).",
        "en": "unknown standardisation {method!r} (z, minmax, rank).",
    },
    "direction": {
        "de": "Indikator {ind!r}: Richtung {d!r} ist weder 'need' noch 'resource'.",
        "en": "indicator {ind!r}: direction {d!r} is neither 'need' nor 'resource'.",
    },
}

_NEUTRAL = {"z": 0.0, "minmax": 0.5, "rank": 0.5}


@dataclass(frozen=True)
class StandardizeResult:
    """Standardised values (higher = more need) and the reference statistics.

    Attributes
    ----------
    values
        Float DataFrame like the input.
    params
        ``method``, ``center`` and ``scale`` (Series per column: mean/SD or min/range),
        ``n_reference`` (Series), ``flipped`` (resource columns), ``constant``,
        ``all_missing``.
    """

    values: pd.DataFrame
    params: dict = field(default_factory=dict)


def zscore(x: pd.Series, reference: pd.Series | None = None) -> pd.Series:
    """Population z-score of one series against the valid ``reference`` areas.

    Constant reference → 0 where ``x`` is a number; empty reference → NaN.
    """
    ref = x if reference is None else x[reference.reindex(x.index).fillna(False).astype(bool)]
    ref = ref.dropna()
    if ref.empty:
        return pd.Series(np.nan, index=x.index)
    m = ref.mean()
    s = ref.std(ddof=0)
    if not s > 0:
        return x.where(x.isna(), 0.0).astype(float)
    return (x - m) / s


def z_array(x, ref) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Population z-scores along the last axis (areas) against the reference areas.

    The one z formula of the monitor: :func:`standardize` (``method="z"``) and the
    array code of :mod:`sozialraum.monitor.certainty` both call it.

    Parameters
    ----------
    x
        Values, shape ``(..., n_areas)``; NaN = no value (stays NaN).
    ref
        Bool, broadcastable to ``x``: areas that enter mean and SD (NaN never do).

    Returns
    -------
    (z, center, scale)
        ``z`` like ``x``; ``center``/``scale`` (unweighted mean, SD with ddof=0) with
        the last axis removed. Constant reference (SD 0): ``z`` = 0 where ``x`` is a
        number; empty reference: all NaN.
    """
    x = np.asarray(x, dtype=float)
    use = np.asarray(ref, dtype=bool) & ~np.isnan(x)
    n = use.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = np.where(use, x, 0.0).sum(axis=-1, keepdims=True) / n
        s = np.sqrt(np.where(use, (x - m) ** 2, 0.0).sum(axis=-1, keepdims=True) / n)
        ok = (s > 0) & np.isfinite(s)
        z = np.where(ok, (x - m) / np.where(ok, s, 1.0), np.where(np.isnan(x), np.nan, 0.0))
    z = np.where(n > 0, z, np.nan)
    return z, m[..., 0], s[..., 0]


def _directions(columns, direction, lang) -> dict:
    if direction is None:
        return {c: "need" for c in columns}
    if isinstance(direction, pd.DataFrame):
        direction = direction["direction"]
    d = dict(direction)
    out = {}
    for c in columns:
        v = d.get(c, "need")
        v = "need" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)
        if v not in ("need", "resource"):
            raise InputError(t(_MSG, "direction", lang, ind=c, d=v), column=str(c))
        out[c] = v
    return out


def standardize(
    values: pd.DataFrame,
    *,
    method: str = "z",
    direction=None,
    valid: pd.DataFrame | pd.Series | None = None,
    warn: bool = True,
    lang: str | None = None,
) -> StandardizeResult:
    """Standardise indicator columns; orient them so that higher = more need.

    Parameters
    ----------
    values
        Float DataFrame (index = areas, columns = indicators).
    method
        ``"z"``, ``"minmax"`` or ``"rank"`` (see module docstring).
    direction
        Mapping/Series indicator → ``"need"``/``"resource"``, or the catalogue
        DataFrame (its ``direction`` column). Default: all ``"need"``.
    valid
        Reference mask: a bool DataFrame (per area and column, e.g.
        ``RatesResult.reliable``) or a bool Series per area. Default: all numbers.
    warn
        Emit ``SozialraumWarning`` for constant / all-missing columns.
    """
    if method not in _NEUTRAL:
        raise InputError(t(_MSG, "method", lang, method=method))
    x = values.astype(float)
    if valid is None:
        mask = x.notna()
    elif isinstance(valid, pd.Series):
        v = valid.reindex(x.index).fillna(False).astype(bool)
        mask = x.notna() & pd.DataFrame({c: v for c in x.columns}, index=x.index)
    else:
        mask = x.notna() & valid.reindex(index=x.index, columns=x.columns).fillna(False).astype(
            bool
        )
    dirs = _directions(x.columns, direction, lang)
    out, centers, scales, nref = {}, {}, {}, {}
    constant, all_missing = [], []
    for c in x.columns:
        col = x[c].to_numpy()
        ref = col[mask[c].to_numpy()]
        nref[c] = ref.size
        if ref.size == 0:
            all_missing.append(c)
            res = np.full(col.shape, np.nan)
            centers[c] = scales[c] = np.nan
        elif method == "z":
            res, m, s = z_array(col, mask[c].to_numpy())
            centers[c], scales[c] = float(m), float(s)
            if not (s > 0 and np.isfinite(s)):
                constant.append(c)
        elif method == "minmax":
            lo, hi = ref.min(), ref.max()
            centers[c], scales[c] = lo, hi - lo
            if hi > lo:
                res = (col - lo) / (hi - lo)
            else:
                constant.append(c)
                res = np.where(np.isnan(col), np.nan, 0.5)
        else:
            srt = np.sort(ref)
            centers[c], scales[c] = np.nan, np.nan
            if srt[0] == srt[-1]:
                constant.append(c)
                res = np.where(np.isnan(col), np.nan, 0.5)
            else:
                below = np.searchsorted(srt, col, side="left")
                upto = np.searchsorted(srt, col, side="right")
                res = (below + 0.5 * (upto - below)) / srt.size
                res = np.where(np.isnan(col), np.nan, res)
        if dirs[c] == "resource":
            res = -res if method == "z" else 1.0 - res
        out[c] = res
    if warn and constant:
        warnings.warn(
            t(_MSG, "constant", lang, cols=", ".join(map(str, constant))),
            SozialraumWarning,
            stacklevel=2,
        )
    if warn and all_missing:
        warnings.warn(
            t(_MSG, "all_missing", lang, cols=", ".join(map(str, all_missing))),
            SozialraumWarning,
            stacklevel=2,
        )
    res_df = pd.DataFrame(out, index=x.index, columns=x.columns, dtype=float)
    params = {
        "method": method,
        "center": pd.Series(centers, dtype=float),
        "scale": pd.Series(scales, dtype=float),
        "n_reference": pd.Series(nref, dtype=int),
        "flipped": [c for c in x.columns if dirs[c] == "resource"],
        "constant": constant,
        "all_missing": all_missing,
        "ddof": 0,
    }
    return StandardizeResult(values=res_df, params=params)
