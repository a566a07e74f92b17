"""Steckbriefe erzeugen: one area profile (HTML, optionally PDF) per planning area."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFolderDestination,
)

from .base import SozialraumAlgorithm
from .monitor import split_status

LEVELS = ("intern", "kommunal", "oeffentlich")
LEVEL_NAMES = {
    "de": [
        "intern (alle Werte)",
        "kommunal",
        "öffentlich (nur Klassen, geheime Werte als „geheim“)",
    ],
    "en": [
        "internal (all values)",
        "municipal",
        "public (classes only, secret values as 'geheim')",
    ],
}

_MSG = {
    "need_ags": {
        "de": "Für die Stufen „öffentlich“ und „kommunal“ braucht es den Gemeindeschlüssel: "
        "die Werte werden erst über Sozialraum → Gemeinde → Kreis geheim gehalten.",
        "en": "the levels 'public' and 'municipal' need the municipality key field: values are "
        "protected over area → municipality → district first.",
    },
    "need_gemeinde": {
        "de": "Für die Stufe „kommunal“ bitte die Gemeinde (AGS) angeben, für die die Steckbriefe sind.",
        "en": "for the level 'municipal' give the municipality (AGS) the profiles are for.",
    },
}


class SteckbriefAlgorithm(SozialraumAlgorithm):
    ALG_ID = "steckbriefe"
    GROUP = "ausgabe"
    TEXT = {
        "name": {"de": "Steckbriefe erzeugen", "en": "Write area profiles (Steckbriefe)"},
        "help": {
            "de": "Schreibt je Sozialraum einen Steckbrief (HTML, auf Wunsch PDF über Chromium) mit Kennzahlen, "
            "Vergleich zum Kreisdurchschnitt, Index- und Statusklassen und erläuternden Sätzen. Eingabe ist "
            "am besten das Ergebnis von „Raten und Index berechnen“ (Zählwerte, Raten, Indizes; Status aus "
            "den Feldern <Feld>_status). Mit dem Gemeindeschlüssel werden Gemeinde- und Kreiswerte "
            "aufsummiert. Bei der Stufe „öffentlich“ erscheinen geheime Werte als „geheim“ und Indizes nur "
            "als Klassen. Außer bei „intern“ entstehen die Steckbriefe aus dem geprüften Release der "
            "Stufe (Geheimhaltung über Sozialraum → Gemeinde → Kreis, Freigaberegeln), wie im "
            "Jahreslauf; dafür ist der Gemeindeschlüssel nötig.",
            "en": "Writes one profile per area (HTML, optionally PDF via Chromium) with key figures, the "
            "comparison with the district, index/status classes and explanatory sentences. Best input: the "
            "result of 'Compute rates and index'. With the municipality key, municipal and district totals "
            "are rolled up.",
        },
        "NAME": {"de": "Namensfeld", "en": "Name field"},
        "CATALOGUE": {"de": "Indikatorenkatalog", "en": "Indicator catalogue"},
        "AGS": {
            "de": "Gemeindeschlüssel (optional, für Gemeinde- und Kreiswerte)",
            "en": "Municipality key (optional)",
        },
        "GEMEINDE_NAME": {"de": "Gemeindename (optional)", "en": "Municipality name (optional)"},
        "MUNICIPALITIES": {"de": "Auch Steckbriefe der Gemeinden", "en": "Also municipal profiles"},
        "TITLE": {"de": "Titel", "en": "Title"},
        "STUFEN": {
            "de": "Gliederung (Stufen von oben nach unten, durch Komma getrennt)",
            "en": "Hierarchy levels (top to bottom, comma-separated)",
        },
        "GEBIET": {
            "de": "Name des Kreises oder der Stadt (z. B. Musterstadt)",
            "en": "Name of the district or city (e.g. Musterstadt)",
        },
        "YEAR": {"de": "Berichtsjahr (optional)", "en": "Report year (optional)"},
        "LEVEL": {"de": "Freigabestufe", "en": "Release level"},
        "GEMEINDE": {
            "de": "Gemeinde (AGS) der kommunalen Steckbriefe",
            "en": "Municipality (AGS) of municipal profiles",
        },
        "PDF": {"de": "Auch PDF (braucht Chromium)", "en": "Also PDF (needs Chromium)"},
        "COMBINED": {"de": "Zusätzlich alle in einem Dokument", "en": "Also all in one document"},
        "OUTPUT": {"de": "Ordner der Steckbriefe", "en": "Output folder"},
        "N_FILES": {"de": "Anzahl Dateien", "en": "Number of files"},
        "FILES": {"de": "Dateien", "en": "Files"},
    }

    def define(self):
        self.add_areas("INPUT", "KEY", name_field="NAME")
        self.add_file("CATALOGUE", "Katalog (*.toml *.csv *.xlsx)")
        self.add_field("AGS", optional=True, numeric=False)
        self.add_field("GEMEINDE_NAME", optional=True, numeric=False)
        self.add_bool("MUNICIPALITIES", False)
        self.add_string("TITLE", "Steckbrief")
        self.add_string("STUFEN", "Landkreis, Gemeinde, Sozialraum")
        self.add_string("GEBIET", None)
        self.add_number("YEAR", None, integer=True, optional=True)
        self.add_enum("LEVEL", LEVEL_NAMES[self.lang], 0)
        self.add_string("GEMEINDE", None)
        self.add_bool("PDF", False)
        self.add_bool("COMBINED", True)
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", self.t("OUTPUT")))
        self.addOutput(QgsProcessingOutputNumber("N_FILES", self.t("N_FILES")))
        self.addOutput(QgsProcessingOutputString("FILES", self.t("FILES")))

    def compute(self, parameters, context, feedback):
        from sozialraum._i18n import t
        from sozialraum.errors import InputError
        from sozialraum.io import read_catalogue
        from sozialraum.report import write_steckbriefe

        self.step(feedback, 0, 3)
        areas = self.read_areas(parameters, context, feedback, name_field="NAME")
        catalogue = read_catalogue(
            self.parameterAsFile(parameters, "CATALOGUE", context), lang=self.lang
        )
        values, status = split_status(areas)
        ags = self.field(parameters, "AGS", context)
        level = LEVELS[self.parameterAsEnum(parameters, "LEVEL", context)]
        if level != "intern" and not ags:
            raise InputError(t(_MSG, "need_ags", self.lang))
        gemeinde = (self.parameterAsString(parameters, "GEMEINDE", context) or "").strip() or None
        if level == "kommunal" and gemeinde is None:
            raise InputError(t(_MSG, "need_gemeinde", self.lang))
        data = self._report_data(parameters, context, values, status, catalogue, level, gemeinde)
        folder = self.parameterAsString(parameters, "OUTPUT", context)
        self.step(feedback, 1, 3, "Steckbriefe")
        own = None
        if level == "kommunal":
            own = [str(k) for k in data.areas.index[data.areas[ags].astype(str) == gemeinde]]
        files = write_steckbriefe(
            data,
            folder,
            areas=own,
            municipalities=bool(ags)
            and self.parameterAsBool(parameters, "MUNICIPALITIES", context),
            pdf=self.parameterAsBool(parameters, "PDF", context),
            combined=self.parameterAsBool(parameters, "COMBINED", context),
            lang=self.lang,
        )
        self.step(feedback, 2, 3)
        feedback.pushInfo(
            f"{len(files)} Dateien → {folder}"
            if self.lang == "de"
            else f"{len(files)} files → {folder}"
        )
        return {"OUTPUT": folder, "N_FILES": len(files), "FILES": "\n".join(str(f) for f in files)}

    def _territory(self, parameters, context):
        """The district's or city's own words from the fields "Gliederung" and "Name"."""
        from sozialraum.core.territory import Territory

        words = self.parameterAsString(parameters, "STUFEN", context) or ""
        stufen = [w.strip() for w in words.split(",") if w.strip()] or None
        name = (self.parameterAsString(parameters, "GEBIET", context) or "").strip() or None
        return Territory.from_settings({"stufen": stufen, "name": name}, "", self.lang)

    def _report_data(self, parameters, context, values, status, catalogue, level, gemeinde):
        """Report data of the level: internal directly, otherwise from the checked release."""
        from sozialraum.join import rollup_hierarchy
        from sozialraum.privacy import ReleaseData, make_release
        from sozialraum.report import ReportInputs, report_data, report_data_from_release

        ags = self.field(parameters, "AGS", context)
        gname = self.field(parameters, "GEMEINDE_NAME", context) or "gemeinde"
        kw = {}
        lv = None
        if ags:
            counts = [v for v in catalogue.variables.index if v in values.columns]
            lv = rollup_hierarchy(
                values,
                {"gemeinde": ags, "kreis": None},
                columns=counts,
                status=status,
                catalogue=catalogue.indicators,
                lang=self.lang,
            )
            g = lv["gemeinde"].frame
            if gname in values.columns and gname not in g.columns:
                g = g.join(values.groupby(ags)[gname].first())
            kw.update(
                gemeinden=g,
                gemeinden_status=lv["gemeinde"].status,
                kreis=lv["kreis"].frame,
                kreis_status=lv["kreis"].status,
                gemeinde_col=ags,
                gemeinde_name_col=gname,
            )
        inputs = ReportInputs(
            territory=self._territory(parameters, context),
            areas=values,
            catalogue=catalogue,
            status=status,
            title=self.parameterAsString(parameters, "TITLE", context) or "Steckbrief",
            year=self.opt_number(parameters, "YEAR", context, integer=True),
            **kw,
        )
        name_col = self.field(parameters, "NAME", context)
        if level == "intern":
            return report_data(inputs, name_col=name_col)
        data = ReleaseData.from_rollup(values, status, lv, catalogue, area_ags_col=ags)
        release = make_release(data, level, gemeinde, lang=self.lang)
        return report_data_from_release(release, inputs, name_col=name_col)
