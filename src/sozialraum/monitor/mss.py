r"""Status and dynamic index in the style of Berlin's "Monitoring Soziale Stadtentwicklung".

Status index (per area ``i``, status indicators ``j``, oriented so that higher = more
need)::

    S_i = z( Σ_j z(x_ij) )

Dynamic index: the same over the change of each indicator between two years
(``Δx_ij = x_ij(t2) − x_ij(t1)``; for rates in % these are percentage points)::

    D_i = z( Σ_j z(Δx_ij) )

``z`` is the population z-score (ddof=0, unweighted mean) over the **rated** areas:
areas whose population is below the threshold (default 300) are excluded from the
means and SDs and get the class "nicht bewertet". A rated area with missing
indicators: with ``min_share`` = 1 (complete cases, the strict MSS rule) it gets no
index (class "kein Wert"); with ``min_share < 1`` (the monitor's default 0.5) the
sum is replaced by ``n`` × the mean of the available z-scores if at least that share
of the indicators is available (same value as the sum when complete).

Classes (thresholds configurable; a value exactly on a threshold belongs to the class
nearer the middle, i.e. "mittel"/"stabil" — the ±1 boundaries are inside the
middle class):

=====================  ========================  ==================
status index ``S``      class (de / en)          code
=====================  ========================  ==================
``S < −1``              hoch / high              1
``−1 ≤ S ≤ +1``         mittel / medium          2
``+1 < S ≤ +1,5``       niedrig / low            3
``S > +1,5``            sehr niedrig / very low  4
=====================  ========================  ==================

=====================  ========================  ==================
dynamic index ``D``     class                    code
=====================  ========================  ==================
``D < −1``              positiv / positive       \+
``−1 ≤ D ≤ +1``         stabil / stable          ±
``D > +1``              negativ / negative       −
=====================  ========================  ==================

The combined group is the 4 × 3 matrix "status / dynamik", e.g. ``"niedrig / negativ"``
(``mss_gruppe``), and its code ``"3−"`` (``mss_code``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang
from sozialraum.monitor.classify import threshold_classes
from sozialraum.monitor.standardize import _directions, z_array

__all__ = [
    "DYNAMIC_THRESHOLDS",
    "STATUS_THRESHOLDS",
    "STATUS_CLASS_NAMES",
    "dynamic_classes",
    "mss_index",
    "mss_index_array",
    "mss_matrix",
    "status_classes",
]

STATUS_THRESHOLDS = (-1.0, 1.0, 1.5)
DYNAMIC_THRESHOLDS = (-1.0, 1.0)

_STATUS_NAMES = {
    "de": ("hoch", "mittel", "niedrig", "sehr niedrig"),
    "en": ("high", "medium", "low", "very low"),
}
#: Status class names per language, from best ("hoch") to worst ("sehr niedrig").
STATUS_CLASS_NAMES = _STATUS_NAMES
_DYN_NAMES = {"de": ("positiv", "stabil", "negativ"), "en": ("positive", "stable", "negative")}
_DYN_CODES = ("+", "\u00b1", "\u2212")


def mss_index(
    values: pd.DataFrame,
    *,
    direction=None,
    rated: pd.Series | None = None,
    min_share: float = 1.0,
) -> tuple[pd.Series, pd.DataFrame]:
    """``z(Σ_j z(x_j))`` over the rated areas.

    Parameters
    ----------
    values
        Indicator values (or their changes), columns = indicators.
    direction
        Indicator → need/resource (see :func:`standardize`).
    rated
        Bool Series: areas that enter mean and SD (default: all).
    min_share
        Share of the indicators that must be numbers for an area to get an index.
        With ``min_share < 1`` the sum over an incomplete area is ``n`` times the
        mean of its available z-scores (the MSS sum when complete). Default 1
        (complete cases only, the MSS rule).

    Returns
    -------
    (index, z)
        The index Series (NaN where any indicator is NaN) and the indicator z-scores.
    """
    dirs = _directions(values.columns, direction, None)
    flip = np.array([dirs[c] == "resource" for c in values.columns], dtype=bool)
    ref = (
        np.ones(len(values), dtype=bool)
        if rated is None
        else rated.reindex(values.index).fillna(False).to_numpy(bool)
    )
    x = values.to_numpy(dtype=float, na_value=np.nan).T
    idx, z = mss_index_array(x, flip, ref, min_share)
    z_df = pd.DataFrame(z.T, index=values.index, columns=values.columns)
    return pd.Series(idx, index=values.index), z_df


def mss_index_array(
    values: np.ndarray, flip: np.ndarray, rated: np.ndarray, min_share: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """``z(Σ_j z(x_j))`` on arrays: the formula of :func:`mss_index`.

    Parameters
    ----------
    values
        Shape ``(..., n_indicators, n_areas)`` (leading axes e.g. bootstrap replicates).
    flip
        Bool per indicator: ``True`` for resource indicators (z turned round).
    rated
        Bool per area: reference areas of both z-scores.
    min_share
        See :func:`mss_index`.

    Returns
    -------
    (index, z)
        Index of shape ``(..., n_areas)`` and indicator z-scores like ``values``.
    """
    z, _, _ = z_array(values, rated)
    z = np.where(np.asarray(flip, dtype=bool)[:, None], -z, z)
    n = z.shape[-2]
    have = (~np.isnan(z)).sum(axis=-2)
    if n:
        with np.errstate(invalid="ignore", divide="ignore"):
            total = np.where(have > 0, np.nansum(z, axis=-2) / np.maximum(have, 1) * n, np.nan)
        total = np.where(have >= min_share * n - 1e-12, total, np.nan)
    else:
        total = np.full(z.shape[:-2] + z.shape[-1:], np.nan)
    idx, _, _ = z_array(total, rated)
    return idx, z


def status_classes(
    index: pd.Series,
    *,
    thresholds: Sequence[float] = STATUS_THRESHOLDS,
    rated: pd.Series | None = None,
    lang: str | None = None,
) -> pd.Series:
    """Status classes hoch / mittel / niedrig / sehr niedrig (see module docstring)."""
    return threshold_classes(
        index, thresholds, _STATUS_NAMES[get_lang(lang)], middle=1, rated=rated, lang=lang
    )


def dynamic_classes(
    index: pd.Series,
    *,
    thresholds: Sequence[float] = DYNAMIC_THRESHOLDS,
    rated: pd.Series | None = None,
    lang: str | None = None,
) -> pd.Series:
    """Dynamic classes positiv / stabil / negativ (see module docstring)."""
    return threshold_classes(
        index, thresholds, _DYN_NAMES[get_lang(lang)], middle=1, rated=rated, lang=lang
    )


def mss_matrix(
    status_cls: pd.Series, dynamic_cls: pd.Series, *, lang: str | None = None
) -> pd.DataFrame:
    """Combine status and dynamic classes into the 4 × 3 group.

    Returns a DataFrame with ``mss_gruppe`` ("niedrig / negativ"; the class of the one
    that is not rated / has no value otherwise) and ``mss_code`` ("3−"; <NA> unless
    both are classes).
    """
    L = get_lang(lang)
    sn, dn = _STATUS_NAMES[L], _DYN_NAMES[L]
    grp, code = [], []
    for s, d in zip(
        status_cls.astype(object), dynamic_cls.reindex(status_cls.index).astype(object), strict=True
    ):
        if s in sn and d in dn:
            grp.append(f"{s} / {d}")
            code.append(f"{sn.index(s) + 1}{_DYN_CODES[dn.index(d)]}")
        else:
            grp.append(s if s not in sn else d)
            code.append(pd.NA)
    return pd.DataFrame(
        {"mss_gruppe": grp, "mss_code": pd.array(code, dtype="string")}, index=status_cls.index
    )
