"""Webkarte exportieren: an offline single-file HTML map for committees and the public."""

from __future__ import annotations

from .base import SozialraumAlgorithm


class WebmapAlgorithm(SozialraumAlgorithm):
    ALG_ID = "webkarte"
    GROUP = "ausgabe"
    TEXT = {
        "name": {"de": "Webkarte exportieren", "en": "Export web map"},
        "help": {
            "de": "Schreibt eine interaktive Karte (Leaflet) als eine HTML-Datei: je ausgewähltem Indikator "
            "eine umschaltbare Flächenebene mit Klassen und deutscher Legende, Tooltips, Steckbrief-Popup und "
            "Suche; optional LISA-Cluster (Feld lisa_code aus „Globales Moran's I / LISA“) und "
            "Hot-Spots (gi_code). Klassen und Farben wie in QGIS und im Bericht; Gebiete, die der Monitor "
            "nicht bewertet (Feld bewertet), sind bei Indexfeldern grau „nicht bewertet“. „Offline“ bettet alle Bibliotheken ein (ohne Internet lesbar). Für "
            "öffentliche Karten „Werte zeigen“ abschalten: dann nur Klassen, keine Zahlen.",
            "en": "Writes an interactive map (Leaflet) as one HTML file: one switchable layer per indicator with "
            "classes and legend, tooltips, popups and search; optional LISA clusters and hot spots. 'Offline' "
            "inlines all libraries. Switch off 'show values' for public maps (classes only).",
        },
        "NAME": {"de": "Namensfeld (optional)", "en": "Name field (optional)"},
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
        self.add_bool("LISA", False)
        self.add_bool("GI", False)
        self.add_string("TITLE", None)
        self.add_bool("OFFLINE", True)
        self.add_bool("SHOW_VALUES", True)
        self.add_file_output("OUTPUT", "HTML (*.html)")

    def compute(self, parameters, context, feedback):
        from sozialraum.webmap import Layers, MapSpec, Release, View, gi_layer, lisa_layer, save_map

        self.step(feedback, 0, 2)
        areas = self.read_areas(parameters, context, feedback, name_field="NAME")
        fields = self.parameterAsFields(parameters, "FIELDS", context)
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
