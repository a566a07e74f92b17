"""Kita-Planung: need per age group, places per type, missing places today and in target years.

A thin door over :func:`sozialraum.demography.kita.plan_kitas`, the same entry point
as the yearly run's ``[kita]`` step and ``sozialraum kita``: the dialog's fields are
translated into :class:`~sozialraum.demography.kita.KitaInputs`,
:class:`~sozialraum.demography.kita.KitaParams` and the what-if changes; the
library's messages name the dialog's fields (door ``qgis``).
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterRasterLayer,
)

from ._projection_fields import PROJECTION_ADVANCED, PROJECTION_TEXT, ProjectionFields
from .base import SozialraumAlgorithm

METHODS = ("standort", "2sfca", "e2sfca")
METHOD_NAMES = {
    "de": ["Plätze im Gebiet (Standort)", "2SFCA (Einzugsbereich)", "E2SFCA (mit Distanzabschlag)"],
    "en": ["places in the area (location)", "2SFCA (catchment)", "E2SFCA (distance decay)"],
}
GROUPS = ("krippe", "kindergarten", "hort")
GROUP_NAMES = {
    "de": ["unter 3 (Krippe, Tagespflege)", "3 bis Schuleintritt (Kindergarten)", "Hort"],
    "en": ["under 3 (crèche, childminders)", "3 to school entry (kindergarten)", "after-school"],
}
#: Optional fields shown under "Erweiterte Parameter" (the projection's settings).
ADVANCED = (*PROJECTION_ADVANCED, "AGES", "COLUMNS", "CAPACITY")


class KitaAlgorithm(ProjectionFields, SozialraumAlgorithm):
    ALG_ID = "kitaplanung"
    GROUP = "zugang"
    TEXT = {
        **PROJECTION_TEXT,
        "name": {"de": "Kita-Planung", "en": "Kita planning"},
        "help": {
            "de": "Kita-Bedarf je Sozialraum und Altersgruppe (unter 3, 3 bis Schuleintritt, Hort): "
            "Kinder × Bedarfsquote gegen die Plätze je Art (Krippe und Kindertagespflege für unter 3, "
            "Kindergarten, Hort), nach Standort oder im Einzugsbereich (2SFCA/E2SFCA, dasselbe "
            "Bestand–Bedarf-Modell wie der Jahreslauf). Mit Zieljahren auch die fehlenden Plätze "
            "2030/2035 je Szenario der Vorausberechnung; mit neuen oder geschlossenen Kitas der "
            "Vergleich vorher/nachher. Neue Felder kita_<gruppe>_<wert>[_<jahr>_<szenario>], z. B. "
            "kita_kindergarten_defizit_2035_mittel; dieselben Zahlen wie „sozialraum kita“ und "
            "der Jahreslauf.",
            "en": "Kita need per area and age group (under 3, 3 to school entry, after-school): "
            "children × demand rate against places per type, by location or catchment "
            "(2SFCA/E2SFCA, the run's supply–need model). With target years also the missing "
            "places in 2030/2035 per projection scenario; with new or closed Kitas the "
            "comparison before/after. New fields kita_<group>_<value>[_<year>_<scenario>].",
        },
        "MUNICIPALITY": {"de": "Gemeindeschlüssel (optional)", "en": "Municipality key (optional)"},
        "POPULATION": {
            "de": "Bevölkerung nach Alter (Dateimuster)",
            "en": "Population by age (file pattern)",
        },
        "POP_KEY": {"de": "Schlüsselspalte der Bevölkerung", "en": "Key column of the population"},
        "KITAS": {"de": "Kitas bzw. Einrichtungen (Punkte)", "en": "Kitas or facilities (points)"},
        "KITA_ID": {"de": "Schlüssel der Kita", "en": "Kita key"},
        "CATEGORY_FIELD": {
            "de": "Kategoriefeld (optional)",
            "en": "Category field (optional)",
        },
        "CATEGORY": {"de": "Kategorie der Kitas", "en": "Kita category"},
        "PLACES": {
            "de": "Plätze je Kita und Art (CSV/XLSX wie kita_plaetze.csv, optional)",
            "en": "Places per Kita and type (CSV/XLSX like kita_plaetze.csv, optional)",
        },
        "COLUMNS": {"de": "Spalten der Plätze je Art", "en": "Columns of the places per type"},
        "CAPACITY": {
            "de": "Plätze insgesamt (Feld der Kitas, optional)",
            "en": "Total places (field of the Kitas, optional)",
        },
        "RATES": {"de": "Bedarfsquoten in %", "en": "Demand rates in %"},
        "AGES": {"de": "Altersgruppen", "en": "Age groups"},
        "METHOD": {"de": "Bestand nach", "en": "Supply by"},
        "RADIUS": {"de": "Einzugsbereich in Metern", "en": "Catchment in metres"},
        "RASTER": {
            "de": "Bevölkerungsraster (optional, verteilt den Bedarf bei 2SFCA/E2SFCA)",
            "en": "Population raster (optional, spreads the need for 2SFCA/E2SFCA)",
        },
        "YEARS": {"de": "Zieljahre", "en": "Target years"},
        "NEW": {"de": "Neue Kitas (Punkte, optional)", "en": "New Kitas (points, optional)"},
        "EXTEND": {
            "de": "Kitas erweitern (id=KITA012; kindergarten=20 | id=…)",
            "en": "Extend Kitas (id=KITA012; kindergarten=20 | id=…)",
        },
        "CLOSE": {"de": "Kitas schließen", "en": "Close Kitas"},
        "STYLE": {"de": "Karte zeigt fehlende Plätze für", "en": "Map shows missing places for"},
        "EXCEL": {"de": "Excel-Tabelle (optional)", "en": "Excel table (optional)"},
        "OUTPUT": {"de": "Kita-Planung", "en": "Kita planning"},
        "new_id": {
            "de": "Layer „{layer}“: Feld {field!r} (Schlüssel der neuen Kita) ist leer.",
            "en": "Layer '{layer}': field {field!r} (key of the new Kita) is empty.",
        },
    }

    def define(self):
        self.add_areas("INPUT", "KEY")
        self.add_field("MUNICIPALITY", parent="INPUT", optional=True, numeric=False)
        self.add_string("POPULATION", None, optional=False)
        self.add_string("POP_KEY", "sr_id", optional=False)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "KITAS", self.t("KITAS"), [QgsProcessing.TypeVectorPoint]
            )
        )
        self.add_field("KITA_ID", parent="KITAS", numeric=False, default="id")
        self.add_field(
            "CATEGORY_FIELD", parent="KITAS", optional=True, numeric=False, default="kategorie"
        )
        self.add_string("CATEGORY", "Kita")
        self.add_file("PLACES", "CSV (*.csv);;Excel (*.xlsx)", optional=True)
        self.add_string(
            "COLUMNS",
            "krippe=krippe; kindergarten=kindergarten; hort=hort; tagespflege=tagespflege",
        )
        self.add_field("CAPACITY", parent="KITAS", optional=True, default="kapazitaet")
        self.add_string("RATES", "u3=45; ue3=95; hort=50", optional=False)
        self.add_string("AGES", "krippe=0-2; kindergarten=3-5; hort=6-9")
        self.add_enum("METHOD", METHOD_NAMES[self.lang], 0)
        self.add_number("RADIUS", 3000, minimum=0)
        self.addParameter(
            QgsProcessingParameterRasterLayer("RASTER", self.t("RASTER"), optional=True)
        )
        self.add_string("YEARS", "")
        self.add_projection_fields(horizon_default=None)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "NEW", self.t("NEW"), [QgsProcessing.TypeVectorPoint], optional=True
            )
        )
        self.add_string("EXTEND", "")
        self.add_string("CLOSE", "")
        self.add_enum("STYLE", GROUP_NAMES[self.lang], 1)
        self.add_output("OUTPUT")
        self.addParameter(
            QgsProcessingParameterFileDestination(
                "EXCEL", self.t("EXCEL"), fileFilter="Excel (*.xlsx)", optional=True
            )
        )
        for name in ADVANCED:
            d = self.parameterDefinition(name)
            d.setFlags(d.flags() | QgsProcessingParameterDefinition.FlagAdvanced)

    # ---- reading the dialog -------------------------------------------------------------
    def _text(self, parameters, name, context) -> str:
        return (self.parameterAsString(parameters, name, context) or "").strip()

    def _params(self, parameters, context):
        from sozialraum.access import SupplyNeedParams
        from sozialraum.demography.kita import KitaParams, parse_kita_groups

        where = self.t("field_where", param=self.param_label("YEARS"))
        years = self._number_list(parameters, "YEARS", context, where)
        m = METHODS[self.parameterAsEnum(parameters, "METHOD", context)]
        radius = self.parameterAsDouble(parameters, "RADIUS", context)
        return KitaParams(
            groups=parse_kita_groups(
                self._text(parameters, "RATES", context),
                self._text(parameters, "AGES", context),
                lang=self.lang,
            ),
            supply=SupplyNeedParams(method=m, max_cost=radius if m != "standort" else None),
            years=tuple(int(y) for y in years),
        )

    def _number_list(self, parameters, name, context, where) -> list[float]:
        from sozialraum.core.numbers import parse_numbers

        return parse_numbers(self._text(parameters, name, context), self.lang, where=where)

    def _projection(self, parameters, context, pop, years):
        from sozialraum.demography.kita import kita_projection

        config = self.projection_config(parameters, context)
        return kita_projection(pop, years, config, lang=self.lang)

    def _kitas(self, parameters, context, feedback, areas):
        from pathlib import Path

        from sozialraum.demography.kita import kita_facilities
        from sozialraum.io.reader import read_text_table

        raw = self.read_points(parameters, context, feedback, "KITAS").to_crs(areas.crs)
        path = self.parameterAsFile(parameters, "PLACES", context)
        table = read_text_table(path, lang=self.lang).frame if path else None
        cat_field = self.field(parameters, "CATEGORY_FIELD", context)
        category = self._text(parameters, "CATEGORY", context)
        return kita_facilities(
            raw,
            id_col=self.field(parameters, "KITA_ID", context) or "id",
            category=category if cat_field and category else None,
            category_col=cat_field or "kategorie",
            places_table=table,
            columns=self._text(parameters, "COLUMNS", context),
            capacity_col=self.field(parameters, "CAPACITY", context),
            source=self.layer_label(parameters, "KITAS", context),
            table_source=Path(path).name if path else "",
            lang=self.lang,
        )

    def _changes(self, parameters, context, feedback, areas, id_col):
        """New Kitas from the point layer (places per type in fields named like the types)."""
        from sozialraum.demography.kita import PLACE_TYPES, change_records, kita_changes

        records: list[dict] = []
        if parameters.get("NEW"):
            new = self.read_points(parameters, context, feedback, "NEW").to_crs(areas.crs)
            for i, (_, row) in enumerate(new.iterrows(), start=1):
                rec = {"art": "neu", "x": float(row.geometry.x), "y": float(row.geometry.y)}
                if id_col in new.columns and str(row[id_col]).strip() not in ("", "None", "nan"):
                    rec["id"] = str(row[id_col]).strip()
                else:
                    rec["id"] = f"neu{i}"
                for kind in PLACE_TYPES:
                    if kind in new.columns and row[kind] == row[kind] and row[kind] is not None:
                        rec[kind] = float(row[kind])
                records.append(rec)
        extend = [e for e in self._text(parameters, "EXTEND", context).split("|") if e.strip()]
        close = [self._text(parameters, "CLOSE", context)]
        records += change_records((), extend, close, lang=self.lang)
        return kita_changes(records, lang=self.lang)

    # ---- running ---------------------------------------------------------------------------
    def compute(self, parameters, context, feedback):
        from sozialraum.core.doors import using_door
        from sozialraum.demography import read_population
        from sozialraum.demography.kita import KitaInputs, plan_kitas, write_kita_workbook

        with using_door("qgis"):  # messages name the dialog's fields
            params = self._params(parameters, context)
            areas = self.read_areas(parameters, context, feedback)
            pattern = self.parameterAsString(parameters, "POPULATION", context)
            key = self.parameterAsString(parameters, "POP_KEY", context) or "sr_id"
            pop = read_population(pattern, key=key, lang=self.lang)
            self.step(feedback, 1, 5)
            kitas, places = self._kitas(parameters, context, feedback, areas)
            id_col = self.field(parameters, "KITA_ID", context) or "id"
            changes = self._changes(parameters, context, feedback, areas, id_col)
            gfield = self.field(parameters, "MUNICIPALITY", context)
            points = None
            if parameters.get("RASTER") and params.supply.method != "standort":
                from sozialraum.raster import demand_shares

                points = demand_shares(self.raster_path(parameters, "RASTER", context), areas)
            self.step(feedback, 2, 5)
            inputs = KitaInputs(
                areas=areas,
                kitas=kitas,
                places=places,
                population=pop,
                projection=self._projection(parameters, context, pop, params.years),
                gemeinde=areas[gfield].astype(str) if gfield else None,
                demand_points=points,
            )
            self.step(feedback, 3, 5)
            result = plan_kitas(inputs, params, changes, lang=self.lang)
        self.step(feedback, 4, 5)
        frame = result.areas_frame()
        out = areas.join(frame.reindex(areas.index.astype(str)).set_axis(areas.index))
        group = GROUPS[self.parameterAsEnum(parameters, "STYLE", context)]
        path = self.write(
            out,
            parameters,
            context,
            renderer=self._renderer(out, f"kita_{group}_defizit"),
            layer_name="kita",
        )
        excel = self.parameterAsFileOutput(parameters, "EXCEL", context)
        if excel:
            write_kita_workbook(result, excel, lang=self.lang)
        return {"OUTPUT": path, "EXCEL": excel or None}

    def _renderer(self, out, field):
        """Missing places today in classes of the library (need colours; 0 = no shortage)."""
        from sozialraum.core.classify import classify

        from .. import styles

        if field not in out.columns or out[field].nunique() < 2:
            return None
        k = min(5, int(out[field].nunique()))
        cls = classify(out[field], scheme="quantiles", k=k, name=field, lang=self.lang)
        return styles.classes_renderer(field, cls, "need", lang=self.lang)
