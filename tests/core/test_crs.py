"""The one metric-CRS rule: kept, ETRS89 UTM of the data, refused — checked with pyproj."""

from __future__ import annotations

import warnings

import geopandas as gpd
import pytest
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point, box

from sozialraum.core.crs import align_crs, ensure_metric, is_metric, metric_crs
from sozialraum.errors import InputError, SozialraumWarning


def _wgs(lon: float, lat: float, n: int = 3) -> gpd.GeoDataFrame:
    pts = [Point(lon + 0.01 * i, lat + 0.01 * i) for i in range(n)]
    return gpd.GeoDataFrame({"v": range(n)}, geometry=pts, crs=4326, index=list("abc")[:n])


def test_is_metric():
    assert is_metric(25832) and is_metric("EPSG:31467") and is_metric(3035)
    assert not is_metric(4326) and not is_metric(2263) and not is_metric(None)  # 2263: US feet


@pytest.mark.parametrize(
    ("lon", "epsg"), [(8.5, 25832), (13.4, 25833), (6.5, 25832), (14.9, 25833)]
)
def test_geographic_goes_to_etrs89_utm_zone_of_the_data(lon, epsg):
    gdf = _wgs(lon, 51.0)
    with pytest.warns(
        SozialraumWarning, match=f"EPSG:4326 ist geographisch.*EPSG:{epsg} umprojiziert"
    ):
        out = ensure_metric(gdf, name="Kitas")
    assert out.crs.to_epsg() == epsg
    # coordinates equal pyproj's own transformation (no home-made projection)
    tr = Transformer.from_crs(4326, epsg, always_xy=True)
    x, y = tr.transform(lon, 51.0)
    assert out.geometry.iloc[0].x == pytest.approx(x) and out.geometry.iloc[0].y == pytest.approx(y)


def test_outside_etrs89_area_falls_back_to_wgs84_utm():
    assert metric_crs(_wgs(-74.0, 40.7)).to_epsg() == 32618  # New York: WGS 84 / UTM 18N


def test_metric_kept_as_is():
    gdf = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=25833)
    assert ensure_metric(gdf) is gdf


def test_configured_target_used_and_must_be_metric():
    gdf = gpd.GeoDataFrame(geometry=[box(390_000, 5_815_000, 391_000, 5_816_000)], crs=25833)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # metric → metric: no warning
        out = ensure_metric(gdf, target_crs=25832)
    assert out.crs.to_epsg() == 25832
    with pytest.raises(InputError, match="nicht metrisch"):
        ensure_metric(gdf, target_crs=4326)


def test_refuse_mode_and_messages():
    gdf = _wgs(13.4, 52.5)
    with pytest.raises(InputError, match="Grad") as err:
        ensure_metric(gdf, mode="refuse", name="Kitas")
    assert err.value.file == "Kitas"
    with pytest.raises(InputError, match="degrees"):
        ensure_metric(gdf, mode="refuse", lang="en")
    with pytest.raises(ValueError, match="mode"):
        ensure_metric(gdf, mode="maybe")


def test_projected_non_metre_refused_not_guessed():
    feet = gpd.GeoDataFrame(geometry=[Point(980_000, 200_000)], crs=2263)
    with pytest.raises(InputError, match="Meter"):
        ensure_metric(feet)
    with pytest.raises(InputError, match="metres"):
        metric_crs(feet, lang="en")
    # with a metric target the reprojection is exact, not a guess
    with pytest.warns(SozialraumWarning, match="EPSG:32618"):
        assert ensure_metric(feet, target_crs=32618).crs.to_epsg() == 32618


def test_no_crs_and_missing_geometries_refused():
    with pytest.raises(InputError, match="kein Koordinatensystem"):
        ensure_metric(gpd.GeoDataFrame(geometry=[Point(0, 0)]))
    gdf = gpd.GeoDataFrame(
        geometry=[Point(0, 0), None, shapely.Point()], crs=25832, index=list("xyz")
    )
    with pytest.raises(InputError, match="'y', 'z'") as err:
        ensure_metric(gdf)
    assert err.value.ids == ["y", "z"]
    assert ensure_metric(gdf, require_geometries=False) is gdf
    with pytest.raises(InputError, match="GeoDataFrame"):
        ensure_metric([1, 2])


def test_geoseries_accepted():
    s = _wgs(8.5, 50.0).geometry
    with pytest.warns(SozialraumWarning):
        assert ensure_metric(s).crs == CRS.from_epsg(25832)


def test_align_to_the_first_layer():
    a = gpd.GeoDataFrame(geometry=[Point(400_000, 5_800_000)], crs=25833)
    b = _wgs(8.5, 50.0)
    with pytest.warns(SozialraumWarning, match="EPSG:25833"):
        a2, b2 = align_crs((a, "Nachfrage"), (b, "Angebot"))
    assert a2 is a and b2.crs.to_epsg() == 25833
