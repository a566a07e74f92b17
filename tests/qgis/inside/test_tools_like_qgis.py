"""The Sozialraum tools behave like QGIS's own tools.

Every bad input (a key field that does not exist, a layer in geographic coordinates, a
text field where a number is needed, bad or ambiguous numbers, an empty layer) ends in
a German message that names the layer and the field, never in a traceback or a
temporary file of Processing; numbers typed as text are read German first; the log
counts the features a filter kept; every output is styled with the library's class
labels; a tool runs twice in a row (batch) with independent results.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from qgis_helpers import EX, GPKG, read_out

FIXED = 6  # "Feste Grenzen"
KITA = "\"kategorie\" = 'Kita'"  # facilities with a capacity


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
def test_geographic_layer_runs_like_the_metric_one(run, layers, outdir, tool):
    """EPSG:4326: every tool runs; what measures in metres reprojects and says so once."""
    layer = layers["geo_areas" if tool == "indikatoren_verknuepfen" else "geo"]
    log = Log()
    run(tool, _params(tool, layer, outdir), feedback=log)
    assert len(log.warnings) == len(set(log.warnings)), log.warnings
    if tool == "erreichbarkeit":
        assert any("umprojiziert" in w for w in log.warnings), log.warnings


def test_geographic_layer_gives_the_distances_of_the_metric_one(run, layers, outdir):
    metric = run(
        "erreichbarkeit",
        _params("erreichbarkeit", layers["joined"], outdir, OUTPUT=str(outdir / "t_m.gpkg")),
    )
    geo = run(
        "erreichbarkeit",
        _params("erreichbarkeit", layers["geo"], outdir, OUTPUT=str(outdir / "t_g.gpkg")),
    )
    a, b = read_out(metric["OUTPUT"]), read_out(geo["OUTPUT"])
    assert (a["facility_1"] == b["facility_1"]).mean() > 0.95
    assert ((a["distance_1"] - b["distance_1"]).abs() < 5.0).mean() > 0.95  # metres


@pytest.mark.parametrize("tool", ["klassifizieren", "lisa", "hotspots"])
def test_text_field_where_a_number_is_needed(run, layers, outdir, tool):
    msg = _message(run, tool, _params(tool, layers["joined"], outdir, FIELD="sr_name"))
    assert "'sr_name'" in msg and "kein Zahlenfeld" in msg and "„joined“" in msg, msg


@pytest.mark.parametrize(
    ("breaks", "words"),
    [
        ("abc", ("Feste Grenzen", "'abc'", "keine Zahl")),
        ("1.000; 2.5", ("Feste Grenzen", "'1.000'", "mehrdeutig", "1000 oder 1")),
        ("2,5; 3.5", ("Feste Grenzen", "mischen")),
    ],
    ids=["abc", "ambiguous", "mixed"],
)
def test_bad_breaks_are_refused_with_a_message(run, layers, outdir, breaks, words):
    params = _params("klassifizieren", layers["joined"], outdir, SCHEME=FIXED, BREAKS=breaks)
    msg = _message(run, "klassifizieren", params)
    assert all(w in msg for w in words), msg


def test_numbers_typed_as_text_are_read_german(run, layers, outdir):
    """A radius "3.000" is three thousand metres (Qt alone reads 3), "2,5" is accepted."""
    import pandas as pd

    base = {
        "SUPPLY": str(EX / "einrichtungen.gpkg"),
        "METHOD": 1,
        "DEMAND_FIELD": "ew_ges",
        "SUPPLY_FIELD": "kapazitaet",
        "SUPPLY_FILTER": KITA,
    }
    typed = run(
        "erreichbarkeit",
        {**_params("erreichbarkeit", layers["joined"], outdir), **base, "MAX_COST": "3.000"},
    )
    plain = run(
        "erreichbarkeit",
        {
            **_params("erreichbarkeit", layers["joined"], outdir),
            **base,
            "MAX_COST": 3000.0,
            "OUTPUT": str(outdir / "t_plain.gpkg"),
        },
    )
    a, b = read_out(typed["OUTPUT"]), read_out(plain["OUTPUT"])
    pd.testing.assert_series_equal(a["versorgung"], b["versorgung"])
    msg = _message(
        run,
        "erreichbarkeit",
        {**_params("erreichbarkeit", layers["joined"], outdir), **base, "MAX_COST": "3 km"},
    )
    assert "'3 km'" in msg and "keine Zahl" in msg, msg


class Log:
    """A feedback that keeps what the tool writes into the log."""

    def __new__(cls):
        from qgis.core import QgsProcessingFeedback

        class _Log(QgsProcessingFeedback):
            def __init__(self):
                super().__init__()
                self.info, self.warnings, self.progress = [], [], []
                self.progressChanged.connect(self.progress.append)

            def pushInfo(self, text):  # noqa: N802
                self.info.append(text)

            def pushWarning(self, text):  # noqa: N802
                self.warnings.append(text)

        return _Log()


def test_log_counts_the_features_the_filter_kept(run, layers, outdir):
    """Regression: the log said "103 features" after a filter that kept the Kitas only."""
    import geopandas as gpd

    kitas = int((gpd.read_file(EX / "einrichtungen.gpkg")["kategorie"] == "Kita").sum())
    total = len(gpd.read_file(EX / "einrichtungen.gpkg"))
    assert 0 < kitas < total
    log = Log()
    run(
        "erreichbarkeit",
        {
            **_params("erreichbarkeit", layers["joined"], outdir),
            "SUPPLY_FILTER": "\"kategorie\" = 'Kita'",
        },
        feedback=log,
    )
    lines = [x for x in log.info if "Objekte gelesen" in x]
    assert any(f": {kitas} Objekte gelesen nach dem Filter" in x for x in lines), lines
    assert not any(f"{total} " in x for x in lines), lines
    assert any(": 80 Objekte gelesen." in x for x in lines), lines
    assert log.progress and max(log.progress) == 100


def test_batch_two_runs_of_one_tool_are_independent(provider, layers, outdir):
    """One algorithm instance run twice with different inputs (as a batch row after row)."""
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProject

    alg = QgsApplication.processingRegistry().createAlgorithmById("sozialraum:klassifizieren")
    context = QgsProcessingContext()
    context.setProject(QgsProject.instance())
    results = []
    for i, (field, breaks) in enumerate([("ew_ges", "1.000; 2.500"), ("sgb2_pers", "50; 100")]):
        params = _params(
            "klassifizieren",
            layers["joined"],
            outdir,
            FIELD=field,
            SCHEME=FIXED,
            BREAKS=breaks,
            OUTPUT=str(outdir / f"t_batch_{i}.gpkg"),
        )
        res, ok = alg.run(params, context, Log())
        assert ok, res
        results.append(read_out(res["OUTPUT"]))
    assert results[0]["ew_ges_label"].str.contains("1.000,0").any()
    assert (
        "ew_ges_label" not in results[1]
        and results[1]["sgb2_pers_label"].str.contains("100,0").any()
    )


def _categories(path) -> list[tuple[str, str]]:
    """(label, colour) of each category of the style stored with the output."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsVectorLayer

    layer = QgsVectorLayer(str(path), "x", "ogr")
    assert layer.isValid()
    renderer = layer.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer), renderer
    return [(c.label(), c.symbol().color().name()) for c in renderer.categories()]


@pytest.mark.parametrize(
    ("tool", "extra", "field"),
    [
        ("erreichbarkeit", {"METHOD": 0}, "distance_1"),
        (
            "erreichbarkeit",
            {
                "METHOD": 1,
                "DEMAND_FIELD": "ew_ges",
                "SUPPLY_FIELD": "kapazitaet",
                "SUPPLY_FILTER": KITA,
            },
            "versorgung",
        ),
        ("zonale_statistik", {"STATS": [0]}, "r_sum"),
    ],
    ids=["nearest", "2sfca", "zonal"],
)
def test_outputs_are_styled_with_the_library_classes(run, layers, outdir, tool, extra, field):
    from sozialraum.core.classify import classify
    from sozialraum.core.palettes import MISSING_COLOR

    res = run(tool, _params(tool, layers["joined"], outdir, **extra))
    out = read_out(res["OUTPUT"])
    cats = _categories(res["OUTPUT"])
    cls = classify(out[field], scheme="quantiles", k=5)
    assert [lab for lab, _c in cats[: cls.k]] == list(cls.class_labels)
    assert cats[-1] == ("kein Wert", MISSING_COLOR)


def test_supply_need_styled_by_coverage_classes(run, layers, outdir):
    from sozialraum.core.classify import classify

    res = run(
        "erreichbarkeit",
        _params(
            "erreichbarkeit",
            layers["joined"],
            outdir,
            METHOD=3,
            SUPPLY_FILTER=KITA,
            DEMAND_FIELD="ew_ges",
            SUPPLY_FIELD="kapazitaet",
            TARGET="1,5",
        ),
    )
    labels = [lab for lab, _c in _categories(res["OUTPUT"])]
    cls = classify(read_out(res["OUTPUT"])["versorgung_je_100"], breaks=[0, 0.75, 1.5, 2.25])
    assert (
        labels[:5]
        == list(cls.class_labels)
        == [
            "bis 0,0",
            "über 0,0 bis 0,8",
            "über 0,8 bis 1,5",
            "über 1,5 bis 2,2",
            "über 2,2",
        ]
    )


def test_web_map_with_catalogue_shows_labels_not_field_names(run, joined, outdir):
    import sys

    from qgis_helpers import ROOT

    sys.path.insert(0, str(ROOT / "tests" / "consistency"))
    from webmap_legend import map_config

    res = run(
        "webkarte",
        {
            "INPUT": str(joined[0]),
            "KEY": "sr_id",
            "NAME": "sr_name",
            "FIELDS": ["sgb2_pers", "ew_ges"],
            "CATALOGUE": str(EX / "katalog.toml"),
            "OUTPUT": str(outdir / "t_katalog.html"),
        },
    )
    from sozialraum.io import read_catalogue

    labels = read_catalogue(EX / "katalog.toml").labels("de")
    titles = [
        lay["title"] for lay in map_config(open(res["OUTPUT"], encoding="utf-8").read())["layers"]
    ]
    assert titles == [labels["sgb2_pers"], labels["ew_ges"]], titles
    assert "sgb2_pers" not in titles


def test_web_map_titles_of_the_index():
    from sozialraum_qgis.algorithms.webmap import layer_titles

    from sozialraum.io import read_catalogue

    titles = layer_titles(read_catalogue(EX / "katalog.toml"), "de")
    assert titles["idx_gesamt"] == ("Gesamtindex", "z-Wert")
    cat = read_catalogue(EX / "katalog.toml")
    dims = cat.dimensions()
    assert any(t == f"Index {dims[0]}" for t, _u in titles.values())


def test_unexpected_error_is_a_german_message_with_tool_step_and_inputs(
    run, layers, outdir, monkeypatch
):
    """Anything the library did not foresee: tool, step, inputs, whom to tell; traceback in the log."""
    import sozialraum.spatial

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(sozialraum.spatial, "moran", broken)

    log = Log()
    debug = []
    log.pushDebugInfo = debug.append
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as exc:
        run("lisa", _params("lisa", layers["joined"], outdir), feedback=log)
    msg = str(exc.value)
    for words in (
        "„Globales Moran's I / LISA“",
        "bei „Moran's I“",
        "ZeroDivisionError",
        "„joined“",
        "Indikator (Feld) = ew_ges",
        "Bitte melden Sie diesen Fehler",
    ):
        assert words in msg, msg
    assert "Traceback" not in msg
    assert any("Traceback" in d for d in debug), debug


def test_intermediate_result_is_named_by_the_dialog_field(run, outdir):
    """A model's or batch's temporary file is named by the field, never by its path."""
    import geopandas as gpd
    from qgis.core import QgsProcessingUtils

    g = gpd.read_file(GPKG, layer="sozialraeume")
    g.loc[1, "sr_id"] = g.loc[0, "sr_id"]
    folder = Path(QgsProcessingUtils.tempFolder()) / "abc123"
    folder.mkdir(parents=True, exist_ok=True)
    g.to_file(folder / "OUTPUT.gpkg")
    msg = _message(
        run,
        "zonale_statistik",
        {
            "INPUT": str(folder / "OUTPUT.gpkg"),
            "KEY": "sr_id",
            "RASTER": str(EX / "bevoelkerung_100m.tif"),
            "OUTPUT": str(outdir / "t_zwischen.gpkg"),
        },
    )
    assert "Sozialräume (Flächen) (Zwischenergebnis)" in msg, msg
    assert "OUTPUT" not in msg, msg


def test_joining_a_table_twice_is_a_message_not_a_crash(run, layers, outdir):
    """Regression: "FieldError: Error adding field 'Wohnungen'" (GeoPackage names ignore case)."""
    params = _params("indikatoren_verknuepfen", layers["joined"], outdir)
    msg = _message(run, "indikatoren_verknuepfen", params)
    assert "'wohnungen' / 'Wohnungen'" in msg and "Groß-/Kleinschreibung" in msg, msg


def test_facility_messages_name_the_facility_layer(run, layers, outdir):
    """A capacity missing in some facilities: the message names the layer, not "Angebot"."""
    params = _params(
        "erreichbarkeit",
        layers["joined"],
        outdir,
        METHOD=1,
        DEMAND_FIELD="ew_ges",
        SUPPLY_FIELD="kapazitaet",
    )
    msg = _message(run, "erreichbarkeit", params)
    assert msg.startswith("Ebene „einrichtungen“: Spalte 'kapazitaet'"), msg
