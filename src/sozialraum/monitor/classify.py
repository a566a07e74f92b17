"""Monitor classes: MSS-style threshold classes and comparison columns.

Classification of indicator values into map/table classes (quantiles, natural
breaks, fixed breaks …) is the one engine :func:`sozialraum.core.classify.classify`;
``sozialraum.monitor.classify`` *is* that function (re-exported here for the
monitor's callers), so the monitor, the web map, the static maps, the report and
the QGIS styles give the same breaks and the same class per area.

Here:

* :func:`threshold_classes` — named classes by fixed thresholds where a value on
  a threshold goes to the class nearer the middle (the Berlin MSS rule for status
  and dynamic classes; a different concept from map classes);
* :func:`compare` — deviation from mean/median/reference and rank.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.classify import SCHEMES, Classification, classify

__all__ = [
    "Classification",
    "classify",
    "compare",
    "threshold_classes",
    "threshold_codes",
    "SCHEMES",
]

_MSG = {
    "no_value": {"de": "kein Wert", "en": "no value"},
    "not_rated": {"de": "nicht bewertet", "en": "not rated"},
}


def threshold_classes(
    values: pd.Series,
    thresholds: Sequence[float],
    names: Sequence[str],
    *,
    middle: int,
    rated: pd.Series | None = None,
    lang: str | None = None,
) -> pd.Series:
    """Classes by thresholds where a boundary value belongs to the class nearer the middle.

    For thresholds ``t_1 < … < t_m`` and ``m+1`` names: a value equal to a threshold
    goes to the neighbouring class with the index closer to ``middle`` (the "normal"
    class). E.g. MSS status with thresholds (−1, 1, 1.5) and middle 1
    ("mittel"): ``z < −1`` hoch, ``−1 ≤ z ≤ 1`` mittel, ``1 < z ≤ 1.5`` niedrig,
    ``z > 1.5`` sehr niedrig.

    Missing values → "kein Wert"; areas with ``rated`` False → "nicht bewertet".
    """
    idx = threshold_codes(values.to_numpy(dtype=float, na_value=np.nan), thresholds, middle)
    out = [names[j] if j >= 0 else t(_MSG, "no_value", lang) for j in idx]
    res = pd.Series(out, index=values.index, dtype=object)
    if rated is not None:
        r = rated.reindex(values.index).fillna(False).astype(bool)
        res[~r] = t(_MSG, "not_rated", lang)
    return res


def threshold_codes(values, thresholds: Sequence[float], middle: int) -> np.ndarray:
    """Class numbers 0 … m of :func:`threshold_classes` on an array of any shape (NaN → −1).

    The one boundary rule: a value equal to a threshold goes to the neighbouring class
    nearer ``middle``.
    """
    th = np.asarray(thresholds, dtype=float)
    v = np.asarray(values, dtype=float)
    j = np.searchsorted(th, v, side="left")  # number of thresholds < x
    on = (
        (j < th.size) & (v == th[np.minimum(j, th.size - 1)])
        if th.size
        else np.zeros(v.shape, bool)
    )
    up = np.abs(j + 1 - middle) < np.abs(j - middle)
    j = np.where(on & up, j + 1, j)
    return np.where(np.isnan(v), -1, j).astype(int)


def compare(
    values: pd.Series,
    *,
    reference: float | None = None,
    ascending: bool = False,
    prefix: str | None = None,
) -> pd.DataFrame:
    """Comparison columns for one indicator.

    Returns a DataFrame with ``abw_mittel`` (value − unweighted mean of the areas),
    ``abw_median``, ``abw_referenz`` (value − ``reference``, e.g. the Land average;
    only when given) and ``rang`` (1 = highest value unless ``ascending``; ties get
    the minimum rank; NaN stays without rank). Column names get ``prefix + "_"``.
    """
    x = values.astype(float)
    out = pd.DataFrame(index=values.index)
    out["abw_mittel"] = x - x.mean()
    out["abw_median"] = x - x.median()
    if reference is not None:
        out["abw_referenz"] = x - float(reference)
    out["rang"] = x.rank(ascending=ascending, method="min").astype("Int64")
    if prefix:
        out.columns = [f"{prefix}_{c}" for c in out.columns]
    return out
