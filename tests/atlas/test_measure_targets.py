"""Measures with targets and recommendations in the atlas: register file, history, revisions."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from sozialraum.atlas import Atlas
from sozialraum.errors import InputError
from sozialraum.planning import MeasureTarget, target_progress
from sozialraum.planning.recommendations import Recommendations

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples" / "musterland"
GPKG = ROOT / "data" / "boundaries" / "musterland.gpkg"


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    path = tmp_path_factory.mktemp("atlas") / "a.gpkg"
    with Atlas.open(path) as a:
        areas = gpd.read_file(GPKG, layer="sozialraeume").set_index("sr_id")
        a.add_areas(areas, "sr2022", valid_from="2022-01-01", name="sr_name")
        a.set_catalogue(EX / "katalog.toml")
        for y in (2022, 2023, 2024):
            a.import_table(EX / f"jobcenter_{y}.csv", year=y, version="sr2022")
            a.import_table(EX / f"indikatoren_{y}.xlsx", year=y, version="sr2022", sheet="Daten")
        a.add_register(EX / "massnahmen.csv")
    a = Atlas.open(path)
    yield a
    a.close()


def test_musterland_register_a_dozen_measures_over_three_years(atlas):
    reg = atlas.measures()
    assert len(reg) == 12
    assert sorted({s[:4] for s in reg["start_date"]}) == ["2023", "2024", "2025"]
    assert set(reg["status"]) == {"geplant", "laufend", "abgeschlossen", "abgebrochen"}
    assert reg["traeger"].str.len().gt(0).all()
    qm = reg.loc["QM-2023-01"]
    assert qm["zielindikator"] == "kinderarmut" and qm["zielwert"] == pytest.approx(27.3)
    assert qm["targets"] == ["sgb2_quote", "kinderarmut"] and qm["zieldatum"] == "2026-12-31"
    assert pd.isna(reg.loc["PFL-2024-06", "zielwert"])  # a measure without a target value


def test_progress_is_the_effect_views_means_toward_the_target(atlas):
    eff = atlas.measure_effect("FZ-2023-02")
    row = eff.frame.loc["kinderarmut"]
    p = atlas.measure_progress("FZ-2023-02", effect=eff)
    goal = atlas.measures().loc["FZ-2023-02", "zielwert"]
    ref = (row["massnahme_nachher"] - row["massnahme_vorher"]) / (goal - row["massnahme_vorher"])
    assert p.share == pytest.approx(ref)
    assert p == target_progress(row["massnahme_vorher"], row["massnahme_nachher"], goal)
    assert atlas.measure_progress("PFL-2024-06") is None


def test_status_change_keeps_the_history(atlas):
    atlas.set_measure_target(
        MeasureTarget("WOHN-2024-08", "leerstand_quote", 6.0, "2026-12-31", "abgeschlossen", "WBG")
    )
    assert atlas.measures().loc["WOHN-2024-08", "status"] == "abgeschlossen"
    hist = atlas.measure_targets(history=True).loc["WOHN-2024-08"]
    assert list(hist["status"]) == ["laufend", "abgeschlossen"]
    with pytest.raises(InputError, match="'beendet'"):
        atlas.set_measure_target(MeasureTarget("WOHN-2024-08", status="beendet"))
    with pytest.raises(InputError, match="Zielindikatoren.*'glueck'"):
        atlas.set_measure_target(MeasureTarget("WOHN-2024-08", "glueck", 1.0))


def _register(tmp_path, **row):
    base = {
        "id": "X-1",
        "name": "Probe",
        "gebiete": "07999001001",
        "beginn": "2024-01-01",
        "ende": "",
        "thema": "",
        "ziele": "kinderarmut",
        "beschreibung": "",
        "zielindikator": "kinderarmut",
        "zielwert": "20,5",
        "zieldatum": "2026-12-31",
        "status": "laufend",
        "traeger": "Amt",
    }
    base.update(row)
    p = tmp_path / "reg.csv"
    head = ";".join(base)
    ok = ";".join(
        ["OK-1", "Gut", "07999001002", "2024-01-01", "", "", "kinderarmut", "", "", "", "", "", ""]
    )
    p.write_text(f"{head}\n{ok}\n" + ";".join(base.values()) + "\n", encoding="utf-8")
    return p


def test_register_rows_checked_with_file_row_and_value(atlas, tmp_path):
    from sozialraum.atlas.measures import read_register

    keys, cat = list(atlas.areas("sr2022").index), atlas.catalogue()
    rows = read_register(_register(tmp_path), areas=keys, catalogue=cat)
    assert rows[1]["target"] == MeasureTarget(
        "X-1", "kinderarmut", 20.5, "2026-12-31", "laufend", "Amt"
    )
    cases = [
        (
            {"gebiete": "07999001001,07999009999"},
            r"reg\.csv, Zeile 3, Spalte gebiete: '07999009999'",
        ),
        (
            {"zielindikator": "glueck"},
            r"reg\.csv, Zeile 3, Spalte zielindikator: 'glueck' steht nicht",
        ),
        ({"ziele": "kinderarmut,armut"}, r"Zeile 3, Spalte ziele: 'armut'"),
        ({"status": "fertig"}, r"reg\.csv, Zeile 3: Status 'fertig'"),
        ({"zielwert": "viel"}, r"Zeile 3, Spalte zielwert: 'viel' ist keine Zahl"),
        ({"beginn": ""}, r"Zeile 3: Spalte beginn ist leer"),
    ]
    for row, pattern in cases:
        with pytest.raises(InputError, match=pattern) as e:
            read_register(_register(tmp_path, **row), areas=keys, catalogue=cat)
        assert e.value.row in (3, None)
    with pytest.raises(InputError, match="row 3, column zielindikator"):
        read_register(
            _register(tmp_path, zielindikator="glueck"), areas=keys, catalogue=cat, lang="en"
        )


def test_recommendations_are_versioned(atlas):
    def recs(text):
        f = pd.DataFrame(
            [
                {
                    "ebene": "gemeinde",
                    "schluessel": "07999001",
                    "art": "empfehlung",
                    "text": text,
                    "zeile": 3,
                }
            ]
        )
        return Recommendations(f, "empfehlungen.xlsx")

    r1 = atlas.add_recommendations(recs("Erste Fassung"))
    assert atlas.add_recommendations(recs("Erste Fassung")) == r1  # unchanged: no new revision
    r2 = atlas.add_recommendations(recs("Zweite **Fassung**"))
    assert r2 == r1 + 1
    assert atlas.recommendations().texts("gemeinde", "07999001") == {
        "empfehlung": "Zweite **Fassung**"
    }
    assert atlas.recommendations(r1).texts("gemeinde", "07999001") == {
        "empfehlung": "Erste Fassung"
    }
    rev = atlas.recommendation_revisions()
    assert list(rev.index) == [r1, r2] and (rev["source"] == "empfehlungen.xlsx").all()
