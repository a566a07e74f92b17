"""Weights: neighbour sets against libpysal's lattice builder and brute-force distances;
islands and components reported; subsets re-standardised; bad input named."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from libpysal.weights import lat2W
from scipy.spatial.distance import cdist
from shapely.geometry import box

from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.spatial import as_weights, build_weights


def lattice(nrow: int, ncol: int, island: bool = False) -> gpd.GeoDataFrame:
    """nrow x ncol unit squares (100 m), keys 'r{row}c{col}', row-major like lat2W."""
    geoms, ids = [], []
    for r in range(nrow):
        for c in range(ncol):
            geoms.append(box(c * 100, r * 100, c * 100 + 100, r * 100 + 100))
            ids.append(f"r{r}c{c}")
    if island:
        geoms.append(box(5000, 5000, 5100, 5100))
        ids.append("exklave")
    return gpd.GeoDataFrame(
        {"v": np.arange(len(ids), dtype=float)}, index=pd.Index(ids), geometry=geoms, crs=25832
    )


def neighbour_sets(res) -> dict[str, set[str]]:
    m = res.matrix.tocsr()
    return {
        res.ids[i]: {res.ids[j] for j in m.indices[m.indptr[i] : m.indptr[i + 1]] if j != i}
        for i in range(res.n)
    }


@pytest.mark.parametrize("kind,rook", [("queen", False), ("rook", True)])
def test_contiguity_equals_lattice_reference(kind, rook):
    gdf = lattice(4, 5)
    res = build_weights(gdf, kind)
    ref = lat2W(4, 5, rook=rook)  # ids 0..19 row-major
    ids = list(gdf.index)
    expected = {ids[i]: {ids[j] for j in ref.neighbors[i]} for i in range(20)}
    assert neighbour_sets(res) == expected
    # row-standardised by default: every row sums to 1
    np.testing.assert_allclose(np.asarray(res.w.sparse.sum(axis=1)).ravel(), 1.0)
    assert res.islands == () and res.n_components == 1
    assert list(res.w.id_order) == ids


def test_binary_when_not_row_standardised():
    res = build_weights(lattice(3, 3), "rook", row_standardize=False)
    assert res.w.transform.upper() == "B"
    assert res.w.sparse.sum() == 24  # 12 undirected edges on a 3x3 lattice


def test_island_reported_and_components():
    gdf = lattice(3, 3, island=True)
    with pytest.warns(SozialraumWarning, match="exklave"):
        res = build_weights(gdf, "queen")
    assert res.islands == ("exklave",)
    assert res.n_components == 2
    assert res.cardinalities["exklave"] == 0
    s = res.summary()
    assert "Ohne Nachbarn (1): 'exklave'" in s and "Zusammenhängende Teile: 2" in s
    assert "Without neighbours (1)" in res.summary(lang="en")


def test_island_attached_to_k_nearest():
    gdf = lattice(3, 3, island=True)
    res = build_weights(gdf, "queen", islands="knn", island_k=2)
    assert res.islands == () and res.attached == ("exklave",)
    nb = neighbour_sets(res)
    # nearest by centroid distance: the corner r2c2 (distance from (5050,5050)) then r2c1 / r1c2 tie
    assert "r2c2" in nb["exklave"] and len(nb["exklave"]) == 2
    for other in nb["exklave"]:  # symmetric
        assert "exklave" in nb[other]
    assert res.n_components == 1
    assert "Angebunden" in res.summary()


def test_knn_equals_brute_force():
    rng = np.random.default_rng(3)
    pts = rng.uniform(0, 1000, size=(30, 2))
    gdf = gpd.GeoDataFrame(
        index=pd.Index([f"a{i}" for i in range(30)]),
        geometry=gpd.points_from_xy(pts[:, 0], pts[:, 1]),
        crs=25832,
    )
    res = build_weights(gdf, "knn", k=4)
    d = cdist(pts, pts)
    np.fill_diagonal(d, np.inf)
    nb = neighbour_sets(res)
    for i in range(30):
        assert nb[f"a{i}"] == {f"a{j}" for j in np.argsort(d[i])[:4]}


def test_distance_band_equals_brute_force_and_default_threshold():
    rng = np.random.default_rng(4)
    pts = rng.uniform(0, 1000, size=(40, 2))
    gdf = gpd.GeoDataFrame(
        index=pd.Index([f"a{i}" for i in range(40)]),
        geometry=gpd.points_from_xy(pts[:, 0], pts[:, 1]),
        crs=25832,
    )
    with pytest.warns(SozialraumWarning, match="ohne Nachbarn"):
        res = build_weights(gdf, "distance_band", threshold=150.0)
    d = cdist(pts, pts)
    nb = neighbour_sets(res)
    for i in range(40):
        assert nb[f"a{i}"] == {
            f"a{j}" for j in np.flatnonzero((d[i] <= 150) & (np.arange(40) != i))
        }
    auto = build_weights(gdf, "distance_band")
    np.fill_diagonal(d, np.inf)
    assert auto.params["threshold"] == pytest.approx(d.min(axis=1).max(), rel=1e-6)
    assert auto.islands == ()
    assert "Distanzband bis" in auto.summary() and " m," in auto.summary()


def test_kernel_has_self_weight_and_k_neighbours():
    res = build_weights(lattice(4, 4), "kernel", k=4, row_standardize=False)
    m = res.matrix
    np.testing.assert_allclose(m.diagonal(), 1.0)
    assert (res.cardinalities >= 1).all()


def test_geographic_crs_reprojected_with_warning():
    gdf = lattice(3, 3).to_crs(4326)
    with pytest.warns(SozialraumWarning, match="umprojiziert"):
        res = build_weights(gdf, "knn", k=2)
    assert (res.cardinalities == 2).all()


def test_subset_drops_links_and_restandardises():
    res = build_weights(lattice(1, 3), "rook")  # r0c0 - r0c1 - r0c2
    sub = res.subset(["r0c0", "r0c2"])
    assert set(sub.islands) == {"r0c0", "r0c2"}
    sub2 = res.subset(["r0c1", "r0c2"])
    np.testing.assert_allclose(sub2.w.sparse.toarray(), [[0, 1], [1, 0]])


def test_as_weights_recovers_binary_and_does_not_mutate():
    w = lat2W(3, 3)
    w.transform = "R"
    before = w.sparse.toarray().copy()
    res = as_weights(w)
    assert res.matrix.toarray().sum() == 24  # binary recovered
    np.testing.assert_array_equal(w.sparse.toarray(), before)
    assert res.ids == tuple(str(i) for i in range(9))


def test_errors_name_ids():
    gdf = lattice(2, 2)
    dup = gdf.copy()
    dup.index = pd.Index(["a", "a", "b", "c"])
    with pytest.raises(InputError, match="'a'") as ei:
        build_weights(dup)
    assert ei.value.ids == ["a"]
    empty = gdf.copy()
    empty.loc["r0c1", "geometry"] = None
    with pytest.raises(InputError, match="r0c1"):
        build_weights(empty)
    with pytest.raises(InputError, match="hexagon"):
        build_weights(gdf, "hexagon")
    with pytest.raises(InputError, match="k = 9"):
        build_weights(gdf, "knn", k=9)
    with pytest.raises(InputError, match="GeoDataFrame"):
        build_weights(pd.DataFrame({"a": [1, 2]}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_weights(gdf)  # no warning without islands


def test_as_weights_accepts_libpysal_graph():
    from libpysal.graph import Graph

    gdf = lattice(3, 4)
    graph = Graph.build_contiguity(gdf, rook=True).transform("r")
    res = as_weights(graph)
    ref = build_weights(gdf, "rook")
    assert res.ids == ref.ids
    assert neighbour_sets(res) == neighbour_sets(ref)
    np.testing.assert_allclose(res.w.sparse.toarray(), ref.w.sparse.toarray())
