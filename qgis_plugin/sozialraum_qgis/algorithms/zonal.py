"""Zonale Statistik: raster statistics per planning area (e.g. population from a 100 m grid)."""

from __future__ import annotations

from qgis.core import QgsProcessingParameterRasterLayer

from .base import SozialraumAlgorithm

STATS = ("sum", "mean", "min", "max", "count", "majority")
STAT_NAMES = {
    "de": ["Summe", "Mittelwert", "Minimum", "Maximum", "Anzahl Zellen", "häufigster Wert"],
    "en": ["sum", "mean", "minimum", "maximum", "cell count", "majority"],
}
METHODS = ("center", "coverage")


class ZonalAlgorithm(SozialraumAlgorithm):
    ALG_ID = "zonale_statistik"
    GROUP = "raum"
    CHUNK = 25  # areas per call: progress and cancellation between chunks (areas are independent)
    TEXT = {
        "name": {"de": "Zonale Statistik", "en": "Zonal statistics"},
        "help": {
            "de": "Statistik der Rasterzellen je Sozialraum (Summe, Mittelwert, Minimum, Maximum, Anzahl, "
            "häufigster Wert), z. B. Einwohner aus dem Zensus-100-m-Gitter. „Zellmittelpunkt“ zählt Zellen, "
            "deren Mittelpunkt im Gebiet liegt; „Flächenanteil“ gewichtet jede Zelle mit ihrem genau "
            "überdeckten Anteil (wie exactextract). NoData-Zellen werden ignoriert; die Gebiete werden in "
            "das Koordinatensystem des Rasters umprojiziert (das Raster nie). Neue Felder <Präfix><Statistik>.",
            "en": "Raster statistics per area (sum, mean, min, max, count, majority). 'Cell centre' counts cells "
            "whose centre is inside; 'coverage' weights cells by the exactly covered fraction. NoData is "
            "ignored; areas are reprojected to the raster's CRS. New fields <prefix><statistic>.",
        },
        "RASTER": {"de": "Raster", "en": "Raster"},
        "STATS": {"de": "Statistiken", "en": "Statistics"},
        "METHOD": {"de": "Zellen zählen nach", "en": "Cells counted by"},
        "BAND": {"de": "Band", "en": "Band"},
        "PREFIX": {"de": "Präfix der neuen Felder", "en": "Prefix of the new fields"},
        "OUTPUT": {"de": "Zonale Statistik", "en": "Zonal statistics"},
    }

    def define(self):
        self.add_areas("INPUT", "KEY")
        self.addParameter(QgsProcessingParameterRasterLayer("RASTER", self.t("RASTER")))
        self.add_enum("STATS", STAT_NAMES[self.lang], [0, 1], multiple=True)
        names = {
            "de": ["Zellmittelpunkt", "Flächenanteil (exakt)"],
            "en": ["cell centre", "covered fraction (exact)"],
        }
        self.add_enum("METHOD", names[self.lang], 0)
        self.add_number("BAND", 1, integer=True, minimum=1)
        self.add_string("PREFIX", "r_")
        self.add_output("OUTPUT")

    def compute(self, parameters, context, feedback):
        import pandas as pd

        from sozialraum.raster import zonal_stats

        areas = self.read_areas(parameters, context, feedback)
        raster = self.raster_path(parameters, "RASTER", context)
        stats = [STATS[i] for i in self.parameterAsEnums(parameters, "STATS", context)] or ["sum"]
        method = METHODS[self.parameterAsEnum(parameters, "METHOD", context)]
        band = self.parameterAsInt(parameters, "BAND", context)
        prefix = self.parameterAsString(parameters, "PREFIX", context) or ""
        parts = []
        n = max(1, -(-len(areas) // self.CHUNK))
        self._step_name = self.t("name")
        for i in self.loop(feedback, range(n), 0.0, 95.0):
            chunk = areas.iloc[i * self.CHUNK : (i + 1) * self.CHUNK]
            parts.append(
                zonal_stats(chunk, raster, stats=stats, method=method, band=band, lang=self.lang)
            )
        self.step(feedback, n, n + 1)
        res = pd.concat(parts).reindex(areas.index)
        out = areas.copy()
        for col in res.columns:
            out[prefix + col] = res[col]
        renderer = self._renderer(out, prefix + res.columns[0])
        return {
            "OUTPUT": self.write(out, parameters, context, renderer=renderer, layer_name="zonal")
        }

    def _renderer(self, out, field):
        """Quantile classes (library engine and colours) of the first statistic."""
        from sozialraum.core.classify import classify

        from .. import styles

        distinct = int(out[field].nunique())
        if distinct < 2:
            return None
        cls = classify(
            out[field], scheme="quantiles", k=min(5, distinct), name=field, lang=self.lang
        )
        return styles.classes_renderer(field, cls, "resource", lang=self.lang)
