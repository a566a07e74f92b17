"""Globales Moran's I / LISA: global and local spatial autocorrelation with GeoDa colours."""

from __future__ import annotations

from qgis.core import QgsProcessingOutputNumber, QgsProcessingOutputString

from . import _spatial_common as sc
from .base import SozialraumAlgorithm


class LisaAlgorithm(SozialraumAlgorithm):
    ALG_ID = "lisa"
    GROUP = "raum"
    MODULES = sc.MODULES
    TEXT = {
        **sc.TEXT,
        "name": {"de": "Globales Moran's I / LISA", "en": "Global Moran's I / LISA"},
        "help": {
            "de": "Berechnet das globale Moran's I (mit Permutationstest) und die lokalen Moran-Werte (LISA) "
            "eines Indikators. p-Werte sind zweiseitig, Gebiete ohne Nachbarn (z. B. Exklaven) werden nie "
            "signifikant („ohne Nachbarn“), Gebiete ohne Wert werden ausgelassen („kein Wert“), ebenso "
            "Gebiete, die der Monitor nicht bewertet (Feld bewertet; bei Indexfeldern „nicht bewertet“). Ergebnis: "
            "Felder lisa_I, lisa_z, lisa_p, lisa_p_adj, lisa_code (HH/LL/LH/HL/ns/island/nan/not_rated), lisa_cat "
            "(Hoch-Hoch, Niedrig-Niedrig, …) und lisa_color, dargestellt in den GeoDa-Farben. Gleicher "
            "Startwert → gleiche Ergebnisse.",
            "en": "Global Moran's I (permutation test) and local Moran (LISA) of an indicator. Two-sided "
            "p-values; areas without neighbours are never significant, areas without a value are left out. "
            "Fields lisa_I, lisa_z, lisa_p, lisa_p_adj, lisa_code, lisa_cat, lisa_color, styled in GeoDa colours.",
        },
        "ALPHA": {"de": "Signifikanzniveau", "en": "Significance level"},
        "OUTPUT": {"de": "LISA-Cluster", "en": "LISA clusters"},
        "MORAN_I": {"de": "Globales Moran's I", "en": "Global Moran's I"},
        "MORAN_P": {
            "de": "p-Wert (Permutation, zweiseitig)",
            "en": "p-value (permutation, two-sided)",
        },
        "MORAN_Z": {"de": "z-Wert (Permutation)", "en": "z-value (permutation)"},
        "SUMMARY": {"de": "Zusammenfassung", "en": "Summary"},
    }

    def define(self):
        sc.add_weight_params(self)
        self.add_number("PERMUTATIONS", 999, integer=True, minimum=0)
        self.add_number("SEED", 12345, integer=True)
        self.add_number("ALPHA", 0.05, minimum=0.0001, maximum=0.5)
        self.add_enum("CORRECTION", sc.CORRECTION_NAMES[self.lang], 0)
        self.add_output("OUTPUT")
        for name in ("MORAN_I", "MORAN_P", "MORAN_Z"):
            self.addOutput(QgsProcessingOutputNumber(name, self.t(name)))
        self.addOutput(QgsProcessingOutputString("SUMMARY", self.t("SUMMARY")))

    def compute(self, parameters, context, feedback):
        from sozialraum.core.classify import without_not_rated
        from sozialraum.spatial import local_moran, moran

        from .. import styles

        self.step(feedback, 0, 4)
        # areas the monitor did not rate have no index: they do not enter Moran/LISA
        areas = without_not_rated(self.read_areas(parameters, context, feedback))
        field = self.field(parameters, "FIELD", context)
        perms = self.parameterAsInt(parameters, "PERMUTATIONS", context)
        seed = self.parameterAsInt(parameters, "SEED", context)
        self.step(feedback, 1, 4, "Gewichte" if self.lang == "de" else "weights")
        w = sc.build(self, areas, parameters, context)
        self.step(feedback, 2, 4, "Moran's I")
        glob = moran(areas, field, w, permutations=perms, seed=seed, lang=self.lang)
        self.step(feedback, 3, 4, "LISA")
        res = local_moran(
            areas,
            field,
            w,
            permutations=perms,
            seed=seed,
            alpha=self.parameterAsDouble(parameters, "ALPHA", context),
            correction=sc.CORRECTIONS[self.parameterAsEnum(parameters, "CORRECTION", context)],
            lang=self.lang,
        )
        summary = glob.summary(self.lang) + "\n" + res.summary(self.lang)
        for line in summary.splitlines():
            feedback.pushInfo(line)
        renderer = styles.code_renderer("lisa_code", "lisa", self.lang)
        path = self.write(res.frame, parameters, context, renderer=renderer, layer_name="lisa")
        return {
            "OUTPUT": path,
            "MORAN_I": float(glob.I),
            "MORAN_P": float(glob.p_sim),
            "MORAN_Z": float(glob.z_sim),
            "SUMMARY": summary,
        }
