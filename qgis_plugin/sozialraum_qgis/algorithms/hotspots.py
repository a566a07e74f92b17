"""Hot-Spots (Gi*): Getis-Ord Gi* hot and cold spots in red/blue."""

from __future__ import annotations

from qgis.core import QgsProcessingOutputString

from . import _spatial_common as sc
from .base import SozialraumAlgorithm

INFERENCE = ("analytical", "permutation")


class HotspotAlgorithm(SozialraumAlgorithm):
    ALG_ID = "hotspots"
    GROUP = "raum"
    TEXT = {
        **sc.TEXT,
        "name": {"de": "Hot-Spots (Gi*)", "en": "Hot spots (Gi*)"},
        "help": {
            "de": "Findet räumliche Häufungen hoher (Hot Spots) und niedriger Werte (Cold Spots) mit der "
            "Getis-Ord-Statistik Gi* (Gebiet selbst + Nachbarn). Klassen nach zweiseitigem p-Wert: 99 %, "
            "95 %, 90 %; Gebiete ohne Nachbarn und ohne Wert werden eigens ausgewiesen. Felder gi_z, gi_p, "
            "gi_p_adj, gi_code, gi_cat, gi_color; Darstellung in Rot- (Hot) und Blautönen (Cold).",
            "en": "Getis-Ord Gi* hot and cold spots (area itself + neighbours). Classes by two-sided p-value "
            "(99/95/90 %); islands and missing values are shown separately. Fields gi_z, gi_p, gi_p_adj, "
            "gi_code, gi_cat, gi_color; red (hot) and blue (cold) shades.",
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
        res = getis_ord(
            areas,
            field,
            w,
            inference=INFERENCE[self.parameterAsEnum(parameters, "INFERENCE", context)],
            permutations=self.parameterAsInt(parameters, "PERMUTATIONS", context),
            seed=self.parameterAsInt(parameters, "SEED", context),
            correction=sc.CORRECTIONS[self.parameterAsEnum(parameters, "CORRECTION", context)],
            lang=self.lang,
        )
        summary = res.summary(self.lang)
        for line in summary.splitlines():
            feedback.pushInfo(line)
        renderer = styles.code_renderer("gi_code", "gi", self.lang)
        path = self.write(res.frame, parameters, context, renderer=renderer, layer_name="hotspots")
        return {"OUTPUT": path, "SUMMARY": summary}
