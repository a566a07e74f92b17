"""Straight-line distances with KD-trees: nearest and k-th nearest facility, counts within a radius.

Distances are Euclidean in metres in a metric CRS (see :mod:`sozialraum.access.crs`).
Demand polygons (planning areas) are represented by their centroids. All queries are
vectorised over demand points (``scipy.spatial.cKDTree``); no Python loop over points.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from sozialraum.access._common import numeric_column, prepare_pair, require_column

__all__ = ["count_within", "nearest", "nearest_xy"]


def nearest_xy(
    demand_xy: np.ndarray, supply_xy: np.ndarray, k: int = 1, *, workers: int = -1
) -> tuple[np.ndarray, np.ndarray]:
    """k nearest supply points for each demand point (arrays in, arrays out).

    Returns
    -------
    dist, idx
        ``(n, k)`` arrays; where fewer than ``k`` supply points exist the distance is
        ``inf`` and the index ``-1``.
    """
    n = len(demand_xy)
    m = len(supply_xy)
    if m == 0:
        return np.full((n, k), np.inf), np.full((n, k), -1, dtype=np.int64)
    tree = cKDTree(supply_xy)
    dist, idx = tree.query(demand_xy, k=k, workers=workers)
    dist = np.asarray(dist, dtype=float).reshape(n, k)
    idx = np.asarray(idx, dtype=np.int64).reshape(n, k)
    idx[idx >= m] = -1
    return dist, idx


def _suffix(cat: object | None) -> str:
    return "" if cat is None else f"_{cat}"


def nearest(
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    *,
    k: int = 1,
    category: str | None = None,
    target_crs: object | None = None,
    reproject: bool = True,
    lang: str | None = None,
) -> pd.DataFrame:
    """Distance to the nearest (and 2nd … k-th nearest) facility per demand point.

    Parameters
    ----------
    demand
        Demand points or areas (polygons: centroids), index = keys.
    supply
        Facility points, index = facility keys.
    k
        Number of nearest facilities reported.
    category
        Column of ``supply`` with a category (e.g. ``"kategorie"``): the search is done
        per category and columns get the suffix ``_<category value>``.
    target_crs, reproject, lang
        See :func:`sozialraum.core.crs.ensure_metric`.

    Returns
    -------
    pandas.DataFrame
        Index = demand keys; columns ``distance_1 … distance_k`` (metres, NaN when fewer
        than j facilities exist) and ``facility_1 … facility_k`` (facility key, ``<NA>``).
    """
    demand, supply, dxy, sxy = prepare_pair(
        demand, supply, target_crs=target_crs, reproject=reproject, lang=lang
    )
    if category is not None:
        require_column(supply, category, "Angebot", lang)
        cats = supply[category].astype("string")
        groups = [
            (c, np.flatnonzero((cats == c).fillna(False).to_numpy()))
            for c in sorted(cats.dropna().unique())
        ]
    else:
        groups = [(None, np.arange(len(supply)))]
    cols: dict[str, object] = {}
    keys = supply.index.to_numpy(dtype=object)
    for cat, sel in groups:
        dist, idx = nearest_xy(dxy, sxy[sel], k)
        sfx = _suffix(cat)
        for j in range(k):
            d = dist[:, j].copy()
            d[~np.isfinite(d)] = np.nan
            cols[f"distance_{j + 1}{sfx}"] = d
        for j in range(k):
            ok = idx[:, j] >= 0
            fac = np.full(len(demand), None, dtype=object)
            fac[ok] = keys[sel[idx[ok, j]]]
            cols[f"facility_{j + 1}{sfx}"] = pd.array(fac, dtype="string")
    return pd.DataFrame(cols, index=demand.index)


def count_within(
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    radius: float | list[float],
    *,
    capacity: str | None = None,
    category: str | None = None,
    target_crs: object | None = None,
    reproject: bool = True,
    lang: str | None = None,
) -> pd.DataFrame:
    """Number of facilities (and their capacity) within ``radius`` metres of each demand point.

    Cumulative opportunities: a facility exactly at the radius counts (``<=``).

    Parameters
    ----------
    radius
        One radius or several (metres); columns ``count_<r>`` (and ``capacity_<r>``).
    capacity
        Column of ``supply`` to sum (e.g. places).
    category
        Count per category (column suffix ``_<value>``).

    Returns
    -------
    pandas.DataFrame
        Index = demand keys; integer counts, float capacity sums.
    """
    demand, supply, dxy, sxy = prepare_pair(
        demand, supply, target_crs=target_crs, reproject=reproject, lang=lang
    )
    radii = [float(radius)] if np.isscalar(radius) else [float(r) for r in radius]
    cap = numeric_column(supply, capacity, "Angebot", lang) if capacity is not None else None
    if category is not None:
        require_column(supply, category, "Angebot", lang)
        cats = supply[category].astype("string")
        groups = [
            (c, np.flatnonzero((cats == c).fillna(False).to_numpy()))
            for c in sorted(cats.dropna().unique())
        ]
    else:
        groups = [(None, np.arange(len(supply)))]
    cols: dict[str, np.ndarray] = {}
    dtree = cKDTree(dxy)
    for cat, sel in groups:
        sfx = _suffix(cat)
        stree = cKDTree(sxy[sel]) if len(sel) else None
        for r in radii:
            rl = f"{r:g}"
            if stree is None:
                cols[f"count_{rl}{sfx}"] = np.zeros(len(demand), dtype=np.int64)
                if cap is not None:
                    cols[f"capacity_{rl}{sfx}"] = np.zeros(len(demand))
                continue
            cols[f"count_{rl}{sfx}"] = np.asarray(
                stree.query_ball_point(dxy, r, return_length=True, workers=-1), dtype=np.int64
            )
            if cap is not None:
                pairs = dtree.sparse_distance_matrix(stree, r, output_type="ndarray")
                cols[f"capacity_{rl}{sfx}"] = np.bincount(
                    pairs["i"], weights=cap[sel][pairs["j"]], minlength=len(demand)
                ).astype(float)
    return pd.DataFrame(cols, index=demand.index)
