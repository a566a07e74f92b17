"""Veröffentlichungspaket: release packages per level (öffentlich, kommunal, intern), checked."""

from __future__ import annotations

from qgis.core import QgsProcessingOutputString, QgsProcessingParameterFolderDestination

from .base import SozialraumAlgorithm
from .monitor import split_status

LEVELS = ("oeffentlich", "kommunal", "intern")
LEVEL_NAMES = {
    "de": ["öffentlich", "kommunal (je Gemeinde)", "intern"],
    "en": ["public", "municipal (per municipality)", "internal"],
}
METHODS = ("sperrung", "rundung")
FORMATS = ("gpkg", "xlsx", "csv")


class ReleaseAlgorithm(SozialraumAlgorithm):
    ALG_ID = "veroeffentlichung"
    GROUP = "ausgabe"
    TEXT = {
        "name": {"de": "Veröffentlichungspaket", "en": "Release package"},
        "help": {
            "de": "Schneidet aus den internen Ergebnissen (z. B. von „Raten und Index berechnen“) je "
            "Freigabestufe ein Paket (Ordner mit GeoPackage, Excel, CSV): „öffentlich“ nur freigegebene "
            "Spalten mit primärer und sekundärer Geheimhaltung kleiner Fallzahlen (oder Rundung), "
            "„kommunal“ je Gemeinde alles Eigene und von den anderen nur Öffentliches, „intern“ alles. "
            "Sozialräume, Gemeinden (über den Gemeindeschlüssel aufsummiert) und Kreis. Danach prüft der "
            "Freigabe-Prüfer jedes Paket auf Werte jenseits seiner Stufe (auch durch Differenzbildung "
            "rückrechenbare); das Ergebnis steht im Protokoll.",
            "en": "Cuts one package per release level from the internal results (GeoPackage, Excel, CSV): "
            "'public' only released columns with primary and secondary suppression (or rounding), "
            "'municipal' per municipality, 'internal' everything. Every package is then checked for values "
            "beyond its level (also recoverable by subtraction); the result is in the log.",
        },
        "CATALOGUE": {"de": "Indikatorenkatalog", "en": "Indicator catalogue"},
        "AGS": {"de": "Gemeindeschlüssel", "en": "Municipality key"},
        "LEVELS": {"de": "Freigabestufen", "en": "Release levels"},
        "METHOD": {"de": "Schutz kleiner Fallzahlen", "en": "Protection of small counts"},
        "THRESHOLD": {"de": "Geheim bis einschließlich (Fallzahl)", "en": "Secret up to (count)"},
        "BASE": {"de": "Rundungsbasis", "en": "Rounding base"},
        "ALLOWED": {
            "de": "Für „öffentlich“ freigegebene Spalten (mit , getrennt)",
            "en": "Columns released for 'public' (comma-separated)",
        },
        "FORMATS": {"de": "Formate", "en": "Formats"},
        "NAME": {"de": "Dateiname (Stamm)", "en": "File name stem"},
        "OUTPUT": {"de": "Ordner der Pakete", "en": "Output folder"},
        "FILES": {"de": "Geschriebene Dateien", "en": "Files written"},
        "CHECK": {"de": "Prüfbericht", "en": "Check report"},
    }

    def define(self):
        self.add_areas("INPUT", "KEY")
        self.add_file("CATALOGUE", "Katalog (*.toml *.csv *.xlsx)")
        self.add_field("AGS", numeric=False, default="ags")
        self.add_enum("LEVELS", LEVEL_NAMES[self.lang], [0, 1, 2], multiple=True)
        names = {
            "de": ["Sperrung (primär + sekundär)", "Rundung"],
            "en": ["suppression (primary + secondary)", "rounding"],
        }
        self.add_enum("METHOD", names[self.lang], 0)
        self.add_number("THRESHOLD", 2, integer=True, minimum=0)
        self.add_number("BASE", 3, integer=True, minimum=1)
        self.add_string("ALLOWED", None)
        self.add_enum("FORMATS", ["GeoPackage", "Excel", "CSV"], [0, 1, 2], multiple=True)
        self.add_string("NAME", "sozialraum", optional=False)
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", self.t("OUTPUT")))
        self.addOutput(QgsProcessingOutputString("FILES", self.t("FILES")))
        self.addOutput(QgsProcessingOutputString("CHECK", self.t("CHECK")))

    def compute(self, parameters, context, feedback):
        from sozialraum.io import read_catalogue
        from sozialraum.join import rollup_hierarchy
        from sozialraum.privacy import ReleaseData, ReleasePolicy, check_release, write_packages

        self.step(feedback, 0, 2)
        areas = self.read_areas(parameters, context, feedback)
        catalogue = read_catalogue(
            self.parameterAsFile(parameters, "CATALOGUE", context), lang=self.lang
        )
        values, status = split_status(areas)
        ags = self.field(parameters, "AGS", context) or "ags"
        counts = [v for v in catalogue.variables.index if v in values.columns]
        lv = rollup_hierarchy(
            values,
            {"gemeinde": ags, "kreis": None},
            columns=counts,
            status=status,
            catalogue=catalogue.indicators,
            lang=self.lang,
        )
        name = self.parameterAsString(parameters, "NAME", context) or "sozialraum"
        data = ReleaseData.from_rollup(values, status, lv, catalogue, name=name, area_ags_col=ags)
        allowed = tuple(
            c.strip()
            for c in (self.parameterAsString(parameters, "ALLOWED", context) or "").split(",")
            if c.strip()
        )
        policy = ReleasePolicy(
            allowed=allowed, threshold=self.parameterAsInt(parameters, "THRESHOLD", context)
        )
        levels = [LEVELS[i] for i in self.parameterAsEnums(parameters, "LEVELS", context)] or list(
            LEVELS
        )
        formats = [
            FORMATS[i] for i in self.parameterAsEnums(parameters, "FORMATS", context)
        ] or list(FORMATS)
        folder = self.parameterAsString(parameters, "OUTPUT", context)
        written, checks = [], []
        for i, level in enumerate(levels):
            self.step(feedback, i, len(levels) + 1, level)
            files = write_packages(
                data,
                folder,
                levels=(level,),
                policy=policy,
                method=METHODS[self.parameterAsEnum(parameters, "METHOD", context)],
                base=self.parameterAsInt(parameters, "BASE", context),
                formats=formats,
                lang=self.lang,
            )
            written += files
            for pkg in sorted({p.parent for p, _de, _en in files}):
                pkg_ags = (
                    pkg.name.split("-", 1)[1] if level == "kommunal" and "-" in pkg.name else None
                )
                rep = check_release(
                    pkg, data, level=level, ags=pkg_ags, policy=policy, lang=self.lang
                )
                text = rep.to_text(self.lang) if hasattr(rep, "to_text") else str(rep)
                checks.append(f"[{pkg.name}] " + text)
                (feedback.pushInfo if rep.ok else feedback.pushWarning)(f"[{pkg.name}] {text}")
        self.step(feedback, len(levels), len(levels) + 1)
        lines = [f"{p} — {de if self.lang == 'de' else en}" for p, de, en in written]
        for ln in lines:
            feedback.pushInfo(ln)
        return {"OUTPUT": folder, "FILES": "\n".join(lines), "CHECK": "\n\n".join(checks)}
