"""The tool Bevölkerungsvorausberechnung equals the library's forecast() on Musterland.

The reference is the one the suite outside QGIS compares the command line and the
yearly run with (``tests/consistency/reference_demography.py``), compared cell by cell.
"""

from __future__ import annotations

import sys

import pytest
from qgis_helpers import AREAS, EX, ROOT

sys.path.insert(0, str(ROOT / "tests" / "consistency"))
from cellwise import assert_same, read_layer  # noqa: E402
from reference_demography import (  # noqa: E402
    DEMOGRAPHY,
    END,
    demography_reference,
    projection_columns,
)


def _params(outdir, **over):
    outdir.mkdir(parents=True, exist_ok=True)
    d = DEMOGRAPHY
    p = {
        "INPUT": AREAS,
        "KEY": "sr_id",
        "POPULATION": str(EX / "bevoelkerung_alter_*.csv"),
        "POP_KEY": "sr_id",
        "RATES": str(EX / d["rates"]),
        "RATES_UNTIL": d["rates_until"],
        "MIGRATION": 0,
        "SCENARIOS": "; ".join(d["scenarios"]),
        "SHIFTS": "; ".join(f"{s:g}" for s in d["shifts"]),
        "MAIN": d["main"],
        "CONTROL": str(EX / d["control"]),
        "HORIZON": d["horizon"],
        "MIN_COUNT": d["min_count"],
        "OUTPUT": str(outdir / "vorausberechnung.gpkg"),
        "EXCEL": str(outdir / "demografie.xlsx"),
    }
    p.update(over)
    return p


def test_demography_tool_equals_library(run, outdir):
    import openpyxl

    res = run("bevoelkerungsvorausberechnung", _params(outdir))
    out = read_layer(res["OUTPUT"], layer=f"vorausberechnung_{END}")
    ref = demography_reference(EX)
    assert set(projection_columns(ref)) <= set(out.columns)
    assert_same(ref, out, list(ref.columns), what="projection: API ↔ QGIS")
    names = openpyxl.load_workbook(res["EXCEL"], read_only=True).sheetnames
    assert f"Vorausberechnung {END}" in names and "Einwohner je Szenario" in names


def test_demography_tool_output_is_styled_by_the_change(run, outdir):
    """Quantile classes of prog_veraenderung_2035 from the library, diverging colours."""
    from qgis.core import QgsVectorLayer

    from sozialraum.core.classify import classify
    from sozialraum.core.palettes import class_colors

    res = run("bevoelkerungsvorausberechnung", _params(outdir / "styled", EXCEL=None))
    field = f"prog_veraenderung_{END}"
    out = read_layer(res["OUTPUT"], layer=f"vorausberechnung_{END}")
    cls = classify(out[field], scheme="quantiles", k=5, name=field)
    lay = QgsVectorLayer(res["OUTPUT"], "x", "ogr")
    lay.loadDefaultStyle()
    assert lay.renderer().type() == "categorizedSymbol"
    assert f'"{field}"' in lay.renderer().classAttribute()
    cats = lay.renderer().categories()
    assert [c.label() for c in cats][:5] == list(cls.class_labels)
    assert [c.symbol().color().name() for c in cats][:5] == list(class_colors(5, "diverging"))


def test_demography_tool_horizon_beyond_rates_names_the_fields(run, outdir):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as exc:
        run("bevoelkerungsvorausberechnung", _params(outdir, RATES_UNTIL=2030))
    msg = str(exc.value)
    assert "Jahre der Vorausberechnung" in msg and "Raten gültig bis" in msg, msg


def test_demography_tool_unknown_main_scenario_names_the_field(run, outdir):
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as exc:
        run("bevoelkerungsvorausberechnung", _params(outdir, MAIN="basis"))
    assert "Hauptszenario" in str(exc.value) and "'basis'" in str(exc.value)
