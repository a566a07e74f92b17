"""Regionen hochrechnen and Angebote finden: thin doors over sozialraum.join and sozialraum.access."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessing,
    QgsProcessingOutputString,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterPoint,
)

from .base import SozialraumAlgorithm


class RegionRollupAlgorithm(SozialraumAlgorithm):
    ALG_ID = "regionen_hochrechnen"
    GROUP = "daten"
    TEXT = {
        "name": {"de": "Regionen hochrechnen", "en": "Roll up to regions"},
        "help": {
            "de": "Rechnet die Sozialräume (z. B. das Ergebnis von „Indikatoren verknüpfen“) auf Regionen "
            "hoch, die ein Feld der Sozialräume nennt (Amt, LEADER-Region, Mittelbereich …): Zählgrößen "
            "werden summiert, Quoten aus den summierten Zählern und Nennern neu berechnet (mit "
            "Indikatorenkatalog), Statusfelder <Variable>_status werden beachtet (Teilsumme geheim …). "
            "Sozialräume ohne Region brechen mit ihrer Liste ab.",
            "en": "Rolls the planning areas up to the regions a field of the areas names (Amt, LEADER "
            "region …): counts summed, rates recomputed from summed numerators and denominators (with "
            "a catalogue), <variable>_status fields respected. Areas without a region stop the tool "
            "with their list.",
        },
        "REGION": {"de": "Regionsfeld", "en": "Region field"},
        "CATALOGUE": {
            "de": "Indikatorenkatalog (optional)",
            "en": "Indicator catalogue (optional)",
        },
        "OUTPUT": {"de": "Regionen", "en": "Regions"},
    }

    def define(self):
        self.add_areas("INPUT", "KEY")
        self.add_field("REGION", numeric=False)
        self.add_file("CATALOGUE", "Katalog (*.toml *.csv *.xlsx)", optional=True)
        self.add_output("OUTPUT")

    def compute(self, parameters, context, feedback):
        import pandas as pd

        from sozialraum.io import read_catalogue, split_status_columns
        from sozialraum.join import rollup

        self.step(feedback, 0, 3)
        areas = self.read_areas(parameters, context, feedback)
        region = self.field(parameters, "REGION", context)
        cat_path = self.parameterAsFile(parameters, "CATALOGUE", context)
        catalogue = read_catalogue(cat_path, lang=self.lang) if cat_path else None
        values, status = split_status_columns(areas.drop(columns=areas.geometry.name))
        keys = values[region].astype("string").str.strip().replace("", pd.NA)
        if catalogue is not None:
            cols = [v for v in catalogue.variables.index if v in values.columns]
        else:
            cols = [
                c
                for c in values.columns
                if c != region and pd.api.types.is_numeric_dtype(values[c])
            ]
        frame = values[cols].apply(pd.to_numeric, errors="coerce")
        frame = areas[[areas.geometry.name]].join(frame)
        self.step(feedback, 1, 3)
        res = rollup(
            frame,
            by=keys,
            columns=cols,
            status=status.reindex(columns=[c for c in status.columns if c in cols]),
            catalogue=catalogue,
            lang=self.lang,
            level=region,
        )
        out = res.frame
        out.index.name = region
        self.step(feedback, 2, 3)
        path = self.write(
            out.reset_index(), parameters, context, status=res.status, layer_name="regionen"
        )
        return {"OUTPUT": path}


class OfferFinderAlgorithm(SozialraumAlgorithm):
    ALG_ID = "angebote_finden"
    GROUP = "zugang"
    TEXT = {
        "name": {"de": "Angebote finden", "en": "Find offers"},
        "help": {
            "de": "Findet für einen Haushalt an einem Ort die nächsten passenden Angebote je Art (Kita, "
            "Beratungsstelle, Familienzentrum …) mit Entfernung (Luftlinie). Der Haushalt wird als "
            "Mitglied:Anzahl geschrieben, z. B. eltern:1,kita_kind:2 (eine alleinerziehende Mutter mit "
            "zwei Kindern unter 6). Mitglieder: kleinkind, kita_kind, schulkind, jugendliche, "
            "erwachsene, eltern, senioren, pflegebeduerftig, behinderung, zugewanderte. Die Angebote "
            "brauchen die Felder thema und zielgruppe.",
            "en": "Finds, for a household at a place, the nearest matching offers per kind with their "
            "straight-line distance. Household as member:count, e.g. eltern:1,kita_kind:2. The offers "
            "need the fields thema and zielgruppe.",
        },
        "INPUT": {"de": "Angebote (Punkte)", "en": "Offers (points)"},
        "PLACE": {"de": "Wohnort", "en": "Place"},
        "HOUSEHOLD": {"de": "Haushalt", "en": "Household"},
        "RADIUS": {"de": "Umkreis (m)", "en": "Radius (m)"},
        "PER_KIND": {"de": "Angebote je Art", "en": "Offers per kind"},
        "CATEGORY": {"de": "Feld mit der Art des Angebots", "en": "Field with the kind of offer"},
        "OUTPUT": {"de": "Gefundene Angebote", "en": "Offers found"},
        "SUMMARY": {"de": "Angebote", "en": "Offers"},
    }

    def define(self):
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "INPUT", self.t("INPUT"), [QgsProcessing.TypeVectorPoint]
            )
        )
        self.addParameter(QgsProcessingParameterPoint("PLACE", self.t("PLACE")))
        self.add_string("HOUSEHOLD", "eltern:1,kita_kind:2", optional=False)
        self.add_number("RADIUS", 3000, minimum=0)
        self.add_number("PER_KIND", 2, integer=True, minimum=1)
        self.add_field("CATEGORY", optional=True, numeric=False, default="kategorie")
        self.add_output("OUTPUT")
        self.addOutput(QgsProcessingOutputString("SUMMARY", self.t("SUMMARY")))

    def compute(self, parameters, context, feedback):
        from sozialraum.access.offers import nearest_offers_for_household, parse_household
        from sozialraum.core.numbers import format_number

        self.step(feedback, 0, 3)
        offers = self.read_points(parameters, context, feedback, "INPUT")
        crs = QgsCoordinateReferenceSystem(offers.crs.to_wkt()) if offers.crs else None
        pt = (
            self.parameterAsPoint(parameters, "PLACE", context, crs)
            if crs
            else self.parameterAsPoint(parameters, "PLACE", context)
        )
        household = parse_household(
            self.parameterAsString(parameters, "HOUSEHOLD", context), self.lang
        )
        self.step(feedback, 1, 3)
        found = nearest_offers_for_household(
            offers,
            (pt.x(), pt.y()),
            household,
            radius=self.parameterAsDouble(parameters, "RADIUS", context),
            themes=None,
            per_kind=self.parameterAsInt(parameters, "PER_KIND", context),
            category=self.field(parameters, "CATEGORY", context) or "kategorie",
            lang=self.lang,
        )
        lines = [
            f"{format_number(r.entfernung_m, 0, self.lang)} m: {getattr(r, 'name', '')} ({r.thema}; für {r.fuer})"
            for r in found.itertuples()
        ]
        for line in lines:
            feedback.pushInfo(line)
        self.step(feedback, 2, 3)
        path = self.write(found, parameters, context, layer_name="angebote")
        return {"OUTPUT": path, "SUMMARY": "\n".join(lines)}
