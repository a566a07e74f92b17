"""Population-weighted centroids and demand points, checked by hand and against geopandas."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from raster_helpers import voronoi_partition, write_raster

from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.raster import demand_points, weighted_centroids


@pytest.fixture
def small(tmp_path):
    # 4 x 4 raster, 100 m cells, origin (1000, 2400) upper-left, EPSG:25832
    data = np.zeros((4, 4))
    data[0, 0] = 3.0  # centre (1050, 2350)
    data[3, 3] = 1.0  # centre (1350, 2050)
    data[1, 2] = -1  # nodata
    path = write_raster(
        tmp_path / "p.tif", data, x0=1000, y1=2400, res=100, crs="EPSG:25832", nodata=-1
    )
    return path


def test_weighted_centroid_by_hand(small):
    areas = gpd.GeoDataFrame(
        geometry=[shapely.box(1000, 2000, 1400, 2400), shapely.box(1100, 2100, 1300, 2300)],
        index=["ganz", "leer"],
        crs="EPSG:25832",
    )
    with pytest.warns(SozialraumWarning, match="leer"):
        c = weighted_centroids(areas, small)
    # (3 * (1050, 2350) + 1 * (1350, 2050)) / 4
    assert c.loc["ganz", "weight"] == 4
    assert c.geometry["ganz"].x == pytest.approx(1125.0)
    assert c.geometry["ganz"].y == pytest.approx(2275.0)
    assert not c.loc["ganz", "fallback"]
    assert c.loc["leer", "fallback"]
    assert c.geometry["leer"].within(areas.geometry["leer"])
    # coverage: the left half of the cell with weight 3 only
    half = gpd.GeoDataFrame(
        geometry=[shapely.box(1000, 2300, 1050, 2400)], index=["h"], crs="EPSG:25832"
    )
    ch = weighted_centroids(half, small, method="coverage")
    assert ch.loc["h", "weight"] == pytest.approx(1.5)
    assert ch.geometry["h"].x == pytest.approx(1050.0)  # cell centre, weighted by coverage


def test_centroid_crs_roundtrip(pop_raster):
    areas = voronoi_partition(pop_raster["bounds"], 12, seed=5, crs="EPSG:25833")
    c_native = weighted_centroids(areas, pop_raster["path"])
    c_4326 = weighted_centroids(areas.to_crs("EPSG:4326"), pop_raster["path"])
    assert c_4326.crs.to_epsg() == 4326
    back = c_4326.to_crs("EPSG:25833")
    np.testing.assert_allclose(back.geometry.x, c_native.geometry.x, atol=1e-3)
    np.testing.assert_allclose(back.geometry.y, c_native.geometry.y, atol=1e-3)
    # independent reference: weighted mean of cell centres with numpy
    data = pop_raster["data"].astype(float)
    x0, _, _, y1 = pop_raster["bounds"]
    rows, cols = np.nonzero(data > 0)
    pts = gpd.GeoDataFrame(
        {"w": data[rows, cols]},
        geometry=gpd.points_from_xy(x0 + (cols + 0.5) * 100, y1 - (rows + 0.5) * 100),
        crs="EPSG:25833",
    )
    j = gpd.sjoin(pts, areas, predicate="within")
    wx = (j["w"] * j.geometry.x).groupby(j["index_right"]).sum() / j.groupby("index_right")[
        "w"
    ].sum()
    np.testing.assert_allclose(c_native.loc[wx.index].geometry.x, wx, rtol=1e-12)


def test_negative_weights_rejected(tmp_path):
    path = write_raster(
        tmp_path / "n.tif", -np.ones((3, 3)), x0=0, y1=30, res=10, crs="EPSG:25832", nodata=-9
    )
    areas = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 30, 30)], index=["a"], crs="EPSG:25832")
    with pytest.raises(InputError, match="negativ"):
        weighted_centroids(areas, path)


def test_demand_points_zensus_ids(tmp_path):
    data = np.array([[0, 5], [2, -1]], dtype="float32")
    path = write_raster(
        tmp_path / "z.tif", data, x0=4337000, y1=2689200, res=100, crs="EPSG:3035", nodata=-1
    )
    pts = demand_points(path)
    assert sorted(pts.index) == ["CRS3035RES100mN2689000E4337000", "CRS3035RES100mN2689100E4337100"]
    assert pts.loc["CRS3035RES100mN2689100E4337100", "demand"] == 5
    assert pts.geometry["CRS3035RES100mN2689100E4337100"].coords[0] == (4337150, 2689150)
    assert pts["demand"].sum() == 7


def test_demand_points_with_areas_match_sjoin(pop_raster):
    areas = voronoi_partition(pop_raster["bounds"], 9, seed=2, crs="EPSG:25833").to_crs("EPSG:4326")
    pts = demand_points(pop_raster["path"], areas=areas, column="einwohner", window_size=32)
    assert pts.crs.to_epsg() == 4326
    data = pop_raster["data"]
    assert pts["einwohner"].sum() == pytest.approx(data[data > 0].sum())
    assert pts.index.is_unique
    # reference: point-in-polygon with geopandas on the areas' own CRS
    ref = gpd.sjoin(pts[["geometry"]], areas[["geometry"]], predicate="within")
    agree = (ref["index_right"].astype(str) == pts.loc[ref.index, "area"].astype(str)).mean()
    assert agree > 0.999  # cell centres on a reprojected boundary may differ by rounding
    full = demand_points(pop_raster["path"], min_value=-0.5)
    assert len(full) == int((data >= 0).sum())  # zeros kept with min_value < 0, nodata never
