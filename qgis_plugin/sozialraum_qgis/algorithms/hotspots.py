"""Hot-Spots (Gi*): Getis-Ord Gi* hot and cold spots in red/blue."""

from __future__ import annotations

from qgis.core import QgsProcessingOutputString

from . import _spatial_common as sc
from .base import SozialraumAlgorithm

INFERENCE = ("analytical", "permutation")


class HotspotAlgorithm(SozialraumAlgorithm):
    ALG_ID = "hotspots"
    GROUP = "raum"
    MODULES = sc.MODULES
    TEXT = {
        **sc.TEXT,
        "name": {"de": "Hot-Spots (Gi*)", "en": "Hot spots (Gi*)"},
        "help": {
            "de": "Findet räumliche Häufungen hoher (Hot Spots) und niedriger Werte (Cold Spots) mit der "
            "Getis-Ord-Statistik Gi* (Gebiet selbst + Nachbarn). Klassen nach zweiseitigem p-Wert: 99 %, "
            "95 %, 90 %; Gebiete ohne Nachbarn und ohne Wert werden eigens ausgewiesen. Felder gi_z, gi_p, "
            "gi_p_adj, gi_code, gi_cat, gi_color; Darstellung in Rot- (Hot) und Blautönen (Cold). Gi* setzt "
            "nicht-negative Werte voraus (Anzahlen, Quoten, Anteile); für Indizes und z-Werte das Werkzeug "
            "„Globales Moran's I / LISA“ verwenden. Permutationen und Startwert gelten nur für die "
            "Permutations-Inferenz.",
            "en": "Getis-Ord Gi* hot and cold spots (area itself + neighbours). Classes by two-sided p-value "
            "(99/95/90 %); islands and missing values are shown separately. Fields gi_z, gi_p, gi_p_adj, "
            "gi_code, gi_cat, gi_color; red (hot) and blue (cold) shades. Gi* needs non-negative values "
            "(counts, rates, shares); for indices and z-scores use the tool 'Global Moran's I / LISA'. "
            "Permutations and seed apply to permutation inference only.",
        },
        "INFERENCE": {"de": "Inferenz", "en": "Inference"},
        "OUTPUT": {"de": "Hot-Spots", "en": "Hot spots"},
        "SUMMARY": {"de": "Zusammenfassung", "en": "Summary"},
    }

    def define(self):
        sc.add_weight_params(self)
        names = {
            "de": ["analytisch (Normalverteilung)", "Permutation"],
            "en": ["analytical (normal)", "permutation"],
        }
        self.add_enum("INFERENCE", names[self.lang], 0)
        self.add_number("PERMUTATIONS", 999, integer=True, minimum=0)
        self.add_number("SEED", 12345, integer=True)
        self.add_enum("CORRECTION", sc.CORRECTION_NAMES[self.lang], 0)
        self.add_output("OUTPUT")
        self.addOutput(QgsProcessingOutputString("SUMMARY", self.t("SUMMARY")))

    def compute(self, parameters, context, feedback):
        from sozialraum.core.classify import without_not_rated
        from sozialraum.spatial import getis_ord

        from .. import styles

        self.step(feedback, 0, 3)
        # areas the monitor did not rate have no index: they do not enter Gi*
        areas = without_not_rated(self.read_areas(parameters, context, feedback))
        field = self.field(parameters, "FIELD", context)
        self.step(feedback, 1, 3, "Gewichte" if self.lang == "de" else "weights")
        w = sc.build(self, areas, parameters, context)
        self.step(feedback, 2, 3, "Gi*")
        inference = INFERENCE[self.parameterAsEnum(parameters, "INFERENCE", context)]
        # permutations and seed belong to permutation inference only (the library refuses
        # them with analytical z-scores); the dialog always has values in both fields
        perm = {}
        if inference == "permutation":
            perm = {
                "permutations": self.parameterAsInt(parameters, "PERMUTATIONS", context),
                "seed": self.parameterAsInt(parameters, "SEED", context),
            }
        res = getis_ord(
            areas,
            field,
            w,
            inference=inference,
            correction=sc.CORRECTIONS[self.parameterAsEnum(parameters, "CORRECTION", context)],
            lang=self.lang,
            **perm,
        )
        summary = res.summary(self.lang)
        for line in summary.splitlines():
            feedback.pushInfo(line)
        renderer = styles.code_renderer("gi_code", "gi", self.lang)
        path = self.write(res.frame, parameters, context, renderer=renderer, layer_name="hotspots")
        return {"OUTPUT": path, "SUMMARY": summary}
