"""Musterland's planning files: generated deterministically, valid against the example data."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd

from sozialraum.atlas.measures import read_register
from sozialraum.io import read_catalogue
from sozialraum.planning import read_recommendations

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "musterland"
GPKG = ROOT / "data" / "boundaries" / "musterland.gpkg"


def test_generator_writes_the_committed_planning_files(tmp_path):
    argv = sys.argv
    try:
        sys.argv = [
            "generate.py",
            "--out-boundaries",
            str(tmp_path / "b"),
            "--out-examples",
            str(tmp_path / "e"),
        ]
        runpy.run_path(str(EX / "generate.py"), run_name="__main__")
    finally:
        sys.argv = argv
    for name in ("massnahmen.csv", "empfehlungen.md"):
        assert (tmp_path / "e" / name).read_bytes() == (EX / name).read_bytes(), name


def test_register_is_valid_and_realistic():
    areas = gpd.read_file(GPKG, layer="sozialraeume")["sr_id"].astype(str)
    new = gpd.read_file(EX / "grenzen_2025.gpkg")
    keys = set(areas) | set(new[[c for c in new.columns if c.endswith("id")][0]].astype(str))
    rows = read_register(
        EX / "massnahmen.csv", areas=keys, catalogue=read_catalogue(EX / "katalog.toml")
    )
    assert len(rows) == 12
    assert {r["start"][:4] for r in rows} == {"2023", "2024", "2025"}
    assert {r["target"].status for r in rows} == {
        "geplant",
        "laufend",
        "abgeschlossen",
        "abgebrochen",
    }
    assert all(r["target"].responsible for r in rows)
    # a measure begun in 2025 names the areas valid then (the reform split 07999001012)
    late = [a for r in rows if r["start"] >= "2025" for a in r["areas"]]
    assert "07999001012" not in late and set(late) <= set(areas)


def test_recommendations_cover_every_municipality_without_figures():
    areas = gpd.read_file(GPKG, layer="sozialraeume")
    units = {"sozialraum": list(areas["sr_id"]), "gemeinde": sorted(set(areas["ags"]))}
    reg = pd.read_csv(EX / "regionen.csv", sep=";", dtype=str)
    units |= {"Ämter": sorted(set(reg["amt"])), "LEADER-Regionen": sorted(set(reg["leader"]))}
    recs = read_recommendations(EX / "empfehlungen.md", units)
    assert set(recs.keys("gemeinde")) == set(units["gemeinde"])
    # recommendations per region: an Amt and both LEADER regions
    assert recs.keys("Ämter") == ["079995004"] and recs.keys("LEADER-Regionen") == ["L1", "L2"]
    assert len(recs.keys("sozialraum")) >= 5
    # no digits in the planners' texts: the package check compares every number with secret values
    assert not recs.frame["text"].str.contains(r"\d").any()
