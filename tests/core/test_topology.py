"""Shared arcs and quantised coordinates (core.topology) against hand cases and shapely."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Polygon, box, shape

from sozialraum.core.topology import decode, encode, is_encoded, polyline_decode, polyline_encode

ROOT = Path(__file__).resolve().parents[2]


def _decoded(enc):
    return [shape(f["geometry"]) for f in decode(enc)["features"]]


def test_polyline_matches_the_published_example():
    """Google's documented example: (38.5, -120.2), (40.7, -120.95), (43.252, -126.453)."""
    steps = np.array([3850000, -12020000, 220000, -75000, 255200, -550300])
    text, nchar = polyline_encode(steps)
    assert text == "_p~iF~ps|U_ulLnnqC_mqNvxq`@"
    assert nchar.sum() == len(text)
    assert polyline_decode(text).tolist() == steps.tolist()


def test_polyline_round_trip_of_large_and_negative_values():
    v = np.random.default_rng(5).integers(-(2**40), 2**40, 20_000)
    assert (polyline_decode(polyline_encode(v)[0]) == v).all()
    assert polyline_encode(np.array([0]))[0] == "?"


def test_shared_edge_is_stored_once():
    a, b = box(0, 0, 1, 1), box(1, 0, 2, 1)
    enc = encode([a, b], decimals=2)
    assert len(enc["arcs"]) == 3  # left part, shared edge, right part
    refs = [
        abs(i if i >= 0 else ~i) for f in enc["features"] for r in f["geometry"]["arcs"] for i in r
    ]
    assert sorted(set(refs)) == [0, 1, 2] and len(refs) == 4  # the shared arc twice
    assert all(shapely.equals(x, y) for x, y in zip(_decoded(enc), [a, b], strict=True))


def test_grid_stores_each_interior_edge_once():
    n = 6
    cells = [box(i, j, i + 1, j + 1) for i in range(n) for j in range(n)]
    enc = encode(cells, decimals=3)
    pts = sum(len(polyline_decode(a)) // 2 for a in enc["arcs"])
    # plain GeoJSON repeats each cell's 5 corners; arcs store every unit edge once
    edges = 2 * n * (n + 1)
    assert pts - len(enc["arcs"]) == edges
    assert all(shapely.equals(x, y) for x, y in zip(_decoded(enc), cells, strict=True))


def test_enclave_hole_and_island_share_one_arc():
    outer = Polygon(box(0, 0, 10, 10).exterior.coords, [box(4, 4, 6, 6).exterior.coords])
    island = box(4, 4, 6, 6)
    enc = encode([outer, island], decimals=1)
    assert len(enc["arcs"]) == 2
    back = _decoded(enc)
    assert shapely.equals(back[0], outer) and shapely.equals(back[1], island)


def test_ring_collapsing_on_the_grid_keeps_its_exact_geometry():
    tiny = box(0.0001, 0.0001, 0.0002, 0.0002)
    big = box(1, 1, 2, 2)
    enc = encode([big, tiny], decimals=2)
    assert "coordinates" in enc["features"][1]["geometry"]
    assert shapely.equals(_decoded(enc)[1], tiny)
    assert is_encoded(enc)


def test_multipolygons_and_properties_survive():
    mp = shapely.MultiPolygon([box(0, 0, 1, 1), box(3, 0, 4, 1)])
    enc = encode([mp, box(1, 0, 2, 1)], decimals=2, properties=[{"n": "a"}, {"n": "b"}])
    assert enc["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert [f["properties"]["n"] for f in enc["features"]] == ["a", "b"]
    assert shapely.equals(_decoded(enc)[0], mp)


def _check_real(gdf, decimals):
    wgs = np.asarray(gdf.geometry.to_crs(4326).values, dtype=object)
    enc = encode(wgs, decimals)
    ref = shapely.set_precision(wgs, 10.0**-decimals, mode="pointwise")
    back = np.array(_decoded(enc), dtype=object)
    ok = ~shapely.is_empty(ref)
    # equal to shapely's own rounding to the same grid, vertex for vertex (up to float noise)
    assert np.nanmax(shapely.hausdorff_distance(back[ok], ref[ok])) < 1e-9
    rel = np.abs(shapely.area(back[ok]) - shapely.area(ref[ok])) / shapely.area(ref[ok])
    assert rel.max() < 1e-9
    plain = sum(len(str(s)) for s in shapely.to_geojson(ref))
    return enc, plain


def test_musterland_round_trip_and_smaller_than_geojson():
    g = gpd.read_file(ROOT / "data" / "boundaries" / "musterland.gpkg", layer="sozialraeume")
    enc, plain = _check_real(g, 5)
    assert len(json.dumps(enc["arcs"])) < plain / 2


def test_german_municipalities_round_trip(shared_data):
    de = gpd.read_file(shared_data / "germany-vg5000-2021" / "VG5000_GEM.shp")
    enc, plain = _check_real(de, 4)
    assert len(enc["features"]) == len(de) == 10_997
