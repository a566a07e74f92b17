"""Indikatoren verknüpfen: indicator tables (XLSX/CSV) onto the planning areas, with join report."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingOutputString

from .base import SozialraumAlgorithm


class JoinAlgorithm(SozialraumAlgorithm):
    ALG_ID = "indikatoren_verknuepfen"
    GROUP = "daten"
    TEXT = {
        "name": {"de": "Indikatoren verknüpfen", "en": "Join indicators"},
        "help": {
            "de": "Verknüpft eine oder zwei Indikatortabellen (Excel oder CSV, z. B. vom Statistischen Landesamt "
            "und vom Jobcenter) über den Gebietsschlüssel mit den Sozialräumen. Statistische Zeichen "
            "(„.“ geheim, „-“ nichts vorhanden, „x“ …) werden erkannt und als Spalten <Variable>_status "
            "mitgeführt; verlorene führende Nullen werden ergänzt. Kein Gebiet geht verloren: Der "
            "Verknüpfungsbericht im Protokoll nennt Gebiete ohne Daten, Tabellenzeilen ohne Gebiet (mit "
            "Vorschlag) und Namensabweichungen. Mit einem Indikatorenkatalog (TOML/CSV/XLSX) werden die "
            "Spalten in Variablen-Kürzel umbenannt.",
            "en": "Joins one or two indicator tables (Excel or CSV) to the planning areas by their key. "
            "Statistical symbols are recognised and kept as <variable>_status columns; lost leading zeros "
            "are restored. No area is dropped: the join report in the log lists areas without data, rows "
            "without an area (with a suggestion) and name differences. With an indicator catalogue the "
            "columns are renamed to variable ids.",
        },
        "INPUT": {"de": "Sozialräume (Flächen)", "en": "Planning areas (polygons)"},
        "TABLE": {"de": "Indikatortabelle (XLSX/CSV)", "en": "Indicator table (XLSX/CSV)"},
        "TABLE2": {
            "de": "Zweite Tabelle (optional, z. B. Jobcenter)",
            "en": "Second table (optional)",
        },
        "SHEET": {"de": "Tabellenblatt (Excel, optional)", "en": "Sheet (Excel, optional)"},
        "CATALOGUE": {
            "de": "Indikatorenkatalog (optional)",
            "en": "Indicator catalogue (optional)",
        },
        "YEAR": {
            "de": "Jahr (bei Tabellen mit mehreren Jahren)",
            "en": "Year (tables with several years)",
        },
        "STRICT": {
            "de": "Streng: bei jeder Abweichung abbrechen",
            "en": "Strict: stop at any mismatch",
        },
        "OUTPUT": {"de": "Verknüpfte Sozialräume", "en": "Joined areas"},
        "REPORT": {"de": "Verknüpfungsbericht", "en": "Join report"},
    }

    def define(self):
        self.add_areas("INPUT", "KEY", name_field="NAME")
        self.add_file("TABLE", "Tabellen (*.xlsx *.csv *.txt *.tsv)")
        self.add_file("TABLE2", "Tabellen (*.xlsx *.csv *.txt *.tsv)", optional=True)
        self.add_string("SHEET")
        self.add_file("CATALOGUE", "Katalog (*.toml *.csv *.xlsx)", optional=True)
        self.add_number("YEAR", None, integer=True, optional=True)
        self.add_bool("STRICT", False)
        self.add_output("OUTPUT")
        self.addOutput(QgsProcessingOutputString("REPORT", self.t("REPORT")))

    def compute(self, parameters, context, feedback):
        from sozialraum.io import read_catalogue, read_table
        from sozialraum.join import join_tables

        lang = self.lang
        self.step(feedback, 0, 4)
        areas = self.read_areas(parameters, context, feedback, name_field="NAME")
        name = self.field(parameters, "NAME", context)
        cat_path = self.parameterAsFile(parameters, "CATALOGUE", context)
        catalogue = read_catalogue(cat_path, lang=lang) if cat_path else None
        year = self.opt_number(parameters, "YEAR", context, integer=True)
        sheet = self.parameterAsString(parameters, "SHEET", context) or None
        self.step(feedback, 1, 4)
        tables = []
        for pname in ("TABLE", "TABLE2"):
            path = self.parameterAsFile(parameters, pname, context)
            if not path:
                continue
            is_xlsx = Path(path).suffix.lower() == ".xlsx"
            tables.append(
                read_table(
                    path, sheet=sheet if is_xlsx else None, columns=catalogue, year=year, lang=lang
                )
            )
        self.step(feedback, 2, 4)
        res = join_tables(
            areas,
            tables,
            year=year,
            strict=self.parameterAsBool(parameters, "STRICT", context),
            area_names=name,
            lang=lang,
        )
        reports = res.report if isinstance(res.report, list) else [res.report]
        text = "\n\n".join(r.to_text(lang) for r in reports)
        for line in text.splitlines():
            feedback.pushInfo(line)
        self.step(feedback, 3, 4)
        path = self.write(
            res.frame, parameters, context, status=res.status, layer_name="sozialraeume"
        )
        return {"OUTPUT": path, "REPORT": text}
