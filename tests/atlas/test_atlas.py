"""The atlas on both backends (GeoPackage always, PostGIS on a throw-away server).

References: values against the CSV text itself (parsed with the csv module), the
crosswalk against rectangle areas by hand, the effect against hand arithmetic, the
roll-up against hand sums.
"""

from __future__ import annotations

import csv
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sozialraum.atlas import LABEL, Atlas, did_means
from sozialraum.errors import InputError

CATALOGUE = """
[meta]
name = "Testkatalog"

[variables.ew_ges]
label = "Einwohner insgesamt"
unit = "Personen"
headers = ["Einwohner"]

[variables.ew_0_64]
label = "Einwohner unter 65"
unit = "Personen"
headers = ["Einwohner unter 65"]

[variables.sgb2_pers]
label = "Personen in BG"
unit = "Personen"
headers = ["Personen in BG"]

[indicators.sgb2_quote]
label = "SGB-II-Quote"
unit = "%"
numerator = "sgb2_pers"
denominator = "ew_0_64"
per = 100
direction = "need"
dimension = "Arbeit"
"""

KEYS = ["01001001001", "01001001002", "01001001003", "01001002001", "01001002002", "01001002003"]


def grid(keys=KEYS, width=1000.0, parents=None) -> gpd.GeoDataFrame:
    """Unit squares in a row (EPSG:25833), parent = first 8 digits."""
    geoms = [shapely.box(i * width, 0, (i + 1) * width, 1000) for i in range(len(keys))]
    return gpd.GeoDataFrame(
        {"name": [f"Gebiet {k[-3:]}" for k in keys], "ags": parents or [k[:8] for k in keys]},
        geometry=geoms,
        index=pd.Index(keys, name="key"),
        crs=25833,
    )


def write_csv(path, rows, header=("Nr", "Einwohner", "Einwohner unter 65", "Personen in BG")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    return path


def default_rows(year_shift=0):
    return [
        [k, 1000 + 10 * i + year_shift, 800 + 10 * i, 50 + 5 * i + year_shift]
        for i, k in enumerate(KEYS)
    ]


@pytest.fixture
def atlas(atlas_target, tmp_path):
    (tmp_path / "katalog.toml").write_text(CATALOGUE, encoding="utf-8")
    a = Atlas.open(atlas_target)
    a.add_areas(grid(), "v2022", valid_from="2022-01-01")
    a.set_catalogue(tmp_path / "katalog.toml")
    yield a
    a.close()


def n_values(atlas) -> int:
    return int(atlas.backend.scalar("SELECT count(*) FROM atlas_values"))


# ---------------------------------------------------------------- import


def test_import_values_match_file(atlas, tmp_path):
    f = write_csv(tmp_path / "t2023.csv", default_rows())
    res = atlas.import_table(f, year=2023, key="Nr")
    assert res.created and res.n_values == 18 and res.years == (2023,)
    sel = atlas.values(2023)
    assert list(sel.frame.index) == KEYS
    with open(f, encoding="utf-8") as fh:
        ref = list(csv.reader(fh, delimiter=";"))[1:]
    for r in ref:
        assert sel.frame.loc[r[0], "ew_ges"] == float(r[1])
        assert sel.frame.loc[r[0], "sgb2_pers"] == float(r[3])
    assert sel.status.isna().all().all()
    ind = atlas.indicators(2023)
    np.testing.assert_allclose(
        ind.frame["sgb2_quote"].to_numpy(), [100 * float(r[3]) / float(r[2]) for r in ref]
    )
    long = atlas.table(years=2023)
    assert set(long.columns) >= {"area", "variable", "year", "value", "status", "source", "batch"}
    assert len(long) == 18 and (long["batch"] == res.batch).all()


def test_failed_import_leaves_db_unchanged(atlas, tmp_path):
    atlas.import_table(write_csv(tmp_path / "ok.csv", default_rows()), year=2023, key="Nr")
    before_values, before_batches = n_values(atlas), len(atlas.batches())
    rows = default_rows(5)
    rows[3][0] = "01009009009"  # bad row in the middle: unknown area key
    with pytest.raises(InputError) as ei:
        atlas.import_table(write_csv(tmp_path / "bad.csv", rows), year=2024, key="Nr")
    assert "01009009009" in str(ei.value) and ei.value.row == 5
    assert n_values(atlas) == before_values and len(atlas.batches()) == before_batches
    assert atlas.years() == [2023]


def test_failure_during_write_rolls_back(atlas, tmp_path, monkeypatch):
    atlas.import_table(write_csv(tmp_path / "ok.csv", default_rows()), year=2023, key="Nr")
    before_values, before_batches = n_values(atlas), len(atlas.batches())
    orig_insert = Atlas._insert_values
    orig_many = atlas.backend.executemany
    calls = {"n": 0}

    def failing_many(sql, rows):
        if "atlas_values" in sql:
            calls["n"] += 1
            if calls["n"] == 2:  # the second chunk: half of the rows are already written
                raise RuntimeError("disk full (simulated)")
        return orig_many(sql, rows)

    monkeypatch.setattr(atlas.backend, "executemany", failing_many)
    monkeypatch.setattr(
        Atlas, "_insert_values", lambda self, long, batch: orig_insert(self, long, batch, chunk=5)
    )
    with pytest.raises(RuntimeError, match="simulated"):
        atlas.import_table(write_csv(tmp_path / "t2024.csv", default_rows(7)), year=2024, key="Nr")
    assert calls["n"] == 2
    assert n_values(atlas) == before_values and len(atlas.batches()) == before_batches
    assert int(atlas.backend.scalar("SELECT count(*) FROM atlas_values WHERE year=2024")) == 0


def test_same_file_twice_gives_one_batch(atlas, tmp_path):
    f = write_csv(tmp_path / "t.csv", default_rows())
    first = atlas.import_table(f, year=2023, key="Nr")
    second = atlas.import_table(f, year=2023, key="Nr")
    assert first.created and not second.created and second.batch == first.batch
    assert len(atlas.batches()) == 1 and n_values(atlas) == 18


def test_corrected_file_replaces_batch_with_reason(atlas, tmp_path):
    first = atlas.import_table(write_csv(tmp_path / "t.csv", default_rows()), year=2023, key="Nr")
    rows = default_rows()
    rows[2][3] = 999  # corrected SGB II count of the third area
    fixed = write_csv(tmp_path / "t_korr.csv", rows)
    with pytest.raises(InputError, match="Grund|reason"):
        atlas.import_table(fixed, year=2023, key="Nr")
    assert len(atlas.batches()) == 1
    res = atlas.import_table(fixed, year=2023, key="Nr", reason="Jobcenter-Korrektur vom 3.3.")
    assert res.replaced == (first.batch,)
    b = atlas.batches()
    assert (
        b.loc[first.batch, "status"] == "ersetzt" and b.loc[first.batch, "replaced_by"] == res.batch
    )
    assert b.loc[first.batch, "reason"] == "Jobcenter-Korrektur vom 3.3."
    assert atlas.values(2023).frame.loc[KEYS[2], "sgb2_pers"] == 999.0
    ch = atlas.changes(first.batch, res.batch)
    assert len(ch) == 1
    r = ch.iloc[0]
    assert (r["area"], r["variable"], r["alt"], r["neu"]) == (KEYS[2], "sgb2_pers", 60.0, 999.0)
    assert r["differenz"] == 939.0


def test_status_codes_kept(atlas, tmp_path):
    rows = default_rows()
    rows[1][3] = "."
    rows[4][3] = "-"
    atlas.import_table(write_csv(tmp_path / "t.csv", rows), year=2023, key="Nr")
    sel = atlas.values(2023)
    assert sel.status.loc[KEYS[1], "sgb2_pers"] == "geheim" and np.isnan(
        sel.frame.loc[KEYS[1], "sgb2_pers"]
    )
    assert sel.status.loc[KEYS[4], "sgb2_pers"] == "nichts_vorhanden"
    assert sel.status["sgb2_pers"].isna().sum() == 4


# ---------------------------------------------------------------- versions


def test_boundary_change_versions_and_crosswalk(atlas, tmp_path):
    atlas.import_table(write_csv(tmp_path / "t.csv", default_rows()), year=2024, key="Nr")
    # 2025: the first square is split at x = 250 m (shares 0.25/0.75), the last two merged
    sq = grid()
    first = sq.geometry.iloc[0]
    new = grid(["01001001010", "01001001011", *KEYS[1:4], "01001002009"])
    geoms = list(new.geometry)
    geoms[0] = shapely.box(0, 0, 250, 1000)
    geoms[1] = shapely.box(250, 0, 1000, 1000)
    geoms[2:5] = list(sq.geometry.iloc[1:4])
    geoms[5] = shapely.union_all(sq.geometry.iloc[4:6].to_numpy())
    new = new.set_geometry(gpd.GeoSeries(geoms, index=new.index, crs=25833))
    atlas.add_areas(new, "v2025", valid_from="2025-01-01")
    vs = atlas.versions()
    assert vs.loc["v2022", "valid_to"] == "2024-12-31"
    assert atlas.version_for(2024) == "v2022" and atlas.version_for(2025) == "v2025"
    # a year before the change returns the old areas
    assert list(atlas.values(2024).frame.index) == KEYS
    assert "01001001010" in atlas.areas(year=2025).index
    cw = atlas.crosswalk("v2022", "v2025")
    sums = cw.groupby("alt")["anteil"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=1e-12)
    assert set(sums.index) == set(KEYS)
    share = cw.set_index(["alt", "neu"])["anteil"]
    assert share[(KEYS[0], "01001001010")] == pytest.approx(250 * 1000 / first.area)
    assert share[(KEYS[0], "01001001011")] == pytest.approx(0.75)
    back = atlas.crosswalk("v2025", "v2022")
    np.testing.assert_allclose(back.groupby("alt")["anteil"].sum().to_numpy(), 1.0, atol=1e-12)
    # 2024 values shown on the new areas: split by area share, merged by summing
    with pytest.warns(Warning):
        carried = atlas.values(2024, version="v2025")
    assert carried.carried_from == "v2022"
    f = carried.frame
    assert f.loc["01001001010", "ew_ges"] == pytest.approx(0.25 * 1000)
    assert f.loc["01001002009", "ew_ges"] == pytest.approx(1040 + 1050)
    assert carried.status.loc["01001001010", "ew_ges"] == "unsicher"
    assert pd.isna(carried.status.loc["01001002009", "ew_ges"])
    with pytest.raises(InputError):
        atlas.add_areas(new, "v2025", valid_from="2026-01-01")  # never an overwrite


# ---------------------------------------------------------------- measures


def _effect_atlas(atlas, tmp_path):
    pre = [20, 30, 10, 12, 14, 16]
    post = [10, 20, 11, 13, 15, 20]
    for year, vals in ((2022, pre), (2024, post)):
        rows = [[k, 1000, 100, v] for k, v in zip(KEYS, vals, strict=True)]
        atlas.import_table(write_csv(tmp_path / f"e{year}.csv", rows), year=year, key="Nr")
    atlas.add_measure(
        "M1",
        "Quartiersmanagement",
        areas=KEYS[:2],
        start="2023-01-01",
        targets=["sgb2_quote"],
        theme="Soziale Stadt",
    )


def test_measure_effect_hand_case(atlas, tmp_path):
    _effect_atlas(atlas, tmp_path)
    eff = atlas.measure_effect("M1")
    r = eff.frame.loc["sgb2_quote"]
    # treated: (10+20)/2 - (20+30)/2 = -10; comparison: (11+13+15+20)/4 - (10+12+14+16)/4 = 1.75
    assert (r["vorher"], r["nachher"]) == (2022, 2024)
    assert r["massnahme_veraenderung"] == pytest.approx(-10.0)
    assert r["vergleich_veraenderung"] == pytest.approx(1.75)
    assert r["differenz"] == pytest.approx(-11.75)
    assert r["n_massnahme"] == 2 and r["n_vergleich"] == 4
    assert r["hinweis"] == LABEL["de"] == "beschreibend, nicht kausal"
    assert "nicht kausal" in eff.note
    assert r["bewertung"].startswith("günstiger")
    # "similar", k=1: the pool area closest to 20 and to 30 before is the one with 16 → +4
    sim = atlas.measure_effect("M1", comparison="similar", k=1).frame.loc["sgb2_quote"]
    assert sim["n_vergleich"] == 1 and sim["differenz"] == pytest.approx(-10 - 4)
    assert did_means([20, 30], [10, 20], [16], [20])["differenz"] == pytest.approx(-14)
    assert atlas.measures().loc["M1", "areas"] == KEYS[:2]


# ---------------------------------------------------------------- regions, results, facilities


def test_region_set_rollup(atlas, tmp_path):
    atlas.import_table(write_csv(tmp_path / "t.csv", default_rows()), year=2023, key="Nr")
    atlas.add_region_set(
        "leader", {"01001001": "L1"}, level="gemeinde", region_names={"L1": "LEADER Heide"}
    )
    atlas.add_region_set("jh", {KEYS[0]: "A", KEYS[1]: "A", KEYS[5]: "B"}, level="sozialraum")
    r = atlas.rollup_regions("leader", 2023)
    assert list(r.frame.index) == ["L1"] and r.frame.loc["L1", "region_name"] == "LEADER Heide"
    assert r.frame.loc["L1", "ew_ges"] == 1000 + 1010 + 1020
    assert r.frame.loc["L1", "sgb2_quote"] == pytest.approx(
        100 * (50 + 55 + 60) / (800 + 810 + 820)
    )
    j = atlas.rollup_regions("jh", 2023).frame
    assert j.loc["A", "n_gebiete"] == 2 and j.loc["B", "sgb2_pers"] == 75
    assert j.geometry["A"].area == pytest.approx(2e6)


def test_results_tagged_with_run(atlas):
    frame = pd.DataFrame({"idx": [0.5, -1.0], "klasse": ["hoch", "niedrig"]}, index=KEYS[:2])
    atlas.save_results(frame, run_id="lauf-1", kind="monitor", year=2023, version="v2022")
    back = atlas.results("lauf-1")
    assert back.loc[KEYS[0], "idx"] == 0.5 and back.loc[KEYS[1], "klasse"] == "niedrig"
    assert "lauf-1" in atlas.runs().index
    with pytest.raises(InputError):
        atlas.save_results(frame, run_id="lauf-1", kind="monitor")


def test_facilities_validity(atlas):
    fac = gpd.GeoDataFrame(
        {
            "id": ["K1", "K2"],
            "name": ["Kita A", "Kita B"],
            "kategorie": ["Kita", "Kita"],
            "ab": ["2020-01-01", "2024-08-01"],
            "bis": [None, None],
            "kapazitaet": [40, 60],
        },
        geometry=[shapely.Point(500, 500), shapely.Point(1500, 500)],
        crs=25833,
    )
    atlas.add_facilities(fac, valid_from="ab", valid_to="bis")
    assert list(atlas.facilities(2023).index) == ["K1"]
    f24 = atlas.facilities(2024)
    assert list(f24.index) == ["K1", "K2"] and f24.loc["K2", "kapazitaet"] == 60
    assert f24.crs.to_epsg() == 25833 and f24.geometry["K2"].equals(shapely.Point(1500, 500))


def test_export_gpkg_and_excel(atlas, tmp_path):
    import openpyxl
    import pyogrio

    rows = default_rows()
    rows[1][3] = "."
    atlas.import_table(write_csv(tmp_path / "t.csv", rows), year=2023, key="Nr")
    g = atlas.export(
        tmp_path / "out.gpkg", columns=["ew_ges", "sgb2_pers", "sgb2_quote"], areas=KEYS[:3]
    )
    layer = pyogrio.read_dataframe(g, layer="werte_2023")
    assert len(layer) == 3 and layer["ew_ges"].tolist() == [1000, 1010, 1020]
    assert layer["sgb2_pers_status"].tolist()[1] == "geheim"
    x = atlas.export(tmp_path / "out.xlsx", columns=["sgb2_pers"])
    ws = openpyxl.load_workbook(x)["2023"]
    header = [c.value for c in ws[1]]
    col = header.index("Personen in BG")  # the catalogue label replaces the id
    cells = [r[col].value for r in ws.iter_rows(min_row=2)]
    assert cells[:3] == [50, ".", 60]


def test_geopackage_is_valid(tmp_path):
    import pyogrio

    p = tmp_path / "a.gpkg"
    with Atlas.open(p) as a:
        a.add_areas(grid(), "v1", valid_from=2022)
    con = sqlite3.connect(p)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    assert con.execute("PRAGMA user_version").fetchone()[0] == 10300
    kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
    con.close()
    assert kinds["atlas_areas"] == "features" and kinds["atlas_values"] == "attributes"
    layer = pyogrio.read_dataframe(p, layer="atlas_areas")
    assert layer.crs.to_epsg() == 25833 and len(layer) == 6
    assert layer.geometry.area.sum() == pytest.approx(6e6)


def test_postgis_roles(pg_url, tmp_path):
    """The documented roles SQL: departments read, only the planning unit writes."""
    import psycopg

    from sozialraum.atlas.schema import roles_sql

    (tmp_path / "katalog.toml").write_text(CATALOGUE, encoding="utf-8")
    with Atlas.open(pg_url) as owner:  # the owner creates the schema
        owner.add_areas(grid(), "v2022", valid_from="2022-01-01")
        owner.set_catalogue(tmp_path / "katalog.toml")
    db = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url, autocommit=True) as c:
        c.execute(roles_sql(db))
        c.execute("CREATE ROLE jugendamt LOGIN IN ROLE atlas_leser")
        c.execute("CREATE ROLE planung LOGIN IN ROLE atlas_schreiber")
    as_user = lambda user: pg_url.replace("atlas_admin@", f"{user}@")  # noqa: E731
    with Atlas.open(as_user("planung")) as writer:
        res = writer.import_table(
            write_csv(tmp_path / "t.csv", default_rows()), year=2023, key="Nr"
        )
        assert res.created
        writer.add_measure("M1", "QM", areas=KEYS[:1], start="2023-01-01", targets=["sgb2_quote"])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            writer.backend.execute("DELETE FROM atlas_values")
    with Atlas.open(as_user("jugendamt")) as reader:
        assert reader.values(2023).frame["ew_ges"].iloc[0] == 1000
        with pytest.raises(InputError, match="Schreibrechte"):
            reader.import_table(
                write_csv(tmp_path / "t2.csv", default_rows(3)), year=2024, key="Nr"
            )
        assert reader.years() == [2023]


def test_export_with_release_level(atlas, tmp_path):
    """The release hook (e.g. sozialraum.privacy.release_frame) is applied before writing."""
    import pyogrio

    from sozialraum.privacy import release_frame

    rows = default_rows()
    rows[1][3] = "."
    atlas.import_table(write_csv(tmp_path / "t.csv", rows), year=2023, key="Nr")
    out = atlas.export(
        tmp_path / "kommunal.gpkg",
        columns=["sgb2_pers"],
        release=lambda f, s: release_frame(
            f, s, "kommunal", ags="01001001", area_ags_col="parent", kind="areas"
        ),
    )
    layer = pyogrio.read_dataframe(out, layer="werte_2023").set_index("key")
    own, other = KEYS[0], KEYS[3]
    assert layer.loc[own, "sgb2_pers"] == 50 and np.isnan(layer.loc[other, "sgb2_pers"])
    assert layer.loc[other, "sgb2_pers_status"] == "geheim"


def test_time_series_and_changes_between_years(atlas, tmp_path):
    b22 = atlas.import_table(write_csv(tmp_path / "a.csv", default_rows()), year=2022, key="Nr")
    b23 = atlas.import_table(write_csv(tmp_path / "b.csv", default_rows(4)), year=2023, key="Nr")
    vals, st = atlas.time_series(KEYS[2], variables=["ew_ges", "sgb2_pers"])
    assert list(vals.index) == [2022, 2023]
    assert vals["ew_ges"].tolist() == [1020.0, 1024.0] and vals["sgb2_pers"].tolist() == [
        60.0,
        64.0,
    ]
    assert st.isna().all().all()
    rates, _ = atlas.time_series(KEYS[2], indicators=["sgb2_quote"])
    np.testing.assert_allclose(rates["sgb2_quote"], [100 * 60 / 820, 100 * 64 / 820])
    ch = atlas.changes(b22.batch, b23.batch)
    # ew_ges and sgb2_pers changed by +4 everywhere, ew_0_64 did not
    assert len(ch) == 12 and set(ch["variable"]) == {"ew_ges", "sgb2_pers"}
    assert (
        (ch["differenz"] == 4).all()
        and (ch["year_alt"] == 2022).all()
        and (ch["year_neu"] == 2023).all()
    )
