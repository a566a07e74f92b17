"""The projection is the same number in every door: API = CLI = yearly run (Musterland).

The reference is :func:`sozialraum.demography.forecast.forecast` with the settings of
``[demografie]`` (``reference_demography.py``); the command line ``sozialraum
demografie`` and the yearly run write the layer ``vorausberechnung_2035`` and
``demografie.xlsx``, compared cell by cell (the QGIS tool is compared with the same
reference inside QGIS, ``tests/qgis/inside/test_demography_tool.py``).
"""

from __future__ import annotations

import pandas as pd
import pytest
from cellwise import assert_same, read_layer
from reference_demography import DEMOGRAPHY, END, demography_reference, projection_columns


@pytest.fixture(scope="module")
def demo_ref(musterland):
    return demography_reference(musterland["examples"])


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory, musterland):
    """``sozialraum demografie`` with the Musterland settings: (gpkg, xlsx)."""
    from sozialraum.cli import main

    ex, d = musterland["examples"], DEMOGRAPHY
    out = tmp_path_factory.mktemp("demografie_cli")
    gpkg, xlsx = out / "demografie.gpkg", out / "demografie.xlsx"
    # fmt: off
    args = ["demografie", musterland["boundaries"], "--ebene", "sozialraeume",
            "--schluessel", "sr_id", "--name", "sr_name",
            "--bevoelkerung", ex / "bevoelkerung_alter_*.csv",
            "--raten", ex / d["rates"], "--raten-gueltig-bis", d["rates_until"],
            "--szenarien", *d["scenarios"], "--szenario-wanderung", *d["shifts"],
            "--hauptszenario", d["main"], "--eckwerte", ex / d["control"],
            "--horizont", d["horizon"], "--mindestfallzahl", d["min_count"],
            "--out", gpkg, "--excel", xlsx]
    # fmt: on
    assert main([str(a) for a in args]) == 0
    return gpkg, xlsx


def test_cli_projection_equals_api(demo_ref, demo_cli):
    out = read_layer(demo_cli[0], layer=f"vorausberechnung_{END}")
    cols = list(demo_ref.columns)
    assert len(cols) > 20 and set(projection_columns(demo_ref)) <= set(out.columns)
    assert_same(demo_ref, out, cols, what="projection: API ↔ CLI")


def test_yearly_projection_layer_equals_api(demo_ref, yearly):
    out = read_layer(yearly / "intern" / "ergebnisse.gpkg", layer=f"vorausberechnung_{END}")
    assert_same(demo_ref, out, list(demo_ref.columns), what="projection layer: API ↔ yearly run")


def test_yearly_area_results_carry_the_api_projection(demo_ref, yearly):
    """The prog_* columns of the areas' results (GeoPackage, Excel, packages) are the API's."""
    out = read_layer(yearly / "intern" / "ergebnisse.gpkg", layer="sozialraeume")
    assert_same(demo_ref, out, projection_columns(demo_ref), what="prog_*: API ↔ yearly run")


def _sheet(path, name: str) -> pd.DataFrame:
    """A sheet of a workbook written by io.write_excel, from its header row (title differs)."""
    return pd.read_excel(path, sheet_name=name, header=2, dtype={0: str})


def test_cli_workbook_equals_yearly_workbook(demo_cli, yearly):
    """``demografie.xlsx`` of the CLI has the run's sheets, German headers and real keys."""
    import openpyxl

    run_xlsx = yearly / "intern" / "demografie.xlsx"
    cli_names = openpyxl.load_workbook(demo_cli[1], read_only=True).sheetnames
    run_names = openpyxl.load_workbook(run_xlsx, read_only=True).sheetnames
    assert [n for n in run_names if n in cli_names] == cli_names  # the run adds supply sheets
    for name in cli_names:
        a, b = _sheet(demo_cli[1], name), _sheet(run_xlsx, name)
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)
    head = list(_sheet(run_xlsx, f"Vorausberechnung {END}").columns)
    assert head[:2] == ["Sozialraumschlüssel", "Sozialraum"] and "key" not in head
    assert any(str(v).startswith(f"Einwohner {END} (Vorausberechnung") for v in head), head
