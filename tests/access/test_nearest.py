"""Straight-line nearest / k-th nearest / counts against brute-force numpy; CRS handling."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
import shapely

from sozialraum.access import count_within, measure, nearest
from sozialraum.core.crs import ensure_metric
from sozialraum.errors import InputError, SozialraumWarning


def _pts(xy, crs="EPSG:25832", prefix="p", **cols):
    return gpd.GeoDataFrame(
        cols, geometry=shapely.points(xy), crs=crs, index=[f"{prefix}{i}" for i in range(len(xy))]
    )


@pytest.fixture
def layers():
    rng = np.random.default_rng(7)
    dxy = rng.uniform(0, 10_000, (400, 2))
    sxy = rng.uniform(0, 10_000, (25, 2))
    cat = np.array(["Grundschule", "Hausarzt", "Kita"])[rng.integers(0, 3, 25)]
    cap = rng.integers(5, 100, 25).astype(float)
    return dxy, sxy, _pts(dxy, prefix="d"), _pts(sxy, prefix="s", kategorie=cat, kapazitaet=cap)


def _brute(dxy, sxy):
    return np.sqrt(((dxy[:, None, :] - sxy[None, :, :]) ** 2).sum(-1))


def test_k_nearest_equals_brute_force(layers):
    dxy, sxy, dem, sup = layers
    full = _brute(dxy, sxy)
    res = nearest(dem, sup, k=3)
    ref = np.sort(full, axis=1)[:, :3]
    for j in range(3):
        np.testing.assert_allclose(res[f"distance_{j + 1}"], ref[:, j], rtol=1e-12)
    # facility ids point to facilities at that distance
    fid = sup.index.get_indexer(res["facility_1"].to_numpy(dtype=object))
    np.testing.assert_allclose(full[np.arange(len(dxy)), fid], ref[:, 0], rtol=1e-12)


def test_nearest_per_category_and_missing_kth(layers):
    dxy, sxy, dem, sup = layers
    full = _brute(dxy, sxy)
    n_cat = sup["kategorie"].value_counts()
    kmax = int(n_cat.max()) + 1
    res = nearest(dem, sup, k=kmax, category="kategorie")
    for cat in n_cat.index:
        sel = (sup["kategorie"] == cat).to_numpy()
        ref = np.sort(full[:, sel], axis=1)
        for j in range(kmax):
            col = res[f"distance_{j + 1}_{cat}"]
            if j < sel.sum():
                np.testing.assert_allclose(col, ref[:, j], rtol=1e-12)
            else:  # fewer facilities than k: NaN, not a made-up distance
                assert col.isna().all() and res[f"facility_{j + 1}_{cat}"].isna().all()


def test_counts_within_radius_equal_brute_force(layers):
    dxy, sxy, dem, sup = layers
    full = _brute(dxy, sxy)
    res = count_within(dem, sup, [500.0, 2000.0], capacity="kapazitaet")
    for r in (500.0, 2000.0):
        inside = full <= r
        np.testing.assert_array_equal(res[f"count_{r:g}"], inside.sum(1))
        np.testing.assert_allclose(res[f"capacity_{r:g}"], inside @ sup["kapazitaet"].to_numpy())
    assert res["count_2000"].sum() > res["count_500"].sum() > 0


def test_polygons_use_centroids():
    sq = [shapely.box(0, 0, 100, 100), shapely.box(1000, 0, 1200, 200)]
    areas = gpd.GeoDataFrame(geometry=sq, crs=25832, index=["A", "B"])
    sup = _pts([(50, 150)], prefix="k")
    res = nearest(areas, sup)
    np.testing.assert_allclose(res["distance_1"], [100.0, np.hypot(1100 - 50, 100 - 150)])


def test_geographic_crs_reprojected_with_warning_or_refused():
    # two points ~ 1 km apart in Berlin, given in degrees
    dem = gpd.GeoDataFrame(geometry=shapely.points([(13.4, 52.5)]), crs=4326, index=["a"])
    sup = gpd.GeoDataFrame(geometry=shapely.points([(13.4, 52.509)]), crs=4326, index=["k"])
    with pytest.warns(SozialraumWarning, match="geographisch"):
        res = nearest(dem, sup)
    # 0.009° latitude ≈ 1001 m (never 0.009)
    assert 990 < res["distance_1"].iloc[0] < 1010
    with pytest.raises(InputError, match="Grad"):
        nearest(dem, sup, reproject=False)
    with pytest.raises(InputError, match="degrees"):
        nearest(dem, sup, reproject=False, lang="en")
    nocrs = gpd.GeoDataFrame(geometry=shapely.points([(0, 0)]))
    with pytest.raises(InputError, match="kein Koordinatensystem"):
        ensure_metric(nocrs)


def test_mixed_crs_aligned_to_demand():
    dem = _pts([(390000.0, 5820000.0)], crs=25833)
    sup = _pts([(390000.0, 5821000.0)], crs=25833).to_crs(25832)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # both metric: no warning
        res = nearest(dem, sup)
    np.testing.assert_allclose(res["distance_1"], 1000.0, atol=1e-3)


def test_empty_geometry_refused():
    dem = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0), None], crs=25832, index=["a", "b"])
    sup = _pts([(1, 1)])
    with pytest.raises(InputError, match="'b'"):
        nearest(dem, sup)


def test_measure_share_within_per_area(layers):
    dxy, sxy, dem, sup = layers
    dem = dem.assign(
        kinder=np.arange(len(dem), dtype=float) % 7, sr=np.where(dxy[:, 0] < 5000, "W", "O")
    )
    res = measure(dem, sup, "nearest", demand_col="kinder", area="sr", threshold=1000.0)
    d = _brute(dxy, sxy).min(1)
    for key in ("W", "O"):
        sel = (dem["sr"] == key).to_numpy()
        p = dem["kinder"].to_numpy()[sel]
        np.testing.assert_allclose(
            res.areas.loc[key, "anteil_innerhalb"], 100 * p[d[sel] <= 1000].sum() / p.sum()
        )
        np.testing.assert_allclose(
            res.areas.loc[key, "mittel_gewichtet"], (p * d[sel]).sum() / p.sum()
        )
