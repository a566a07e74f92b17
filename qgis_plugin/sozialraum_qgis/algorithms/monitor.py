"""Raten und Index berechnen: the Sozialraummonitor (rates, z-scores, indices, classes, MSS)."""

from __future__ import annotations

from qgis.core import QgsProcessingOutputString

from .base import SozialraumAlgorithm
from .classify import SCHEME_NAMES, SCHEMES


def split_status(frame):
    """Columns ``<col>_status`` (as written by the join) → (values frame, status frame)."""
    from sozialraum.io import split_status_columns

    return split_status_columns(frame)


class MonitorAlgorithm(SozialraumAlgorithm):
    ALG_ID = "raten_index"
    GROUP = "monitor"
    TEXT = {
        "name": {"de": "Raten und Index berechnen", "en": "Compute rates and index"},
        "help": {
            "de": "Berechnet aus den Rohzahlen (z. B. dem Ergebnis von „Indikatoren verknüpfen“) nach dem "
            "Indikatorenkatalog die Raten (mit Status: geheim, Nenner zu klein …), standardisiert sie "
            "(z-Werte, höher = mehr Bedarf), bildet Dimensions- und Gesamtindex, klassifiziert den "
            "Gesamtindex verbal (sehr niedrig … sehr hoch) und den Status-/Dynamikindex (MSS). Gebiete unter "
            "der Mindestbevölkerung werden „nicht bewertet“. Felder <status> aus der Verknüpfung werden "
            "berücksichtigt. Darstellung: Klassen des Gesamtindex.",
            "en": "Computes the catalogue's rates from counts (with status codes), standardises them, builds "
            "dimension indices and the overall index, classifies it (very low … very high) and the MSS "
            "status index. Areas below the minimum population are 'not rated'. Styled by the index classes.",
        },
        "CATALOGUE": {"de": "Indikatorenkatalog", "en": "Indicator catalogue"},
        "POPULATION": {"de": "Variable der Bevölkerung", "en": "Population variable"},
        "MIN_DENOMINATOR": {
            "de": "Mindestnenner / Mindestbevölkerung",
            "en": "Minimum denominator / population",
        },
        "SCHEME": {
            "de": "Klassifizierung des Gesamtindex",
            "en": "Classification of the overall index",
        },
        "K": {"de": "Anzahl Klassen", "en": "Number of classes"},
        "SEED": {"de": "Startwert", "en": "Seed"},
        "OUTPUT": {"de": "Monitor", "en": "Monitor"},
        "SUMMARY": {"de": "Zusammenfassung", "en": "Summary"},
    }

    def define(self):
        self.add_areas("INPUT", "KEY")
        self.add_file("CATALOGUE", "Katalog (*.toml *.csv *.xlsx)")
        self.add_string("POPULATION", "ew_ges")
        self.add_number("MIN_DENOMINATOR", 300, minimum=0)
        self.add_enum("SCHEME", SCHEME_NAMES[self.lang][:6], 0)
        self.add_number("K", 5, integer=True, minimum=2, maximum=9)
        self.add_number("SEED", 0, integer=True)
        self.add_output("OUTPUT")
        self.addOutput(QgsProcessingOutputString("SUMMARY", self.t("SUMMARY")))

    def monitor_inputs(self, parameters, context, feedback, n_steps: int):
        """Areas, catalogue, counts, status and the monitor run on them (shared by the tools)."""
        import pandas as pd

        from sozialraum.io import read_catalogue
        from sozialraum.monitor import run_monitor

        self.step(feedback, 0, n_steps)
        areas = self.read_areas(parameters, context, feedback)
        catalogue = read_catalogue(
            self.parameterAsFile(parameters, "CATALOGUE", context), lang=self.lang
        )
        values, status = split_status(areas.drop(columns=areas.geometry.name))
        variables = [v for v in catalogue.variables.index if v in values.columns]
        counts = values[variables].apply(pd.to_numeric, errors="coerce")
        status = status.reindex(columns=[c for c in status.columns if c in variables])
        self.step(feedback, 1, n_steps, "Monitor")
        res = run_monitor(
            counts,
            catalogue,
            status=status,
            population=self.parameterAsString(parameters, "POPULATION", context) or None,
            min_denominator=self.parameterAsDouble(parameters, "MIN_DENOMINATOR", context),
            scheme=SCHEMES[self.parameterAsEnum(parameters, "SCHEME", context)],
            k=self.parameterAsInt(parameters, "K", context),
            seed=self.parameterAsInt(parameters, "SEED", context),
            lang=self.lang,
        )
        return areas, catalogue, counts, status, res

    def compute(self, parameters, context, feedback):
        import pandas as pd

        from sozialraum.pipeline.run import without_unrated_index

        from .. import styles

        areas, catalogue, counts, status, res = self.monitor_inputs(
            parameters, context, feedback, 3
        )
        summary = "\n".join(res.summary(self.lang))
        for line in summary.splitlines():
            feedback.pushInfo(line)
        # the input's columns (counts with their <col>_status) + rates + the monitor's columns;
        # areas not rated keep their class but no index value (as in the yearly run and the CLI)
        frame = without_unrated_index(res.frame)
        out = areas.join(res.rates.rates, rsuffix="_rate").join(frame, rsuffix="_monitor")
        rate_status = res.rates.status.reindex(columns=res.rates.rates.columns)
        # the monitor's own classes, ordered by the mean index of the rated areas in them;
        # "nicht bewertet" / "kein Wert" in grey (a graduated renderer on idx_gesamt would colour
        # areas that the monitor does not rate, since they keep an index value)
        lab = out["idx_gesamt_klasse"].astype(object)
        rated = out["bewertet"].fillna(False).astype(bool) & out["idx_gesamt"].notna()
        order = out["idx_gesamt"][rated].groupby(lab[rated]).mean().sort_values()
        ordered = list(order.index)
        rest = [c for c in pd.unique(lab.dropna()) if c not in ordered]
        cols = styles.ramp(len(ordered))
        cats = [(c, c, col) for c, col in zip(ordered, cols, strict=True)] + [
            (c, c, styles.NO_VALUE) for c in rest
        ]
        renderer = styles.categorized("idx_gesamt_klasse", cats)
        self.step(feedback, 2, 3)
        path = self.write(
            out, parameters, context, status=rate_status, renderer=renderer, layer_name="monitor"
        )
        return {"OUTPUT": path, "SUMMARY": summary}
