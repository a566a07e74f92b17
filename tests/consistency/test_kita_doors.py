"""Kita planning: one deficit per area, age group, year and scenario in every door.

The Musterland settings of ``[kita]`` and ``[demografie]`` (2SFCA in 3 km over the
population raster's demand points, projection to 2035 with three scenarios and the
Land's control totals, one new, one extended and one closed Kita) go through

* the Python API (:func:`sozialraum.demography.kita.plan_kitas`, the reference),
* ``sozialraum kita`` (GeoPackage and Excel written, read back),
* the yearly run (``intern/ergebnisse.gpkg`` and ``intern/kita_schulen.xlsx``);

the QGIS tool "Kita-Planung" is compared with the same reference inside QGIS
(``tests/qgis/inside/test_kita_tool.py``). Every cell is compared (floats to 1e-9).
"""

from __future__ import annotations

import pandas as pd
import pytest
from cellwise import assert_same, read_layer
from kita_reference import kita_reference


@pytest.fixture(scope="module")
def kita_api(musterland):
    """The reference: the run's settings through the library's entry point."""
    return kita_reference(musterland["boundaries"], musterland["examples"])


def cli_args(musterland, out) -> list[str]:
    """``sozialraum kita`` with the Musterland run's settings."""
    ex, gpkg = musterland["examples"], musterland["boundaries"]
    # fmt: off
    return [
        "kita", str(gpkg), "--ebene", "sozialraeume", "--schluessel", "sr_id", "--name", "sr_name",
        "--gemeinde-spalte", "ags",
        "--bevoelkerung", *(str(ex / f"bevoelkerung_alter_{y}.csv") for y in range(2020, 2025)),
        "--kitas", str(ex / "einrichtungen.gpkg"), "--kitas-ebene", "einrichtungen",
        "--kategorie", "Kita", "--plaetze", str(ex / "kita_plaetze.csv"),
        "--quoten", "u3=45; ue3=95; hort=50",
        "--methode", "2sfca", "--radius", "3.000", "--raster", str(ex / "bevoelkerung_100m.tif"),
        "--jahre", "2030", "2035", "--horizont", "11",
        "--raten", str(ex / "demografie_raten.csv"), "--raten-gueltig-bis", "2040",
        "--szenarien", "niedrig", "mittel", "hoch", "--szenario-wanderung", "-3", "0", "3",
        "--eckwerte", str(ex / "landesvorausberechnung.csv"),
        "--neu", "id=NEU1; x=454795; y=5726934; krippe=20; kindergarten=40",
        "--erweitern", "id=KITA012; kindergarten=20",
        "--schliessen", "KITA007",
        "--out", str(out),
    ]
    # fmt: on


@pytest.fixture(scope="module")
def kita_cli(tmp_path_factory, musterland):
    from sozialraum.cli import main

    out = tmp_path_factory.mktemp("kita_cli") / "kita.gpkg"
    assert main(cli_args(musterland, out)) == 0
    return out


def _kita_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("kita_")]


def _deficits(api) -> pd.DataFrame:
    return api.areas_frame()


def test_cli_kita_equals_api_cell_by_cell(kita_api, kita_cli):
    ref = _deficits(kita_api)
    out = read_layer(kita_cli, layer="kita")
    cols = _kita_columns(ref)
    # today, both years × three scenarios, three groups; before/after/difference of the what-if
    assert "kita_hort_defizit_2035_hoch" in cols and "kita_krippe_defizit_2030_mittel" in cols
    assert "kita_kindergarten_defizit_2035_mittel_nachher" in cols
    assert len(cols) == 3 * (5 + 6 * 3) + 3 * 7 * 3
    assert_same(ref, out, cols, what="Kita: API ↔ CLI")


def test_cli_kita_municipalities_and_places_equal_api(kita_api, kita_cli):
    gem = read_layer(kita_cli, key="gemeinde", layer="kita_gemeinden")
    ref = kita_api.areas_frame("gemeinden")
    assert len(ref) == 10
    assert_same(ref, gem, list(ref.columns), what="Kita je Gemeinde: API ↔ CLI")
    kitas = read_layer(kita_cli, key="id", layer="kitas")
    assert_same(kita_api.planning.places, kitas, ["krippe", "kindergarten", "hort"])


def test_yearly_run_kita_equals_api_cell_by_cell(kita_api, yearly):
    ref = _deficits(kita_api)
    out = read_layer(yearly / "intern" / "ergebnisse.gpkg", layer="sozialraeume")
    cols = [c for c in _kita_columns(ref) if c in out.columns]
    assert len(cols) == 3 * (5 + 6 * 3), cols  # every planning column (the what-if: below)
    assert_same(ref, out, cols, what="Kita: API ↔ yearly run")


def _one_key(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Rows keyed by one text (group|year|scenario|key) for the cell comparison."""
    key = frame[by].fillna("").astype(str).agg("|".join, axis=1)
    return frame.drop(columns=by).set_axis(pd.Index(key, name="zeile")).sort_index()


def _sheet(path, name, key="Schlüssel"):
    frame = pd.read_excel(path, sheet_name=name, header=2, dtype={key: str})
    return frame


@pytest.mark.parametrize("sheet", ["Gebiete", "Gemeinden", "Was wäre wenn"])
def test_cli_and_run_workbooks_hold_the_same_cells(kita_cli, yearly, sheet):
    """The long tables, the municipalities and the what-if: the run's workbook and the CLI's."""
    run = _sheet(yearly / "intern" / "kita_schulen.xlsx", sheet)
    cli = _sheet(kita_cli.with_suffix(".xlsx"), sheet)
    by = [c for c in ("Altersgruppe", "Jahr", "Szenario", "Schlüssel") if c in run.columns]
    run, cli = _one_key(run, by), _one_key(cli, by)
    assert list(run.columns) == list(cli.columns)
    assert len(run) > 70
    assert_same(run, cli, list(run.columns), what=f"kita_schulen.xlsx ↔ CLI ({sheet})")


def test_cli_workbook_has_german_headers(kita_cli):
    from openpyxl import load_workbook

    wb = load_workbook(kita_cli.with_suffix(".xlsx"), read_only=True)
    assert wb.sheetnames[:2] == ["Übersicht je Gebiet", "Gebiete"]
    heads = [c.value for c in next(wb["Übersicht je Gebiet"].iter_rows(min_row=3, max_row=3))]
    assert heads[0] == "Schlüssel"
    assert "Kita Ü3 (3–5): fehlende Plätze 2024" in heads
    assert "Kita U3 (0–2): fehlende Plätze 2035 (hoch)" in heads
    assert "Kita Ü3 (3–5): fehlende Plätze 2035 (mittel), nachher" in heads
    assert not any(str(h).startswith("kita_") for h in heads)


def test_comparison_sees_a_changed_deficit(kita_api, kita_cli):
    """The cell comparison of this file fails on one changed deficit (it can fail)."""
    from cellwise import differences

    ref = _deficits(kita_api)
    out = read_layer(kita_cli, layer="kita")
    out.loc[out.index[5], "kita_kindergarten_defizit_2035_mittel"] += 1.0
    assert len(differences(ref, out, ["kita_kindergarten_defizit_2035_mittel"])) == 1
