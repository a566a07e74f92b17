"""Road-network distances and travel times with ``scipy.sparse.csgraph``.

Steps
-----
1. :func:`build_network`: a line layer (e.g. ``strassen.gpkg``, column ``klasse``) is
   noded with shapely (lines are split where they cross or touch, so crossings become
   junctions), split parts keep the road class of their source line, and the parts
   become the edges of an undirected graph (edge length = line length in metres).
2. Speeds per mode (``walking``, ``cycling``, ``driving``) and road class
   (Bundesstrasse, Landstrasse, Kreisstrasse, Gemeindestrasse, Wirtschaftsweg,
   ``default``) in km/h turn lengths into minutes. Speed 0 closes a class for a mode
   (by default Wirtschaftswege for cars).
3. Points are snapped to the nearest *open* edge (KD/STR-tree). Each point becomes a
   node on its edge at the projected position, so two points on one edge reach each
   other along it. The straight snap distance is reported and added to the route
   (at ``connector_speed`` km/h for times). Points farther than ``max_snap`` from any
   open edge are reported as ``ausserhalb_netz``.
4. Multi-source Dijkstra (:func:`scipy.sparse.csgraph.dijkstra`, ``min_only=True``)
   from all facilities at once gives the nearest facility per demand point. Points in
   a network part without any facility are reported as ``nicht_erreichbar`` — they
   stay in the result with NaN values, never dropped.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from sozialraum._i18n import t
from sozialraum.access._common import prepare_pair, require_column
from sozialraum.access.crs import crs_mode, point_coords
from sozialraum.core.crs import ensure_metric
from sozialraum.errors import InputError, SozialraumWarning, format_ids

__all__ = [
    "DEFAULT_SPEEDS",
    "RoadNetwork",
    "Snap",
    "build_network",
    "network_cost_pairs",
    "network_nearest",
    "snap_points",
]

#: Speeds in km/h per mode and road class; 0 = closed for this mode.
DEFAULT_SPEEDS: dict[str, dict[str, float]] = {
    "walking": {
        "Bundesstrasse": 4.5,
        "Landstrasse": 4.5,
        "Kreisstrasse": 4.5,
        "Gemeindestrasse": 4.5,
        "Wirtschaftsweg": 4.5,
        "default": 4.5,
    },
    "cycling": {
        "Bundesstrasse": 15.0,
        "Landstrasse": 15.0,
        "Kreisstrasse": 15.0,
        "Gemeindestrasse": 15.0,
        "Wirtschaftsweg": 12.0,
        "default": 15.0,
    },
    "driving": {
        "Bundesstrasse": 80.0,
        "Landstrasse": 70.0,
        "Kreisstrasse": 60.0,
        "Gemeindestrasse": 30.0,
        "Wirtschaftsweg": 0.0,
        "default": 30.0,
    },
}

#: Status codes of network results.
STATUS_UNREACHABLE = "nicht_erreichbar"
STATUS_OFF_NETWORK = "ausserhalb_netz"

_MSG = {
    "no_lines": {
        "de": "{name}: Keine Liniengeometrien gefunden; ein Straßennetz braucht Linien (LineString).",
        "en": "{name}: no line geometries found; a road network needs lines (LineString).",
    },
    "non_lines": {
        "de": "{name}: {n} Objekt(e) sind keine Linien und wurden nicht ins Netz übernommen: {ids}.",
        "en": "{name}: {n} feature(s) are not lines and were not added to the network: {ids}.",
    },
    "unknown_mode": {
        "de": "Unbekannte Fortbewegungsart {mode!r}. Möglich: {modes}.",
        "en": "unknown travel mode {mode!r}. Possible: {modes}.",
    },
    "unknown_class": {
        "de": "Straßenklassen ohne Geschwindigkeit für {mode!r} (es gilt 'default' = {v} km/h): {classes}.",
        "en": "road classes without a speed for {mode!r} ('default' = {v} km/h is used): {classes}.",
    },
    "unreachable": {
        "de": "{n} Punkt(e) erreichen über das Netz keine Einrichtung (Status 'nicht_erreichbar'): {ids}.",
        "en": "{n} point(s) reach no facility over the network (status 'nicht_erreichbar'): {ids}.",
    },
    "off_network": {
        "de": "{n} Punkt(e) liegen weiter als {d:g} m vom Netz entfernt (Status 'ausserhalb_netz'): {ids}.",
        "en": "{n} point(s) lie farther than {d:g} m from the network (status 'ausserhalb_netz'): {ids}.",
    },
    "no_open_edges": {
        "de": "Für die Fortbewegungsart {mode!r} ist keine Straße befahrbar (alle Geschwindigkeiten 0).",
        "en": "no road is open for travel mode {mode!r} (all speeds 0).",
    },
    "crs_mismatch": {
        "de": "Punkte und Straßennetz haben verschiedene Koordinatensysteme ({a} / {b}); die Punkte "
        "wurden ins CRS des Netzes umprojiziert.",
        "en": "points and road network have different CRS ({a} / {b}); the points were reprojected "
        "to the network's CRS.",
    },
}


def _norm_class(s: object) -> str:
    text = unicodedata.normalize("NFC", str(s)).strip().lower()
    return text.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")


@dataclass(frozen=True)
class RoadNetwork:
    """An undirected road graph.

    Attributes
    ----------
    node_xy
        ``(N, 2)`` node coordinates (metres).
    edge_u, edge_v
        End nodes of each edge; ``edge_u`` is the start of ``edge_geom``.
    edge_length
        Edge lengths in metres.
    edge_class
        Road class per edge (as in the input).
    edge_geom
        Edge geometries (shapely LineStrings).
    crs
        The metric CRS of the coordinates.
    """

    node_xy: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_length: np.ndarray
    edge_class: np.ndarray
    edge_geom: np.ndarray
    crs: object

    @property
    def n_nodes(self) -> int:
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        return len(self.edge_u)

    def edge_cost(
        self,
        mode: str | None = None,
        speeds: Mapping[str, Mapping[str, float]] | None = None,
        *,
        lang: str | None = None,
    ) -> np.ndarray:
        """Cost per edge: metres (``mode=None``) or minutes at the mode's speeds; ``inf`` = closed."""
        if mode is None:
            return self.edge_length.astype(float)
        table = _speed_table(mode, speeds, lang)
        norm = {_norm_class(k): float(v) for k, v in table.items()}
        default = float(table.get("default", 0.0))
        raw = pd.Series(self.edge_class, dtype=object)
        classes = raw.map(_norm_class)
        unknown = sorted({str(c) for c in raw[~classes.isin(list(norm))].dropna().unique()})
        if unknown and "default" in table:
            warnings.warn(
                t(_MSG, "unknown_class", lang, mode=mode, v=default, classes=format_ids(unknown)),
                SozialraumWarning,
                stacklevel=2,
            )
        kmh = classes.map(norm).fillna(default).to_numpy(dtype=float)
        with np.errstate(divide="ignore"):
            return np.where(kmh > 0, self.edge_length / (kmh / 3.6) / 60.0, np.inf)

    def graph(self, cost: np.ndarray) -> sp.csr_matrix:
        """Sparse adjacency (``N × N``) with the cheapest edge per node pair; closed edges left out."""
        return _assemble(self.edge_u, self.edge_v, cost, self.n_nodes)

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """Edges as a GeoDataFrame (for maps and checks)."""
        return gpd.GeoDataFrame(
            {
                "u": self.edge_u,
                "v": self.edge_v,
                "laenge_m": self.edge_length,
                "klasse": self.edge_class,
            },
            geometry=self.edge_geom,
            crs=self.crs,
        )


def _speed_table(
    mode: str, speeds: Mapping[str, Mapping[str, float]] | None, lang: str | None
) -> Mapping[str, float]:
    tables = DEFAULT_SPEEDS if speeds is None else {**DEFAULT_SPEEDS, **speeds}
    if mode not in tables:
        raise InputError(t(_MSG, "unknown_mode", lang, mode=mode, modes=", ".join(tables)))
    return tables[mode]


def _assemble(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int) -> sp.csr_matrix:
    """Build a CSR matrix keeping the minimum weight per undirected pair (explicit zeros kept)."""
    ok = np.isfinite(w) & (u != v)
    u, v, w = u[ok], v[ok], w[ok]
    a, b = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((w, b, a))
    a, b, w = a[order], b[order], w[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    g = sp.csr_matrix((w[first], (a[first], b[first])), shape=(n, n))
    return g


def build_network(
    lines: gpd.GeoDataFrame,
    class_column: str | None = "klasse",
    *,
    node: bool = True,
    precision: float = 0.001,
    target_crs: object | None = None,
    reproject: bool = True,
    name: str = "Straßennetz",
    lang: str | None = None,
) -> RoadNetwork:
    """Build a road graph from a line layer.

    Parameters
    ----------
    lines
        Line layer (LineString / MultiLineString) in a metric CRS (or reprojected).
    class_column
        Column with the road class (``None``: all ``default``).
    node
        True: split lines where they cross or touch (shapely ``node``) so crossings are
        junctions. False: lines connect only at shared end points (bridges stay bridges).
    precision
        End points closer than this (metres, grid rounding) become one node.
    """
    lines = ensure_metric(
        lines, target_crs=target_crs, mode=crs_mode(reproject), name=name, lang=lang
    )
    if class_column is not None:
        require_column(lines, class_column, name, lang)
    geoms = lines.geometry.values
    gtype = shapely.get_type_id(geoms)
    is_line = np.isin(gtype, [1, 2, 5])  # LineString, LinearRing, MultiLineString
    if (~is_line).any():
        ids = [str(i) for i in lines.index[~is_line]]
        warnings.warn(
            t(_MSG, "non_lines", lang, name=name, n=len(ids), ids=format_ids(ids)),
            SozialraumWarning,
            stacklevel=2,
        )
    klass = (
        lines[class_column].astype(object).to_numpy()
        if class_column is not None
        else np.full(len(lines), "default", dtype=object)
    )
    geoms, klass = geoms[is_line], klass[is_line]
    if (gtype[is_line] == 1).all():
        parts, pidx = np.asarray(geoms), np.arange(len(geoms))
    else:
        parts, pidx = shapely.get_parts(np.asarray(geoms), return_index=True)
    if shapely.has_z(parts).any():
        parts = shapely.force_2d(parts)
    keep = ~shapely.is_empty(parts) & (shapely.length(parts) > 0)
    parts, pclass = parts[keep], klass[pidx[keep]]
    if len(parts) == 0:
        raise InputError(t(_MSG, "no_lines", lang, name=name), file=name)
    if node:
        noded = shapely.get_parts(shapely.node(shapely.multilinestrings(parts)))
        noded = noded[shapely.length(noded) > 0]
        uniq_cls = pd.unique(pd.Series(pclass, dtype=object))
        if len(uniq_cls) == 1:
            eclass = np.full(len(noded), uniq_cls[0], dtype=object)
        else:
            # unchanged lines (same end points and length) keep their class directly;
            # a split part takes the class of the source line it lies on
            eclass = _match_unchanged(noded, parts, pclass, precision)
            todo = np.flatnonzero(pd.isna(eclass))
            if len(todo):
                mid = shapely.line_interpolate_point(noded[todo], 0.5, normalized=True)
                qi, ti = shapely.STRtree(parts).query_nearest(mid, all_matches=False)
                eclass[todo[qi]] = pclass[ti]
        edges = noded
    else:
        edges, eclass = parts, pclass
    start, end = _end_points(edges)
    pts = np.vstack([start, end])
    inv, n_nodes = _point_ids(pts, precision)
    cnt = np.bincount(inv, minlength=n_nodes)
    node_xy = np.c_[
        np.bincount(inv, weights=pts[:, 0], minlength=n_nodes),
        np.bincount(inv, weights=pts[:, 1], minlength=n_nodes),
    ]
    node_xy /= cnt[:, None]
    m = len(edges)
    return RoadNetwork(
        node_xy=node_xy,
        edge_u=inv[:m].astype(np.int64),
        edge_v=inv[m:].astype(np.int64),
        edge_length=shapely.length(edges).astype(float),
        edge_class=eclass,
        edge_geom=np.asarray(edges),
        crs=lines.crs,
    )


def _end_points(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last coordinate of each line (vectorised)."""
    coords = shapely.get_coordinates(lines)
    ncoord = shapely.get_num_coordinates(lines)
    last = np.cumsum(ncoord) - 1
    return coords[last - ncoord + 1], coords[last]


def _point_ids(pts: np.ndarray, precision: float) -> tuple[np.ndarray, int]:
    """Integer id per point; points in the same ``precision`` grid cell share an id."""
    k = np.round(pts / precision).astype(np.int64)
    k -= k.min(axis=0)
    span = int(k[:, 1].max()) + 1
    if int(k[:, 0].max()) < (2**62) // span:
        _, inv = np.unique(k[:, 0] * span + k[:, 1], return_inverse=True)
    else:
        _, inv = np.unique(k, axis=0, return_inverse=True)
    inv = np.asarray(inv).ravel().astype(np.int64)
    return inv, int(inv.max()) + 1 if len(inv) else 0


def _match_unchanged(
    noded: np.ndarray, parts: np.ndarray, pclass: np.ndarray, precision: float
) -> np.ndarray:
    """Class of noded lines identical (end points, length) to an input line; NaN otherwise."""
    s1, e1 = _end_points(noded)
    s0, e0 = _end_points(parts)
    ids, _ = _point_ids(np.vstack([s1, e1, s0, e0]), precision)
    n1, n0 = len(noded), len(parts)
    a1, b1 = ids[:n1], ids[n1 : 2 * n1]
    a0, b0 = ids[2 * n1 : 2 * n1 + n0], ids[2 * n1 + n0 :]
    left = pd.DataFrame(
        {
            "a": np.minimum(a1, b1),
            "b": np.maximum(a1, b1),
            "len": np.round(shapely.length(noded) / precision).astype(np.int64),
        }
    )
    right = pd.DataFrame(
        {
            "a": np.minimum(a0, b0),
            "b": np.maximum(a0, b0),
            "len": np.round(shapely.length(parts) / precision).astype(np.int64),
            "cls": pclass,
        }
    ).drop_duplicates(["a", "b", "len"])
    merged = left.merge(right, on=["a", "b", "len"], how="left")
    return merged["cls"].to_numpy(dtype=object)


@dataclass(frozen=True)
class Snap:
    """Where points sit on the network.

    Attributes
    ----------
    edge
        Edge index per point (-1: farther than ``max_snap`` or no open edge).
    position
        Distance along the edge from its start node ``edge_u`` (metres).
    distance
        Straight snap distance from the point to the edge (metres).
    """

    edge: np.ndarray
    position: np.ndarray
    distance: np.ndarray


def _pieces(
    network: RoadNetwork, open_edges: np.ndarray | None, piece: float
) -> tuple[np.ndarray, ...]:
    """Straight pieces (≤ ``piece`` m) of the (open) edges: start, end, edge, offset along edge."""
    cand = np.arange(network.n_edges) if open_edges is None else np.flatnonzero(open_edges)
    geoms = network.edge_geom[cand]
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    same = idx[1:] == idx[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    e = cand[idx[:-1][same]]
    seglen = np.hypot(*(b - a).T)
    # offset of each segment start along its edge
    csum = np.cumsum(seglen)
    first = np.ones(len(e), dtype=bool)
    first[1:] = e[1:] != e[:-1]
    base = np.maximum.accumulate(np.where(first, csum - seglen, 0.0))
    offset = csum - seglen - base
    k = np.maximum(np.ceil(seglen / piece).astype(np.int64), 1)
    rep = np.repeat(np.arange(len(e)), k)
    part = np.arange(len(rep)) - np.repeat(np.cumsum(k) - k, k)
    f0 = part / k[rep]
    f1 = (part + 1) / k[rep]
    d = b[rep] - a[rep]
    return (
        a[rep] + f0[:, None] * d,
        a[rep] + f1[:, None] * d,
        e[rep],
        offset[rep] + f0 * seglen[rep],
    )


def snap_points(
    network: RoadNetwork,
    xy: np.ndarray,
    *,
    open_edges: np.ndarray | None = None,
    max_snap: float | None = None,
    piece: float = 50.0,
) -> Snap:
    """Snap points to the nearest point on the nearest (open) edge.

    Exact and vectorised: the edges are cut into straight pieces of at most ``piece``
    metres whose midpoints go into a KD-tree; the nearest midpoint bounds the search
    radius (nearest-midpoint distance + half the longest piece), and the exact
    point–segment distance picks the winner among the candidates.
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    n = len(xy)
    edge = np.full(n, -1, dtype=np.int64)
    pos = np.full(n, np.nan)
    dist = np.full(n, np.nan)
    if n == 0 or (open_edges is not None and not open_edges.any()) or network.n_edges == 0:
        return Snap(edge, pos, dist)
    a, b, pe, poff = _pieces(network, open_edges, piece)
    mid = (a + b) / 2.0
    half = np.hypot(*(b - a).T) / 2.0
    tree = cKDTree(mid)
    d0, _ = tree.query(xy, k=1)
    bound = d0 + half.max() + 1e-9
    npc = len(mid)
    # all pieces whose midpoint is within `bound`: k-nearest queries with growing k (vectorised)
    pis, sjs = [], []
    todo = np.arange(n)
    k = min(8, npc)
    while len(todo):
        bt = bound[todo]
        dk, ik = tree.query(xy[todo], k=k, distance_upper_bound=float(bt.max()))
        dk, ik = dk.reshape(len(todo), k), ik.reshape(len(todo), k)
        done = (k >= npc) | ~(dk[:, -1] <= bt)
        rows = np.flatnonzero(done)
        valid = (ik[rows] < npc) & (dk[rows] <= bt[rows, None])
        pis.append(np.repeat(todo[rows], valid.sum(1)))
        sjs.append(ik[rows][valid])
        todo = todo[~done]
        k = min(k * 4, npc)
    pi = np.concatenate(pis)
    sj = np.concatenate(sjs).astype(np.int64)
    ab = b[sj] - a[sj]
    l2 = (ab * ab).sum(1)
    tt = np.clip(((xy[pi] - a[sj]) * ab).sum(1) / np.where(l2 > 0, l2, 1.0), 0.0, 1.0)
    proj = a[sj] + tt[:, None] * ab
    dd = np.hypot(*(xy[pi] - proj).T)
    order = np.lexsort((sj, dd, pi))
    firsts = order[np.r_[True, pi[order][1:] != pi[order][:-1]]]
    p = pi[firsts]
    j = sj[firsts]
    edge[p] = pe[j]
    dist[p] = dd[firsts]
    pos[p] = poff[j] + tt[firsts] * np.sqrt(l2[firsts])
    pos[p] = np.minimum(pos[p], network.edge_length[edge[p]])
    if max_snap is not None:
        edge[dist > max_snap] = -1
    return Snap(edge, pos, dist)


def _snap_two(
    network: RoadNetwork,
    a_xy: np.ndarray,
    b_xy: np.ndarray,
    open_edges: np.ndarray,
    max_snap: float | None,
) -> tuple[Snap, Snap]:
    """Snap two point sets with one search index."""
    a_xy = np.asarray(a_xy, dtype=float).reshape(-1, 2)
    both = snap_points(
        network,
        np.vstack([a_xy, np.asarray(b_xy, dtype=float).reshape(-1, 2)]),
        open_edges=open_edges,
        max_snap=max_snap,
    )
    k = len(a_xy)
    return (
        Snap(both.edge[:k], both.position[:k], both.distance[:k]),
        Snap(both.edge[k:], both.position[k:], both.distance[k:]),
    )


def _augment(
    network: RoadNetwork, cost: np.ndarray, snaps: list[Snap], connector_cost_per_m: float
) -> tuple[sp.csr_matrix, list[np.ndarray]]:
    """Graph with every snapped point inserted on its edge plus one terminal node per point.

    Returns the graph and, per snap set, the terminal node id per point (-1 if not snapped).
    Terminal nodes hang off the on-edge node by the snap distance × ``connector_cost_per_m``.
    """
    n0 = network.n_nodes
    edge = np.concatenate([s.edge for s in snaps])
    pos = np.concatenate([s.position for s in snaps])
    sdist = np.concatenate([s.distance for s in snaps])
    ok = np.flatnonzero(edge >= 0)
    k = len(ok)
    # on-edge nodes n0 .. n0+k-1 ordered by (edge, position); terminals n0+k .. n0+2k-1
    order = ok[np.lexsort((pos[ok], edge[ok]))]
    e_s, p_s = edge[order], pos[order]
    on_id = n0 + np.arange(k)
    rate = cost[e_s] / np.maximum(network.edge_length[e_s], 1e-300)  # cost per metre on that edge
    first = np.ones(k, dtype=bool)
    first[1:] = e_s[1:] != e_s[:-1]
    last = np.ones(k, dtype=bool)
    last[:-1] = e_s[1:] != e_s[:-1]
    prev_node = np.where(first, network.edge_u[e_s], np.r_[-1, on_id[:-1]])
    prev_pos = np.where(first, 0.0, np.r_[0.0, p_s[:-1]])
    chain_u = [network.edge_u, prev_node, on_id[last]]
    chain_v = [network.edge_v, on_id, network.edge_v[e_s[last]]]
    chain_w = [
        cost,
        (p_s - prev_pos) * rate,
        (network.edge_length[e_s[last]] - p_s[last]) * rate[last],
    ]
    term = n0 + k + np.arange(k)
    chain_u.append(on_id)
    chain_v.append(term)
    chain_w.append(sdist[order] * connector_cost_per_m)
    u = np.concatenate(chain_u)
    v = np.concatenate(chain_v)
    w = np.concatenate(chain_w)
    g = _assemble(u, v, np.maximum(w, 0.0), n0 + 2 * k)
    terminal = np.full(len(edge), -1, dtype=np.int64)
    terminal[order] = term
    out, start = [], 0
    for s in snaps:
        out.append(terminal[start : start + len(s.edge)])
        start += len(s.edge)
    return g, out


def _connector_rate(mode: str | None, connector_speed: float) -> float:
    return 1.0 if mode is None else 60.0 / (connector_speed * 1000.0)


def _points_in(network: RoadNetwork, gdf: gpd.GeoDataFrame, lang: str | None) -> np.ndarray:
    if gdf.crs is not None and network.crs is not None and gdf.crs != network.crs:
        gdf = ensure_metric(gdf, target_crs=network.crs, lang=lang)
    return point_coords(gdf)


def network_nearest(
    network: RoadNetwork,
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    *,
    mode: str | None = "walking",
    speeds: Mapping[str, Mapping[str, float]] | None = None,
    category: str | None = None,
    max_snap: float | None = None,
    connector_speed: float = 4.5,
    lang: str | None = None,
) -> pd.DataFrame:
    """Network distance and travel time to the nearest facility per demand point.

    Parameters
    ----------
    network
        From :func:`build_network`.
    demand, supply
        Points (polygons: centroids); reprojected to the network's CRS if needed.
    mode
        ``"walking"``, ``"cycling"``, ``"driving"`` (or a key of ``speeds``); ``None``:
        distances only.
    speeds
        Speed tables (km/h) overriding :data:`DEFAULT_SPEEDS` per mode.
    category
        Column of ``supply``: nearest facility per category (column suffix ``_<value>``).
    max_snap
        Points farther from the open network are ``ausserhalb_netz`` (``None``: no limit).
    connector_speed
        Speed (km/h) on the straight snap links (walking to/from the road).

    Returns
    -------
    pandas.DataFrame
        Index = demand keys; ``distance_m`` (shortest route incl. snap links),
        ``facility`` (nearest by distance), ``travel_time_min`` and ``facility_time``
        (fastest, if ``mode``), ``snap_m`` and ``status`` (``<NA>``, ``nicht_erreichbar``,
        ``ausserhalb_netz``). Per category, the value columns get a suffix.
    """
    demand, supply, _, _ = prepare_pair(demand, supply, target_crs=network.crs, lang=lang)
    dxy = _points_in(network, demand, lang)
    sxy = _points_in(network, supply, lang)
    if category is not None:
        require_column(supply, category, "Angebot", lang)
        cats = supply[category].astype("string")
        groups = [
            (c, np.flatnonzero((cats == c).fillna(False).to_numpy()))
            for c in sorted(cats.dropna().unique())
        ]
    else:
        groups = [(None, np.arange(len(supply)))]
    weights: list[tuple[str | None, str, str]] = [(None, "distance_m", "facility")]
    if mode is not None:
        weights.append((mode, "travel_time_min", "facility_time"))
    keys = supply.index.to_numpy(dtype=object)
    cols: dict[str, object] = {}
    status = pd.array([pd.NA] * len(demand), dtype="string")
    mode_cost = (
        network.edge_cost(mode, speeds, lang=lang)
        if mode is not None
        else network.edge_length.astype(float)
    )
    open_edges = np.isfinite(mode_cost)
    if not open_edges.any():
        raise InputError(t(_MSG, "no_open_edges", lang, mode=mode))
    # snap to edges open for the travel mode (closed ones would be dead ends)
    ds, ss = _snap_two(network, dxy, sxy, open_edges, max_snap)
    snap_report = ds
    for wmode, dcol, fcol in weights:
        # route lengths use only the roads open for the mode (no car routes over farm tracks)
        cost = mode_cost if wmode is not None else np.where(open_edges, network.edge_length, np.inf)
        rate = _connector_rate(wmode, connector_speed)
        g, (dterm, sterm) = _augment(network, cost, [ds, ss], rate)
        for cat, sel in groups:
            sfx = "" if cat is None else f"_{cat}"
            src = sterm[sel]
            good = src >= 0
            val = np.full(len(demand), np.nan)
            fac = np.full(len(demand), None, dtype=object)
            if good.any():
                dist, _, sources = dijkstra(
                    g, directed=False, indices=src[good], min_only=True, return_predecessors=True
                )
                on = dterm >= 0
                dv = dist[dterm[on]]
                reach = np.isfinite(dv)
                tmp = np.full(on.sum(), np.nan)
                tmp[reach] = dv[reach]
                val[on] = tmp
                term_to_fac = np.full(g.shape[0], -1, dtype=np.int64)
                term_to_fac[src[good]] = sel[good]
                srcs = sources[dterm[on]]
                ftmp = np.full(on.sum(), None, dtype=object)
                ftmp[reach] = keys[term_to_fac[srcs[reach]]]
                fac[on] = ftmp
            cols[f"{dcol}{sfx}"] = val
            cols[f"{fcol}{sfx}"] = pd.array(fac, dtype="string")
    out = pd.DataFrame(cols, index=demand.index)
    out["snap_m"] = snap_report.distance
    off = snap_report.edge < 0
    value_cols = [c for c in out.columns if c.startswith("distance_m")]
    unreach = (~off) & out[value_cols].isna().any(axis=1).to_numpy()
    status[unreach] = STATUS_UNREACHABLE
    status[off] = STATUS_OFF_NETWORK
    out["status"] = status
    if off.any():
        ids = list(out.index[off])
        warnings.warn(
            t(_MSG, "off_network", lang, n=len(ids), d=float(max_snap or 0), ids=format_ids(ids)),
            SozialraumWarning,
            stacklevel=2,
        )
    if unreach.any():
        ids = list(out.index[unreach])
        warnings.warn(
            t(_MSG, "unreachable", lang, n=len(ids), ids=format_ids(ids)),
            SozialraumWarning,
            stacklevel=2,
        )
    return out


def network_cost_pairs(
    network: RoadNetwork,
    demand_xy: np.ndarray,
    supply_xy: np.ndarray,
    max_cost: float,
    *,
    mode: str | None = None,
    speeds: Mapping[str, Mapping[str, float]] | None = None,
    max_snap: float | None = None,
    connector_speed: float = 4.5,
    max_block: int = 10_000_000,
    lang: str | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Snap]:
    """All demand–facility pairs with network cost ``<= max_cost`` (sparse; for 2SFCA).

    Dijkstra runs from blocks of facilities with ``limit=max_cost``; a block holds at
    most ``max_block`` node entries, so no dense matrix beyond that is formed.

    Returns
    -------
    i, j, cost, demand_snap
        Demand index, facility index, cost (metres or minutes) per pair, and the
        demand snapping (``edge == -1``: off the network).
    """
    cost = network.edge_cost(mode, speeds, lang=lang)
    open_edges = np.isfinite(cost)
    ds, ss = _snap_two(network, demand_xy, supply_xy, open_edges, max_snap)
    g, (dterm, sterm) = _augment(network, cost, [ds, ss], _connector_rate(mode, connector_speed))
    d_on = np.flatnonzero(dterm >= 0)
    s_on = np.flatnonzero(sterm >= 0)
    block = max(1, int(max_block // max(g.shape[0], 1)))
    ii, jj, cc = [], [], []
    for start in range(0, len(s_on), block):
        js = s_on[start : start + block]
        dist = dijkstra(g, directed=False, indices=sterm[js], limit=max_cost)
        sub = dist[:, dterm[d_on]]
        r, c = np.nonzero(sub <= max_cost)
        ii.append(d_on[c])
        jj.append(js[r])
        cc.append(sub[r, c])
    if not ii:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), ds
    return np.concatenate(ii), np.concatenate(jj), np.concatenate(cc), ds
