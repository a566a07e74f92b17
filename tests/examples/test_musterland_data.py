"""The shipped example district "Landkreis Musterland" keeps its promises.

The files are read with geopandas/pyogrio/rasterio/openpyxl/pandas directly (not with
sozialraum's own readers), and every promised property of examples/musterland/README.md
is checked against an independent computation on those raw files.
"""

from __future__ import annotations

import runpy
import sqlite3
import sys
import tomllib
import warnings
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import openpyxl
import pandas as pd
import pytest
import rasterio
import shapely

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "musterland"
GPKG = ROOT / "data" / "boundaries" / "musterland.gpkg"
YEARS = (2022, 2023, 2024)
AGE_YEARS = (2020, 2021, 2022, 2023, 2024)
JC_HEADERS = [
    "Personen in Bedarfsgemeinschaften",
    "Kinder unter 15 in BG",
    "Arbeitslose",
    "Anteil Langzeitarbeitslose in %",
]
AGE_GROUPS = {  # variable id -> (lowest age, highest age) inclusive
    "ew_ges": (0, 100),
    "ew_0_2": (0, 2),
    "ew_3_5": (3, 5),
    "ew_6_9": (6, 9),
    "ew_10_15": (10, 15),
    "ew_0_14": (0, 14),
    "ew_0_17": (0, 17),
    "ew_0_20": (0, 20),
    "ew_15_64": (15, 64),
    "ew_0_64": (0, 64),
    "ew_65plus": (65, 100),
    "ew_80plus": (80, 100),
}


# ---------------------------------------------------------------------------
# raw readers (deliberately independent of sozialraum.io)
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def catalogue() -> dict:
    with open(EX / "katalog.toml", "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def header_to_var(catalogue) -> dict[str, str]:
    return {v["headers"][0]: k for k, v in catalogue["variables"].items()}


@pytest.fixture(scope="module")
def areas() -> gpd.GeoDataFrame:
    return gpd.read_file(GPKG, layer="sozialraeume", engine="pyogrio")


@pytest.fixture(scope="module")
def gemeinden() -> gpd.GeoDataFrame:
    return gpd.read_file(GPKG, layer="gemeinden", engine="pyogrio")


@pytest.fixture(scope="module")
def kreis() -> gpd.GeoDataFrame:
    return gpd.read_file(GPKG, layer="kreis", engine="pyogrio")


def _xlsx_rows(year: int) -> list[tuple]:
    wb = openpyxl.load_workbook(EX / f"indikatoren_{year}.xlsx", read_only=True)
    rows = list(wb["Daten"].iter_rows(values_only=True))
    wb.close()
    return rows


def _xlsx_frame(year: int, header_to_var: dict[str, str]) -> tuple[pd.DataFrame, pd.Series]:
    """Values (NaN for symbols) by 11-digit key, and the area names."""
    rows = _xlsx_rows(year)
    header = rows[3]
    data = rows[4:-1]
    keys = [str(r[0]).zfill(11) for r in data]
    names = pd.Series([r[1] for r in data], index=keys)
    cols = [header_to_var[h] for h in header[2:]]
    vals = [[v if isinstance(v, (int, float)) else np.nan for v in r[2:]] for r in data]
    return pd.DataFrame(vals, index=keys, columns=cols, dtype=float), names


def _csv_frame(year: int, header_to_var: dict[str, str]) -> pd.DataFrame:
    raw = pd.read_csv(EX / f"jobcenter_{year}.csv", sep=";", encoding="cp1252", dtype=str)
    out = pd.DataFrame(index=raw["Sozialraum"].to_numpy())
    for h in JC_HEADERS:
        txt = raw[h].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        out[header_to_var[h]] = pd.to_numeric(txt, errors="coerce").to_numpy()
    return out


@pytest.fixture(scope="module")
def tables(header_to_var) -> dict[int, pd.DataFrame]:
    out = {}
    for y in YEARS:
        x, _ = _xlsx_frame(y, header_to_var)
        out[y] = x.join(_csv_frame(y, header_to_var))
    return out


@pytest.fixture(scope="module")
def ages() -> dict[int, pd.DataFrame]:
    return {
        y: pd.read_csv(EX / f"bevoelkerung_alter_{y}.csv", sep=";", dtype={"sr_id": str})
        for y in AGE_YEARS
    }


# ---------------------------------------------------------------------------
# boundaries
# ---------------------------------------------------------------------------
def test_geopackage_is_version_1_3():
    for p in (GPKG, EX / "einrichtungen.gpkg", EX / "strassen.gpkg"):
        con = sqlite3.connect(p)
        try:
            app = con.execute("PRAGMA application_id").fetchone()[0]
            ver = con.execute("PRAGMA user_version").fetchone()[0]
        finally:
            con.close()
        assert app == int.from_bytes(b"GPKG", "big"), p
        assert ver == 10300, p


def test_layers_crs_and_columns(areas, gemeinden, kreis):
    for g in (areas, gemeinden, kreis):
        assert g.crs.to_epsg() == 25833
    assert list(areas.columns) == ["sr_id", "sr_name", "ags", "gemeinde", "geometry"]
    assert list(gemeinden.columns) == ["ags", "ars", "gemeinde", "geometry"]
    assert kreis["name"].tolist() == ["Landkreis Musterland"]
    assert kreis["ags"].tolist() == ["07999"]
    minx, miny, maxx, maxy = kreis.total_bounds
    assert 430000 <= minx and maxx <= 475000 and 5690000 <= miny and maxy <= 5735000


def test_keys(areas, gemeinden):
    assert 70 <= len(areas) <= 90
    assert len(gemeinden) == 10
    for k in areas["sr_id"]:
        assert isinstance(k, str) and len(k) == 11 and k.isdigit() and k.startswith("0")
    assert areas["sr_id"].is_unique
    assert (areas["sr_id"].str[:8] == areas["ags"]).all()
    for ags, ars in zip(gemeinden["ags"], gemeinden["ars"], strict=False):
        assert len(ags) == 8 and ags.startswith("07999")
        assert len(ars) == 12 and ars[:5] + ars[-3:] == ags
    assert set(areas["ags"]) == set(gemeinden["ags"])


def test_coverage_gap_and_overlap_free(areas, kreis):
    geoms = areas.geometry.to_numpy()
    assert all(g.is_valid and g.geom_type == "Polygon" for g in geoms)
    assert shapely.coverage_is_valid(geoms)
    union = shapely.union_all(geoms)
    total = float(shapely.area(geoms).sum())
    # no overlaps: the sum of the parts equals the area of their union
    assert total == pytest.approx(union.area, rel=1e-9)
    # no gaps: the union equals the district (outline + exclave)
    assert union.area == pytest.approx(kreis.area.sum(), rel=1e-6)
    assert shapely.symmetric_difference(union, kreis.geometry.iloc[0]).area < 1e-6 * union.area
    # no holes inside the district that are not covered
    assert len(shapely.get_parts(kreis.geometry.iloc[0])) == 2  # main body + exclave


def test_every_area_inside_its_gemeinde(areas, gemeinden):
    gem = gemeinden.set_index("ags").geometry
    for ags, g in zip(areas["ags"], areas.geometry, strict=False):
        assert gem[ags].buffer(0.01).contains(g)
    # the Gemeinden are exactly the unions of their areas
    for ags, g in gem.items():
        u = shapely.union_all(areas.geometry[areas["ags"] == ags].to_numpy())
        assert shapely.symmetric_difference(u, g).area < 1.0


def test_exactly_one_exclave_without_queen_neighbour(areas):
    from libpysal.weights import Queen

    with warnings.catch_warnings():  # libpysal warns about the island: that is the point
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(areas, use_index=False)
    assert len(w.islands) == 1
    isl = areas.iloc[w.islands[0]]
    others = areas.geometry.drop(index=areas.index[w.islands[0]])
    assert shapely.union_all(others.to_numpy()).distance(isl.geometry) > 2000
    assert isl["gemeinde"] == "Spreewitz"


# ---------------------------------------------------------------------------
# tables
# ---------------------------------------------------------------------------
def test_xlsx_layout_and_key_types():
    for y in YEARS:
        rows = _xlsx_rows(y)
        assert rows[0][0] == f"Landkreis Musterland – Sozialraumdaten {y}"
        assert rows[1][0] == f"Stand: 31.12.{y}"
        assert all(v is None for v in rows[2])
        assert rows[3][:2] == ("Sozialraum-Nr.", "Sozialraum")
        assert rows[-1][0] == "Quelle: Statistisches Landesamt, eigene Berechnungen"
        keys = [r[0] for r in rows[4:-1]]
        if y == 2023:  # Excel lost the leading zeros
            assert all(isinstance(k, int) and len(str(k)) == 10 for k in keys)
        else:
            assert all(isinstance(k, str) and len(k) == 11 and k[0] == "0" for k in keys)


def test_xlsx_symbols_present():
    for y in YEARS:
        cells = [v for r in _xlsx_rows(y)[4:-1] for v in r[2:]]
        assert "." in cells and "-" in cells
        assert {v for v in cells if isinstance(v, str)} <= {".", "-"}


def test_csv_is_cp1252_with_german_number_format():
    for y in YEARS:
        raw = (EX / f"jobcenter_{y}.csv").read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
        text = raw.decode("cp1252")
        lines = text.splitlines()
        assert lines[0].split(";")[:2] == ["Sozialraum", "Bezeichnung"]
        assert lines[0].split(";")[2:] == JC_HEADERS
        assert any(ch in text for ch in "äöüÄÖÜß")
        cells = [c for ln in lines[1:] for c in ln.split(";")[2:]]
        assert sum(c == "x" for c in cells) == 1
        assert 1 <= sum(c == "." for c in cells) <= 15
        assert any("," in c for c in cells)  # decimal comma
        assert any(len(c) > 4 and c[-4] == "." and c.replace(".", "").isdigit() for c in cells)
        assert all(len(ln.split(";")[0]) == 11 and ln.startswith("0") for ln in lines[1:])


def test_all_tables_cover_all_areas(areas, tables):
    for y, t in tables.items():
        assert sorted(t.index) == sorted(areas["sr_id"]), y


def test_renamed_area(areas, header_to_var):
    names = {y: _xlsx_frame(y, header_to_var)[1] for y in YEARS}
    old = names[2023][names[2023] == "Neubaugebiet Nord"].index
    assert len(old) == 1
    key = old[0]
    assert names[2022][key] == "Neubaugebiet Nord"
    assert names[2024][key] == "Wohnpark Am Sonnenhang"
    diff = [k for k in names[2024].index if names[2024][k] != names[2023][k]]
    assert diff == [key]
    assert areas.set_index("sr_id").loc[key, "sr_name"] == "Wohnpark Am Sonnenhang"
    csv = pd.read_csv(EX / "jobcenter_2024.csv", sep=";", encoding="cp1252", dtype=str)
    assert csv.set_index("Sozialraum").loc[key, "Bezeichnung"] == "Wohnpark Am Sonnenhang"


def test_catalogue(catalogue, header_to_var):
    vars_ = catalogue["variables"]
    assert catalogue["meta"]["name"] == "Indikatorenkatalog Landkreis Musterland"
    for _vid, v in vars_.items():
        assert v["label"] and v["label_en"] and v["unit"] and v["source"] and v["headers"]
    inds = catalogue["indicators"]
    assert len(inds) >= 14
    for iid, ind in inds.items():
        assert ind["numerator"] in vars_, iid
        assert ind.get("denominator") in vars_, iid
        assert ind["direction"] in ("need", "resource")
        assert ind["per"] in (100, 1000)
        # every indicator has a dimension, except the descriptive one that enters no index
        assert ind["label"] and (ind.get("dimension") or iid == "wanderung_18_24"), iid
    dims = {ind["dimension"] for ind in inds.values() if "dimension" in ind}
    assert dims == {
        "Demografie",
        "Arbeit & Einkommen",
        "Bildung",
        "Kinder, Jugend & Familie",
        "Gesundheit & Pflege",
        "Wohnen",
        "Teilhabe",
    }
    # every table column is the first header of a variable, and every variable is in a table
    xlsx_headers = set(_xlsx_rows(2024)[3][2:])
    young = (EX / "wanderung_junge_2024.csv").read_text(encoding="utf-8").splitlines()[0]
    young_headers = set(young.split(";")[1:])
    assert xlsx_headers | set(JC_HEADERS) | young_headers == set(header_to_var)
    assert "alo_lang_anteil" in vars_ and "alo_lang_anteil" not in {
        i["numerator"] for i in inds.values()
    }


def test_counts_consistent(tables):
    for y, t in tables.items():
        for a, b in [
            ("sgb2_u15", "ew_0_14"),
            ("sgb2_u15", "sgb2_pers"),
            ("sgb2_pers", "ew_0_64"),
            ("alo", "ew_15_64"),
            ("grusi", "ew_65plus"),
            ("hh_kind", "hh_ges"),
            ("hh_alleinerz", "hh_kind"),
            ("hze", "ew_0_20"),
            ("schulabg_ohne", "schulabg"),
            ("kita_kinder", "ew_3_5"),
            ("pflege", "ew_65plus"),
            ("leerstand", "wohnungen"),
            ("waehler", "wahlber"),
            ("ew_80plus", "ew_65plus"),
        ]:
            ok = t[a].isna() | t[b].isna() | (t[a] <= t[b])
            assert ok.all(), (y, a, b, list(t.index[~ok]))
        assert (t["ew_0_64"] + t["ew_65plus"] == t["ew_ges"]).all()
        assert (t["ew_0_2"] + t["ew_3_5"] + t["ew_6_9"] <= t["ew_0_14"]).all()
        assert (t["saldo_wanderung"] == t["zuzuege"] - t["fortzuege"]).all()
        assert (t["wohnungen"] >= t["hh_ges"]).all()


def test_age_tables_match_age_groups(tables, ages):
    for y in AGE_YEARS:
        a = ages[y]
        assert list(a.columns) == ["sr_id", "alter", "geschlecht", "anzahl"]
        assert set(a["geschlecht"]) == {"m", "w"}
        assert a["alter"].min() == 0 and a["alter"].max() == 100
        assert (a["anzahl"] >= 0).all()
        assert a["sr_id"].str.len().eq(11).all()
    for y in YEARS:
        a = ages[y]
        for var, (lo, hi) in AGE_GROUPS.items():
            s = a[a["alter"].between(lo, hi)].groupby("sr_id")["anzahl"].sum()
            pd.testing.assert_series_equal(
                s.reindex(tables[y].index).astype(float), tables[y][var], check_names=False
            )


def test_demographic_balance(tables, ages):
    """Population change = births - deaths + in-migration - out-migration."""
    for y in YEARS:
        tot = {yy: ages[yy].groupby("sr_id")["anzahl"].sum() for yy in (y - 1, y)}
        t = tables[y]
        change = (tot[y] - tot[y - 1]).reindex(t.index)
        flow = t["geburten"] - t["sterbefaelle"] + t["zuzuege"] - t["fortzuege"]
        assert (change == flow).all()
        rel = (tot[y] / tot[y - 1] - 1).abs()
        assert rel.median() < 0.03 and rel.max() < 0.15


def test_population_mix(areas, tables):
    t = tables[2024]
    gem = areas.set_index("sr_id")["gemeinde"]
    assert 100_000 <= t["ew_ges"].sum() <= 120_000
    town = t["ew_ges"][gem.reindex(t.index) == "Musterstadt"]
    assert 27_000 <= town.sum() <= 33_000
    assert len(town) >= 18
    assert (t["ew_ges"] < 300).sum() >= 5
    # the town's areas are small and dense
    dens = t["ew_ges"] / areas.set_index("sr_id").area.reindex(t.index) * 1e6
    densest = gem.reindex(dens.sort_values(ascending=False).index[:15])
    assert (densest == "Musterstadt").sum() >= 11
    assert densest.isin(["Musterstadt", "Spreewitz"]).all()
    assert dens[densest.index].min() > 10 * dens.median()


def _queen_matrix(areas: gpd.GeoDataFrame) -> np.ndarray:
    geoms = areas.geometry.to_numpy()
    n = len(geoms)
    w = np.zeros((n, n))
    tree = shapely.STRtree(geoms)
    for i, g in enumerate(geoms):
        for j in tree.query(g, predicate="intersects"):
            if j != i:
                w[i, j] = 1.0
    return w


def _moran(y: np.ndarray, w: np.ndarray) -> float:
    keep = w.sum(axis=1) > 0
    w = w[np.ix_(keep, keep)]
    z = y[keep] - y[keep].mean()
    w = w / w.sum(axis=1, keepdims=True)
    return float(len(z) / w.sum() * (z @ w @ z) / (z @ z))


def test_spatial_pattern(areas, tables):
    t = tables[2024].reindex(areas["sr_id"])
    w = _queen_matrix(areas)
    sgb2 = (t["sgb2_pers"] / t["ew_0_64"]).to_numpy()
    old = (t["ew_80plus"] / t["ew_ges"]).to_numpy()
    assert _moran(sgb2, w) > 0.3
    assert _moran(old, w) > 0.3
    # the 5 highest SGB II rates: all in Musterstadt and forming one connected cluster
    top = np.argsort(-sgb2)[:5]
    assert set(areas["gemeinde"].iloc[top]) == {"Musterstadt"}
    g = nx.Graph()
    g.add_nodes_from(top)
    g.add_edges_from((i, j) for i in top for j in top if w[i, j])
    assert nx.is_connected(g)
    # the ageing corner: the highest 80+ shares lie in the two corner Gemeinden
    top_old = np.argsort(-old)[:6]
    assert (areas["gemeinde"].iloc[top_old].isin(["Großwusterwitz", "Tränkewitz"])).sum() >= 4


def test_one_area_improves_one_worsens(tables):
    q = {y: tables[y]["sgb2_pers"] / tables[y]["ew_0_64"] * 100 for y in YEARS}
    big = tables[2022]["ew_0_64"] >= 500  # small denominators are noisy by nature
    d = (q[2024] - q[2022])[big].sort_values()
    assert d.iloc[0] < -5 and d.iloc[-1] > 6
    assert d.abs().median() < 2
    wb = openpyxl.load_workbook(EX / "indikatoren_2024.xlsx", read_only=True)
    nm = {str(r[0]): r[1] for r in list(wb["Daten"].iter_rows(values_only=True))[4:-1]}
    wb.close()
    assert nm[d.index[0]] == "Wohnpark Am Sonnenhang"
    assert nm[d.index[-1]] == "Südstadt"


# ---------------------------------------------------------------------------
# raster, facilities, roads
# ---------------------------------------------------------------------------
def test_population_raster(areas, tables):
    with rasterio.open(EX / "bevoelkerung_100m.tif") as src:
        assert src.crs.to_epsg() == 25833
        assert src.dtypes[0] == "float32" and src.nodata == -1
        assert src.compression.name.lower() == "deflate"
        tr = src.transform
        arr = src.read(1)
    assert tr.a == 100 and tr.e == -100 and tr.c % 100 == 0 and tr.f % 100 == 0
    assert np.all((arr == -1) | (arr >= 0))
    rows, cols = np.nonzero(arr >= 0)
    cx = tr.c + 100 * cols + 50
    cy = tr.f - 100 * rows - 50
    vals = arr[rows, cols].astype(float)
    ew = tables[2024]["ew_ges"]
    covered = np.zeros(len(vals), dtype=bool)
    for key, g in zip(areas["sr_id"], areas.geometry, strict=False):
        inside = shapely.contains_xy(g, cx, cy)
        covered |= inside
        assert vals[inside].sum() == ew[key], key
    assert vals[~covered].sum() == 0  # nobody outside the areas
    assert np.all(vals == np.round(vals))


def test_facilities(areas, kreis):
    fac = gpd.read_file(EX / "einrichtungen.gpkg", layer="einrichtungen", engine="pyogrio")
    assert fac.crs.to_epsg() == 25833
    n = fac["kategorie"].value_counts()
    expect = {
        "Kita": (35, 45),
        "Grundschule": (10, 14),
        "Hausarzt": (20, 30),
        "Beratungsstelle": (6, 10),
        "Pflegeeinrichtung": (8, 12),
        "Jugendclub": (6, 10),
    }
    assert set(n.index) == set(expect)
    for k, (lo, hi) in expect.items():
        assert lo <= n[k] <= hi, k
    assert fac["id"].is_unique
    assert set(fac["thema"]) <= {
        "Gesundheit",
        "Bildung & Freizeit",
        "Leben & Wohnen",
        "Förderung, Beratung & Hilfe",
    }
    assert set(fac["zielgruppe"]) <= {"Kinder", "Jugendliche", "Familien", "Senioren", "alle"}
    for k in ("Kita", "Grundschule", "Pflegeeinrichtung"):
        assert (fac.loc[fac["kategorie"] == k, "kapazitaet"] > 0).all()
    assert kreis.geometry.iloc[0].contains(fac.geometry).all()
    joined = gpd.sjoin(fac, areas[["sr_id", "geometry"]], predicate="within")
    assert (joined["sr_id_left"] == joined["sr_id_right"]).all() and len(joined) == len(fac)
    # the rural corner is under-supplied with Kitas and doctors
    corner = areas.loc[areas["gemeinde"].isin(["Großwusterwitz", "Tränkewitz"]), "sr_id"]
    in_corner = fac["sr_id"].isin(corner)
    assert (in_corner & fac["kategorie"].eq("Hausarzt")).sum() <= 2


def test_road_network_two_components(kreis, areas):
    roads = gpd.read_file(EX / "strassen.gpkg", layer="strassen", engine="pyogrio")
    assert roads.crs.to_epsg() == 25833
    assert set(roads.geom_type) == {"LineString"}
    assert set(roads["klasse"]) == {
        "Bundesstrasse",
        "Landstrasse",
        "Gemeindestrasse",
        "Wirtschaftsweg",
    }
    assert len(roads) < 5000
    g = nx.Graph()
    for geom in roads.geometry:
        c = shapely.get_coordinates(geom)
        g.add_edge(tuple(c[0]), tuple(c[-1]))
    comps = sorted(nx.connected_components(g), key=len)
    assert len(comps) == 2
    # the small component lies on the exclave
    ex = areas.loc[areas["sr_name"] == "Waldsiedlung Neuhaus"].geometry.iloc[0]
    assert all(shapely.Point(p).within(ex) for p in comps[0])
    # noded: no two segments cross in their interiors
    geoms = roads.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="crosses")
    assert len(left) == 0


def test_generator_is_deterministic(tmp_path):
    """Re-running the generator into a temp dir reproduces the committed files."""
    gen = EX / "generate.py"
    argv = sys.argv
    try:
        sys.argv = [
            str(gen),
            "--out-boundaries",
            str(tmp_path / "b"),
            "--out-examples",
            str(tmp_path / "e"),
        ]
        runpy.run_path(str(gen), run_name="__main__")
    finally:
        sys.argv = argv
    new = sorted(q.name for q in (tmp_path / "e").iterdir())
    expected = (
        {f"indikatoren_{y}.xlsx" for y in YEARS}
        | {f"jobcenter_{y}.csv" for y in YEARS}
        | {f"bevoelkerung_alter_{y}.csv" for y in AGE_YEARS}
        | {"katalog.toml", "bevoelkerung_100m.tif", "einrichtungen.gpkg", "strassen.gpkg"}
    )
    assert expected <= set(new)
    for name in new:  # other files in examples/musterland/ belong to other modules
        if name.endswith((".csv", ".toml", ".xlsx")):
            assert (tmp_path / "e" / name).read_bytes() == (EX / name).read_bytes(), name
    with (
        rasterio.open(EX / "bevoelkerung_100m.tif") as a,
        rasterio.open(tmp_path / "e" / "bevoelkerung_100m.tif") as b,
    ):
        assert a.transform == b.transform and np.array_equal(a.read(1), b.read(1))
    for path, new, layers in (
        (GPKG, tmp_path / "b" / "musterland.gpkg", ["sozialraeume", "gemeinden", "kreis"]),
        (EX / "einrichtungen.gpkg", tmp_path / "e" / "einrichtungen.gpkg", ["einrichtungen"]),
        (EX / "strassen.gpkg", tmp_path / "e" / "strassen.gpkg", ["strassen"]),
    ):
        for lyr in layers:
            a = gpd.read_file(path, layer=lyr, engine="pyogrio")
            b = gpd.read_file(new, layer=lyr, engine="pyogrio")
            pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
            assert a.geometry.geom_equals_exact(b.geometry, tolerance=0).all()
