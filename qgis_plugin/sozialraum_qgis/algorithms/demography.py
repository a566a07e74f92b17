"""Bevölkerungsvorausberechnung: the population projection per area, styled by its change.

A thin door over :func:`sozialraum.demography.forecast.forecast`, the same entry point
as the yearly run's ``[demografie]`` step and ``sozialraum demografie``: the layer
``vorausberechnung_<end>`` with the ``prog_*`` columns and the end year's age groups,
optionally ``demografie.xlsx``.
"""

from __future__ import annotations

from qgis.core import QgsProcessingParameterFileDestination

from ._projection_fields import PROJECTION_TEXT, ProjectionFields
from .base import SozialraumAlgorithm


class DemographyAlgorithm(ProjectionFields, SozialraumAlgorithm):
    ALG_ID = "bevoelkerungsvorausberechnung"
    GROUP = "raum"
    rates_field = "RATES"
    TEXT = {
        **PROJECTION_TEXT,
        "name": {"de": "Bevölkerungsvorausberechnung", "en": "Population projection"},
        "help": {
            "de": "Einwohner je Sozialraum nach Alter und Geschlecht bis zum Zieljahr "
            "(Kohorten-Komponenten-Methode, wie der Jahreslauf): Szenarien mit ihrer "
            "Wanderungsannahme, optional Raten (Sterbetafel, Geburtenziffern) und die Eckwerte "
            "der Landesvorausberechnung, auf die jedes Jahr abgestimmt wird. Neue Felder "
            "prog_ew_<Jahr> (Hauptszenario), prog_ew_<Jahr>_<Szenario>, "
            "prog_veraenderung_<Jahr>, prog_anteil_65plus_<Jahr>, prog_anteil_80plus_<Jahr> "
            "und die Altersgruppen des Zieljahres; optional die Arbeitsmappe demografie.xlsx.",
            "en": "Population per area by age and sex up to the target year (cohort-component "
            "method, as the yearly run): scenarios with their migration assumption, optionally "
            "rates (life table, fertility) and the state projection's control totals every "
            "year is raked to. New fields prog_ew_<year> (main scenario), "
            "prog_ew_<year>_<scenario>, prog_veraenderung_<year>, prog_anteil_65plus_<year>, "
            "prog_anteil_80plus_<year> and the target year's age groups; optionally the "
            "workbook demografie.xlsx.",
        },
        "POPULATION": {
            "de": "Bevölkerung nach Alter (Dateimuster)",
            "en": "Population by age (file pattern)",
        },
        "POP_KEY": {"de": "Schlüsselspalte der Bevölkerung", "en": "Key column of the population"},
        "RATES": PROJECTION_TEXT["DEMO_RATES"],
        "MAIN": {"de": "Hauptszenario", "en": "Main scenario"},
        "MIN_COUNT": {"de": "Mindestfallzahl", "en": "Minimum count"},
        "OUTPUT": {"de": "Bevölkerungsvorausberechnung", "en": "Population projection"},
        "EXCEL": {
            "de": "Arbeitsmappe demografie.xlsx (optional)",
            "en": "Workbook demografie.xlsx (optional)",
        },
    }

    def define(self):
        self.add_areas("INPUT", "KEY")
        self.add_string("POPULATION", None, optional=False)
        self.add_string("POP_KEY", "sr_id", optional=False)
        self.add_projection_fields(horizon_default=10)
        self.add_string("MAIN", "mittel", optional=False)
        self.add_number("MIN_COUNT", 3, integer=True, minimum=1)
        self.add_output("OUTPUT")
        excel = QgsProcessingParameterFileDestination(
            "EXCEL", self.t("EXCEL"), fileFilter="Excel (*.xlsx)", optional=True
        )
        excel.setCreateByDefault(False)
        self.addParameter(excel)

    def _settings(self, parameters, context):
        from sozialraum.demography.settings import DemographySettings

        main = (self.parameterAsString(parameters, "MAIN", context) or "mittel").strip()
        config = {**self.projection_config(parameters, context), "hauptszenario": main}
        return DemographySettings.from_config(config, self.lang)

    def compute(self, parameters, context, feedback):
        from sozialraum.core.doors import using_door
        from sozialraum.demography import read_population
        from sozialraum.demography.forecast import ForecastParams, forecast

        areas = self.read_areas(parameters, context, feedback)
        with using_door("qgis"):  # messages name this dialog's fields
            pattern = self.parameterAsString(parameters, "POPULATION", context)
            key = self.parameterAsString(parameters, "POP_KEY", context) or "sr_id"
            pop = read_population(pattern, key=key, lang=self.lang)
            settings = self._settings(parameters, context)
            self.step(feedback, 1, 4)
            fc = forecast(
                ForecastParams(
                    pop,
                    settings,
                    area_keys=tuple(areas.index.astype(str)),
                    threshold=self.parameterAsInt(parameters, "MIN_COUNT", context) - 1,
                ),
                lang=self.lang,
            )
        self.step(feedback, 3, 4)
        cols = fc.area_layer()
        out = areas.join(cols.reindex(areas.index.astype(str)).set_axis(areas.index))
        xlsx = self.parameterAsFileOutput(parameters, "EXCEL", context)
        if xlsx:
            fc.write_workbook(xlsx, title="Demografie")
        change = fc.figures.columns["veraenderung"]
        path = self.write(
            out,
            parameters,
            context,
            renderer=self._renderer(out, change),
            layer_name=f"vorausberechnung_{fc.end_year}",
        )
        return {"OUTPUT": path, "EXCEL": xlsx or None}

    def _renderer(self, out, field):
        """Quantile classes of the projected change in % (diverging: loss blue, gain red)."""
        from sozialraum.core.classify import classify

        from .. import styles

        if field not in out.columns or out[field].nunique() < 2:
            return None
        k = min(5, int(out[field].nunique()))
        cls = classify(out[field], scheme="quantiles", k=k, name=field, lang=self.lang)
        return styles.classes_renderer(field, cls, "diverging", lang=self.lang)
