"""Writers: GeoPackage 1.3 for QGIS 3.22, Excel with German headers and symbols, GeoJSON."""

from __future__ import annotations

import json
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
from openpyxl import load_workbook
from shapely.geometry import box

from sozialraum.io.write import write_excel, write_geojson, write_gpkg


def _frame():
    idx = pd.Index(["09999001001", "09999001002"], name="sr_id")
    gdf = gpd.GeoDataFrame(
        {"name": ["Altstadt", "Nord"], "faelle": [12.0, np.nan], "quote": [1234.5678, 2.0]},
        index=idx,
        geometry=[box(450000, 5700000, 450100, 5700100), box(450100, 5700000, 450200, 5700100)],
        crs=25833,
    )
    st = pd.DataFrame(
        {"faelle": [pd.NA, "geheim"], "quote": [pd.NA, pd.NA]}, index=idx, dtype="string"
    )
    return gdf, st


def test_gpkg_is_version_1_3_and_round_trips(tmp_path):
    gdf, st = _frame()
    p = write_gpkg(gdf, tmp_path / "x.gpkg", "sr", status=st)
    with sqlite3.connect(p) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 10300
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
    back = gpd.read_file(p, layer="sr")
    assert back["sr_id"].tolist() == ["09999001001", "09999001002"]
    assert back["faelle_status"].tolist()[1] == "geheim"
    assert "quote_status" not in back.columns  # only where a code exists
    assert back.crs.to_epsg() == 25833
    write_gpkg(gdf.iloc[:1], p, "zwei")
    import pyogrio

    assert {row[0] for row in pyogrio.list_layers(p)} == {"sr", "zwei"}


def test_excel_german_headers_and_symbols(tmp_path):
    gdf, st = _frame()
    p = write_excel(
        {"Sozialräume": gdf},
        tmp_path / "x.xlsx",
        labels={"faelle": "Fälle", "quote": "Quote (%)", "sr_id": "Sozialraum-Nr."},
        status={"Sozialräume": st},
        title="Test",
    )
    ws = load_workbook(p)["Sozialräume"]
    assert ws["A1"].value == "Test"
    header = [c.value for c in ws[3]]
    assert header == ["Sozialraum-Nr.", "name", "Fälle", "Quote (%)"]
    assert ws["A4"].value == "09999001001"  # key stays text with its leading zero
    assert ws["C5"].value == "."  # secret shown as the statistical symbol
    assert ws["D4"].value == 1234.5678 and ws["D4"].number_format == "#,##0.0"


def test_geojson_wgs84(tmp_path):
    gdf, st = _frame()
    p = write_geojson(gdf, tmp_path / "x.geojson", status=st)
    data = json.loads(p.read_text())
    assert data["features"][1]["properties"]["faelle_status"] == "geheim"
    x, y = data["features"][0]["geometry"]["coordinates"][0][0]
    assert 12 < x < 16 and 50 < y < 53
