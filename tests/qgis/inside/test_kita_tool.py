"""The QGIS tool "Kita-Planung" gives the API's deficits cell by cell; bad input names the field.

The reference is the one of ``tests/consistency/kita_reference.py``: the Musterland
run's ``[kita]`` settings through :func:`sozialraum.demography.kita.plan_kitas`, which
the suite outside QGIS compares cell by cell with ``sozialraum kita`` and the yearly
run (``tests/consistency/test_kita_doors.py``). So the four doors give one deficit per
area, age group, year and scenario.
"""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from qgis_helpers import AREAS, EX, GPKG, ROOT

sys.path.insert(0, str(ROOT / "tests" / "consistency"))
from cellwise import assert_same, read_layer  # noqa: E402
from kita_reference import CLOSE, EXTEND, NEW, kita_reference  # noqa: E402


def _params(outdir, name="kita", **over):
    """The dialog filled with the Musterland run's settings."""
    p = {
        "INPUT": AREAS,
        "KEY": "sr_id",
        "MUNICIPALITY": "ags",
        "POPULATION": str(EX / "bevoelkerung_alter_*.csv"),
        "POP_KEY": "sr_id",
        "KITAS": f"{EX / 'einrichtungen.gpkg'}|layername=einrichtungen",
        "KITA_ID": "id",
        "CATEGORY_FIELD": "kategorie",
        "CATEGORY": "Kita",
        "PLACES": str(EX / "kita_plaetze.csv"),
        "RATES": "u3=45; ue3=95; hort=50",
        "METHOD": 1,  # 2SFCA
        "RADIUS": "3.000",  # typed German: three thousand metres
        "RASTER": str(EX / "bevoelkerung_100m.tif"),
        "YEARS": "2030; 2035",
        "HORIZON": 11,
        "DEMO_RATES": str(EX / "demografie_raten.csv"),
        "RATES_UNTIL": 2040,
        "SCENARIOS": "niedrig; mittel; hoch",
        "SHIFTS": "-3; 0; 3",
        "CONTROL": str(EX / "landesvorausberechnung.csv"),
        "OUTPUT": str(outdir / f"{name}.gpkg"),
    }
    p.update(over)
    return p


@pytest.fixture(scope="module")
def new_kita(outdir):
    """The planned Kita of ``monitor.toml`` as a point layer, as a planner would draw it."""
    import geopandas as gpd
    import shapely

    from sozialraum.io import write_gpkg

    path = outdir / "neue_kitas.gpkg"
    new = gpd.GeoDataFrame(
        {"krippe": [NEW["krippe"]], "kindergarten": [NEW["kindergarten"]]},
        geometry=[shapely.Point(NEW["x"], NEW["y"])],
        crs="EPSG:25833",  # the CRS of the areas, as in monitor.toml
        index=pd.Index([NEW["id"]], name="id"),
    )
    write_gpkg(new, path, layer="neu")
    return f"{path}|layername=neu"


@pytest.fixture(scope="module")
def tool(run, outdir, new_kita):
    extend = f"id={EXTEND['id']}; kindergarten={EXTEND['kindergarten']}"
    p = _params(
        outdir, NEW=new_kita, EXTEND=extend, CLOSE=CLOSE["id"], EXCEL=str(outdir / "kita.xlsx")
    )
    return run("kitaplanung", p)


@pytest.fixture(scope="module")
def ref():
    """The whole what-if of ``monitor.toml``: a new Kita, an extension and a closure."""
    return kita_reference(GPKG, EX, changes=[NEW, EXTEND, CLOSE])


def test_kita_tool_equals_api_cell_by_cell(tool, ref):
    out = read_layer(tool["OUTPUT"], layer="kita")
    frame = ref.areas_frame()
    cols = [c for c in frame.columns if c.startswith("kita_")]
    assert len(cols) == 3 * (5 + 6 * 3) + 3 * 7 * 3  # planning + what-if before/after/difference
    assert "kita_kindergarten_defizit_2035_hoch" in cols
    assert_same(frame, out, cols, what="Kita: API ↔ QGIS")


def test_kita_tool_planning_equals_the_runs_reference(tool):
    """The planning columns equal the reference the CLI and the yearly run are compared with."""
    full = kita_reference(GPKG, EX)  # with the extension of monitor.toml as well
    out = read_layer(tool["OUTPUT"], layer="kita")
    cols = [c for c in full.planning.wide().columns]
    assert_same(full.areas_frame(), out, cols, what="Kita: run's reference ↔ QGIS")


def test_kita_tool_output_is_styled_and_the_workbook_german(tool):
    from openpyxl import load_workbook
    from qgis.core import QgsCategorizedSymbolRenderer, QgsVectorLayer

    layer = QgsVectorLayer(tool["OUTPUT"], "k", "ogr")
    r = layer.renderer()
    assert isinstance(r, QgsCategorizedSymbolRenderer)
    assert "kita_kindergarten_defizit" in r.classAttribute()
    wb = load_workbook(tool["EXCEL"], read_only=True)
    heads = [c.value for c in next(wb["Übersicht je Gebiet"].iter_rows(min_row=3, max_row=3))]
    assert "Kita Ü3 (3–5): fehlende Plätze 2035 (mittel), nachher" in heads


def _error(run, outdir, **over) -> str:
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as exc:
        run("kitaplanung", _params(outdir, name="kita_bad", **over))
    msg = str(exc.value)
    assert "Traceback" not in msg and "unerwarteten" not in msg
    return msg


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("RATES", "u3=120", "Feld „Bedarfsquoten in %“ (krippe=…) = 120.0"),
        ("RATES", "hort=-1", "Feld „Bedarfsquoten in %“ (hort=…)"),
        ("RATES", "kita=40", "Feld „Bedarfsquoten in %“"),
        ("AGES", "krippe=0-2; kindergarten=4-5", "Feld „Altersgruppen“ (kindergarten=…)"),
        ("AGES", "hort=6", "Feld „Altersgruppen“ (hort=…)"),
        ("YEARS", "2040", "Feld „Zieljahre“: das Jahr 2040 liegt nach dem Ende"),
        ("YEARS", "zwanzig", "Feld „Zieljahre“"),
        ("CATEGORY", "Kitas", "Feld „Kategorie der Kitas“ = 'Kitas'"),
    ],
)
def test_bad_input_names_the_dialog_field(run, outdir, field, value, words):
    msg = _error(run, outdir, **{field: value, "METHOD": 0, "RASTER": None})
    assert words in msg, msg
    assert "[kita]" not in msg and "--" not in msg  # not the words of another door


def test_places_without_a_type_name_the_kita_and_the_field(run, outdir):
    lines = (EX / "kita_plaetze.csv").read_text(encoding="utf-8").splitlines()
    lines[1] = "KITA001;0;0;0;0;4;129;1"
    bad = outdir / "plaetze_ohne_art.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    msg = _error(run, outdir, PLACES=str(bad), METHOD=0, RASTER=None, YEARS="")
    assert "'KITA001'" in msg and "Feld „Spalten der Plätze je Art“ (<art>=…)" in msg


def test_horizon_beyond_the_rates_is_refused(run, outdir):
    from sozialraum.core.doors import knob

    msg = _error(run, outdir, RATES_UNTIL=2030, METHOD=0, RASTER=None)
    assert "reicht bis 2035" in msg and "nur bis 2030" in msg
    assert knob("demography_horizon", "de", door="qgis") in msg


def test_every_kita_setting_names_a_field_of_the_dialog(provider):
    """The words the messages use for the QGIS door are the captions of this tool's fields."""
    import re

    from qgis.core import QgsApplication

    from sozialraum.core.doors import knob

    alg = QgsApplication.processingRegistry().algorithmById("sozialraum:kitaplanung")
    captions = {d.description() for d in alg.parameterDefinitions()}
    for name in ("kita_rate", "kita_ages", "kita_places", "kita_years", "kita_changes",
                 "kita_id", "kita_category"):  # fmt: skip
        quoted = re.findall("„([^“]+)“", knob(name, "de", door="qgis"))
        assert quoted, name
        assert set(quoted) <= captions, (name, quoted)
