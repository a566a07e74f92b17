"""Writes the Processing models shipped with the plugin (``*.model3``), with QGIS's own API.

Run inside QGIS's Python when a tool's parameters change (the shipped file is the result):
``python3 qgis_plugin/sozialraum_qgis/models/build_models.py``. The test of the model
loads the shipped file with ``QgsProcessingModelAlgorithm.fromFile`` and runs it.

``jahreslauf.model3`` — the yearly steps: Indikatoren verknüpfen → Raten und Index
berechnen → Globales Moran's I / LISA (Gesamtindex) → Webkarte exportieren (with the
catalogue's labels, the LISA clusters).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def _param(model, definition, x: float, y: float) -> None:
    from qgis.core import QgsProcessingModelParameter
    from qgis.PyQt.QtCore import QPointF

    model.addModelParameter(definition, QgsProcessingModelParameter(definition.name()))
    model.parameterComponent(definition.name()).setPosition(QPointF(x, y))


def _child(model, alg_id: str, cid: str, text: str, sources: dict, outputs: dict, y: float):
    from qgis.core import (
        QgsProcessingModelChildAlgorithm,
        QgsProcessingModelOutput,
    )
    from qgis.core import (
        QgsProcessingModelChildParameterSource as Src,
    )
    from qgis.PyQt.QtCore import QPointF

    child = QgsProcessingModelChildAlgorithm(alg_id)
    child.setChildId(cid)
    child.setDescription(text)
    child.setPosition(QPointF(400, y))
    for name, src in sources.items():
        kind, value = src
        if kind == "model":
            child.addParameterSources(name, [Src.fromModelParameter(value)])
        elif kind == "child":
            child.addParameterSources(name, [Src.fromChildOutput(value[0], value[1])])
        else:
            child.addParameterSources(name, [Src.fromStaticValue(value)])
    outs = {}
    for name, title in outputs.items():
        out = QgsProcessingModelOutput(title)
        out.setChildId(cid)
        out.setChildOutputName(name)
        out.setPosition(QPointF(650, y))
        outs[title] = out
    child.setModelOutputs(outs)
    model.addChildAlgorithm(child)
    return cid


def jahreslauf():
    """The model ``sozialraum:jahreslauf`` (not saved; see :func:`main`)."""
    from qgis.core import (
        QgsProcessing,
        QgsProcessingModelAlgorithm,
        QgsProcessingParameterField,
        QgsProcessingParameterFile,
        QgsProcessingParameterNumber,
        QgsProcessingParameterString,
        QgsProcessingParameterVectorLayer,
    )

    m = QgsProcessingModelAlgorithm("Jahreslauf", "Modelle")
    m.setHelpContent(
        {
            "ALG_DESC": "Die jährlichen Schritte der Sozialraumbeobachtung: Indikatortabellen mit "
            "den Sozialräumen verknüpfen, Raten und Index berechnen, LISA-Cluster des "
            "Gesamtindex, Webkarte mit den Bezeichnungen des Katalogs. Jeder Schritt ist ein "
            "Werkzeug des Anbieters „Sozialraum“; das Modell lässt sich im Modell-Designer "
            "öffnen und anpassen.",
            "ALG_CREATOR": "sozialraum",
        }
    )
    file = QgsProcessingParameterFile.File
    tables = "Tabellen (*.xlsx *.csv *.txt *.tsv)"
    catalogue = "Katalog (*.toml *.csv *.xlsx)"
    params = [
        QgsProcessingParameterVectorLayer(
            "areas", "Sozialräume (Flächen)", [QgsProcessing.TypeVectorPolygon]
        ),
        QgsProcessingParameterField("key", "Schlüsselfeld (Gebietsschlüssel)", None, "areas"),
        QgsProcessingParameterField("name", "Namensfeld", None, "areas", optional=True),
        QgsProcessingParameterFile(
            "table", "Indikatortabelle (XLSX/CSV)", file, "", None, False, tables
        ),
        QgsProcessingParameterFile(
            "table2", "Zweite Tabelle (optional)", file, "", None, True, tables
        ),
        QgsProcessingParameterString("sheet", "Tabellenblatt (Excel, optional)", "", False, True),
        QgsProcessingParameterFile(
            "catalogue", "Indikatorenkatalog", file, "", None, False, catalogue
        ),
        QgsProcessingParameterNumber(
            "min_denominator",
            "Mindestnenner / Mindestbevölkerung",
            QgsProcessingParameterNumber.Double,
            300,
            False,
            0,
        ),
        QgsProcessingParameterNumber(
            "permutations",
            "Permutationen (LISA)",
            QgsProcessingParameterNumber.Integer,
            999,
            False,
            0,
        ),
        QgsProcessingParameterNumber(
            "seed", "Startwert (Zufallszahlen)", QgsProcessingParameterNumber.Integer, 12345
        ),
        QgsProcessingParameterString("title", "Titel der Webkarte", "", False, True),
    ]
    for i, p in enumerate(params):
        _param(m, p, 120, 60 + 60 * i)
    key = ("model", "key")
    join = _child(
        m,
        "sozialraum:indikatoren_verknuepfen",
        "verknuepfen",
        "Indikatoren verknüpfen",
        {
            "INPUT": ("model", "areas"),
            "KEY": key,
            "NAME": ("model", "name"),
            "TABLE": ("model", "table"),
            "TABLE2": ("model", "table2"),
            "SHEET": ("model", "sheet"),
            "CATALOGUE": ("model", "catalogue"),
            "STRICT": ("static", False),
        },
        {},  # an intermediate result (temporary file)
        80,
    )
    mon = _child(
        m,
        "sozialraum:raten_index",
        "raten_index",
        "Raten und Index berechnen",
        {
            "INPUT": ("child", (join, "OUTPUT")),
            "KEY": key,
            "CATALOGUE": ("model", "catalogue"),
            "MIN_DENOMINATOR": ("model", "min_denominator"),
            "SCHEME": ("static", 0),
            "K": ("static", 5),
            "SEED": ("model", "seed"),
        },
        {"OUTPUT": "Monitor"},
        240,
    )
    lisa = _child(
        m,
        "sozialraum:lisa",
        "lisa",
        "LISA-Cluster des Gesamtindex",
        {
            "INPUT": ("child", (mon, "OUTPUT")),
            "KEY": key,
            "FIELD": ("static", "idx_gesamt"),
            "WEIGHTS": ("static", 0),  # Queen
            "K": ("static", 6),
            "ISLANDS": ("static", 0),  # areas without neighbours: excluded
            "PERMUTATIONS": ("model", "permutations"),
            "SEED": ("model", "seed"),
            "ALPHA": ("static", 0.05),
            "CORRECTION": ("static", 1),  # FDR, as in the yearly run
        },
        {"OUTPUT": "LISA-Cluster"},
        400,
    )
    _child(
        m,
        "sozialraum:webkarte",
        "webkarte",
        "Webkarte exportieren",
        {
            "INPUT": ("child", (lisa, "OUTPUT")),
            "KEY": key,
            "NAME": ("model", "name"),
            "FIELDS": ("static", ["idx_gesamt"]),
            "CATALOGUE": ("model", "catalogue"),
            "LISA": ("static", True),
            "GI": ("static", False),
            "TITLE": ("model", "title"),
            "OFFLINE": ("static", True),
            "SHOW_VALUES": ("static", True),
        },
        {"OUTPUT": "Webkarte"},
        560,
    )
    m.setName("jahreslauf")
    m.setGroup("Modelle")
    return m


def main() -> None:
    """Write ``jahreslauf.model3`` beside this file (QGIS must be importable)."""
    m = jahreslauf()
    m.setSourceFilePath(str(HERE / "jahreslauf.model3"))
    assert m.toFile(str(HERE / "jahreslauf.model3"))


if __name__ == "__main__":
    main()
