"""The sites and web maps of a run share their geometry work: the same bytes as without sharing."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from sozialraum.core.geomcache import GeometryCache, fingerprint


def _files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_municipal_site_is_the_same_with_and_without_the_shared_geometry(ml_site, tmp_path):
    """ml_site wrote the public site first, so the municipal one took the shared shapes."""
    from sozialraum.pipeline.website_step import build_sites
    from sozialraum.website import context

    context._SHARED.clear()  # computed anew for this site alone
    build_sites(
        ml_site["state"],
        ml_site["data"],
        [("kommunal", "07999001")],
        lambda level, ags: tmp_path / f"kommunal-{ags}",
        check=False,
    )
    shared = _files(ml_site["kommunal"]["07999001"])
    alone = _files(tmp_path / "kommunal-07999001")
    assert len(shared) > 50 and shared.keys() == alone.keys()
    # a GeoPackage carries the time it was written: compared by its layers
    assert [k for k in shared if shared[k] != alone[k] and not k.endswith(".gpkg")] == []
    for k in (k for k in shared if k.endswith(".gpkg")):
        for layer, _ in pyogrio.list_layers(ml_site["kommunal"]["07999001"] / k):
            a = pyogrio.read_dataframe(ml_site["kommunal"]["07999001"] / k, layer=layer)
            b = pyogrio.read_dataframe(tmp_path / "kommunal-07999001" / k, layer=layer)
            pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))


def test_the_web_maps_arcs_are_shared_and_equal_to_a_fresh_encoding(ml_site):
    from sozialraum.webmap import geometry

    areas = ml_site["state"].areas
    geometry._SHARED.clear()
    first, p1 = geometry.shared_arcs(areas, None, None, what="areas")
    again, p2 = geometry.shared_arcs(areas.copy(), None, None, what="areas")
    assert again is first and p1 == p2 and len(geometry._SHARED) == 1
    fresh, p3 = geometry.prepare_arcs(areas, None, None, what="areas")
    assert fresh == first and p3 == p1
    texts, _ = geometry.shared_geometries(areas, None, 6, what="boundaries")
    assert texts == geometry.prepare_geometries(areas, None, 6, what="boundaries")[0]


def test_the_fingerprint_changes_with_any_vertex_key_or_crs():
    a = gpd.GeoSeries([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=25832)
    moved = gpd.GeoSeries([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1.000001)], crs=25832)
    assert fingerprint(a) == fingerprint(a.copy())
    assert fingerprint(a) != fingerprint(moved)
    assert fingerprint(a) != fingerprint(a.set_crs(3035, allow_override=True))
    assert fingerprint(a, keys=["x", "y"]) != fingerprint(a, keys=["y", "x"])
    assert fingerprint(a) != fingerprint(a.iloc[::-1])


def test_the_cache_keeps_the_newest_entries():
    cache = GeometryCache(2)
    made = []
    for k in ("a", "b", "a", "c", "b"):
        cache.get(k, lambda k=k: made.append(k) or k.upper())
    assert made == ["a", "b", "c", "b"]  # "b" was the oldest when "c" came
    assert len(cache) == 2
