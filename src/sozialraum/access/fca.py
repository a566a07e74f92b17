"""Two-step floating catchment area (2SFCA) and enhanced 2SFCA (E2SFCA) with sparse pairs.

For demand locations *i* (population :math:`P_i`, e.g. children 0–6) and facilities *j*
(supply :math:`S_j`, e.g. Kita places), with travel cost :math:`d_{ij}` and a weight
:math:`W(d) = 0` beyond the catchment ``max_cost``:

.. math::

    R_j = \\frac{S_j}{\\sum_i P_i\\, W(d_{ij})}, \\qquad
    A_i = \\sum_j R_j\\, W(d_{ij})

(Luo & Wang 2003; E2SFCA Luo & Qi 2009). :math:`A_i` is supply per person; the result
reports it per ``per`` persons (``per=100``: places per 100 children). Only pairs within
the catchment are ever formed (KD-tree or network Dijkstra with a limit): no dense
``n × m`` matrix.

Counting across borders: catchments ignore area and municipal borders. Every demand
point within reach of a facility competes for its places, whatever planning area it
belongs to, and every facility in the supply layer counts for every demand point in
reach. Facilities outside the study region must therefore be in the supply layer
(and demand outside it in the demand layer) to avoid edge effects.

A facility with no demand in reach has :math:`R_j` undefined (status ``keine_nachfrage``,
its places reach nobody); a demand point with no facility in reach gets :math:`A_i = 0`
and ``n_erreichbar = 0``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from sozialraum._i18n import t
from sozialraum.access._common import numeric_column, prepare_pair, require_column
from sozialraum.access.crs import point_coords
from sozialraum.core.crs import ensure_metric
from sozialraum.errors import InputError, format_ids

__all__ = [
    "FcaResult",
    "area_ratio",
    "catchment_pairs",
    "decay_weights",
    "fca_arrays",
    "fca_points",
    "two_step_fca",
]

STATUS_NO_DEMAND = "keine_nachfrage"

_MSG = {
    "bad_decay": {
        "de": "Unbekannte Distanzgewichtung {decay!r}. Möglich: 'step', 'gaussian', 'luo_qi', ein "
        "Dict {{Schwelle: Gewicht}} oder eine Funktion.",
        "en": "unknown distance decay {decay!r}. Possible: 'step', 'gaussian', 'luo_qi', a dict "
        "{{threshold: weight}} or a function.",
    },
    "bad_max_cost": {
        "de": "Der Einzugsbereich max_cost muss eine positive Zahl sein (Meter oder Minuten), erhalten: {v!r}.",
        "en": "the catchment max_cost must be a positive number (metres or minutes), got: {v!r}.",
    },
    "sigma_ignored": {
        "de": "sigma={sigma!r} gilt nur für die Distanzgewichtung decay='gaussian' (erhalten: "
        "decay={decay!r}) und würde ignoriert. Bitte weglassen oder decay='gaussian' wählen.",
        "en": "sigma={sigma!r} applies only to the distance decay decay='gaussian' (got: "
        "decay={decay!r}) and would be ignored. Please leave it out or choose decay='gaussian'.",
    },
    "bad_weights": {
        "de": "Die Distanzgewichtung liefert negative oder ungültige Gewichte.",
        "en": "the distance decay returns negative or invalid weights.",
    },
    "need_demand": {
        "de": "Für die Gebietsspalte {col!r} muss auch die Nachfrage-Tabelle übergeben werden (demand=).",
        "en": "for the area column {col!r} the demand table must be given too (demand=).",
    },
    "cost_ids": {
        "de": "Kostentabelle: Schlüssel ohne passende {what}: {ids}.",
        "en": "cost table: keys without matching {what}: {ids}.",
    },
}


def decay_weights(
    d: np.ndarray,
    decay: str | Mapping[float, float] | Callable[[np.ndarray], np.ndarray] | None,
    max_cost: float,
    *,
    sigma: float | None = None,
    lang: str | None = None,
) -> np.ndarray:
    """Weights ``W(d)`` for costs within the catchment (``d <= max_cost`` assumed).

    ``decay``:

    * ``None`` / ``"step"``: 1 (classic 2SFCA);
    * ``"luo_qi"``: three zones of ``max_cost`` (≤ 1/3: 1, ≤ 2/3: 0.68, ≤ 1: 0.22),
      Luo & Qi (2009) — the default of E2SFCA, equal to ``access``'s default for 30 minutes;
    * ``"gaussian"``: ``exp(-d² / (2 σ²))`` with ``sigma`` (default ``max_cost / 2``),
      as ``access.weights.gaussian``;
    * a dict ``{threshold: weight}``: the weight of the smallest threshold ``>= d``
      (0 beyond the largest), as ``access.weights.step_fn``;
    * a function taking and returning numpy arrays.
    """
    _check_sigma(decay, sigma, lang)
    d = np.asarray(d, dtype=float)
    if decay is None or decay == "step":
        w = np.ones_like(d)
    elif decay == "luo_qi":
        w = _step(d, {max_cost / 3.0: 1.0, 2.0 * max_cost / 3.0: 0.68, float(max_cost): 0.22})
    elif decay == "gaussian":
        s = float(sigma) if sigma is not None else max_cost / 2.0
        w = np.exp(-d * d / (2.0 * s**2))
    elif isinstance(decay, Mapping):
        w = _step(d, decay)
    elif callable(decay):
        w = np.asarray(decay(d), dtype=float).reshape(d.shape)
    else:
        raise InputError(t(_MSG, "bad_decay", lang, decay=decay))
    if not np.all(np.isfinite(w) & (w >= 0)):
        raise InputError(t(_MSG, "bad_weights", lang))
    return w


def _check_sigma(decay, sigma, lang: str | None) -> None:
    """Refuse ``sigma`` with a decay that does not use it."""
    if sigma is not None and not (isinstance(decay, str) and decay == "gaussian"):
        raise InputError(t(_MSG, "sigma_ignored", lang, sigma=sigma, decay=decay), column="sigma")


def _step(d: np.ndarray, table: Mapping[float, float]) -> np.ndarray:
    th = np.array(sorted(table), dtype=float)
    vals = np.array([table[k] for k in sorted(table)], dtype=float)
    pos = np.searchsorted(th, d, side="left")
    return np.where(pos < len(th), vals[np.minimum(pos, len(th) - 1)], 0.0)


def catchment_pairs(
    demand_xy: np.ndarray, supply_xy: np.ndarray, max_cost: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Demand–facility pairs with Euclidean distance ``<= max_cost`` (KD-trees; sparse)."""
    if len(demand_xy) == 0 or len(supply_xy) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    td = cKDTree(demand_xy)
    ts = cKDTree(supply_xy)
    pairs = td.sparse_distance_matrix(ts, max_cost, output_type="ndarray")
    # views of the record fields (no copies: tens of millions of pairs at national scale)
    return (
        pairs["i"].astype(np.int64, copy=False),
        pairs["j"].astype(np.int64, copy=False),
        pairs["v"].astype(float, copy=False),
    )


def fca_arrays(
    i: np.ndarray,
    j: np.ndarray,
    w: np.ndarray,
    demand: np.ndarray,
    supply: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Core of (E)2SFCA on sparse pairs.

    Returns
    -------
    access, ratio, catchment_demand
        :math:`A_i` per demand point, :math:`R_j` per facility (NaN without demand in
        reach) and the weighted demand in each facility's catchment.
    """
    n, m = len(demand), len(supply)
    cdem = np.bincount(j, weights=w * demand[i], minlength=m)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(cdem > 0, supply / np.where(cdem > 0, cdem, 1.0), np.nan)
    rz = np.nan_to_num(r, nan=0.0)
    acc = np.bincount(i, weights=w * rz[j], minlength=n)
    return acc, r, cdem


def fca_points(
    demand_xy: np.ndarray,
    supply_xy: np.ndarray,
    demand: np.ndarray,
    supply: np.ndarray,
    max_cost: float,
    *,
    decay: str | Mapping[float, float] | Callable[[np.ndarray], np.ndarray] | None = None,
    sigma: float | None = None,
    tile_fraction: float = 0.125,
    max_block: int = 262_144,
    lang: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(E)2SFCA on straight-line distances, without forming all pairs at once.

    Demand points are grouped into square tiles of about 128 points (side between
    ``tile_fraction × max_cost`` and ``0.35 × max_cost``).
    For each tile the facilities within reach of any of its points are found with one
    KD-tree query. With the step weight (classic 2SFCA), a facility whose distance to the
    whole tile is ``<= max_cost`` is counted with the tile's totals (no per-point
    distances); only facilities at the catchment edge of a tile get a small dense block
    of distances (at most ``max_block`` entries). With a distance decay, every facility
    in reach of a tile gets a block. The two FCA steps are then sums and matrix–vector
    products. Sparse demand (few points per tile) uses the KD-tree pair list
    (:func:`catchment_pairs`) instead. Both routes give the same result.

    Returns
    -------
    access, ratio, catchment_demand, n_in_reach
    """
    n, m = len(demand_xy), len(supply_xy)
    if n == 0 or m == 0:
        return np.zeros(n), np.full(m, np.nan), np.zeros(m), np.zeros(n, np.int64)
    lo = demand_xy.min(axis=0)
    span = np.maximum(demand_xy.max(axis=0) - lo, max_cost * 1e-3)
    # tiles of ~128 points, side between tile_fraction and 0.35 of the catchment
    side = float(
        np.clip(np.sqrt(span[0] * span[1] / n * 128.0), max_cost * tile_fraction, max_cost * 0.35)
    )
    cell = np.floor((demand_xy - lo) / side).astype(np.int64)
    key = cell[:, 0] * (int(cell[:, 1].max()) + 1) + cell[:, 1]
    order = np.argsort(key, kind="stable")
    ukey, start = np.unique(key[order], return_index=True)
    if len(ukey) * 16 > n:  # sparse demand: the pair list is cheaper than many tiny blocks
        i, j, d = catchment_pairs(demand_xy, supply_xy, max_cost)
        if decay is None or decay == "step":  # weight 1 for every pair: no weight array
            acc, r, cdem = fca_arrays(i, j, np.float64(1.0), demand, supply)
            return acc, r, cdem, np.bincount(i, minlength=n).astype(np.int64)
        w = decay_weights(d, decay, max_cost, sigma=sigma, lang=lang)
        acc, r, cdem = fca_arrays(i, j, w, demand, supply)
        return acc, r, cdem, np.bincount(i[w > 0], minlength=n).astype(np.int64)
    n_t = len(ukey)
    stop = np.r_[start[1:], n]
    xy = demand_xy[order]
    pop = demand[order]
    tmin = np.minimum.reduceat(xy, start, axis=0)
    tmax = np.maximum.reduceat(xy, start, axis=0)
    centre = (tmin + tmax) / 2.0
    radius = np.hypot(*((tmax - tmin) / 2.0).T)
    cands = cKDTree(supply_xy).query_ball_point(centre, max_cost + radius + 1e-9 * max_cost)
    lens = np.fromiter((len(c) for c in cands), dtype=np.int64, count=n_t)
    ti = np.repeat(np.arange(n_t), lens)
    cj = np.fromiter((j for c in cands for j in c), dtype=np.int64, count=int(lens.sum()))
    sx, sy = supply_xy[cj, 0], supply_xy[cj, 1]
    gx = np.maximum.reduce([tmin[ti, 0] - sx, np.zeros(len(cj)), sx - tmax[ti, 0]])
    gy = np.maximum.reduce([tmin[ti, 1] - sy, np.zeros(len(cj)), sy - tmax[ti, 1]])
    dmin = np.sqrt(gx * gx + gy * gy)
    step = decay is None or decay == "step"
    tile_pop = np.add.reduceat(pop, start)
    cdem = np.zeros(m)
    full_sum = np.zeros(n_t)  # Σ R_j of facilities fully in reach of a tile (step only)
    full_cnt = np.zeros(n_t, np.int64)
    if step:
        hx = np.maximum(np.abs(sx - tmin[ti, 0]), np.abs(sx - tmax[ti, 0]))
        hy = np.maximum(np.abs(sy - tmin[ti, 1]), np.abs(sy - tmax[ti, 1]))
        full = np.sqrt(hx * hx + hy * hy) <= max_cost
        edge = ~full & (dmin <= max_cost)
        tf, jf = ti[full], cj[full]
        cdem += np.bincount(jf, weights=tile_pop[tf], minlength=m)
        full_cnt = np.bincount(tf, minlength=n_t)
    else:
        edge = dmin <= max_cost
    te, je = ti[edge], cj[edge]
    bounds = np.searchsorted(te, np.arange(n_t + 1))

    def blocks():
        for tile in np.flatnonzero(np.diff(bounds)):
            cand = je[bounds[tile] : bounds[tile + 1]]
            rows = max(1, max_block // len(cand))
            for a in range(start[tile], stop[tile], rows):
                b = min(a + rows, stop[tile])
                dx = xy[a:b, 0, None] - supply_xy[None, cand, 0]
                dy = xy[a:b, 1, None] - supply_xy[None, cand, 1]
                d = np.sqrt(dx * dx + dy * dy)
                inside = d <= max_cost
                if step:
                    w = inside.astype(float)
                else:
                    w = (
                        decay_weights(
                            np.where(inside, d, 0.0), decay, max_cost, sigma=sigma, lang=lang
                        )
                        * inside
                    )
                yield a, b, cand, w

    for a, b, cand, w in blocks():
        cdem[cand] += pop[a:b] @ w
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(cdem > 0, supply / np.where(cdem > 0, cdem, 1.0), np.nan)
    rz = np.nan_to_num(r, nan=0.0)
    if step:
        full_sum = np.bincount(tf, weights=rz[jf], minlength=n_t)
    tile_of = np.repeat(np.arange(n_t), stop - start)
    acc_s = full_sum[tile_of]
    nre_s = full_cnt[tile_of].astype(np.int64)
    for a, b, cand, w in blocks():
        acc_s[a:b] += w @ rz[cand]
        nre_s[a:b] += np.count_nonzero(w > 0, axis=1)
    acc = np.empty(n)
    acc[order] = acc_s
    nre = np.empty(n, np.int64)
    nre[order] = nre_s
    return acc, r, cdem, nre


@dataclass(frozen=True)
class FcaResult:
    """Result of :func:`two_step_fca`.

    Attributes
    ----------
    frame
        Per demand point: ``nachfrage``, ``versorgung`` (supply per ``per`` persons),
        ``n_erreichbar`` (facilities in reach).
    supply
        Per facility: ``angebot``, ``nachfrage_einzugsbereich`` (weighted demand in
        reach), ``quote`` (:math:`R_j`, supply per person) and ``status``.
    params
        Method, catchment, decay, per, cost kind, mode.
    """

    frame: pd.DataFrame
    supply: pd.DataFrame
    params: dict = field(default_factory=dict)


def _pairs_from_table(
    cost: pd.DataFrame, demand: pd.DataFrame, supply: pd.DataFrame, lang: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    for col in ("origin", "dest", "cost"):
        require_column(cost, col, "Kosten", lang)
    o = cost["origin"].astype(str)
    d = cost["dest"].astype(str)
    i = pd.Index(demand.index).get_indexer(o)
    j = pd.Index(supply.index).get_indexer(d)
    if (i < 0).any():
        ids = sorted(set(o[i < 0]))
        raise InputError(
            t(_MSG, "cost_ids", lang, what="Nachfrage", ids=format_ids(ids)),
            column="origin",
            ids=ids,
        )
    if (j < 0).any():
        ids = sorted(set(d[j < 0]))
        raise InputError(
            t(_MSG, "cost_ids", lang, what="Einrichtung", ids=format_ids(ids)),
            column="dest",
            ids=ids,
        )
    c = numeric_column(cost, "cost", "Kosten", lang)
    return i.astype(np.int64), j.astype(np.int64), c


def two_step_fca(
    demand: gpd.GeoDataFrame | pd.DataFrame,
    supply: gpd.GeoDataFrame | pd.DataFrame,
    demand_col: str,
    supply_col: str,
    max_cost: float,
    *,
    decay: str | Mapping[float, float] | Callable[[np.ndarray], np.ndarray] | None = None,
    sigma: float | None = None,
    per: float = 100.0,
    cost: pd.DataFrame | object | None = None,
    mode: str | None = None,
    speeds: Mapping[str, Mapping[str, float]] | None = None,
    max_snap: float | None = None,
    target_crs: object | None = None,
    reproject: bool = True,
    lang: str | None = None,
) -> FcaResult:
    """2SFCA / E2SFCA supply ratio per demand location.

    Parameters
    ----------
    demand
        Demand points or areas (index = keys) with ``demand_col`` (e.g. children 0–6).
    supply
        Facilities (index = keys) with ``supply_col`` (e.g. places ``kapazitaet``).
    max_cost
        Catchment: metres (straight line or network) or minutes (network with ``mode``).
    decay
        Distance decay, see :func:`decay_weights` (``None``: classic 2SFCA).
    per
        Report supply per this many persons (100: places per 100 children).
    cost
        ``None``: straight-line distances; a :class:`~sozialraum.access.network.RoadNetwork`:
        network distance (``mode=None``) or travel time in minutes (``mode``); a DataFrame
        with columns ``origin``, ``dest``, ``cost`` (precomputed, keys of demand/supply).

    Returns
    -------
    FcaResult
    """
    from sozialraum.access.network import RoadNetwork, network_cost_pairs

    if not np.isscalar(max_cost) or not np.isfinite(float(max_cost)) or float(max_cost) <= 0:
        raise InputError(t(_MSG, "bad_max_cost", lang, v=max_cost))
    _check_sigma(decay, sigma, lang)
    max_cost = float(max_cost)
    if isinstance(cost, pd.DataFrame):
        demand = demand.copy()
        supply = supply.copy()
        demand.index = demand.index.astype(str)
        supply.index = supply.index.astype(str)
        P = numeric_column(demand, demand_col, "Nachfrage", lang)
        S = numeric_column(supply, supply_col, "Angebot", lang)
        i, j, c = _pairs_from_table(cost, demand, supply, lang)
        keep = c <= max_cost
        i, j, c = i[keep], j[keep], c[keep]
        kind = "tabelle"
    else:
        demand, supply, dxy, sxy = prepare_pair(
            demand, supply, target_crs=target_crs, reproject=reproject, lang=lang
        )
        P = numeric_column(demand, demand_col, "Nachfrage", lang)
        S = numeric_column(supply, supply_col, "Angebot", lang)
        if isinstance(cost, RoadNetwork):
            if demand.crs != cost.crs:
                dxy = point_coords(ensure_metric(demand, target_crs=cost.crs, lang=lang))
                sxy = point_coords(ensure_metric(supply, target_crs=cost.crs, lang=lang))
            i, j, c, _ = network_cost_pairs(
                cost, dxy, sxy, max_cost, mode=mode, speeds=speeds, max_snap=max_snap, lang=lang
            )
            kind = "netz_zeit" if mode is not None else "netz_distanz"
        else:
            kind = "luftlinie"
    if kind == "luftlinie":
        acc, r, cdem, nreach = fca_points(
            dxy, sxy, P, S, max_cost, decay=decay, sigma=sigma, lang=lang
        )
        n_pairs = int(nreach.sum())
    else:
        w = decay_weights(c, decay, max_cost, sigma=sigma, lang=lang)
        acc, r, cdem = fca_arrays(i, j, w, P, S)
        nreach = np.bincount(i[w > 0], minlength=len(P))
        n_pairs = int(len(i))
    frame = pd.DataFrame(
        {"nachfrage": P, "versorgung": acc * per, "n_erreichbar": nreach.astype(np.int64)},
        index=demand.index,
    )
    st = pd.array([pd.NA] * len(S), dtype="string")
    st[~np.isfinite(r)] = STATUS_NO_DEMAND
    sup = pd.DataFrame(
        {"angebot": S, "nachfrage_einzugsbereich": cdem, "quote": r, "status": st},
        index=supply.index,
    )
    params = {
        "method": "2sfca" if decay in (None, "step") else "e2sfca",
        "max_cost": max_cost,
        "decay": decay if isinstance(decay, str) or decay is None else "benutzerdefiniert",
        "sigma": sigma,
        "per": per,
        "cost": kind,
        "mode": mode,
        "n_pairs": n_pairs,
    }
    return FcaResult(frame=frame, supply=sup, params=params)


def area_ratio(
    result: FcaResult, area: pd.Series | str, demand: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Population-weighted supply ratio per planning area.

    ``versorgung`` per area = Σ Pᵢ·Aᵢ / Σ Pᵢ × per; ``plaetze_zugeordnet`` = Σ Pᵢ·Aᵢ is the
    supply the 2SFCA allots to the area's demand (with the step weight, the sum over all
    areas equals the supply of all facilities that have demand in reach).

    Parameters
    ----------
    result
        From :func:`two_step_fca`.
    area
        Area key per demand point: a Series aligned with ``result.frame`` or a column
        name of ``demand``.
    """
    fr = result.frame
    if isinstance(area, str):
        if demand is None:
            raise InputError(t(_MSG, "need_demand", None, col=area), column=area)
        require_column(demand, area, "Nachfrage", None)
        keys = demand[area].astype(str).reindex(fr.index)
    else:
        keys = area.astype(str).reindex(fr.index)
    per = result.params.get("per", 100.0)
    alloc = fr["nachfrage"] * fr["versorgung"] / per
    g = pd.DataFrame({"nachfrage": fr["nachfrage"], "zugeordnet": alloc, "key": keys}).groupby(
        "key", sort=True
    )
    s = g[["nachfrage", "zugeordnet"]].sum()
    out = pd.DataFrame(
        {
            "nachfrage": s["nachfrage"],
            "plaetze_zugeordnet": s["zugeordnet"],
            "versorgung": np.where(
                s["nachfrage"] > 0,
                s["zugeordnet"] / s["nachfrage"].where(s["nachfrage"] > 0, 1) * per,
                np.nan,
            ),
        },
        index=s.index,
    )
    out.index.name = None
    return out
