"""Erreichbarkeit: nearest facility, 2SFCA/E2SFCA supply ratios, Bestand–Bedarf per area."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSource,
)

from .base import SozialraumAlgorithm

_MSG = {
    "target_nearest": {
        "de": "Ein Soll (Plätze je 100) gilt nicht für 'Nächste Einrichtung': bitte leer lassen "
        "oder 2SFCA, E2SFCA bzw. Bestand–Bedarf nach Standort wählen.",
        "en": "a target (places per 100) does not apply to 'nearest facility': please leave it "
        "empty or choose 2SFCA, E2SFCA or supply vs need by location.",
    },
}

METHODS = ("nearest", "2sfca", "e2sfca", "bestand_bedarf")
METHOD_NAMES = {
    "de": [
        "Nächste Einrichtung (Luftlinie)",
        "2SFCA (Versorgungsquote im Einzugsbereich)",
        "E2SFCA (mit Distanzabschlag)",
        "Bestand–Bedarf je Sozialraum nach Standort",
    ],
    "en": [
        "Nearest facility (straight line)",
        "2SFCA (supply ratio within catchment)",
        "E2SFCA (with distance decay)",
        "Supply against need per area by location",
    ],
}


class AccessAlgorithm(SozialraumAlgorithm):
    ALG_ID = "erreichbarkeit"
    GROUP = "zugang"
    CHUNK = 20  # areas per call for "nearest" (independent per area): progress + cancellation
    TEXT = {
        "name": {"de": "Erreichbarkeit", "en": "Accessibility"},
        "help": {
            "de": "Erreichbarkeit sozialer Infrastruktur je Sozialraum (Gebietsschwerpunkt; Abstände in Metern "
            "in einem metrischen Koordinatensystem):\n"
            "• Nächste Einrichtung: Luftlinienabstand (distance_1) und Einrichtung (facility_1).\n"
            "• 2SFCA / E2SFCA: Plätze je 100 Personen der Zielgruppe im Einzugsbereich (Radius in Metern), "
            "mit Bevölkerungsfeld der Sozialräume und Kapazitätsfeld der Einrichtungen.\n"
            "• Bestand–Bedarf nach Standort: Zielgruppe × Quote × Norm gegen die Plätze der Einrichtungen "
            "im Sozialraum (Feld mit dem Gebietsschlüssel der Einrichtung, sonst nach Lage).\n"
            "Mit einem Soll (Plätze je 100 der Zielgruppe) rechnen 2SFCA/E2SFCA Bestand–Bedarf nach "
            "Einzugsbereich: Bestand = Versorgungsquote × Zielgruppe. Dasselbe Modell wie im Jahreslauf "
            "(Bestand, Bedarf, Saldo, Defizit, Überhang, Versorgung je 100, Deckungsgrad, Methode).",
            "en": "Access to facilities per planning area (centroid; metres in a metric CRS): nearest facility; "
            "2SFCA/E2SFCA supply ratio per 100 of the target group within a catchment radius; supply against "
            "need by location (target group × rate × norm against the places of the facilities in the area). "
            "With a target (places per 100) 2SFCA/E2SFCA give supply against need by catchment "
            "(supply = supply ratio × target group): the same model as the yearly run.",
        },
        "SUPPLY": {"de": "Einrichtungen (Punkte)", "en": "Facilities (points)"},
        "SUPPLY_FILTER": {
            "de": "Nur Einrichtungen mit (Ausdruck, z. B. \"kategorie\" = 'Kita')",
            "en": "Only facilities where (expression)",
        },
        "SUPPLY_ID": {"de": "Kennung der Einrichtung (optional)", "en": "Facility id (optional)"},
        "SUPPLY_FIELD": {
            "de": "Kapazität der Einrichtung (Plätze)",
            "en": "Facility capacity (places)",
        },
        "AREA_FIELD": {
            "de": "Gebietsschlüssel der Einrichtung (Bestand–Bedarf)",
            "en": "Area key of the facility (supply vs need)",
        },
        "DEMAND_FIELD": {
            "de": "Zielgruppe (Bevölkerungsfeld der Sozialräume)",
            "en": "Target group (population field)",
        },
        "METHOD": {"de": "Verfahren", "en": "Method"},
        "MAX_COST": {"de": "Einzugsbereich in Metern (2SFCA)", "en": "Catchment in metres (2SFCA)"},
        "RATE": {
            "de": "Quote der Zielgruppe mit Bedarf (z. B. 0,9)",
            "en": "Share of the target group in need",
        },
        "NORM": {"de": "Plätze je Person mit Bedarf", "en": "Places per person in need"},
        "TARGET": {
            "de": "Soll: Plätze je 100 der Zielgruppe (Bestand–Bedarf; leer = Quote × Norm × 100)",
            "en": "Target: places per 100 of the target group (supply vs need; empty = rate × norm × 100)",
        },
        "OUTPUT": {"de": "Erreichbarkeit", "en": "Accessibility"},
    }

    def define(self):
        self.add_areas("INPUT", "KEY")
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "SUPPLY", self.t("SUPPLY"), [QgsProcessing.TypeVectorPoint]
            )
        )
        self.add_enum("METHOD", METHOD_NAMES[self.lang], 0)
        self.addParameter(
            QgsProcessingParameterExpression(
                "SUPPLY_FILTER",
                self.t("SUPPLY_FILTER"),
                parentLayerParameterName="SUPPLY",
                optional=True,
            )
        )
        self.add_field("SUPPLY_ID", parent="SUPPLY", optional=True, numeric=False)
        self.add_field("DEMAND_FIELD", optional=True)
        self.add_field("SUPPLY_FIELD", parent="SUPPLY", optional=True)
        self.add_field("AREA_FIELD", parent="SUPPLY", optional=True, numeric=False)
        self.add_number("MAX_COST", 3000, minimum=0)
        self.add_number("RATE", 1.0, minimum=0)
        self.add_number("NORM", 1.0, minimum=0)
        self.add_number("TARGET", None, minimum=0, optional=True)
        self.add_output("OUTPUT")

    def compute(self, parameters, context, feedback):
        import pandas as pd

        from sozialraum.access import measure

        areas = self.read_areas(parameters, context, feedback)
        expr = self.parameterAsExpression(parameters, "SUPPLY_FILTER", context) or None
        supply = self.read_points(parameters, context, feedback, "SUPPLY", expression=expr)
        # the library calls the facilities "Angebot"/"Einrichtungen": messages name the layer
        label = self.layer_label(parameters, "SUPPLY", context)
        self._roles = dict.fromkeys(("Angebot", "Einrichtungen", "supply", "facilities"), label)
        sid = self.field(parameters, "SUPPLY_ID", context)
        if sid:
            supply = supply.set_index(supply[sid].astype(str))
        method = METHODS[self.parameterAsEnum(parameters, "METHOD", context)]
        demand_col = self.field(parameters, "DEMAND_FIELD", context)
        supply_col = self.field(parameters, "SUPPLY_FIELD", context)
        status = None
        target = self.opt_number(parameters, "TARGET", context)
        if method == "nearest" and target is not None:
            from sozialraum._i18n import t
            from sozialraum.errors import InputError

            raise InputError(t(_MSG, "target_nearest", self.lang), column="TARGET")
        if method == "nearest":
            parts = []
            n = max(1, -(-len(areas) // self.CHUNK))
            for i in range(n):
                self.step(feedback, i, n + 1)
                chunk = areas.iloc[i * self.CHUNK : (i + 1) * self.CHUNK]
                parts.append(
                    measure(chunk, supply, "nearest", demand_col=demand_col, lang=self.lang).frame
                )
            res = pd.concat(parts).reindex(areas.index)
        elif method in ("2sfca", "e2sfca") and target is None:
            self.step(feedback, 0, 2, method.upper())
            r = measure(
                areas,
                supply,
                method,
                demand_col=demand_col,
                supply_col=supply_col,
                max_cost=self.parameterAsDouble(parameters, "MAX_COST", context),
                lang=self.lang,
            )
            res = r.frame
        else:
            self.step(feedback, 0, 2, "Bestand–Bedarf")
        if method == "bestand_bedarf" or target is not None:
            return self._write_supply_need(
                areas, supply, method, target, parameters, context, feedback
            )
        out = areas.join(res, rsuffix="_erreichbarkeit")
        renderer = self._access_renderer(out, method)
        return {
            "OUTPUT": self.write(
                out,
                parameters,
                context,
                status=status,
                renderer=renderer,
                layer_name="erreichbarkeit",
            )
        }

    def _access_renderer(self, out, method):
        """Quantile classes of the distance (need colours) or the supply ratio (resource colours)."""
        from sozialraum.core.classify import classify

        from .. import styles

        field, ramp = ("distance_1", "need") if method == "nearest" else ("versorgung", "resource")
        if field not in out.columns or out[field].nunique() < 2:
            return None
        k = min(5, int(out[field].nunique()))
        cls = classify(out[field], scheme="quantiles", k=k, name=field, lang=self.lang)
        return styles.classes_renderer(field, cls, ramp, lang=self.lang)

    def _write_supply_need(self, areas, supply, method, target, parameters, context, feedback):
        """Bestand–Bedarf by the chosen method, styled on coverage per 100 with the method in the title."""
        sn = self._supply_need(areas, supply, method, target, parameters, context, feedback)
        res = sn.frame.assign(methode=sn.method_label(self.lang))
        if method in ("2sfca", "e2sfca"):
            res = res.assign(versorgung=sn.frame["versorgung_je_100"])
        out = areas.join(res, rsuffix="_erreichbarkeit")
        renderer = coverage_renderer(out["versorgung_je_100"], sn.params.target_per_100, self.lang)
        path = self.write(
            out,
            parameters,
            context,
            status=sn.status,
            renderer=renderer,
            layer_name="erreichbarkeit",
        )
        if context.willLoadLayerOnCompletion(path):
            title = f"{self.t('OUTPUT')} – {sn.method_label(self.lang, short=True)}"
            context.layerToLoadOnCompletionDetails(path).name = title
        return {"OUTPUT": path}

    def _supply_need(self, areas, supply, method, target, parameters, context, feedback):
        """The library's one supply–need model; the tool's parameters only translated."""
        from sozialraum.access import SupplyNeedParams, supply_need

        demand_col = self.field(parameters, "DEMAND_FIELD", context)
        if target is None:  # by location: rate × norm → places per 100
            rate = self.parameterAsDouble(parameters, "RATE", context)
            target = rate * self.parameterAsDouble(parameters, "NORM", context) * 100.0
        by_loc = method not in ("2sfca", "e2sfca")
        params = SupplyNeedParams(
            method="standort" if by_loc else method,
            target_per_100=target,
            max_cost=None if by_loc else self.parameterAsDouble(parameters, "MAX_COST", context),
            capacity_col=self.field(parameters, "SUPPLY_FIELD", context) or "kapazitaet",
            area_col=self.field(parameters, "AREA_FIELD", context) if by_loc else None,
        )
        self.step(feedback, 0, 2, params.method)
        # the library's warnings reach the log once each (see processAlgorithm)
        return supply_need(
            areas[demand_col] if demand_col else areas.iloc[:, 0],
            supply,
            areas,
            params,
            lang=self.lang,
        )


def coverage_renderer(values, target: float, lang=None):
    """Style on coverage per 100: red below the target, blue above it.

    Fixed classes of the library's engine (:func:`sozialraum.core.classify.classify`, labels
    as everywhere): 0, up to half the target, up to the target, up to 1.5 × target, above;
    colours from the library's diverging ramp (red = deficit); no value grey.
    """
    from sozialraum.core.classify import classify
    from sozialraum.core.palettes import class_colors

    from .. import styles

    t = float(target) if target and target > 0 else 100.0
    cls = classify(
        values,
        scheme="fixed",
        breaks=[0.0, t / 2.0, t, 1.5 * t],
        name="versorgung_je_100",
        lang=lang,
    )
    colors = list(reversed(class_colors(cls.k, "diverging")))
    return styles.classes_renderer("versorgung_je_100", cls, colors=colors, lang=lang)
