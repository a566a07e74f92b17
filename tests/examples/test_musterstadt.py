"""The shipped example city "Stadt Musterstadt": raw files, the recipe, the run.

* the generator is deterministic (same bytes on a second run);
* the raw files are what the recipe promises (one duplicated key in two Bezirke,
  −9999 placeholders, shares with a population column, a base year);
* the "official" status/dynamic classes (``referenz_mss_2024.csv``) are the MSS hand
  formula on the raw files, recomputed here with plain numpy;
* starting from the raw files, ``sozialraum init`` + the edits of ``docs/stadt.md`` +
  ``sozialraum run`` give those classes for every rated area, and Bezirk values that are
  population-weighted means;
* the finished ``examples/musterstadt/monitor.toml`` is exactly init's proposal plus
  those edits, and its run gives the same classes.
"""

from __future__ import annotations

import hashlib
import os
import runpy
import shutil
import sys
import tomllib
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest

from sozialraum.cli import main
from sozialraum.pipeline.run import run

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "musterstadt"
RAW = EX / "rohdaten"
TABLES = ["mss_2022.xlsx", "mss_2024.xlsx", "einwohner_2022.csv", "einwohner_2024.csv"]
STATUS = ["Arbeitslosigkeit in %", "Langzeitarbeitslosigkeit in %", "Transferbezug in %",
          "Kinderarmut in %"]  # fmt: skip
WRONG, TRUE = "06010102", "04030304"  # the key typed twice, and the right key of the Bezirk-04 area

# The recipe's edits (docs/stadt.md, steps 3 and 4) as text edits of init's monitor.toml.
EDIT_AREAS = ('datei = "rohdaten/planungsraeume.gpkg"', 'datei = "planungsraeume.gpkg"')
EDIT_ADJECTIVE = ('# adjektiv = ""', 'adjektiv = "Musterstädter"  #')
SUPPLY = """
[einrichtungen]
datei = "rohdaten/einrichtungen.gpkg"
ebene = "einrichtungen"

[[erreichbarkeit]]
name = "Kita-Versorgung"
kategorie = "Kita"
zielgruppe = ["ew_unter_6_jahren"]
methode = "2sfca"
radius_m = 1000
bedarf_je_100 = 90
"""
# Lighter outputs for the test (the computations are the same): no profiles, report, PDF.
LIGHT = ("[ausgaben]\npdf = true", '[ausgaben]\npdf = false\nsteckbriefe = false\n'
         'sozialbericht = false\nfreigabe = ["intern"]')  # fmt: skip
FEW_PERMUTATIONS = (
    'merkmale = ["status_index"]',
    'merkmale = ["status_index"]\npermutationen = 99',
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rekey(gpkg: Path) -> None:
    """Recipe step 3 (Python variant): give the Bezirk-04 area its own key."""
    plr = gpd.read_file(gpkg, layer="planungsraeume")
    plr.loc[(plr["plr_id"] == WRONG) & (plr["bez_id"] == "04"), "plr_id"] = TRUE
    plr.to_file(gpkg, layer="planungsraeume")


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return pd.read_csv(EX / "referenz_mss_2024.csv", sep=";", dtype={"plr_id": str}).set_index(
        "plr_id"
    )


@pytest.fixture(scope="module")
def raw_values() -> dict[int, pd.DataFrame]:
    """The raw tables read with openpyxl/pandas (not with sozialraum's readers)."""
    out = {}
    for year in (2022, 2024):
        ws = openpyxl.load_workbook(RAW / f"mss_{year}.xlsx", read_only=True).active
        rows = list(ws.iter_rows(values_only=True))
        mss = pd.DataFrame(rows[3:], columns=rows[2]).set_index("Planungsraum-Nr.")
        ew = pd.read_csv(RAW / f"einwohner_{year}.csv", sep=";", decimal=",", dtype={0: str})
        ew = ew.set_index("Planungsraum-Nr.")
        out[year] = mss[STATUS].astype(float).join(ew)
    return out


# --------------------------------------------------------------------------- raw files


def test_generator_is_deterministic(tmp_path):
    argv = sys.argv
    try:
        sys.argv = [str(EX / "erzeugen.py"), "--out", str(tmp_path)]
        runpy.run_path(str(EX / "erzeugen.py"), run_name="__main__")
    finally:
        sys.argv = argv
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert {str(p) for p in made} >= {f"rohdaten/{n}" for n in TABLES} | {
        "rohdaten/planungsraeume.gpkg",
        "rohdaten/einrichtungen.gpkg",
        "planungsraeume.gpkg",
        "referenz_mss_2024.csv",
    }
    for rel in made:
        assert _sha(tmp_path / rel) == _sha(EX / rel), rel


def test_raw_files_are_as_the_recipe_says(raw_values):
    total = sum(p.stat().st_size for p in EX.rglob("*") if p.is_file())
    assert total < 2_000_000
    plr = gpd.read_file(RAW / "planungsraeume.gpkg", layer="planungsraeume")
    bez = gpd.read_file(RAW / "planungsraeume.gpkg", layer="bezirke")
    assert len(plr) == 452 and len(bez) == 12 and plr.crs.to_epsg() == 25833
    assert plr["plr_id"].str.fullmatch(r"\d{8}").all() and plr["plr_id"].str[0].eq("0").any()
    dup = plr[plr["plr_id"].duplicated(keep=False)]
    assert list(dup["plr_id"]) == [WRONG, WRONG] and set(dup["bez_id"]) == {"04", "06"}
    assert not dup.geometry.iloc[0].intersects(dup.geometry.iloc[1])  # two different areas
    assert TRUE in raw_values[2024].index and TRUE not in set(plr["plr_id"])
    fixed = gpd.read_file(EX / "planungsraeume.gpkg", layer="planungsraeume")
    assert fixed["plr_id"].is_unique and set(fixed["plr_id"]) == set(raw_values[2024].index)
    for year, v in raw_values.items():  # placeholders exactly where fewer than 300 live
        small = v["Einwohner insgesamt"] < 300
        assert small.sum() == 7, year
        assert (v.loc[small, STATUS] == -9999).all().all()
        assert v.loc[~small, STATUS].gt(0).all().all() and v.loc[~small, STATUS].lt(100).all().all()
    fac = gpd.read_file(RAW / "einrichtungen.gpkg")
    assert fac["kategorie"].value_counts().to_dict() == {"Kita": 300, "Grundschule": 50}
    assert (fac["kapazitaet"] > 0).all()


def _z(v):
    return (v - v.mean()) / v.std(ddof=0)


def test_reference_is_the_mss_formula_on_the_raw_files(raw_values, reference):
    cur, prev = raw_values[2024], raw_values[2022]
    rated = cur.index[cur["Einwohner insgesamt"] >= 300]
    assert list(reference.index) == list(rated) and len(rated) == 445
    s = _z(sum(_z(cur.loc[rated, c]) for c in STATUS))
    d = _z(sum(_z(cur.loc[rated, c] - prev.loc[rated, c]) for c in STATUS))
    np.testing.assert_allclose(reference["status_index"], s, atol=1e-6)
    np.testing.assert_allclose(reference["dynamik_index"], d, atol=1e-6)
    cls = np.select([s < -1, s <= 1, s <= 1.5], ["hoch", "mittel", "niedrig"], "sehr niedrig")
    assert list(reference["status_klasse"]) == list(cls)
    dyn = np.select([d < -1, d <= 1], ["positiv", "stabil"], "negativ")
    assert list(reference["dynamik_klasse"]) == list(dyn)
    assert set(cls) == {"hoch", "mittel", "niedrig", "sehr niedrig"}  # every class occurs


# --------------------------------------------------------------------------- the recipe


@pytest.fixture(scope="module")
def recipe_run(tmp_path_factory):
    """init on the raw files + the recipe's edits + run."""
    work = tmp_path_factory.mktemp("stadt")
    shutil.copytree(RAW, work / "rohdaten")
    argv = ["init", "--gebiete", "rohdaten/planungsraeume.gpkg", "--ordner", str(work)]
    for name in TABLES:
        argv += ["--tabelle", str(work / "rohdaten" / name)]
    old = Path.cwd()
    try:
        os.chdir(work)
        assert main(argv) == 0
    finally:
        os.chdir(old)
    proposed = (work / "monitor.toml").read_text(encoding="utf-8")
    # recipe step 3: a copy of the area file with the right key
    shutil.copyfile(work / "rohdaten" / "planungsraeume.gpkg", work / "planungsraeume.gpkg")
    _rekey(work / "planungsraeume.gpkg")
    text = proposed
    for old_text, new_text in (EDIT_AREAS, EDIT_ADJECTIVE):
        assert old_text in text
        text = text.replace(old_text, new_text)
    text = text.replace("[ausgaben]", SUPPLY.lstrip() + "\n[ausgaben]")  # recipe step 4
    (work / "monitor.toml").write_text(text, encoding="utf-8")
    light = text.replace(*LIGHT).replace(*FEW_PERMUTATIONS)
    (work / "test.toml").write_text(light, encoding="utf-8")
    result = run(work / "test.toml", work / "out")
    return {"work": work, "proposed": proposed, "config": text, "result": result}


def test_init_names_the_duplicated_key_and_where_each_copy_lies(recipe_run):
    text = recipe_run["proposed"]
    assert f"Schlüssel '{WRONG}' kommt in planungsraeume.gpkg 2-mal vor" in text
    assert f"In den Tabellen steht '{TRUE}'" in text and "(Lindenau)" in text
    assert "Platzhalter -9999" in text
    assert 'stufen = ["Stadt", "Bezirk", "Planungsraum"]' in text


def test_recipe_run_gives_the_official_classes(recipe_run, reference):
    fr = recipe_run["result"].state.monitor.frame
    rated = fr.index[fr["bewertet"].astype(bool)]
    assert sorted(rated) == sorted(reference.index)
    for col in ("status_klasse", "dynamik_klasse"):
        got = fr.loc[reference.index, col].astype(str)
        assert (got == reference[col]).all(), got[got != reference[col]].head()
    np.testing.assert_allclose(fr.loc[reference.index, "status_index"], reference["status_index"],
                               atol=1e-5)  # fmt: skip
    assert (fr.loc[~fr.index.isin(reference.index), "status_klasse"] == "nicht bewertet").all()


def test_recipe_run_rolls_up_shares_weighted_by_population(recipe_run, raw_values):
    state = recipe_run["result"].state
    bez = state.rollup["gemeinde"].frame
    v = raw_values[2024].copy()
    v["bez"] = v.index.str[:2]
    v = v[v["Einwohner insgesamt"] >= 300]  # the placeholders of the small areas are no values
    w = v["Einwohner insgesamt"]
    expect = (v["Arbeitslosigkeit in %"] * w).groupby(v["bez"]).sum() / w.groupby(v["bez"]).sum()
    got = bez["arbeitslosigkeit"].reindex(expect.index)
    np.testing.assert_allclose(got, expect, rtol=1e-9)
    city = state.rollup["kreis"].frame["arbeitslosigkeit"].iloc[0]
    assert city == pytest.approx((v["Arbeitslosigkeit in %"] * w).sum() / w.sum())
    assert bez["ew_ges"].sum() == raw_values[2024]["Einwohner insgesamt"].sum()


def test_recipe_run_has_catchment_based_kita_supply(recipe_run):
    state = recipe_run["result"].state
    assert "Kita-Versorgung" in state.access
    assert state.config["erreichbarkeit"][0]["methode"] == "2sfca"


def test_finished_config_is_init_plus_the_recipe(recipe_run):
    finished = tomllib.loads((EX / "monitor.toml").read_text(encoding="utf-8"))
    ours = tomllib.loads(recipe_run["config"])
    assert finished == ours
    assert (EX / "katalog.toml").read_text(encoding="utf-8") == (
        recipe_run["work"] / "katalog.toml"
    ).read_text(encoding="utf-8")
    assert finished["gliederung"] == {
        "stufen": ["Stadt", "Bezirk", "Planungsraum"],
        "name": "Musterstadt",
        "adjektiv": "Musterstädter",
    }


# The shipped example's release: every package and the report, without PDF and profiles.
PACKAGES = ("[ausgaben]\npdf = true", "[ausgaben]\npdf = false\nsteckbriefe = false")


def test_finished_config_runs(tmp_path, reference):
    """The shipped example's own run: public and Bezirk packages pass the release checks.

    Regression: the city's shares ("5,1 %") were taken for small counts, so the audit refused
    every public Bezirk value, and a ranking's position was read as a count in the report.
    """
    text = (EX / "monitor.toml").read_text(encoding="utf-8")
    text = text.replace(*PACKAGES).replace(*FEW_PERMUTATIONS)
    text = text.replace('datei = "', f'datei = "{EX.as_posix()}/')  # paths from the example
    cfg = tmp_path / "monitor.toml"
    cfg.write_text(text, encoding="utf-8")
    res = run(cfg, tmp_path / "out")
    fr = res.state.monitor.frame
    rated = fr.loc[reference.index]
    assert (rated["status_klasse"].astype(str) == reference["status_klasse"]).all()
    assert (tmp_path / "out" / "intern" / "ergebnisse.xlsx").is_file()
    out = tmp_path / "out"
    assert (out / "oeffentlich" / "sozialbericht_2024.html").is_file()
    assert len(list(out.glob("kommunal-*"))) == 12  # one package per Bezirk
    names = sorted(p.name for p in (out / "oeffentlich").glob("*.csv"))
    assert [n.rsplit("_", 1)[1] for n in names] == [
        "bezirke.csv",
        "planungsraeume.csv",
        "stadt.csv",
    ]
    texts = [
        res.summary("de"),
        (out / "oeffentlich" / "sozialbericht_2024.html").read_text("utf-8"),
    ]
    for text in texts:  # a city's words only
        for word in ("Landkreis", "Kreisdurchschnitt", "Gemeinden"):
            assert word not in text, word


def test_webmap_of_a_package_missing_plr_name():
    """Regression: a city's package web map failed with "Spalten fehlen: 'plr_name'".

    The release kept only the district's column names (``sr_name``, ``ags``); the configured
    name and parent columns of a city are public like them.
    """
    from sozialraum.pipeline.common import release_policy
    from sozialraum.pipeline.config import load_config

    policy = release_policy(load_config(EX / "monitor.toml"))
    for col in ("plr_id", "plr_name", "bez_id", "bez_name", "sr_name"):
        assert policy.is_public(col), col
    assert not policy.is_public("arbeitslosigkeit")  # values stay governed by [freigabe]
