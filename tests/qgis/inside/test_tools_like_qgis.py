"""The Sozialraum tools behave like QGIS's own tools.

Every bad input (a key field that does not exist, a layer in geographic coordinates, a
text field where a number is needed, bad or ambiguous numbers, an empty layer) ends in
a German message that names the layer and the field, never in a traceback or a
temporary file of Processing; numbers typed as text are read German first; the log
counts the features a filter kept; every output is styled with the library's class
labels; a tool runs twice in a row (batch) with independent results.
"""

from __future__ import annotations

import pytest
from qgis_helpers import EX, GPKG, read_out

FIXED = 6  # "Feste Grenzen"


@pytest.fixture(scope="module")
def layers(joined, outdir):
    """The joined Musterland layer, the same in EPSG:4326, and an empty copy."""
    import geopandas as gpd

    g = gpd.read_file(joined[0])
    geo = outdir / "t_geographisch.gpkg"
    g.to_crs(4326).to_file(geo, layer="geographisch")
    gpd.read_file(GPKG, layer="sozialraeume").to_crs(4326).to_file(geo, layer="geo_flaechen")
    empty = outdir / "t_leer.gpkg"
    g.iloc[:0].to_file(empty, layer="leer")
    return {
        "joined": str(joined[0]),
        "geo": f"{geo}|layername=geographisch",
        "geo_areas": f"{geo}|layername=geo_flaechen",  # not joined yet: for the join tool
        "empty": f"{empty}|layername=leer",
    }


def _tools(outdir):
    """Each tool with parameters that work on the joined Musterland layer."""
    cat = str(EX / "katalog.toml")
    return {
        "indikatoren_verknuepfen": {"TABLE": str(EX / "indikatoren_2024.xlsx"), "SHEET": "Daten"},
        "raten_index": {"CATALOGUE": cat},
        "klassifizieren": {"FIELD": "ew_ges"},
        "lisa": {"FIELD": "ew_ges", "PERMUTATIONS": 99},
        "hotspots": {"FIELD": "ew_ges"},
        "erreichbarkeit": {"SUPPLY": str(EX / "einrichtungen.gpkg"), "METHOD": 0},
        "zonale_statistik": {"RASTER": str(EX / "bevoelkerung_100m.tif")},
        "webkarte": {"FIELDS": ["ew_ges"], "OUTPUT": str(outdir / "t_karte.html")},
        "steckbriefe": {"CATALOGUE": cat, "OUTPUT": str(outdir / "t_steckbriefe")},
        "veroeffentlichung": {
            "CATALOGUE": cat,
            "AGS": "ags",
            "LEVELS": [2],
            "OUTPUT": str(outdir / "t_pakete"),
        },
    }


TOOL_IDS = [
    "indikatoren_verknuepfen",
    "raten_index",
    "klassifizieren",
    "lisa",
    "hotspots",
    "erreichbarkeit",
    "zonale_statistik",
    "webkarte",
    "steckbriefe",
    "veroeffentlichung",
]


def _params(tool, layer, outdir, **extra):
    p = {"INPUT": layer, "KEY": "sr_id", "OUTPUT": str(outdir / f"t_{tool}.gpkg")}
    p.update(_tools(outdir)[tool])
    p.update(extra)
    return p


def _message(run, tool, params) -> str:
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as exc:
        run(tool, params)
    msg = str(exc.value)
    assert "Traceback" not in msg and "processing_" not in msg and "sozialraum_" not in msg, msg
    assert "/tmp" not in msg, msg
    return msg


@pytest.mark.parametrize("tool", TOOL_IDS)
def test_wrong_key_field_is_a_german_message_naming_layer_and_field(run, layers, outdir, tool):
    msg = _message(run, tool, _params(tool, layers["joined"], outdir, KEY="gibt_es_nicht"))
    assert "gibt_es_nicht" in msg and "Schlüsselfeld" in msg, msg
    assert "hat kein Feld" in msg and "„joined“" in msg, msg


@pytest.mark.parametrize("tool", TOOL_IDS)
def test_empty_layer_is_a_german_message_naming_the_layer(run, layers, outdir, tool):
    msg = _message(run, tool, _params(tool, layers["empty"], outdir))
    assert "„leer“" in msg and "keine Objekte" in msg, msg


@pytest.mark.parametrize("tool", TOOL_IDS)
def test_geographic_layer_runs_or_is_a_german_message(run, layers, outdir, tool):
    """EPSG:4326: tools that measure in metres say so; the others run as on the metric layer."""
    from qgis.core import QgsProcessingException

    layer = layers["geo_areas" if tool == "indikatoren_verknuepfen" else "geo"]
    try:
        run(tool, _params(tool, layer, outdir))
    except QgsProcessingException as exc:
        msg = str(exc)
        assert "Traceback" not in msg and "/tmp" not in msg, msg
        assert "geographisch" in msg or "EPSG" in msg or "Koordinatensystem" in msg, msg
        assert tool in ("erreichbarkeit", "lisa", "hotspots"), msg
