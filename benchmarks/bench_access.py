"""Benchmarks of the access room (straight-line, 2SFCA, road network).

Lines (all timings are end to end from GeoDataFrames/arrays, best of ``REPEAT`` runs,
peers measured in the same process on the same data):

* ``2sfca-10000x500`` (random points, 3 km) and ``2sfca-160000x2000-grid`` (100 m grid cells,
  5 km catchment, ~16 million pairs; larger sizes make ``access`` need many GB of memory):
  ``two_step_fca`` end to end from GeoDataFrames vs ``access.Access.two_stage_fca`` fed with the
  within-catchment pairs from a KD-tree (its cheapest possible input, included in its time).
* ``2sfca-250000x2000``: 250,000 demand cells of a 100 m grid (50 × 50 km) × 2,000 facilities,
  10 km catchment; ours vs the plain sparse route (all KD-tree pairs + ``bincount``); peak memory.
* ``2sfca-national``: about 3 million populated 100 m cells clustered like Germany's
  (Zensus scale) × 50,000 facilities, 5 km catchment: time and peak memory of ``fca_points``,
  checked against 2SFCA from explicit KD-tree pairs on a sample of 300 cells.
* ``nearest-100000x500`` and ``nearest-1000000x10000``: ``nearest_xy`` (cKDTree) vs sklearn ``BallTree``.
* ``network-grid-40000``: road grid of 200 × 200 junctions (100 m, 79,600 lines), 20,000 demand
  points, 100 facilities: ``network_nearest`` (snapping, graph, multi-source Dijkstra; length) vs
  networkx (graph from the same edge list + ``multi_source_dijkstra_path_length``). The time of
  ``build_network`` (noding the lines) is printed on its own line.
"""

from __future__ import annotations

import gc
import os
import time
import tracemalloc
import warnings

import numpy as np

REPEAT = int(os.environ.get("BENCH_REPEAT", "2"))


def _best(fn, repeat: int = REPEAT) -> float:
    best = np.inf
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _peak_mb(fn) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def _line(name: str, ours: float, peer: str, theirs: float) -> None:
    print(
        f"bench {name}: ours {ours:.3f} s, {peer} {theirs:.3f} s, ratio {theirs / ours:.1f}",
        flush=True,
    )


def _points(xy, prefix, **cols):
    import geopandas as gpd
    import shapely

    return gpd.GeoDataFrame(
        cols,
        geometry=shapely.points(xy),
        crs="EPSG:25832",
        index=[f"{prefix}{i}" for i in range(len(xy))],
    )


def bench_2sfca_vs_access(
    n: int, m: int, extent: float, max_cost: float, seed: int = 0, grid: bool = False
) -> None:
    import pandas as pd
    from scipy.spatial import cKDTree

    from access import Access
    from sozialraum.access import two_step_fca

    rng = np.random.default_rng(seed)
    if grid:  # cells of a regular grid (a population raster), n = side²
        side = int(round(np.sqrt(n)))
        g = (np.arange(side) + 0.5) * extent / side
        x, y = np.meshgrid(g, g)
        dxy = np.c_[x.ravel(), y.ravel()]
        n = len(dxy)
    else:
        dxy = rng.uniform(0, extent, (n, 2))
    sxy = rng.uniform(0, extent, (m, 2))
    pop = rng.poisson(5, n).astype(float)
    cap = rng.integers(20, 150, m).astype(float)
    dem = _points(dxy, "d", kinder=pop)
    sup = _points(sxy, "s", plaetze=cap)

    def ours():
        return two_step_fca(dem, sup, "kinder", "plaetze", max_cost)

    def peer():
        pairs = cKDTree(dxy).sparse_distance_matrix(cKDTree(sxy), max_cost, output_type="ndarray")
        cost = pd.DataFrame(
            {
                "origin": dem.index.to_numpy()[pairs["i"]],
                "dest": sup.index.to_numpy()[pairs["j"]],
                "cost": pairs["v"],
            }
        )
        a = Access(
            demand_df=pd.DataFrame({"geoid": dem.index, "pop": pop}),
            demand_index="geoid",
            demand_value="pop",
            supply_df=pd.DataFrame({"geoid": sup.index, "cap": cap}),
            supply_index="geoid",
            supply_value="cap",
            cost_df=cost,
            cost_origin="origin",
            cost_dest="dest",
            cost_name="cost",
        )
        return a.two_stage_fca(name="x", max_cost=max_cost)["x_cap"]

    a = ours().frame["versorgung"] / 100
    b = peer().reindex(dem.index).fillna(0.0)
    assert np.allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9, atol=0), "results differ"
    _line(f"2sfca-{n}x{m}{'-grid' if grid else ''}", _best(ours), "access", _best(peer, 1))


def bench_2sfca_large(n_side: int = 500, m: int = 2000, max_cost: float = 10_000.0) -> None:
    from sozialraum.access import catchment_pairs, fca_arrays, fca_points

    g = np.arange(n_side) * 100.0 + 50.0
    x, y = np.meshgrid(g, g)
    dxy = np.c_[x.ravel(), y.ravel()]
    rng = np.random.default_rng(1)
    pop = rng.poisson(3, len(dxy)).astype(float)
    sxy = rng.uniform(0, n_side * 100.0, (m, 2))
    cap = rng.integers(20, 150, m).astype(float)

    def ours():
        return fca_points(dxy, sxy, pop, cap, max_cost)

    def peer():
        i, j, d = catchment_pairs(dxy, sxy, max_cost)
        return fca_arrays(i, j, np.ones_like(d), pop, cap)

    a, b = ours()[0], peer()[0]
    assert np.allclose(a, b, rtol=1e-9), "results differ"
    name = f"2sfca-{len(dxy)}x{m}"
    _line(name, _best(ours), "kdtree-pairs", _best(peer, 1))
    print(
        f"bench {name}: peak memory {_peak_mb(ours):.0f} MB (kdtree-pairs {_peak_mb(peer):.0f} MB)",
        flush=True,
    )


def _zensus_like(n_cells: int, m: int, seed: int = 7):
    """Populated 100 m cells clustered like Germany's (Zensus scale) and facilities near people.

    A national extent of 640 × 870 km; 4,000 settlements with Pareto-distributed sizes
    (a few cities, many villages); cells drawn around them and snapped to the 100 m grid.
    """
    rng = np.random.default_rng(seed)
    width, height, k = 640_000.0, 870_000.0, 4000
    centres = rng.uniform([0, 0], [width, height], (k, 2))
    size = rng.pareto(1.2, k) + 1.0
    spread = 800.0 * np.sqrt(size)
    nx = int(width // 100)
    c = rng.choice(k, int(n_cells * 1.6), p=size / size.sum())
    pts = centres[c] + rng.normal(0, 1, (len(c), 2)) * spread[c, None]
    pts = np.clip(pts, 0, [width - 1, height - 1])
    ij = (pts // 100).astype(np.int64)
    cells = np.unique(ij[:, 1] * nx + ij[:, 0])
    cells = rng.permutation(cells)[:n_cells]
    xy = np.c_[(cells % nx) * 100.0 + 50.0, (cells // nx) * 100.0 + 50.0]
    pop = rng.gamma(1.5, 18.0, len(xy)).round() + 1
    fac = xy[rng.choice(len(xy), m, p=pop / pop.sum())] + rng.uniform(-50, 50, (m, 2))
    return xy, pop, fac, rng.integers(20, 150, m).astype(float)


class _RssPeak:
    """Peak resident memory above the start, sampled every 10 ms (tracemalloc would slow numpy)."""

    def __enter__(self):
        import threading

        self._base = self._rss()
        self._top = self._base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _watch(self):
        while not self._stop.wait(0.01):
            self._top = max(self._top, self._rss())

    @property
    def peak_gb(self) -> float:
        return (self._top - self._base) / 1e9


def _fca_reference(xy, pop, fac, cap, max_cost, sample):
    """2SFCA of the ``sample`` cells from explicit pairs (KD-tree balls, no tiles)."""
    from scipy.spatial import cKDTree

    reach = cKDTree(fac).query_ball_point(xy[sample], max_cost)
    used = np.unique(np.fromiter((j for r in reach for j in r), dtype=np.int64))
    pairs = cKDTree(xy).sparse_distance_matrix(cKDTree(fac[used]), max_cost, output_type="ndarray")
    cdem = np.bincount(pairs["j"], weights=pop[pairs["i"]], minlength=len(used))
    ratio = dict(zip(used.tolist(), (cap[used] / cdem).tolist(), strict=True))
    return np.array([sum(ratio[j] for j in r) for r in reach])


def bench_2sfca_national(n_cells: int = 3_000_000, m: int = 50_000, max_cost: float = 5_000.0):
    """``2sfca-national``: Zensus-scale demand × 50,000 facilities, 5 km; time and peak memory."""
    from sozialraum.access import fca_points

    xy, pop, fac, cap = _zensus_like(n_cells, m)
    gc.collect()
    with _RssPeak() as mem:
        t0 = time.perf_counter()
        acc = fca_points(xy, fac, pop, cap, max_cost)[0]
        secs = time.perf_counter() - t0
    peak = mem.peak_gb
    sample = np.random.default_rng(3).choice(len(xy), 300, replace=False)
    ref = _fca_reference(xy, pop, fac, cap, max_cost, sample)
    assert np.allclose(acc[sample], ref, rtol=1e-9, atol=0), (
        "results differ from the pair reference"
    )
    print(
        f"bench 2sfca-national: {len(xy):,} cells x {m:,} facilities, 5 km: ours {secs:.1f} s, "
        f"peak {peak:.2f} GB (targets 20 s, 4 GB); equal to the pair reference on 300 cells",
        flush=True,
    )


def bench_nearest(n: int, m: int) -> None:
    from sklearn.neighbors import BallTree

    from sozialraum.access import nearest_xy

    rng = np.random.default_rng(2)
    dxy = rng.uniform(0, 50_000, (n, 2))
    sxy = rng.uniform(0, 50_000, (m, 2))

    def ours():
        return nearest_xy(dxy, sxy, 1)

    def peer():
        return BallTree(sxy).query(dxy, k=1)

    a, b = ours()[0][:, 0], peer()[0][:, 0]
    assert np.allclose(a, b, rtol=1e-9)
    name = f"nearest-{n}x{m}"
    _line(name, _best(ours), "sklearn-BallTree", _best(peer, 1))
    print(f"bench {name}: peak memory {_peak_mb(ours):.0f} MB", flush=True)


def bench_network(side: int = 200, n_demand: int = 20_000, n_supply: int = 100) -> None:
    import geopandas as gpd
    import networkx as nx
    import shapely

    from sozialraum.access import build_network, network_nearest

    c = np.arange(side) * 100.0
    # one line per block side, as road layers split at junctions; three road classes
    a, b = np.meshgrid(c[:-1], c)
    seg = np.r_[
        np.c_[a.ravel(), b.ravel(), a.ravel() + 100.0, b.ravel()],
        np.c_[b.ravel(), a.ravel(), b.ravel(), a.ravel() + 100.0],
    ]
    lines = shapely.linestrings(seg.reshape(-1, 2, 2))
    klasse = np.array(["Gemeindestrasse", "Landstrasse", "Bundesstrasse"])[
        np.arange(len(lines)) % 3
    ]
    roads = gpd.GeoDataFrame({"klasse": klasse}, geometry=lines, crs="EPSG:25832")
    rng = np.random.default_rng(3)
    # points on junctions, so both sides compute the same quantity
    dxy = c[rng.integers(0, side, (n_demand, 2))]
    sxy = c[rng.integers(0, side, (n_supply, 2))]
    dem, sup = _points(dxy, "d"), _points(sxy, "s")
    net = build_network(roads)

    def ours():  # from the built network, as networkx starts from the edge list
        return network_nearest(net, dem, sup, mode=None, max_snap=1.0)

    def peer():
        g = nx.Graph()
        g.add_weighted_edges_from(
            zip(net.edge_u.tolist(), net.edge_v.tolist(), net.edge_length.tolist(), strict=False)
        )
        node_of = {tuple(p): k for k, p in enumerate(np.round(net.node_xy, 3))}
        src = [node_of[tuple(p)] for p in np.round(sxy, 3)]
        dist = nx.multi_source_dijkstra_path_length(g, src)
        return np.array([dist[node_of[tuple(p)]] for p in np.round(dxy, 3)])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = ours()["distance_m"].to_numpy()
    b = peer()
    assert np.allclose(a, b, rtol=1e-9, atol=1e-6), "results differ"
    _line(f"network-grid-{side * side}", _best(ours), "networkx", _best(peer, 1))
    t_build = _best(lambda: build_network(roads), 1)
    print(
        f"bench network-grid-{side * side}: build_network (noding {len(roads)} lines) {t_build:.3f} s",
        flush=True,
    )


def main() -> None:
    warnings.simplefilter("ignore")
    bench_2sfca_vs_access(10_000, 500, 20_000.0, 3_000.0)
    # 400 x 400 cells of 100 m, 2,000 facilities, 5 km: ~16 million pairs, access needs ~15 s here
    bench_2sfca_vs_access(
        int(os.environ.get("BENCH_ACCESS_N", "160000")), 2000, 40_000.0, 5_000.0, grid=True
    )
    bench_2sfca_large()
    bench_2sfca_national(int(os.environ.get("BENCH_NATIONAL_N", "3000000")))
    bench_nearest(100_000, 500)
    bench_nearest(1_000_000, 10_000)
    bench_network()


if __name__ == "__main__":
    main()
