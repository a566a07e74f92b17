"""Distance / travel-time surfaces and rasterised indicators, against brute force."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from raster_helpers import voronoi_partition, write_raster

from sozialraum.errors import InputError
from sozialraum.raster import distance_surface, grid_spec, rasterize_indicator, travel_time_surface


def _centres(src):
    rows, cols = np.mgrid[0 : src.height, 0 : src.width]
    tf = src.transform
    return tf.c + (cols + 0.5) * tf.a, tf.f + (rows + 0.5) * tf.e


def _check_qgis_ready(src):
    assert src.compression.name == "deflate"
    assert src.overviews(1), "no overviews"
    assert src.profile.get("tiled") or src.width < 256 or src.height < 256
    assert src.nodata is not None


@pytest.fixture
def kitas():
    rng = np.random.default_rng(7)
    x = rng.uniform(400000, 430000, 15)
    y = rng.uniform(5800000, 5830000, 15)
    return gpd.GeoDataFrame(
        {"name": [f"Kita {i}" for i in range(15)]},
        geometry=gpd.points_from_xy(x, y),
        crs="EPSG:25833",
    )


def test_distance_surface_brute_force(tmp_path, kitas):
    bounds = (400000, 5800000, 430000, 5830000)
    out = distance_surface(kitas, tmp_path / "d.tif", bounds=bounds, resolution=50)
    with rasterio.open(out) as src:
        assert (src.width, src.height) == (600, 600)
        _check_qgis_ready(src)
        assert src.tags()["unit"] == "m"
        arr = src.read(1)
        xs, ys = _centres(src)
    kx, ky = kitas.geometry.x.to_numpy(), kitas.geometry.y.to_numpy()
    ref = np.full(arr.shape, np.inf)
    for a, b in zip(kx, ky, strict=True):  # brute force, independent of the k-d tree
        ref = np.minimum(ref, np.hypot(xs - a, ys - b))
    np.testing.assert_allclose(arr, ref, rtol=1e-6)  # stored as float32


def test_travel_time_speed_and_max_distance(tmp_path, kitas):
    tmpl = write_raster(
        tmp_path / "t.tif",
        np.zeros((60, 60), dtype="float32"),
        x0=400000,
        y1=5830000,
        res=500,
        crs="EPSG:25833",
    )
    d = distance_surface(kitas.to_crs("EPSG:4326"), tmp_path / "d.tif", template=tmpl)
    tt = distance_surface(
        kitas, tmp_path / "tt.tif", template=tmpl, speed_kmh=4.5, max_distance=3000
    )
    with rasterio.open(d) as a, rasterio.open(tt) as b:
        assert a.crs == b.crs and a.transform == b.transform
        dist, time = a.read(1), b.read(1)
        assert b.tags()["unit"] == "min"
        near = dist <= 2999
        # 4.5 km/h = 75 m per minute
        np.testing.assert_allclose(
            time[near], dist[near] / 75.0, rtol=2e-3
        )  # 4326 roundtrip tolerance
        assert (time[dist > 3001] == b.nodata).all()


def test_travel_time_surface_from_points(tmp_path):
    tmpl = write_raster(
        tmp_path / "t.tif",
        np.zeros((3, 4), dtype="float32"),
        x0=0,
        y1=300,
        res=100,
        crs="EPSG:25832",
    )
    pts = gpd.GeoDataFrame(
        {"minuten": [5.0, 7.5, np.nan]},
        geometry=gpd.points_from_xy([50, 260, 150], [250, 30, 150]),
        crs="EPSG:25832",
    )
    out = travel_time_surface(pts, "minuten", tmp_path / "tt.tif", template=tmpl)
    with rasterio.open(out) as src:
        arr = src.read(1)
        nd = src.nodata
        _check_qgis_ready(src)
    expected = np.full((3, 4), nd, dtype="float32")
    expected[0, 0] = 5.0
    expected[2, 2] = 7.5  # (260, 30) lies in row 2, col 2
    np.testing.assert_array_equal(arr, expected)


def test_rasterize_indicator_values_and_nan(tmp_path):
    areas = voronoi_partition((390000, 5810000, 400000, 5820000), 8, seed=1, crs="EPSG:25833")
    areas["quote"] = np.arange(8, dtype=float) * 1.5
    areas.loc["a3", "quote"] = np.nan
    out = rasterize_indicator(
        areas.to_crs("EPSG:4326"), "quote", tmp_path / "q.tif", resolution=100, crs="EPSG:25833"
    )
    with rasterio.open(out) as src:
        _check_qgis_ready(src)
        pts = areas.geometry.representative_point()
        vals = np.array([v[0] for v in src.sample(list(zip(pts.x, pts.y, strict=True)))])
        nd = src.nodata
    exp = areas["quote"].fillna(nd).to_numpy()
    np.testing.assert_allclose(vals, exp, rtol=1e-6)


def test_errors(tmp_path, kitas):
    with pytest.raises(InputError, match="template"):
        grid_spec()
    with pytest.raises(InputError, match="geografisch"):
        distance_surface(
            kitas.to_crs(4326), tmp_path / "x.tif", bounds=(5, 50, 6, 51), crs="EPSG:4326"
        )
    with pytest.raises(InputError, match="Spalte"):
        travel_time_surface(kitas, "zeit", tmp_path / "x.tif", bounds=kitas)
    with pytest.raises(InputError, match="speed_kmh"):
        distance_surface(kitas, tmp_path / "x.tif", bounds=kitas, speed_kmh=0)


def test_grid_snapped_to_resolution(kitas):
    g = grid_spec(bounds=(4337020, 2689130, 4337390, 2689260), resolution=100, crs="EPSG:3035")
    assert (g.transform.c, g.transform.f, g.width, g.height) == (4337000, 2689300, 4, 2)
    assert shapely.box(4337020, 2689130, 4337390, 2689260).within(
        shapely.box(
            g.transform.c,
            g.transform.f - g.height * 100,
            g.transform.c + g.width * 100,
            g.transform.f,
        )
    )
