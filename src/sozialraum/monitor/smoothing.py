"""Empirical Bayes smoothing of unstable small-area rates (``esda.smoothing``).

Global EB (Marshall 1991): with ``r_i = e_i / b_i``, ``m = Σe / Σb``,
``s² = Σ b_i (r_i − m)² / Σb − m / b̄``, the smoothed rate is
``r̂_i = m + (r_i − m) · s² / (s² + m / b_i)``.
Spatial EB uses the same formula with ``m`` and ``s²`` computed over each area and
its neighbours (``esda.smoothing.Spatial_Empirical_Bayes``).

Rules (documented in ``docs/monitor.md``):

* Only areas with a numerator and a denominator > 0 take part; the others keep NaN
  (their status says why).
* Where the variance estimate ``s²`` is negative (less variation than Poisson noise),
  Marshall's recommendation is applied: ``s² = 0``, i.e. the smoothed rate is the
  (global or local) mean. esda's global EB does not do this itself, so it is applied
  here; esda's spatial EB already does.
* Smoothed rates are never negative (clipped at 0 as a last guard; with ``s² ≥ 0``
  they cannot be).
* Raw and smoothed rates are both returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError, format_ids

__all__ = ["SmoothingResult", "eb_global", "eb_prior", "eb_spatial", "smooth_rates"]

_MSG = {
    "no_w": {
        "de": "Für die räumliche EB-Glättung wird eine Nachbarschaftsmatrix (w) benötigt.",
        "en": "spatial EB smoothing needs a spatial weights object (w).",
    },
    "w_ids": {
        "de": "Die Nachbarschaftsmatrix kennt diese Gebiete nicht: {ids}. Bitte die Matrix aus "
        "denselben Gebieten erzeugen.",
        "en": "the spatial weights do not know these areas: {ids}. Build the weights from the same areas.",
    },
    "method": {
        "de": "Unbekannte Glättungsmethode {method!r} (global, spatial).",
        "en": "unknown smoothing method {method!r} (global, spatial).",
    },
}


@dataclass(frozen=True)
class SmoothingResult:
    """Raw and EB-smoothed rates.

    Attributes
    ----------
    raw, smoothed
        Float DataFrames (index = areas, columns = indicator ids), in the catalogue's
        unit (per 100 / per 1000).
    params
        ``method``, ``indicators`` (those smoothed), ``skipped`` (without denominator).
    """

    raw: pd.DataFrame
    smoothed: pd.DataFrame
    params: dict = field(default_factory=dict)


def eb_global(e, b) -> np.ndarray:
    """Global Empirical Bayes rates (fractions) for events ``e`` and populations ``b``.

    Uses ``esda.smoothing.Empirical_Bayes``; where the between-area variance estimate
    is negative the mean rate is returned for all areas (``s² = 0``).
    NaN / non-positive ``b`` give NaN and are left out of the estimate.
    """
    from esda.smoothing import Empirical_Bayes

    e = np.asarray(e, dtype=float)
    b = np.asarray(b, dtype=float)
    out = np.full(e.shape, np.nan)
    ok = ~np.isnan(e) & ~np.isnan(b) & (b > 0)
    if not ok.any():
        return out
    ee, bb = e[ok], b[ok]
    m, s2 = eb_prior(ee, bb)
    if s2 > 0 and ok.sum() > 1:
        sm = Empirical_Bayes(ee, bb).r.ravel()
    else:
        sm = np.full(ee.shape, m)
    out[ok] = np.clip(sm, 0.0, None)
    return out


def eb_prior(e, b) -> tuple[float, float]:
    """Marshall's moment estimates of the global EB prior: mean rate ``m`` and variance ``s²``.

    ``m = Σe / Σb``, ``s² = Σ b_i (r_i − m)² / Σb − m / b̄`` over the areas with a
    numerator and a denominator > 0 (fractions; ``s²`` may be negative: less
    variation than Poisson noise). The prior of :func:`eb_global` and of the
    certainty bootstrap (:mod:`sozialraum.monitor.certainty`).
    """
    e = np.asarray(e, dtype=float)
    b = np.asarray(b, dtype=float)
    ok = ~np.isnan(e) & ~np.isnan(b) & (b > 0)
    ee, bb = e[ok], b[ok]
    if not ok.any():
        return np.nan, np.nan
    m = ee.sum() / bb.sum()
    s2 = (bb * (ee / bb - m) ** 2).sum() / bb.sum() - m / bb.mean()
    return float(m), float(s2)


def eb_spatial(e, b, w, ids) -> np.ndarray:
    """Spatial Empirical Bayes rates (fractions), ``esda.smoothing.Spatial_Empirical_Bayes``.

    Parameters
    ----------
    e, b
        Events and populations in the order of ``ids``.
    w
        libpysal ``W`` whose ids are the area keys.
    ids
        Area keys of ``e``/``b``. Areas with NaN or non-positive ``b`` are removed from
        ``w`` (``w_subset``) before smoothing and get NaN.
    """
    from esda.smoothing import Spatial_Empirical_Bayes
    from libpysal.weights import w_subset

    e = np.asarray(e, dtype=float)
    b = np.asarray(b, dtype=float)
    ids = [str(i) for i in ids]
    out = np.full(e.shape, np.nan)
    ok = ~np.isnan(e) & ~np.isnan(b) & (b > 0)
    if not ok.any():
        return out
    keep = [i for i, k in zip(ids, ok, strict=True) if k]
    ws = w_subset(w, keep, silence_warnings=True)
    ws.id_order = keep
    sm = Spatial_Empirical_Bayes(e[ok], b[ok], ws).r.ravel()
    out[ok] = np.clip(sm, 0.0, None)
    return out


def _w_str(w):
    """Return ``w`` with string ids (area keys are text)."""
    if all(isinstance(i, str) for i in w.id_order):
        return w
    from libpysal.weights import W

    neigh = {str(k): [str(j) for j in v] for k, v in w.neighbors.items()}
    wts = {str(k): list(v) for k, v in w.weights.items()}
    return W(neigh, wts, id_order=[str(i) for i in w.id_order], silence_warnings=True)


def smooth_rates(
    frame: pd.DataFrame,
    catalogue: pd.DataFrame,
    *,
    method: str = "global",
    w=None,
    indicators=None,
    lang: str | None = None,
) -> SmoothingResult:
    """Smooth the catalogue's rates by global or spatial Empirical Bayes.

    Parameters
    ----------
    frame
        Counts (index = area key, columns = variable ids).
    catalogue
        Indicator table; only indicators with a denominator are smoothed (the others
        are copied unchanged and listed in ``params["skipped"]``).
    method
        ``"global"`` or ``"spatial"`` (needs ``w``).
    w
        libpysal ``W`` over the area keys (for ``"spatial"``).
    indicators
        Subset of indicator ids (default: all).

    Returns
    -------
    SmoothingResult
        Raw rates (``numerator/denominator*per``, NaN where the denominator is not > 0)
        and smoothed rates in the same unit.
    """
    if method not in ("global", "spatial"):
        raise InputError(t(_MSG, "method", lang, method=method))
    if method == "spatial":
        if w is None:
            raise InputError(t(_MSG, "no_w", lang))
        w = _w_str(w)
        missing = [str(k) for k in frame.index if str(k) not in w.id2i]
        if missing:
            raise InputError(t(_MSG, "w_ids", lang, ids=format_ids(missing)), ids=missing)
    cat = catalogue if indicators is None else catalogue.loc[list(indicators)]
    raw, sm, skipped = {}, {}, []
    from sozialraum.monitor.rates import _blank

    for ind, row in cat.iterrows():
        num = (
            frame[row["numerator"]].to_numpy(dtype=float, na_value=np.nan)
            if row["numerator"] in frame
            else np.full(len(frame), np.nan)
        )
        den_var = row.get("denominator")
        if _blank(den_var):
            raw[ind] = sm[ind] = num
            skipped.append(ind)
            continue
        den = (
            frame[den_var].to_numpy(dtype=float, na_value=np.nan)
            if den_var in frame
            else np.full(len(frame), np.nan)
        )
        per = float(row.get("per", 100.0) or 100.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(den > 0, num / den, np.nan)
        raw[ind] = r * per
        if method == "global":
            sm[ind] = eb_global(num, den) * per
        else:
            sm[ind] = eb_spatial(num, den, w, frame.index) * per
    cols = list(cat.index)
    return SmoothingResult(
        raw=pd.DataFrame(raw, index=frame.index, columns=cols, dtype=float),
        smoothed=pd.DataFrame(sm, index=frame.index, columns=cols, dtype=float),
        params={"method": method, "indicators": cols, "skipped": skipped},
    )
