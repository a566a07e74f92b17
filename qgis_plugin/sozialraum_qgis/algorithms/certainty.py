"""Klassensicherheit berechnen: how sure the monitor's classes, ranks and changes are."""

from __future__ import annotations

from .monitor import MonitorAlgorithm

#: legend of the certainty of the status class (lower, upper, label)
RANGES = {
    "de": [(0.0, 0.5, "unter 50 %"), (0.5, 0.8, "50 bis unter 80 %"), (0.8, 1.0, "80 % und mehr")],
    "en": [(0.0, 0.5, "below 50 %"), (0.5, 0.8, "50 to below 80 %"), (0.8, 1.0, "80 % or more")],
}


class CertaintyAlgorithm(MonitorAlgorithm):
    """The monitor tool's inputs plus the bootstrap replicates; a thin door to
    :func:`sozialraum.monitor.certainty`."""

    ALG_ID = "klassensicherheit"
    GROUP = "monitor"
    TEXT = {
        **MonitorAlgorithm.TEXT,
        "name": {"de": "Klassensicherheit berechnen", "en": "Certainty of classes"},
        "help": {
            "de": "Rechnet den Monitor wie „Raten und Index berechnen“ und dazu, wie sicher jede "
            "Klasse ist: Aus den Fallzahlen (Zähler und Nenner jeder Quote) werden viele "
            "plausible wahre Werte gezogen (Bootstrap) und die ganze Kette jedes Mal neu "
            "gerechnet. Ergebnis je Gebiet: Wahrscheinlichkeit der Status-, Dynamik- und "
            "Gesamtindexklasse (…_sicherheit) und jeder anderen Klasse (…_p_…), Bereiche der "
            "Indizes (…_lo, …_hi, 90 %) und des Rangs (rang_lo, rang_hi). Nur das Zufallsrauschen "
            "kleiner Zahlen, keine Daten- oder Gebietsfehler. Darstellung: Sicherheit der "
            "Statusklasse.",
            "en": "Runs the monitor like 'Compute rates and index' and computes how certain "
            "every class is: plausible true values are drawn from the counts (bootstrap) and "
            "the whole chain is recomputed each time. Per area: probability of the status, "
            "dynamic and overall index class and of every other class, index ranges (90 %) "
            "and rank ranges. Sampling noise only. Styled by the certainty of the status class.",
        },
        "REPLICATES": {"de": "Bootstrap-Replikate", "en": "Bootstrap replicates"},
        "INDICATORS": {
            "de": "auch die Klasse jeder Quote (<indikator>_sicherheit, Klassen wie im Monitor)",
            "en": "also the class of every rate (<indicator>_sicherheit, classes as the monitor's)",
        },
        "OUTPUT": {"de": "Klassensicherheit", "en": "Certainty"},
    }

    def define(self):
        super().define()
        self.add_number("REPLICATES", 1000, integer=True, minimum=10, maximum=100000)
        self.add_bool("INDICATORS", False)

    def compute(self, parameters, context, feedback):

        from sozialraum.monitor import certainty
        from sozialraum.pipeline.run import without_unrated_index

        from .. import styles

        areas, catalogue, counts, status, res = self.monitor_inputs(
            parameters, context, feedback, 4
        )
        self.step(feedback, 2, 4, self.t("OUTPUT"))
        cert = certainty(
            counts,
            catalogue,
            res,
            replicates=self.parameterAsInt(parameters, "REPLICATES", context),
            lang=self.lang,
        )
        unsure = len(cert.unsure("status"))
        below = round(100 * cert.params["unsure_below"])
        summary = (
            f"Statusklasse unsicher (unter {below} %): {unsure} Gebiete"
            if self.lang == "de"
            else f"status class uncertain (below {below} %): {unsure} areas"
        )
        feedback.pushInfo(summary)
        frame = without_unrated_index(res.frame)
        keep = ["status_klasse", "dynamik_klasse", "idx_gesamt_klasse", "bewertet"]
        out = areas.join(frame[keep], rsuffix="_monitor").join(cert.frame)
        if self.parameterAsBool(parameters, "INDICATORS", context):
            out = out.join(self._indicator_certainty(counts, catalogue, res, parameters, context))
        renderer = styles.graduated(
            "status_sicherheit", RANGES[self.lang], colors=list(reversed(styles.ramp(3)))
        )
        self.step(feedback, 3, 4)
        path = self.write(out, parameters, context, renderer=renderer, layer_name="sicherheit")
        return {"OUTPUT": path, "SUMMARY": summary}

    def _indicator_certainty(self, counts, catalogue, res, parameters, context):
        """``<indicator>_sicherheit`` of every rate, classified with the monitor's scheme."""
        from sozialraum.monitor import indicator_certainty

        mp = res.settings
        ic = indicator_certainty(
            counts,
            catalogue,
            res.rates,
            replicates=self.parameterAsInt(parameters, "REPLICATES", context),
            seed=mp.seed,
            scheme=mp.scheme,
            k=mp.k,
            lang=self.lang,
        )
        return ic.frame


__all__ = ["CertaintyAlgorithm"]
