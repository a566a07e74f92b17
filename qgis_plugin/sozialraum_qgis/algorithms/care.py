"""Pflegebedarf: people in need of care today and in target years, and missing places per form.

A thin door over :func:`sozialraum.demography.care.care_plan`, the same entry point
as the yearly run's ``[pflege]`` step and ``sozialraum pflege``.
"""

from __future__ import annotations

from qgis.core import QgsProcessing, QgsProcessingParameterFeatureSource

from .base import SozialraumAlgorithm

METHODS = ("standort", "2sfca", "e2sfca")
METHOD_NAMES = {
    "de": ["Plätze im Gebiet (Standort)", "2SFCA (Einzugsbereich)", "E2SFCA (mit Distanzabschlag)"],
    "en": ["places in the area (location)", "2SFCA (catchment)", "E2SFCA (distance decay)"],
}


class CareAlgorithm(SozialraumAlgorithm):
    ALG_ID = "pflegebedarf"
    GROUP = "raum"
    TEXT = {
        "name": {"de": "Pflegebedarf heute und künftig", "en": "Care need today and in future"},
        "help": {
            "de": "Pflegebedürftige je Sozialraum als Schätzung: Pflegequoten nach Alter und "
            "Geschlecht (Prävalenztabelle, CSV/XLSX) × Bevölkerung des letzten Jahres und der "
            "Vorausberechnung für die Zieljahre; mit Pflegeangeboten (Punkte mit Angebotsart "
            "stationaer, tagespflege, ambulant und Plätzen) die fehlenden Plätze je Art nach "
            "demselben Bestand–Bedarf-Modell wie der Jahreslauf. Neue Felder "
            "pflegebeduerftige_<Jahr> und pflege_defizit_<Art>_<Jahr>.",
            "en": "People in need of care per area (estimate): care rates by age and sex "
            "(prevalence table) × population of the last year and of the projection for the "
            "target years; with care offers (points with type and places) the missing places "
            "per form by the run's supply–need model. New fields pflegebeduerftige_<year> and "
            "pflege_defizit_<form>_<year>.",
        },
        "POPULATION": {
            "de": "Bevölkerung nach Alter und Geschlecht (Dateimuster, z. B. C:/daten/bev_*.csv)",
            "en": "Population by age and sex (file pattern, e.g. C:/data/pop_*.csv)",
        },
        "POP_KEY": {"de": "Schlüsselspalte der Bevölkerung", "en": "Key column of the population"},
        "PREVALENCE": {"de": "Pflegeprävalenz (CSV)", "en": "Care prevalence (CSV)"},
        "OFFERS": {
            "de": "Pflegeangebote (Punkte, optional)",
            "en": "Care offers (points, optional)",
        },
        "TYPE_FIELD": {"de": "Spalte mit der Angebotsart", "en": "Offer type column"},
        "PLACES_FIELD": {"de": "Plätze des Angebots", "en": "Places of the offer"},
        "YEARS": {"de": "Zieljahre", "en": "Target years"},
        "SCENARIO": {"de": "Szenario", "en": "Scenario"},
        "HORIZON": {"de": "Jahre der Vorausberechnung", "en": "Years of the projection"},
        "METHOD": {"de": "Zuordnung der Plätze", "en": "Assignment of places"},
        "RADIUS": {"de": "Einzugsbereich in Metern", "en": "Catchment in metres"},
        "TARGET": {"de": "Plätze je 100 Pflegebedürftige", "en": "Places per 100 in need"},
        "OUTPUT": {"de": "Pflegebedarf", "en": "Care need"},
    }

    def define(self):
        self.add_areas("INPUT", "KEY")
        self.add_string("POPULATION", None, optional=False)
        self.add_string("POP_KEY", "sr_id", optional=False)
        self.add_file("PREVALENCE", "CSV (*.csv);;Excel (*.xlsx)")
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "OFFERS", self.t("OFFERS"), [QgsProcessing.TypeVectorPoint], optional=True
            )
        )
        self.add_field("TYPE_FIELD", parent="OFFERS", optional=True, numeric=False, default="art")
        self.add_field("PLACES_FIELD", parent="OFFERS", optional=True, default="plaetze")
        self.add_string("YEARS", "2030; 2035", optional=False)
        self.add_enum("SCENARIO", ["niedrig", "mittel", "hoch"], 1)
        self.add_number("HORIZON", 11, integer=True, minimum=1)
        self.add_enum("METHOD", METHOD_NAMES[self.lang], 2)
        self.add_number("RADIUS", 10000, minimum=0)
        self.add_number("TARGET", 100, minimum=0)
        self.add_output("OUTPUT")

    def compute(self, parameters, context, feedback):
        from sozialraum.access import SupplyNeedParams
        from sozialraum.core.numbers import parse_numbers
        from sozialraum.demography import project, read_population
        from sozialraum.demography.care import (
            FORMS_WITH_PLACES,
            care_offers,
            care_plan,
            read_care_prevalence,
        )

        areas = self.read_areas(parameters, context, feedback)
        pattern = self.parameterAsString(parameters, "POPULATION", context)
        key = self.parameterAsString(parameters, "POP_KEY", context) or "sr_id"
        pop = read_population(pattern, key=key, lang=self.lang)
        prevalence = read_care_prevalence(
            self.parameterAsFile(parameters, "PREVALENCE", context), lang=self.lang
        )
        years = [
            int(y) for y in parse_numbers(self.parameterAsString(parameters, "YEARS", context))
        ]
        scenario = ("niedrig", "mittel", "hoch")[
            self.parameterAsEnum(parameters, "SCENARIO", context)
        ]
        self.step(feedback, 1, 4)
        offers = params = None
        type_col = self.field(parameters, "TYPE_FIELD", context) or "art"
        if parameters.get("OFFERS"):
            raw = self.read_points(parameters, context, feedback, "OFFERS").to_crs(areas.crs)
            places = self.field(parameters, "PLACES_FIELD", context) or "plaetze"
            offers = care_offers(raw, type_col=type_col, capacity_col=places, lang=self.lang)
            m = METHODS[self.parameterAsEnum(parameters, "METHOD", context)]
            radius = self.parameterAsDouble(parameters, "RADIUS", context)
            params = {
                f: SupplyNeedParams(
                    method=m,
                    target_per_100=self.parameterAsDouble(parameters, "TARGET", context),
                    max_cost=radius if m != "standort" else None,
                    capacity_col=places,
                )
                for f in FORMS_WITH_PLACES
            }
        horizon = self.parameterAsInt(parameters, "HORIZON", context)
        plan = care_plan(
            pop,
            project(pop, horizon=horizon, lang=self.lang),
            prevalence,
            areas,
            years=years,
            scenario=scenario,
            offers=offers,
            params=params,
            type_col=type_col,
            lang=self.lang,
        )
        self.step(feedback, 3, 4)
        cols = plan.columns()
        out = areas.join(
            cols.set_axis(cols.index.astype(str))
            .reindex(areas.index.astype(str))
            .set_axis(areas.index)
        )
        return {"OUTPUT": self.write(out, parameters, context, layer_name="pflegebedarf")}
