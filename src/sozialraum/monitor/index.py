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
from sozialraum.monitor.standardize import z_array

__all__ = ["IndexResult", "composite_array", "composite_index", "pca_index", "weighted_array"]


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


def weighted_array(arr, weights, method: str, min_share: float):
    """Weighted mean/sum over the indicator axis ``-2`` of ``arr`` ``(..., n_ind, n_areas)``.

    The one formula of the dimension and overall indices (see the module docstring).
    Returns ``(value, too_few)`` of shape ``(..., n_areas)``.
    """
    arr = np.asarray(arr, dtype=float)
    weights = np.asarray(weights, dtype=float)
    have = ~np.isnan(arr)
    wsum = np.where(have, weights[:, None], 0.0).sum(axis=-2)
    total = weights.sum()
    s = (np.where(have, arr, 0.0) * weights[:, None]).sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = s / wsum if method == "mean" else s
    few = (wsum < min_share * total - 1e-12) | (wsum == 0)
    return np.where(few, np.nan, val), few


def _weighted(z: pd.DataFrame, weights: np.ndarray, method: str, min_share: float):
    val, few = weighted_array(z.to_numpy(dtype=float).T, weights, method, min_share)
    return pd.Series(val, index=z.index), z.index[few].tolist()


def composite_array(
    z, members, weights, *, method="mean", restandardize=True, min_share=0.5, valid=None
):
    """Dimension indices and overall index on arrays: the formula of :func:`composite_index`.

    Parameters
    ----------
    z
        Standardised indicators, shape ``(..., n_ind, n_areas)``.
    members
        One sequence of indicator positions (on axis ``-2``) per dimension.
    weights
        Weight per indicator (``n_ind``).
    valid
        Bool per area: reference areas of the re-standardisation (default all).

    Returns
    -------
    (dims, total, few)
        ``dims`` ``(..., n_dims, n_areas)``, ``total`` ``(..., n_areas)``, and the
        too-few masks of the dimensions ``(..., n_dims, n_areas)`` and of the total.
    """
    z = np.asarray(z, dtype=float)
    weights = np.asarray(weights, dtype=float)
    ref = np.ones(z.shape[-1], dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    vals, fews = [], []
    for ids in members:
        ids = list(ids)
        v, f = weighted_array(z[..., ids, :], weights[ids], method, min_share)
        if restandardize:
            v = z_array(v, ref)[0]
        vals.append(v)
        fews.append(f)
    shape = z.shape[:-2] + (len(members), z.shape[-1])
    dims = np.stack(vals, axis=-2) if vals else np.full(shape, np.nan)
    few = np.stack(fews, axis=-2) if fews else np.zeros(shape, dtype=bool)
    tot, tot_few = weighted_array(dims, np.ones(len(members)), "mean", min_share)
    if restandardize:
        tot = z_array(tot, ref)[0]
    return dims, tot, few, tot_few


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
    members = {slug: cat.index[cat["dimension"] == d].tolist() for slug, d in dims.items()}
    pos = {c: i for i, c in enumerate(cols)}
    ref = None if valid is None else valid.reindex(z.index).fillna(False).to_numpy(bool)
    arr = z[cols].to_numpy(dtype=float).T
    d_val, tot, d_few, tot_few = composite_array(
        arr,
        [[pos[c] for c in ids] for ids in members.values()],
        weights.to_numpy(dtype=float),
        method=method,
        restandardize=restandardize,
        min_share=min_share,
        valid=ref,
    )
    frame = pd.DataFrame({f"idx_{slug}": d_val[i] for i, slug in enumerate(members)}, index=z.index)
    too_few = {
        f"idx_{slug}": z.index[d_few[i]].tolist()
        for i, slug in enumerate(members)
        if d_few[i].any()
    }
    frame["idx_gesamt"] = tot
    if tot_few.any():
        too_few["idx_gesamt"] = z.index[tot_few].tolist()
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
