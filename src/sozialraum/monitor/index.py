"""Composite indices: per dimension and overall, weighted; plus a PCA variant.

Dimension index of area ``i`` over the standardised indicators ``z_ij`` (higher = more
need) of the dimension, with catalogue weights ``w_j``::

    idx_i = Σ_j w_j z_ij / Σ_j w_j          (method="mean", default)
    idx_i = Σ_j w_j z_ij                    (method="sum")

Missing values: the sums run over the indicators that are numbers for area ``i``
(weights renormalised for ``"mean"``); if the available weight is below
``min_share`` (default 0.5) of the dimension's total weight, the index is NaN and
``params["too_few"]`` lists the area. Indicators missing everywhere (all NaN) are
left out of the dimension and of the total weight.

Overall index ``idx_gesamt``: the unweighted mean of the dimension indices (each
dimension counts once, whatever its number of indicators) over the dimensions that
are numbers for the area, with the same ``min_share`` rule over dimensions.

``restandardize=True`` z-scores every index again (ddof=0, over the reference areas),
so that indices are on the same scale as the indicators.

PCA variant: the first principal component of the standardised indicators (= of the
correlation matrix when the input is z-scored over the same areas). Missing z-values
are set to 0 (the mean) for the projection; the component's sign is fixed so that
the sum of its loadings is positive (since all inputs are oriented "higher = more
need", a higher score means more need).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum.core.text import slugify
from sozialraum.monitor.standardize import standardize

__all__ = ["IndexResult", "composite_index", "pca_index"]


@dataclass(frozen=True)
class IndexResult:
    """Composite indices.

    Attributes
    ----------
    frame
        Columns ``idx_<dimension slug>`` (in catalogue order) and ``idx_gesamt``.
    params
        ``method``, ``restandardize``, ``min_share``, ``dimensions`` (slug → name),
        ``indicators`` (slug → list), ``weights``, ``too_few`` (column → areas).
    """

    frame: pd.DataFrame
    params: dict = field(default_factory=dict)


def _weighted(z: pd.DataFrame, weights: np.ndarray, method: str, min_share: float):
    arr = z.to_numpy(dtype=float)
    have = ~np.isnan(arr)
    wmat = np.where(have, weights, 0.0)
    wsum = wmat.sum(axis=1)
    total = weights.sum()
    s = np.where(have, arr, 0.0) @ weights if arr.shape[1] else np.zeros(len(z))
    with np.errstate(invalid="ignore", divide="ignore"):
        val = s / wsum if method == "mean" else s
    few = wsum < min_share * total - 1e-12
    val = np.where(few | (wsum == 0), np.nan, val)
    return pd.Series(val, index=z.index), z.index[few | (wsum == 0)].tolist()


def composite_index(
    z: pd.DataFrame,
    catalogue: pd.DataFrame,
    *,
    method: str = "mean",
    restandardize: bool = True,
    min_share: float = 0.5,
    valid: pd.Series | None = None,
) -> IndexResult:
    """Dimension indices and the overall index from standardised indicators.

    Parameters
    ----------
    z
        Standardised indicators (higher = more need), columns = indicator ids.
    catalogue
        Indicator table with ``dimension`` and (optional) ``weight``.
    method
        ``"mean"`` (weighted mean) or ``"sum"`` (weighted sum).
    restandardize
        z-score each index over the reference areas (``valid``).
    min_share
        Minimum share of a dimension's weight (or of the dimensions, for the overall
        index) that must be available.
    valid
        Bool Series per area: reference areas for re-standardisation.
    """
    cols = [c for c in catalogue.index if c in z.columns and z[c].notna().any()]
    cat = catalogue.loc[cols]
    dims: dict[str, str] = {}
    for d in catalogue["dimension"]:
        if d not in dims.values() and any(cat["dimension"] == d):
            slug = slugify(d, fallback="dimension")
            while slug in dims and dims[slug] != d:
                slug += "_"
            dims[slug] = d
    weights = (
        cat["weight"].astype(float).fillna(1.0) if "weight" in cat else pd.Series(1.0, index=cols)
    )
    out, too_few, members = {}, {}, {}
    for slug, d in dims.items():
        ids = cat.index[cat["dimension"] == d].tolist()
        members[slug] = ids
        val, few = _weighted(z[ids], weights.loc[ids].to_numpy(), method, min_share)
        out[f"idx_{slug}"] = val
        if few:
            too_few[f"idx_{slug}"] = few
    frame = pd.DataFrame(out, index=z.index)
    if restandardize and len(frame.columns):
        frame = standardize(frame, method="z", valid=valid, warn=False).values
    dim_cols = list(frame.columns)
    tot, few = _weighted(frame[dim_cols], np.ones(len(dim_cols)), "mean", min_share)
    if restandardize:
        tot = standardize(tot.to_frame("g"), method="z", valid=valid, warn=False).values["g"]
    frame["idx_gesamt"] = tot
    if few:
        too_few["idx_gesamt"] = few
    params = {
        "method": method,
        "restandardize": restandardize,
        "min_share": min_share,
        "dimensions": dims,
        "indicators": members,
        "weights": weights.to_dict(),
        "too_few": too_few,
        "overall": "unweighted mean of the dimension indices",
    }
    return IndexResult(frame=frame, params=params)


def pca_index(z: pd.DataFrame, *, valid: pd.Series | None = None) -> tuple[pd.Series, dict]:
    """First principal component of standardised indicators (numpy ``eigh``).

    Parameters
    ----------
    z
        Standardised indicators (higher = more need); NaN is treated as 0 (the mean).
    valid
        Bool Series: areas used to estimate the component (default: all). All areas
        get a score; fewer than 2 reference areas give NaN scores.

    Returns
    -------
    (scores, params)
        ``scores`` Series (named ``idx_pca``); ``params`` with ``loadings`` (Series,
        unit vector, sign fixed so that the loadings sum positive),
        ``explained_variance_ratio``.
    """
    cols = [c for c in z.columns if z[c].notna().any()]
    x = z[cols].to_numpy(dtype=float)
    x = np.where(np.isnan(x), 0.0, x)
    ref = (
        np.ones(len(z), dtype=bool)
        if valid is None
        else valid.reindex(z.index).fillna(False).to_numpy(bool)
    )
    if ref.sum() < 2 or not cols:
        return pd.Series(np.nan, index=z.index, name="idx_pca"), {
            "loadings": pd.Series(np.nan, index=cols),
            "explained_variance_ratio": np.nan,
            "missing_rule": "NaN set to 0 (mean)",
        }
    xr = x[ref]
    mu = xr.mean(axis=0)
    xc = xr - mu
    # eigen-decomposition of the (small, p × p) covariance matrix of the inputs
    lam, vec = np.linalg.eigh(xc.T @ xc / xc.shape[0])
    v = vec[:, -1]
    if v.sum() < 0:
        v = -v
    scores = (x - mu) @ v
    evr = float(lam[-1] / lam.sum()) if lam.sum() > 0 else np.nan
    return pd.Series(scores, index=z.index, name="idx_pca"), {
        "loadings": pd.Series(v, index=cols),
        "explained_variance_ratio": evr,
        "missing_rule": "NaN set to 0 (mean)",
    }
