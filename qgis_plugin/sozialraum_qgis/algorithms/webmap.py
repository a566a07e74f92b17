"""Webkarte exportieren: an offline single-file HTML map for committees and the public."""

from __future__ import annotations

from .base import SozialraumAlgorithm

_DIMENSION = {"de": "Index {dim}", "en": "Index {dim}"}
_INDEX_UNIT = {"de": "z-Wert", "en": "z-score"}


def layer_titles(catalogue, lang: str = "de") -> dict[str, tuple[str, str]]:
    """Column → (title, unit) for the map's legends: catalogue labels, index names.

    Indicators and variables by their catalogue label (``label_en`` in English where
    given) and unit; ``idx_gesamt`` "Gesamtindex", the dimension indices ``idx_<slug>``
    "Index <Dimension>", status and dynamic index by name. Without a catalogue only the
    index names.
    """
    from sozialraum.pipeline.common import INDEX_TITLES  # the library's one table

    out = {c: (t[lang], _INDEX_UNIT[lang]) for c, t in INDEX_TITLES.items()}
    if catalogue is None:
        return out
    from sozialraum.core.text import slugify

    for dim in catalogue.dimensions():
        slug = slugify(dim, fallback="dimension")
        out.setdefault(f"idx_{slug}", (_DIMENSION[lang].format(dim=dim), _INDEX_UNIT[lang]))
    labels = catalogue.labels(lang)
    for frame in (catalogue.variables, catalogue.indicators):
        for cid, row in frame.iterrows():
            unit = row.get("unit")
            out[str(cid)] = (labels[str(cid)], unit if isinstance(unit, str) else "")
    return out


class WebmapAlgorithm(SozialraumAlgorithm):
    ALG_ID = "webkarte"
    GROUP = "ausgabe"
    TEXT = {
        "name": {"de": "Webkarte exportieren", "en": "Export web map"},
        "help": {
            "de": "Schreibt eine interaktive Karte (Leaflet) als eine HTML-Datei: je ausgewähltem Indikator "
            "eine umschaltbare Flächenebene mit Klassen und deutscher Legende, Tooltips, Steckbrief-Popup und "
            "Suche; mit Indikatorenkatalog tragen Ebenen und Legenden die Bezeichnungen (z. B. „Gesamtindex“, "
            "„Arbeitslosenquote“) statt der Feldnamen; optional LISA-Cluster (Feld lisa_code aus „Globales Moran's I / LISA“) und "
            "Hot-Spots (gi_code). Klassen und Farben wie in QGIS und im Bericht; Gebiete, die der Monitor "
            "nicht bewertet (Feld bewertet), sind bei Indexfeldern grau „nicht bewertet“. „Offline“ bettet alle Bibliotheken ein (ohne Internet lesbar). Für "
            "öffentliche Karten „Werte zeigen“ abschalten: dann nur Klassen, keine Zahlen.",
            "en": "Writes an interactive map (Leaflet) as one HTML file: one switchable layer per indicator with "
            "classes and legend, tooltips, popups and search; optional LISA clusters and hot spots. 'Offline' "
            "inlines all libraries. Switch off 'show values' for public maps (classes only).",
        },
        "NAME": {"de": "Namensfeld (optional)", "en": "Name field (optional)"},
        "CATALOGUE": {
            "de": "Indikatorenkatalog (optional: Titel und Legenden mit den Bezeichnungen)",
            "en": "Indicator catalogue (optional: titles and legends with the labels)",
        },
        "FIELDS": {"de": "Indikatoren (Felder)", "en": "Indicators (fields)"},
        "LISA": {
            "de": "LISA-Cluster zeigen (Feld lisa_code)",
            "en": "Show LISA clusters",
        },
        "GI": {"de": "Hot-Spots zeigen (Feld gi_code)", "en": "Show hot spots"},
        "TITLE": {"de": "Titel", "en": "Title"},
        "OFFLINE": {
            "de": "Offline (alles in einer Datei)",
            "en": "Offline (everything in one file)",
        },
        "SHOW_VALUES": {"de": "Werte zeigen", "en": "Show values"},
        "OUTPUT": {"de": "Webkarte (HTML)", "en": "Web map (HTML)"},
    }

    def define(self):
        self.add_areas("INPUT", "KEY", name_field="NAME")
        self.add_field("FIELDS", multiple=True)
        self.add_file("CATALOGUE", "Katalog (*.toml *.csv *.xlsx)", optional=True)
        self.add_bool("LISA", False)
        self.add_bool("GI", False)
        self.add_string("TITLE", None)
        self.add_bool("OFFLINE", True)
        self.add_bool("SHOW_VALUES", True)
        self.add_file_output("OUTPUT", "HTML (*.html)")

    def compute(self, parameters, context, feedback):
        from sozialraum.io import read_catalogue
        from sozialraum.webmap import (
            Indicator,
            Layers,
            MapSpec,
            Release,
            View,
            gi_layer,
            lisa_layer,
            save_map,
        )

        self.step(feedback, 0, 2)
        areas = self.read_areas(parameters, context, feedback, name_field="NAME")
        cat_path = self.parameterAsFile(parameters, "CATALOGUE", context)
        catalogue = read_catalogue(cat_path, lang=self.lang) if cat_path else None
        # with a catalogue the layers carry its labels; without, the field names (as the API)
        titles = layer_titles(catalogue, self.lang) if catalogue is not None else {}
        fields = [
            Indicator(f, title=titles[f][0], unit=titles[f][1]) if f in titles else f
            for f in self.parameterAsFields(parameters, "FIELDS", context)
        ]
        path = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        self.step(feedback, 1, 2, "HTML")
        # the library classifies: same classes as QGIS and the report, areas not rated grey
        spec = MapSpec(
            layers=Layers(
                indicators=tuple(fields),
                lisa=lisa_layer() if self.parameterAsBool(parameters, "LISA", context) else None,
                gi=gi_layer() if self.parameterAsBool(parameters, "GI", context) else None,
            ),
            view=View(
                title=self.parameterAsString(parameters, "TITLE", context) or None,
                offline=self.parameterAsBool(parameters, "OFFLINE", context),
            ),
            release=Release(show_values=self.parameterAsBool(parameters, "SHOW_VALUES", context)),
            name_column=self.field(parameters, "NAME", context),
            lang=self.lang,
        )
        save_map(areas, path, spec)
        return {"OUTPUT": path}
