"""Erreichbarkeit: nearest facility, 2SFCA/E2SFCA supply ratios, Bestand–Bedarf per area."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSource,
)

from .base import SozialraumAlgorithm

METHODS = ("nearest", "2sfca", "e2sfca", "bestand_bedarf")
METHOD_NAMES = {
    "de": [
        "Nächste Einrichtung (Luftlinie)",
        "2SFCA (Versorgungsquote im Einzugsbereich)",
        "E2SFCA (mit Distanzabschlag)",
        "Bestand–Bedarf je Sozialraum",
    ],
    "en": [
        "Nearest facility (straight line)",
        "2SFCA (supply ratio within catchment)",
        "E2SFCA (with distance decay)",
        "Supply against need per area",
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
            "• Bestand–Bedarf: Zielgruppe × Quote × Norm gegen die Plätze der Einrichtungen im Sozialraum "
            "(Feld mit dem Gebietsschlüssel der Einrichtung): Bedarf, Bestand, Saldo, Defizit, "
            "Deckungsgrad, Versorgung je 100.",
            "en": "Access to facilities per planning area (centroid; metres in a metric CRS): nearest facility; "
            "2SFCA/E2SFCA supply ratio per 100 of the target group within a catchment radius; supply against "
            "need (target group × rate × norm against the places of the facilities in the area).",
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
        self.add_output("OUTPUT")

    def compute(self, parameters, context, feedback):
        import pandas as pd

        from sozialraum.access import bestand_bedarf, measure

        areas = self.read_areas(parameters, context, feedback)
        expr = self.parameterAsExpression(parameters, "SUPPLY_FILTER", context) or None
        supply = self.read_points(parameters, context, feedback, "SUPPLY", expression=expr)
        sid = self.field(parameters, "SUPPLY_ID", context)
        if sid:
            supply = supply.set_index(supply[sid].astype(str))
        method = METHODS[self.parameterAsEnum(parameters, "METHOD", context)]
        demand_col = self.field(parameters, "DEMAND_FIELD", context)
        supply_col = self.field(parameters, "SUPPLY_FIELD", context)
        status = None
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
        elif method in ("2sfca", "e2sfca"):
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
            area_col = self.field(parameters, "AREA_FIELD", context) or "sr_id"
            r = bestand_bedarf(
                areas.drop(columns=areas.geometry.name),
                demand_col,
                rate=self.parameterAsDouble(parameters, "RATE", context),
                norm=self.parameterAsDouble(parameters, "NORM", context),
                facilities=supply.drop(columns=supply.geometry.name),
                capacity_col=supply_col or "kapazitaet",
                area_col=area_col,
                lang=self.lang,
            )
            res, status = r.frame, r.status
            if len(r.unassigned):
                feedback.pushWarning(
                    f"{len(r.unassigned)} Einrichtungen ohne Sozialraum / facilities without area"
                )
        out = areas.join(res, rsuffix="_erreichbarkeit")
        return {
            "OUTPUT": self.write(
                out, parameters, context, status=status, layer_name="erreichbarkeit"
            )
        }
