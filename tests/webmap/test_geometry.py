"""Coverage simplification keeps shared edges; rounding; no area is lost."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from sozialraum.errors import InputError
from sozialraum.webmap.geometry import decimals_for, prepare_geometries, simplify_coverage


def _two_wiggly_neighbours() -> np.ndarray:
    # a shared edge x≈500 with many small zig-zags (±3 m)
    ys = np.linspace(0, 1000, 201)
    xs = 500 + 3 * np.where(np.arange(201) % 2 == 0, 1, -1)
    xs[0] = xs[-1] = 500
    edge = list(zip(xs, ys, strict=True))
    left = Polygon([(0, 0)] + edge + [(0, 1000)])
    right = Polygon([(1000, 0)] + edge + [(1000, 1000)])
    return np.array([left, right], dtype=object)


@pytest.mark.skipif(not hasattr(shapely, "coverage_simplify"), reason="shapely < 2.1")
def test_coverage_simplification_keeps_neighbours_together():
    geoms = _two_wiggly_neighbours()
    out, method = simplify_coverage(geoms, 20.0)
    assert method == "coverage"
    assert shapely.get_num_coordinates(out).sum() < shapely.get_num_coordinates(geoms).sum() / 5
    # no gap and no overlap: the two still tile the square exactly
    assert shapely.intersection(out[0], out[1]).area == pytest.approx(0.0, abs=1e-6)
    assert shapely.union(out[0], out[1]).area == pytest.approx(1_000_000.0, rel=1e-9)
    # per-polygon simplification (the naive way) does open gaps or overlaps here
    naive = shapely.simplify(geoms, 20.0)
    assert (
        abs(shapely.union(naive[0], naive[1]).area - 1_000_000.0) > 1
        or shapely.intersection(naive[0], naive[1]).area > 1
    )


def test_rounding_and_wgs84_output():
    g = gpd.GeoDataFrame(geometry=[box(390_000, 5_815_000, 391_000, 5_816_000)], crs="EPSG:25833")
    texts, params = prepare_geometries(g, tolerance_m=0, decimals=4)
    coords = np.array(json.loads(texts[0])["coordinates"][0])
    assert params.decimals == 4 and params.method == "none"
    assert np.allclose(coords, np.round(coords, 4))
    # EPSG:25833 (390000, 5815000) is about 13.4°E, 52.5°N
    assert 13.3 < coords[:, 0].min() < 13.5 and 52.4 < coords[:, 1].min() < 52.6


def test_decimals_for_tolerance():
    assert decimals_for(2.0) == 5  # 1e-5° ≈ 1.1 m
    assert decimals_for(200.0) == 4
    assert decimals_for(0.1) == 6


def test_tiny_area_is_never_dropped():
    big = box(0, 0, 10_000, 10_000)
    tiny = box(10_000, 0, 10_001, 1)  # 1 m², would vanish at 50 m tolerance
    g = gpd.GeoDataFrame(geometry=[big, tiny], crs="EPSG:25833")
    texts, _ = prepare_geometries(g, tolerance_m=50)
    assert len(texts) == 2
    assert all(json.loads(t)["coordinates"] for t in texts)


def test_missing_geometry_is_an_error():
    g = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), None], crs="EPSG:25833", index=["a", "b"])
    with pytest.raises(InputError, match="'b'"):
        prepare_geometries(g)
    with pytest.raises(InputError, match="CRS"):
        prepare_geometries(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]))


@pytest.mark.skipif(not hasattr(shapely, "coverage_simplify"), reason="shapely < 2.1")
def test_musterland_stays_a_valid_coverage(musterland):
    path = musterland["boundaries"]
    if not path.exists():
        pytest.skip(f"{path} not built yet")
    sr = gpd.read_file(path, layer="sozialraeume")
    metric = np.asarray(sr.geometry.values, dtype=object)
    assert shapely.coverage_is_valid(metric)  # the shipped data are a clean coverage
    out, method = simplify_coverage(metric, 25.0)
    assert method == "coverage" and len(out) == len(sr)
    assert shapely.coverage_is_valid(out)  # neighbours still meet, nothing overlaps
    assert shapely.get_num_coordinates(out).sum() < shapely.get_num_coordinates(metric).sum()
    total = shapely.union_all(metric).area
    assert shapely.union_all(out).area == pytest.approx(total, rel=0.01)
