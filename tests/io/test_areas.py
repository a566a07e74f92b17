"""Reading planning areas: every bad input gets a clear error naming file and ids."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from sozialraum.core.crs import ensure_metric
from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.io.areas import read_areas


def _areas(keys, geoms=None, crs="EPSG:25833"):
    geoms = geoms or [box(i * 100, 0, i * 100 + 100, 100) for i in range(len(keys))]
    return gpd.GeoDataFrame(
        {"sr_id": keys, "name": [f"G{i}" for i in range(len(keys))]}, geometry=geoms, crs=crs
    )


def test_reads_gpkg_with_text_keys_as_index(tmp_path):
    p = tmp_path / "a.gpkg"
    _areas(["0101", "0102", "0201"]).to_file(p, layer="sr", engine="pyogrio")
    gdf = read_areas(p, key="sr_id", layer="sr")
    assert list(gdf.index) == ["0101", "0102", "0201"]
    assert gdf.index.name == "sr_id"
    assert gdf.crs.to_epsg() == 25833


def test_missing_crs_is_an_error_naming_the_file(tmp_path):
    p = tmp_path / "nocrs.shp"
    _areas(["1", "2"], crs=None).to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match="nocrs.shp.*Koordinatenbezugssystem"):
        read_areas(p, key="sr_id")
    gdf = read_areas(p, key="sr_id", crs=25833)
    assert gdf.crs.to_epsg() == 25833


def test_english_message(tmp_path):
    p = tmp_path / "nocrs.shp"
    _areas(["1", "2"], crs=None).to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match="no coordinate reference system"):
        read_areas(p, key="sr_id", lang="en")


def test_duplicate_keys_listed(tmp_path):
    p = tmp_path / "dup.gpkg"
    _areas(["01", "02", "01", "03", "03"]).to_file(p, engine="pyogrio")
    with pytest.raises(InputError) as err:
        read_areas(p, key="sr_id")
    assert "'01'" in str(err.value) and "'03'" in str(err.value) and "dup.gpkg" in str(err.value)
    assert err.value.ids == ["01", "03"]


def test_null_keys_listed_with_feature_numbers(tmp_path):
    p = tmp_path / "null.gpkg"
    _areas(["01", None, "03"]).to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match=r"Objekt-Nr\. 2"):
        read_areas(p, key="sr_id")


def test_key_column_missing_suggests_closest(tmp_path):
    p = tmp_path / "a.gpkg"
    _areas(["1", "2"]).to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match="Meinten Sie 'sr_id'"):
        read_areas(p, key="sr-id")


def test_unknown_layer_lists_layers(tmp_path):
    p = tmp_path / "a.gpkg"
    _areas(["1", "2"]).to_file(p, layer="sozialraeume", engine="pyogrio")
    with pytest.raises(InputError, match="sozialraeume"):
        read_areas(p, key="sr_id", layer="gemeinden")


def test_invalid_geometry_repaired_with_warning_naming_id(tmp_path):
    bowtie = Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    p = tmp_path / "bow.gpkg"
    _areas(["A", "B"], [bowtie, box(20, 0, 30, 10)]).to_file(p, engine="pyogrio")
    with pytest.warns(SozialraumWarning, match="'A'"):
        gdf = read_areas(p, key="sr_id")
    assert gdf.geometry.is_valid.all()
    assert gdf.loc["A"].geometry.area == pytest.approx(50.0)


def test_empty_geometry_rejected(tmp_path):
    p = tmp_path / "empty.gpkg"
    _areas(["A", "B"], [box(0, 0, 1, 1), Polygon()]).to_file(p, engine="pyogrio")
    with pytest.raises(InputError, match="'B'"):
        read_areas(p, key="sr_id")


def test_numeric_key_field_warns_and_restores_width(tmp_path):
    p = tmp_path / "num.gpkg"
    gdf = _areas(["1", "2"])
    gdf["sr_id"] = [9999001001, 9999001002]
    gdf.to_file(p, engine="pyogrio")
    with pytest.warns(SozialraumWarning, match="numerisch"):
        out = read_areas(p, key="sr_id", key_width=11)
    assert list(out.index) == ["09999001001", "09999001002"]


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="nicht gefunden"):
        read_areas(tmp_path / "nope.gpkg", key="x")


def test_geographic_reprojected_to_metric_on_request(tmp_path):
    p = tmp_path / "wgs.geojson"
    _areas(
        ["1", "2"], [box(13.0, 52.0, 13.1, 52.1), box(13.1, 52.0, 13.2, 52.1)], crs=4326
    ).to_file(p, engine="pyogrio")
    with pytest.warns(SozialraumWarning, match="metrisch"):
        gdf = read_areas(p, key="sr_id", metric=True)
    assert gdf.crs.to_epsg() == 25833  # ETRS89 / UTM 33N: the rule of core.crs
    assert gdf.geometry.area.iloc[0] == pytest.approx(7.6e7, rel=0.05)  # ~0.1° x 0.1° at 52°N
    same = ensure_metric(gdf)
    assert same is gdf


def test_duplicated_key_is_shown_as_two_different_areas_not_dissolved(tmp_path):
    """A duplicated key is often two different areas in two parents (real LOR file: one of
    them really has another key). The error says where each lies so the user can re-key."""
    p = tmp_path / "lor.gpkg"
    gpd.GeoDataFrame(
        {
            "plr_id": ["06010101", "06010102", "04030416", "06010102"],
            "plr_name": ["Nord", "Mitte", "Park", "Seeufer"],
            "bez": ["06", "06", "04", "04"],
            "bez_name": ["Steglitz", "Steglitz", "Charlottenburg", "Charlottenburg"],
        },
        geometry=[
            box(0, 0, 100, 100),
            box(100, 0, 200, 100),
            box(5000, 0, 5100, 100),
            box(5100, 0, 5300, 50),
        ],
        crs="EPSG:25833",
    ).to_file(p, layer="plr", engine="pyogrio")
    with pytest.raises(InputError) as err:
        read_areas(p, key="plr_id", layer="plr", name="plr_name")
    msg = str(err.value)
    assert err.value.ids == ["06010102"]
    lines = [ln for ln in msg.splitlines() if "'06010102' Objekt" in ln]
    assert len(lines) == 2
    first, second = lines
    # feature number, name, parent key and name, centroid and extent of each geometry
    assert "Objekt 2:" in first and "'Mitte'" in first and "'Steglitz'" in first
    assert "x=150, y=50" in first and "x 100–200" in first
    assert "Objekt 4:" in second and "'Seeufer'" in second and "'Charlottenburg'" in second
    assert "x=5200, y=25" in second and "y 0–50" in second
    assert "EPSG:25833" in second
    assert "nicht zusammenlegen" in msg and "eigenen Schlüssel" in msg
    with pytest.raises(InputError, match="do not dissolve"):
        read_areas(p, key="plr_id", layer="plr", name="plr_name", lang="en")
