"""The yearly run's configuration file (``monitor.toml``): schema, validation, template.

One TOML file names every input, parameter and output of a monitoring run, so
that next year's planner re-runs it with new files. The keys are German (the
file is written and read by planners). The whole file is validated before
anything runs; every error names the file, the line and the key, and says what
is expected — an unknown key gets the closest known one as a suggestion,
because typos are the most common mistake.

``tomllib`` does not report line numbers, so :func:`_line_of` finds a key's
line in the text itself (section header, then ``key =``).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sozialraum._i18n import get_lang, t
from sozialraum.core.status import RELEASE_LEVELS
from sozialraum.errors import ConfigError
from sozialraum.io.symbols import STATUS_CODES

__all__ = [
    "RunConfig",
    "load_config",
    "collect_config",
    "template",
    "territory_of",
    "SCHEMA",
    "example_value",
]

_MSG = {
    "missing_file": {
        "de": "Konfigurationsdatei nicht gefunden: {path}. Eine Vorlage erzeugt `sozialraum init`.",
        "en": "configuration file not found: {path}. `sozialraum init` writes a template.",
    },
    "toml": {
        "de": "{path}: kein gültiges TOML: {err}",
        "en": "{path}: not valid TOML: {err}",
    },
    "unknown_section": {
        "de": "{where}: unbekannter Abschnitt [{key}].{hint} Erlaubt: {allowed}.",
        "en": "{where}: unknown section [{key}].{hint} Allowed: {allowed}.",
    },
    "unknown_key": {
        "de": "{where}: unbekannter Schlüssel {key!r} in [{section}].{hint}",
        "en": "{where}: unknown key {key!r} in [{section}].{hint}",
    },
    "hint": {"de": " Meinten Sie {s!r}?", "en": " Did you mean {s!r}?"},
    "required": {
        "de": "{where}: [{section}] {key} fehlt ({desc}). Bitte im Abschnitt [{section}] "
        "ergänzen, z. B.: {key} = {example}",
        "en": "{where}: [{section}] {key} is missing ({desc}). Add it to section [{section}], "
        "e.g.: {key} = {example}",
    },
    "no_section": {
        "de": "{where}: Abschnitt {header} fehlt; er ist Pflicht. Bitte ergänzen (z. B. am Ende "
        "der Datei, nach Zeile {last}):\n{example}",
        "en": "{where}: section {header} is missing; it is required. Add it (e.g. at the end of "
        "the file, after line {last}):\n{example}",
    },
    "type": {
        "de": "{where}: [{section}] {key} = {value!r}: erwartet {expected}.",
        "en": "{where}: [{section}] {key} = {value!r}: expected {expected}.",
    },
    "choice": {
        "de": "{where}: [{section}] {key} = {value!r}: erlaubt sind {choices}.",
        "en": "{where}: [{section}] {key} = {value!r}: allowed are {choices}.",
    },
    "no_path": {
        "de": "{where}: [{section}] {key}: Datei {path} gibt es nicht.",
        "en": "{where}: [{section}] {key}: file {path} does not exist.",
    },
    "range": {
        "de": "{where}: [{section}] {key} = {value!r}: muss {cond} sein.",
        "en": "{where}: [{section}] {key} = {value!r}: must be {cond}.",
    },
}

# Types: "str", "int", "float", "bool", "path" (must exist; may contain {jahr}), "pattern" (a path
# with {jahr}, checked per year), "ints" (list of int), "strs" (list of str), or a tuple of choices.
# Each key: (type, default or REQUIRED, German description for the template and messages).
REQUIRED = object()

SCHEMA: dict[str, dict[str, tuple[Any, Any, str]]] = {
    "projekt": {
        "name": ("str", REQUIRED, "Name des Kreises oder der Stadt, erscheint in allen Ausgaben"),
        "berichtsjahr": ("int", REQUIRED, "Jahr des Berichts (die neuesten Daten)"),
        "vorjahr": (
            "int",
            None,
            "Vergleichsjahr für die Dynamik (Standard: Berichtsjahr − 1, falls vorhanden)",
        ),
        "sprache": (("de", "en"), "de", "Sprache der Ausgaben"),
        "seed": ("int", 20240101, "Startwert für Zufallsschritte (Permutationen, Typisierung)"),
        "quelle": ("str", "", "Quellenangabe unter Karten und Tabellen"),
    },
    "gebiete": {
        "datei": ("path", REQUIRED, "Geodatei der Planungsräume (GeoPackage, Shapefile, GeoJSON)"),
        "ebene": ("str", None, "Ebene (Layer) der Planungsräume"),
        "schluessel": ("str", REQUIRED, "Schlüsselspalte der Planungsräume"),
        "name": ("str", None, "Namensspalte der Planungsräume"),
        "gemeinde_spalte": ("str", "ags", "Spalte der Planungsräume mit dem Gemeindeschlüssel"),
        "gemeinden_ebene": ("str", None, "Ebene der Gemeindegrenzen (für Karten und Steckbriefe)"),
        "gemeinden_schluessel": ("str", "ags", "Schlüsselspalte der Gemeinden"),
        "gemeinden_name": ("str", "gemeinde", "Namensspalte der Gemeinden"),
        "kreis_ebene": ("str", None, "Ebene der Kreisgrenze"),
        "kreis_schluessel": ("str", "ags", "Schlüsselspalte der Kreisgrenze"),
    },
    "gliederung": {
        "stufen": (
            "strs",
            ["Landkreis", "Gemeinde", "Sozialraum"],
            'Ebenen von oben nach unten (2–4), z. B. ["Stadt", "Bezirk", "Planungsraum"]',
        ),
        "name": (
            "str",
            None,
            "Eigenname der obersten Ebene (Standard: projekt.name ohne Ebenenwort)",
        ),
        "adjektiv": ("str", None, 'Adjektiv zum Namen, z. B. "Berliner" (→ Berliner Durchschnitt)'),
        "mehrzahl": ("strs", None, 'Mehrzahl je Stufe für unbekannte Wörter ("" für bekannte)'),
        "artikel": ("strs", None, "Artikel je Stufe (der, die, das) für unbekannte Wörter"),
    },
    "katalog": {
        "datei": ("path", REQUIRED, "Indikatorenkatalog (TOML, CSV oder XLSX)"),
    },
    "tabellen": {  # a list of tables ([[tabellen]])
        "datei": ("pattern", REQUIRED, "Tabelle; {jahr} wird durch das Jahr ersetzt"),
        "jahre": ("ints", REQUIRED, "Jahre, für die es die Tabelle gibt"),
        "blatt": ("str", None, "Tabellenblatt (Excel)"),
        "schluessel": ("str", None, "Schlüsselspalte der Tabelle (sonst erkannt)"),
        "kopfzeile": ("int", None, "Zeile der Kopfzeile (sonst erkannt)"),
        "kodierung": (
            "str",
            None,
            "Zeichenkodierung einer CSV-Datei, z. B. cp1252 (sonst erkannt)",
        ),
        "symbole": (
            "symbols",
            None,
            'Zeichen für fehlende Werte → Status, z. B. {"k.A." = "fehlt"}',
        ),
    },
    "monitor": {
        "min_nenner": ("int", 300, "Mindest-Nenner (Einwohner) für eine verlässliche Quote"),
        "standardisierung": (("z", "minmax", "rang"), "z", "Standardisierung der Indikatoren"),
        "methode": (
            ("gewichtet", "pca"),
            "gewichtet",
            "Gesamtindex: gewichtete Summe oder Hauptkomponente",
        ),
        "klassen_schema": (
            ("quantiles", "equal_interval", "natural_breaks", "fisher_jenks", "std_mean"),
            "quantiles",
            "Klassenbildung der Karten",
        ),
        "klassen_anzahl": ("int", 5, "Anzahl der Klassen"),
        "typen_anzahl": ("int", 4, "Anzahl der Gebietstypen (Clusteranalyse)"),
        "sicherheit": (
            "bool",
            True,
            "Klassensicherheit: wie sicher Klassen, Ränge und Veränderungen sind (Bootstrap)",
        ),
        "replikate": ("int", 1000, "Bootstrap-Replikate der Klassensicherheit"),
        "sicher_ab": ("float", 0.8, "ab dieser Wahrscheinlichkeit gilt eine Klasse als sicher"),
    },
    "raeumlich": {
        "merkmale": ("strs", ["idx_gesamt"], "Spalten für LISA und Hot-Spots"),
        "gewichte": (("queen", "rook", "knn"), "queen", "Nachbarschaft"),
        "inseln": (("ausschliessen", "knn"), "ausschliessen", "Gebiete ohne Nachbarn"),
        "permutationen": ("int", 999, "Permutationen für die Signifikanz"),
        "alpha": ("float", 0.05, "Signifikanzniveau"),
        "korrektur": (("keine", "fdr", "bonferroni"), "fdr", "Korrektur für multiples Testen"),
    },
    "einrichtungen": {
        "datei": ("path", None, "Einrichtungen (Punkte) mit Kategorie und Kapazität"),
        "ebene": ("str", None, "Ebene der Einrichtungen"),
        "kategorie_spalte": ("str", "kategorie", "Spalte mit der Kategorie"),
        "kapazitaet_spalte": ("str", "kapazitaet", "Spalte mit der Kapazität (Plätze)"),
        "name_spalte": ("str", "name", "Spalte mit dem Namen"),
    },
    "strassen": {
        "datei": ("path", None, "Straßennetz (Linien) für Wegedistanzen"),
        "ebene": ("str", None, "Ebene des Straßennetzes"),
        "klasse_spalte": ("str", "klasse", "Spalte mit der Straßenklasse"),
    },
    "erreichbarkeit": {  # a list of analyses ([[erreichbarkeit]])
        "name": ("str", REQUIRED, "Name der Auswertung, z. B. Kita-Versorgung"),
        "kategorie": ("str", REQUIRED, "Kategorie der Einrichtungen"),
        "zielgruppe": ("strs", REQUIRED, "Variablen der Zielgruppe (werden addiert)"),
        "methode": (("naechste", "2sfca", "e2sfca", "netz"), "naechste", "Maß der Erreichbarkeit"),
        "radius_m": ("float", 2000.0, "Einzugsradius in Metern"),
        "bedarf_je_100": ("float", None, "Bedarf je 100 der Zielgruppe (für Bestand–Bedarf)"),
        "was_waere_wenn": (
            "points",
            None,
            "geplante Einrichtungen [[x, y, Plätze], …] im CRS der Gebiete",
        ),
    },
    "kita": {  # Kita-Planung: Bedarf je Altersgruppe, Plätze je Art, Defizit heute und künftig
        "kategorie": ("str", "Kita", "Kategorie der Kitas in [einrichtungen]"),
        "plaetze": (
            "path",
            None,
            "Tabelle der Plätze je Kita (CSV, über id_spalte verknüpft); ohne: Spalten der "
            "Einrichtungen",
        ),
        "id_spalte": ("str", "id", "Spalte mit dem Schlüssel der Kita (Einrichtungen und Tabelle)"),
        "spalte_krippe": ("str", "krippe", "Spalte: Krippenplätze (unter 3)"),
        "spalte_kindergarten": ("str", "kindergarten", "Spalte: Kindergartenplätze (3 bis Schule)"),
        "spalte_hort": ("str", "hort", "Spalte: Hortplätze (Schulkinder)"),
        "spalte_tagespflege": ("str", "tagespflege", "Spalte: Kindertagespflege (zählt für U3)"),
        "spalte_inklusion": ("str", "inklusion", "Spalte: Plätze für Kinder mit Förderbedarf"),
        "spalte_belegt": ("str", "belegt", "Spalte: belegte Plätze (wo geliefert)"),
        "spalte_warteliste": ("str", "warteliste", "Spalte: Kinder auf der Warteliste"),
        "alter_krippe": ("ints", [0, 2], "Alter der Krippengruppe [von, bis]"),
        "alter_kindergarten": ("ints", [3, 5], "Alter der Kindergartengruppe [von, bis]"),
        "alter_hort": ("ints", [6, 9], "Alter der Hortgruppe [von, bis]"),
        "quote_krippe": ("float", 45.0, "Bedarfsquote unter 3 in %"),
        "quote_kindergarten": ("float", 95.0, "Bedarfsquote 3 bis Schuleintritt in %"),
        "quote_hort": ("float", 50.0, "Bedarfsquote Hort in %"),
        "methode": (
            ("standort", "2sfca", "e2sfca"),
            "standort",
            "Bestand nach Standort oder Einzugsbereich",
        ),
        "radius_m": ("float", 3000.0, "Einzugsbereich in Metern (2sfca, e2sfca)"),
        "jahre": ("ints", None, "Jahre der Vorausberechnung, z. B. [2030, 2035]"),
        "was_waere_wenn": (
            "records",
            None,
            'geplante Änderungen: [{ art = "neu" | "erweiterung" | "schliessung", id, x, y, '
            "krippe, kindergarten, hort, tagespflege }, …]",
        ),
    },
    "schulen": {  # Grundschulen: Erreichbarkeit und Einschulungsjahrgänge
        "kategorie": ("str", "Grundschule", "Kategorie der Grundschulen in [einrichtungen]"),
        "bezirke": (
            "path",
            None,
            "Schulbezirke (Polygone); ohne: Einzugsbereich der nächsten Schule",
        ),
        "bezirke_ebene": ("str", None, "Ebene der Schulbezirke"),
        "bezirk_spalte": ("str", "bezirk_id", "Spalte mit dem Schlüssel des Schulbezirks"),
        "name_spalte": ("str", "name", "Spalte mit dem Namen des Schulbezirks"),
        "einschulungsalter": ("int", 6, "Alter bei der Einschulung"),
        "jahre": ("ints", None, "Jahre der Vorausberechnung, z. B. [2030, 2035]"),
    },
    "raster": {
        "bevoelkerung": ("path", None, "Bevölkerungsraster (GeoTIFF) für Nachfragepunkte"),
    },
    "demografie": {
        "dateien": ("pattern", None, "Bevölkerung nach Alter; {jahr} wird ersetzt"),
        "jahre": ("ints", None, "Jahre der Bevölkerungstabellen"),
        "schluessel": ("str", "sr_id", "Schlüsselspalte"),
        "horizont": ("int", 10, "Projektionszeitraum in Jahren"),
        "raten": (
            "path",
            None,
            "Raten nach Alter (alter;sterbewahrscheinlichkeit_m;sterbewahrscheinlichkeit_w;"
            "geburtenziffer_w): Sterbetafel und Geburtenziffern (ohne: Sterbetafel-Näherung "
            "Destatis 2020/22, Geburten aus den Beständen geschätzt)",
        ),
        "raten_gueltig_bis": (
            "int",
            None,
            "letztes Jahr, für das die Raten gelten (der Horizont darf nicht darüber hinaus reichen)",
        ),
        "geburtenziffer": (
            "float",
            None,
            "zusammengefasste Geburtenziffer (Kinder je Frau), ersetzt die geschätzten Geburtenziffern",
        ),
        "wanderung": (
            ("geschaetzt", "keine"),
            "geschaetzt",
            "Wanderung: aus den Beständen geschätzte Nettoraten oder keine (geschlossene Bevölkerung)",
        ),
        "szenarien": ("strs", ["niedrig", "mittel", "hoch"], "Namen der Szenarien"),
        "szenario_wanderung": (
            "floats",
            [-3.0, 0.0, 3.0],
            "je Szenario: Wanderungsannahme in Personen je 1.000 Einwohner und Jahr "
            "(Verschiebung gegenüber den geschätzten Raten)",
        ),
        "hauptszenario": ("str", "mittel", "Szenario, das die Produkte zuerst zeigen"),
        "eckwerte": (
            "path",
            None,
            "Eckwerte der Landesvorausberechnung für den Kreis (jahr;anzahl, optional "
            "alter_von;alter_bis, geschlecht, szenario): jedes Jahr wird darauf angepasst",
        ),
    },
    "atlas": {
        "datei": (
            "str",
            "atlas.gpkg",
            "Atlas-Datenbank: Dateiname in intern/ oder eine postgresql://-Adresse",
        ),
        "version": ("str", None, "Name der Gebietsversion (Standard: gebiete_<erstes Jahr>)"),
        "gueltig_ab": (
            "str",
            None,
            "Gültig ab (Datum JJJJ-MM-TT; Standard: 1.1. des ersten Jahres)",
        ),
        "grenzen_neu": ("path", None, "neue Gebietsgrenzen (Gebietsreform) als weitere Version"),
        "grenzen_neu_ab": ("str", None, "Gültig ab der neuen Grenzen (JJJJ-MM-TT)"),
        "massnahmen": (
            "path",
            None,
            "Maßnahmenregister (CSV: id;name;gebiete;beginn;ende;thema;ziele;beschreibung, "
            "dazu optional zielindikator;zielwert;zieldatum;status;traeger)",
        ),
        "monitor_aus_atlas": (
            "bool",
            True,
            "den Monitor aus der Datenbank statt aus den Dateien rechnen",
        ),
    },
    "planung": {
        "empfehlungen": (
            "path",
            None,
            "Handlungsempfehlungen und Zielvereinbarungen je Gebiet und Gemeinde (ausgefüllte "
            "Excel-Vorlage von `sozialraum empfehlungen vorlage` oder Markdown)",
        ),
    },
    "prioritaet": {
        "statusklassen": (
            "strs",
            ["sehr niedrig"],
            "Statusklassen, die in die Förderkulisse führen (hoch, mittel, niedrig, sehr niedrig)",
        ),
        "defizit": ("str", None, "Defizitspalte (Indikator des Katalogs), z. B. kinderarmut"),
        "defizit_schwelle": ("float", None, "ab diesem Wert der Defizitspalte zählt ein Defizit"),
        "defizit_richtung": (
            ("hoch", "niedrig"),
            "hoch",
            "hoch: Werte ab der Schwelle sind ein Defizit; niedrig: Werte bis zur Schwelle",
        ),
        "verknuepfung": (
            ("oder", "und"),
            "oder",
            "Statusklasse oder/und Defizit müssen zutreffen",
        ),
        "mindest_sicherheit": (
            "float",
            None,
            "Mindestsicherheit (0–1) der Spalte <defizit>_sicherheit, wo es sie gibt",
        ),
        "mindest_einwohner": (
            "int",
            0,
            "kleinere Gebiete werden als Prüffall markiert, nicht gereiht",
        ),
        "bevoelkerung": ("str", "ew_ges", "Einwohnerspalte für Mindestgröße und Verteilschlüssel"),
        "budget": ("float", None, "zu verteilender Betrag in Euro (ohne: nur Anteile)"),
        "schritt_defizit": (
            "float",
            None,
            "Schritt der Empfindlichkeitsprüfung für die Schwelle (Standard: 10 %)",
        ),
        "schritt_einwohner": (
            "int",
            100,
            "Schritt der Empfindlichkeitsprüfung für die Mindestgröße",
        ),
    },
    "regionen": {  # a list of region sets ([[regionen]])
        "name": ("str", REQUIRED, "Name der Regionszuordnung, z. B. LEADER-Regionen oder Ämter"),
        "datei": ("path", REQUIRED, "Tabelle (CSV/XLSX): ein Mitglied je Zeile mit seiner Region"),
        "blatt": ("str", None, "Tabellenblatt (Excel)"),
        "schluessel": (
            "str",
            "ags",
            "Spalte mit dem Schlüssel der Gemeinde (oder des Planungsraums)",
        ),
        "region": ("str", REQUIRED, "Spalte mit dem Schlüssel der Region"),
        "region_name": ("str", None, "Spalte mit dem Namen der Region"),
        "ebene": (
            ("gemeinde", "sozialraum"),
            "gemeinde",
            "Mitglieder sind Gemeinden oder Planungsräume",
        ),
        "stufe": (
            "str",
            None,
            'Stufe aus [gliederung] stufen, für die diese Zuordnung steht (z. B. "Amt")',
        ),
    },
    "hze": {
        "datei": (
            "path",
            REQUIRED,
            "Fallzeilen der Hilfen zur Erziehung (CSV/XLSX, je Fall und Jahr)",
        ),
        "schluessel": ("str", "sr_id", "Spalte mit dem Planungsraum"),
        "jahr_spalte": ("str", "jahr", "Spalte mit dem Jahr"),
        "fall_spalte": ("str", "fall_id", "Spalte mit der Fallnummer"),
        "art_spalte": ("str", "hilfeart", "Spalte mit der Hilfeart (§ 27 Abs. 2 … § 42 SGB VIII)"),
        "beginn_spalte": ("str", "beginn", "Spalte mit dem Beginn der Hilfe"),
        "ende_spalte": ("str", "ende", "Spalte mit dem Ende der Hilfe (leer: läuft)"),
        "kosten_spalte": ("str", "kosten", "Spalte mit den Kosten des Falls im Jahr (€)"),
        "unter21": (
            "strs",
            ["ew_0_20"],
            "Variable(n) der Einwohner unter 21 Jahren (werden addiert)",
        ),
    },
    "ausgaben": {
        "excel": ("bool", True, "Ergebnistabellen als Excel"),
        "webkarte": ("bool", True, "interaktive Webkarte (offline, eine HTML-Datei)"),
        "steckbriefe": ("bool", True, "Steckbriefe je Gemeinde und Sozialraum"),
        "sozialbericht": ("bool", True, "Sozialbericht des Kreises"),
        "pdf": ("bool", True, "Steckbriefe und Bericht auch als PDF (braucht Chromium)"),
        "freigabe": ("strs", ["oeffentlich", "kommunal", "intern"], "Freigabestufen der Pakete"),
        "mindestfallzahl": ("int", 3, "Fallzahlen unter diesem Wert werden nicht veröffentlicht"),
        "webseite": (
            "bool",
            False,
            "öffentliche Webseite (Sozialatlas) je Paket in <paket>/webseite/",
        ),
        "webseite_logo": ("path", None, "Logo der Webseite (PNG, SVG oder JPEG)"),
        "webseite_farbe": ("str", "#1f4e79", "Hauptfarbe der Webseite (dunkel, Kontrast zu Weiß)"),
    },
    "freigabe": {
        "oeffentlich": (
            "freigaberegel",
            {"kreis": ["*"], "gemeinden": ["*"], "sozialraeume": []},
            "Werte, die die Öffentlichkeit je Ebene sieht (Katalog-Kennungen, '*' = alle; "
            "Klassen und Indizes immer)",
        ),
        "kommunal": (
            "freigaberegel",
            {"kreis": ["*"], "gemeinden": ["*"], "sozialraeume": [], "eigene": ["*"]},
            "Werte, die eine Gemeinde sieht (eigene = ihre Sozialräume, sozialraeume = fremde)",
        ),
        "index_nachkommastellen": ("int", 1, "Nachkommastellen der Indizes außerhalb von intern"),
        "mindest_indikatoren": (
            "int",
            2,
            "Dimensionsindex außerhalb von intern nur ab so vielen Indikatoren",
        ),
    },
    "pflege": {
        "praevalenz": (
            "path",
            REQUIRED,
            "Pflegeprävalenz (CSV/XLSX: alter_von;alter_bis;geschlecht;quote[;ambulant;"
            "stationaer;tagespflege;pflegegeld], Anteile in %)",
        ),
        "angebote": ("path", None, "Pflegeangebote (Punkte) mit Angebotsart und Plätzen"),
        "angebote_ebene": ("str", None, "Ebene der Pflegeangebote"),
        "art_spalte": (
            "str",
            "art",
            "Spalte mit der Angebotsart (stationaer, tagespflege, ambulant)",
        ),
        "plaetze_spalte": ("str", "plaetze", "Spalte mit den Plätzen (ambulant: Klienten)"),
        "jahre": ("ints", [2030, 2035], "Zieljahre der Vorausberechnung"),
        "szenario": ("str", "mittel", "Szenario der Vorausberechnung"),
        "methode": (("standort", "2sfca", "e2sfca"), "e2sfca", "Zuordnung der Plätze"),
        "radius_m": ("float", 10000.0, "Einzugsradius in Metern (2SFCA/E2SFCA)"),
        "soll_stationaer": ("float", 100.0, "Plätze je 100 Pflegebedürftige (stationär)"),
        "soll_tagespflege": ("float", 100.0, "Plätze je 100 Pflegebedürftige (Tagespflege)"),
        "soll_ambulant": ("float", 100.0, "Klienten je 100 Pflegebedürftige (ambulant)"),
    },
    "bericht": {
        "vorlagen": (
            "path",
            None,
            "eigener Vorlagenordner (Kopf, Logo, style.css, einstellungen.toml)",
        ),
        "logo": ("path", None, "Logo (PNG/SVG/JPEG) für Steckbriefe und Sozialbericht"),
        "farbe_primaer": ("str", None, 'Hauptfarbe, z. B. "#1f4e79"'),
        "farbe_akzent": ("str", None, 'Akzentfarbe, z. B. "#c0392b"'),
        "kapitel": ("strs", None, "Auswahl und Reihenfolge der Zusatzkapitel (Schlüssel)"),
        "titel": ("str", None, "Titel des Sozialberichts (Standard: Sozialbericht <Name>)"),
        "organisation": ("str", None, "Absender im Kopf (z. B. Amt für Sozialplanung)"),
        "vorwort": ("str", None, "Vorwort des Sozialberichts (Absätze durch Leerzeile getrennt)"),
        "fusszeile": ("str", None, "Fußzeile der Steckbriefe und des Berichts"),
    },
}

#: Keys of a release rule (``[freigabe.oeffentlich]``, ``[freigabe.kommunal]``).
RULE_KEYS = ("kreis", "gemeinden", "sozialraeume", "eigene")
LIST_SECTIONS = {"tabellen", "erreichbarkeit", "regionen"}
OPTIONAL_SECTIONS = {
    "gliederung",
    "planung",
    "prioritaet",
    "atlas",
    "einrichtungen",
    "strassen",
    "erreichbarkeit",
    "raster",
    "demografie",
    "kita",
    "schulen",
    "monitor",
    "raeumlich",
    "ausgaben",
    "freigabe",
    "pflege",
    "bericht",
    "regionen",
    "hze",
}
#: Optional sections that are ``None`` when absent (their step is skipped); the others get
#: their defaults.
SKIPPED_WHEN_ABSENT = (
    "einrichtungen",
    "strassen",
    "raster",
    "demografie",
    "atlas",
    "kita",
    "schulen",
    "pflege",
    "planung",
    "prioritaet",
    "hze",
)


@dataclass(frozen=True)
class RunConfig:
    """A validated run configuration.

    Attributes
    ----------
    path
        The configuration file.
    base
        Folder that relative paths are resolved against (the file's folder).
    sections
        Section → values with defaults filled in; list sections are lists of dicts.
        Paths are absolute :class:`~pathlib.Path` objects; patterns stay strings with
        ``{jahr}`` (use :meth:`files`).
    text
        The file's text (for the manifest).
    """

    path: Path
    base: Path
    sections: dict[str, Any] = field(default_factory=dict)
    text: str = ""

    def __getitem__(self, section: str) -> Any:
        return self.sections[section]

    def get(self, section: str, default: Any = None) -> Any:
        return self.sections.get(section, default)

    def files(self, pattern: str, years) -> dict[int, Path]:
        """Year → file of a ``{jahr}`` pattern."""
        return {int(y): self.base / pattern.format(jahr=y) for y in years}

    @property
    def lang(self) -> str:
        return self.sections["projekt"]["sprache"]

    @property
    def seed(self) -> int:
        return int(self.sections["projekt"]["seed"])


def _line_of(text: str, section: str | None, key: str | None, index: int = 0) -> int | None:
    """1-based line of ``key`` in ``[section]`` (or of the section header)."""
    lines = text.splitlines()
    start = 0
    if section:
        pat = re.compile(rf"^\s*\[\[?\s*{re.escape(section)}\s*\]\]?\s*(#.*)?$")
        hits = [i for i, ln in enumerate(lines) if pat.match(ln)]
        if not hits:
            return None
        start = hits[min(index, len(hits) - 1)]
        if key is None:
            return start + 1
    if key is None:
        return None
    kpat = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start + (1 if section else 0), len(lines)):
        if section and i > start and lines[i].lstrip().startswith("["):
            break
        if kpat.match(lines[i]):
            return i + 1
    return start + 1 if section else None


def _fmt_type(kind: Any, lang: str) -> str:
    names = {
        "str": ("einen Text", "a text"),
        "int": ("eine ganze Zahl", "an integer"),
        "float": ("eine Zahl", "a number"),
        "bool": ("true oder false", "true or false"),
        "path": ("einen Dateipfad", "a file path"),
        "pattern": ("einen Dateipfad (mit {jahr})", "a file path (with {jahr})"),
        "ints": (
            "eine Liste ganzer Zahlen, z. B. [2022, 2023]",
            "a list of integers, e.g. [2022, 2023]",
        ),
        "strs": ('eine Liste von Texten, z. B. ["a", "b"]', 'a list of texts, e.g. ["a", "b"]'),
        "floats": ("eine Liste von Zahlen, z. B. [-3, 0, 3]", "a list of numbers, e.g. [-3, 0, 3]"),
        "points": ("eine Liste [[x, y, Plätze], …]", "a list [[x, y, places], …]"),
        "records": ("eine Liste von Tabellen [{ … }, …]", "a list of tables [{ … }, …]"),
        "symbols": (
            'eine Tabelle Zeichen → Status, z. B. {"k.A." = "fehlt"}; Status: '
            + ", ".join(STATUS_CODES),
            'a table symbol → status, e.g. {"k.A." = "fehlt"}; status: ' + ", ".join(STATUS_CODES),
        ),
    }
    de, en = names[kind]
    return de if lang == "de" else en


def _check_value(kind: Any, value: Any) -> Any:
    """Return the converted value, or raise TypeError."""
    if isinstance(kind, tuple):
        if value not in kind:
            raise LookupError
        return value
    if kind in ("str", "path", "pattern"):
        if not isinstance(value, str) or not value.strip():
            raise TypeError
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError
        return float(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise TypeError
        return value
    if kind == "ints":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        ):
            raise TypeError
        return list(value)
    if kind == "floats":
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise TypeError
        return [float(v) for v in value]
    if kind == "points":
        ok = (
            isinstance(value, list)
            and value
            and all(
                isinstance(v, list)
                and len(v) == 3
                and all(isinstance(x, int | float) and not isinstance(x, bool) for x in v)
                for v in value
            )
        )
        if not ok:
            raise TypeError
        return [[float(x) for x in v] for v in value]
    if kind == "records":
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise TypeError
        return [dict(v) for v in value]
    if kind == "symbols":
        if not isinstance(value, dict) or not all(
            isinstance(v, str) and v in STATUS_CODES for v in value.values()
        ):
            raise TypeError
        return dict(value)
    if kind == "strs":
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise TypeError
        return list(value)
    raise AssertionError(kind)


def _check_rule(
    value: Any, section: str, key: str, cfg_path: Path, text: str, index: int, lang: str
) -> dict:
    """A release rule ``[freigabe.<level>]``: known keys, each a list of ids or patterns."""
    line = _line_of(text, f"{section}.{key}", None, index) or _line_of(text, section, key, index)
    where = f"{cfg_path.name}:{line}"
    sub = f"{section}.{key}"
    if not isinstance(value, Mapping):
        raise ConfigError(
            t(
                _MSG,
                "type",
                lang,
                where=where,
                section=section,
                key=key,
                value=value,
                expected="Tabelle" if lang == "de" else "table",
            ),
            file=str(cfg_path),
            row=line,
            column=key,
        )
    allowed = RULE_KEYS if key == "kommunal" else RULE_KEYS[:3]
    out = {}
    for k, v in value.items():
        if k not in allowed:
            sugg = difflib.get_close_matches(k, list(allowed), n=1)
            hint = t(_MSG, "hint", lang, s=sugg[0]) if sugg else ""
            raise ConfigError(
                t(_MSG, "unknown_key", lang, where=where, key=k, section=sub, hint=hint),
                file=str(cfg_path),
                row=line,
                column=f"{sub}.{k}",
            )
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise ConfigError(
                t(
                    _MSG,
                    "type",
                    lang,
                    where=where,
                    section=sub,
                    key=k,
                    value=v,
                    expected=_fmt_type("strs", lang),
                ),
                file=str(cfg_path),
                row=line,
                column=f"{sub}.{k}",
            )
        out[k] = list(v)
    return out


def _check_freigabe_int(key: str, value: int, loc: str, line, cfg_path: Path, lang: str) -> None:
    """``index_nachkommastellen`` ≥ 0, ``mindest_indikatoren`` ≥ 1."""
    low = 1 if key == "mindest_indikatoren" else 0
    if value < low:
        raise ConfigError(
            t(
                _MSG,
                "range",
                lang,
                where=loc,
                section="freigabe",
                key=key,
                value=value,
                cond=f"≥ {low}",
            ),
            file=str(cfg_path),
            row=line,
            column=key,
        )


_POSITIVE = (
    "min_nenner",
    "permutationen",
    "klassen_anzahl",
    "typen_anzahl",
    "radius_m",
    "horizont",
    "bedarf_je_100",
    "mindestfallzahl",
)


@dataclass(frozen=True)
class _Site:
    """Where a section stands in the config file (for messages naming file:line and key)."""

    name: str
    cfg_path: Path
    text: str
    lang: str
    index: int = 0

    def line(self, key: str | None) -> int:
        return _line_of(self.text, self.name, key, self.index)

    def error(self, msg: str, key: str | None, *, line: int | None = None, **kw) -> ConfigError:
        row = self.line(key) if line is None else line
        where = f"{self.cfg_path.name}:{row}"
        text = t(_MSG, msg, self.lang, where=where, section=self.name, key=key, **kw)
        return ConfigError(text, file=str(self.cfg_path), row=row, column=key)


def _check_unknown_keys(raw: Mapping, schema: Mapping, site: _Site, errors: list | None) -> None:
    """Every key of the section must be in the schema (with a suggestion if not)."""
    for key in raw:
        if key not in schema:
            sugg = difflib.get_close_matches(key, list(schema), n=1)
            hint = t(_MSG, "hint", site.lang, s=sugg[0]) if sugg else ""
            _fail(site.error("unknown_key", key, hint=hint), errors)


def _fail(err: ConfigError, errors: list | None) -> None:
    """Raise ``err``, or (when collecting every problem) append it to ``errors``."""
    if errors is None:
        raise err
    errors.append(err)


def _typed_value(kind, key: str, value, site: _Site, base: Path):
    """The value converted to its kind (choice, type, existing path) or a ConfigError."""
    try:
        value = _check_value(kind, value)
    except LookupError:
        choices = ", ".join(map(repr, kind))
        raise site.error("choice", key, value=value, choices=choices) from None
    except TypeError:
        expected = _fmt_type(kind, site.lang)
        raise site.error("type", key, value=value, expected=expected) from None
    if kind == "path":
        p = (base / value).resolve()
        if not p.exists():
            raise site.error("no_path", key, path=p)
        value = p
    return value


def _check_range(kind, key: str, value, site: _Site) -> None:
    """Counts, radii and thresholds must be positive; ``alpha`` lies between 0 and 1."""
    if kind in ("int", "float") and key in _POSITIVE and value <= 0:
        raise site.error("range", key, value=value, cond="> 0")
    if site.name == "freigabe":
        _check_freigabe_int(
            key,
            value,
            f"{site.cfg_path.name}:{site.line(key)}",
            site.line(key),
            site.cfg_path,
            site.lang,
        )
    if key == "alpha" and not 0 < value < 1:
        cond = "zwischen 0 und 1" if site.lang == "de" else "between 0 and 1"
        raise site.error("range", key, value=value, cond=cond)


def _check_patterns(
    out: dict, schema: Mapping, site: _Site, base: Path, errors: list | None = None
) -> None:
    """For ``{jahr}`` patterns: each year's file must exist."""
    for key, (kind, _d, _desc) in schema.items():
        if kind == "pattern" and out.get(key) and out.get("jahre"):
            for y in out["jahre"]:
                p = (base / out[key].format(jahr=y)).resolve()
                if not p.exists():
                    _fail(site.error("no_path", key, path=p), errors)


def _validate_section(
    name: str,
    raw: Mapping,
    cfg_path: Path,
    text: str,
    base: Path,
    lang: str,
    index: int = 0,
    errors: list | None = None,
) -> dict:
    """One section checked against :data:`SCHEMA`: keys, required values, types, ranges, files.

    With ``errors`` (a list) every problem is appended there and the key gets its
    default (``None`` for a required key), so that all problems are found at once.
    """
    schema = SCHEMA[name]
    site = _Site(name, cfg_path, text, lang, index)
    _check_unknown_keys(raw, schema, site, errors)
    out: dict[str, Any] = {}
    for key, (kind, default, desc) in schema.items():
        if key not in raw:
            if default is REQUIRED:
                err = site.error(
                    "required",
                    key,
                    line=site.line(None),
                    desc=desc,
                    example=example_value(name, key),
                )
                _fail(err, errors)
                out[key] = None
                continue
            out[key] = list(default) if isinstance(default, list) else default
            continue
        try:
            if kind == "freigaberegel":
                out[key] = _check_rule(raw[key], name, key, cfg_path, text, index, lang)
                continue
            value = _typed_value(kind, key, raw[key], site, base)
            _check_range(kind, key, value, site)
            out[key] = value
        except ConfigError as err:
            _fail(err, errors)
            out[key] = None if default is REQUIRED else default
    _check_patterns(out, schema, site, base, errors)
    if name == "kita":
        _check_kita(out, site, errors)
    return out


def _check_kita(out: dict, site: _Site, errors: list | None) -> None:
    """[kita]: rates 0–100 %, age groups that tile, planned changes well formed."""
    from sozialraum.core.doors import using_door
    from sozialraum.demography.kita import KITA_GROUPS, KitaGroup, check_groups, kita_changes
    from sozialraum.errors import InputError

    groups = []
    for g in KITA_GROUPS:
        ages = out.get(f"alter_{g}") or [None, None]
        if len(ages) != 2:
            ages = [-1, -1]
        groups.append(KitaGroup(g, ages[0], ages[1], out.get(f"quote_{g}")))
    with using_door("config"):
        for check in (
            lambda: check_groups(groups, lang=site.lang),
            lambda: kita_changes(out.get("was_waere_wenn") or [], lang=site.lang),
        ):
            try:
                check()
            except InputError as err:
                key = (err.column or "").split(" ")[0] or None
                row = site.line(key)
                _fail(
                    ConfigError(
                        f"{site.cfg_path.name}:{row}: {err}",
                        file=str(site.cfg_path),
                        row=row,
                        column=key,
                    ),
                    errors,
                )


def _unknown_sections(raw: Mapping, path: Path, text: str, L: str, errors: list | None) -> None:
    for name in raw:
        if name not in SCHEMA:
            sugg = difflib.get_close_matches(name, list(SCHEMA), n=1)
            hint = t(_MSG, "hint", L, s=sugg[0]) if sugg else ""
            line = _line_of(text, name, None)
            err = ConfigError(
                t(
                    _MSG,
                    "unknown_section",
                    L,
                    where=f"{path.name}:{line}",
                    key=name,
                    hint=hint,
                    allowed=", ".join(SCHEMA),
                ),
                file=str(path),
                row=line,
            )
            _fail(err, errors)


def _missing_section(name: str, path: Path, text: str, L: str) -> ConfigError:
    """A required section is absent: name it with its required keys and example values."""
    header = f"[[{name}]]" if name in LIST_SECTIONS else f"[{name}]"
    keys = [k for k, (_kind, d, _desc) in SCHEMA[name].items() if d is REQUIRED]
    example = "\n".join([header, *(f"{k} = {example_value(name, k)}" for k in keys)])
    last = len(text.splitlines())
    return ConfigError(
        t(_MSG, "no_section", L, where=path.name, header=header, last=last, example=example),
        file=str(path),
        row=last,
        column=name,
    )


def _read_raw(path: Path, L: str) -> tuple[str, dict]:
    if not path.is_file():
        raise ConfigError(t(_MSG, "missing_file", L, path=path), file=str(path))
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(t(_MSG, "toml", L, path=path, err=err), file=str(path)) from None
    return text, raw


def _sections(raw: dict, path: Path, text: str, L: str, errors: list | None) -> dict[str, Any]:
    """Every section of :data:`SCHEMA` validated (absent optional ones: default or ``None``)."""
    base = path.parent.resolve()
    sections: dict[str, Any] = {}
    for name in SCHEMA:
        value = raw.get(name)
        if name in LIST_SECTIONS:
            items = value or []
            if isinstance(items, dict):
                items = [items]
            if name not in OPTIONAL_SECTIONS and not items:
                _fail(_missing_section(name, path, text, L), errors)
            sections[name] = [
                _validate_section(name, item, path, text, base, L, i, errors)
                for i, item in enumerate(items)
            ]
        elif value is None and name in OPTIONAL_SECTIONS:
            sections[name] = (
                None
                if name in SKIPPED_WHEN_ABSENT
                else _validate_section(name, {}, path, text, base, L)
            )
        elif value is None:
            _fail(_missing_section(name, path, text, L), errors)
            sections[name] = None
        else:
            sections[name] = _validate_section(name, value, path, text, base, L, 0, errors)
    _check_horizon(sections, path, text, L, errors)
    _check_kita_access(sections, path, text, L, errors)
    return sections


def _check_horizon(sections: dict, path: Path, text: str, L: str, errors: list | None) -> None:
    """[kita]/[schulen] jahre: within the projection of [demografie] (last year + horizont)."""
    from sozialraum.core.doors import using_door
    from sozialraum.demography.kita import horizon_check
    from sozialraum.errors import InputError

    d = sections.get("demografie")
    for name in ("kita", "schulen"):
        sec = sections.get(name)
        if not sec or not sec.get("jahre"):
            continue
        site = _Site(name, path, text, L)
        if not d or not d.get("jahre"):
            continue  # the run step names the missing [demografie]
        base = max(d["jahre"])
        try:
            with using_door("config"):
                horizon_check(sec["jahre"], base, base + int(d["horizont"]), lang=L)
        except InputError as err:
            row = site.line("jahre")
            msg = f"{path.name}:{row}: {str(err).replace('[kita]', f'[{name}]')}"
            _fail(ConfigError(msg, file=str(path), row=row, column="jahre"), errors)


_KITA_ACCESS_MSG = {
    "head": {
        "de": "{where}: [[erreichbarkeit]] {name!r} (kategorie = {cat!r}) rechnet Bestand und "
        "Bedarf der Kitas ein zweites Mal neben [kita]. Die fehlenden Kita-Plätze kommen allein "
        "aus [kita] (je Altersgruppe, heute und in den Jahren der Vorausberechnung), damit jedes "
        "Ergebnis dieselbe Zahl zeigt. {fix}",
        "en": "{where}: [[erreichbarkeit]] {name!r} (kategorie = {cat!r}) computes Kita supply "
        "against need a second time beside [kita]. Missing Kita places come from [kita] only "
        "(per age group, today and in the projection years), so that every product shows the "
        "same number. {fix}",
    },
    "target": {
        "de": "Bitte {key} hier streichen; die Bedarfsquoten stehen in {rate}.",
        "en": "Please remove {key} here; the demand rates are {rate}.",
    },
    "what_if": {
        "de": "Bitte {key} hier streichen und die geplanten Kitas in {kita} eintragen "
        '(art = "neu", id, x, y, Plätze je Art).',
        "en": "Please remove {key} here and enter the planned Kitas in {kita} "
        '(art = "neu", id, x, y, places per type).',
    },
    "catchment": {
        "de": "Der Einzugsbereich ({key}: {m}, {r} m) weicht von {kita} ab ({km}, {kr} m). "
        "Bitte denselben Einzugsbereich angeben oder hier nur Wege messen "
        '(methode = "naechste" oder "netz").',
        "en": "Its catchment ({key}: {m}, {r} m) differs from {kita} ({km}, {kr} m). "
        'Please give the same catchment, or measure distances only here (methode = "naechste" '
        'or "netz").',
    },
}


def _check_kita_access(sections: dict, path: Path, text: str, L: str, errors: list | None) -> None:
    """With ``[kita]``, an ``[[erreichbarkeit]]`` of the Kitas computes no deficit of its own.

    It may measure distances, or the supply ratio in the catchment of ``[kita]``; a target
    (``bedarf_je_100``), a what-if or another catchment would give a second number of missing
    places beside the one of ``[kita]``.
    """
    from sozialraum.core.doors import knob, using_door
    from sozialraum.core.numbers import format_number

    k = sections.get("kita")
    if not k:
        return
    for i, a in enumerate(sections.get("erreichbarkeit") or []):
        if not a or a.get("kategorie") != k["kategorie"]:
            continue
        catchment = a["methode"] in ("2sfca", "e2sfca")
        same = catchment and a["methode"] == k["methode"] and a["radius_m"] == k["radius_m"]
        problems = []
        with using_door("config"):
            if a.get("bedarf_je_100") is not None:
                rate = knob("kita_rate", L).format(g="<gruppe>" if L != "en" else "<group>")
                problems.append(("bedarf_je_100", "target", {"rate": rate}))
            if a.get("was_waere_wenn"):
                problems.append(("was_waere_wenn", "what_if", {"kita": knob("kita_changes", L)}))
            if catchment and not same:
                problems.append(
                    (
                        "methode",
                        "catchment",
                        {
                            "kita": knob("kita_catchment", L),
                            "m": a["methode"],
                            "r": format_number(a["radius_m"], 0, L),
                            "km": k["methode"],
                            "kr": format_number(k["radius_m"], 0, L),
                        },
                    )
                )
            keys = {"target": "access_target", "what_if": "access_what_if"}
            for key, what, kw in problems:
                row = _line_of(text, "erreichbarkeit", key, i)
                fix = t(
                    _KITA_ACCESS_MSG, what, L, key=knob(keys.get(what, "access_catchment"), L), **kw
                )
                msg = t(
                    _KITA_ACCESS_MSG,
                    "head",
                    L,
                    where=f"{path.name}:{row}",
                    name=a["name"],
                    cat=a["kategorie"],
                    fix=fix,
                )
                _fail(ConfigError(msg, file=str(path), row=row, column=key), errors)


def load_config(path: str | Path, *, lang: str | None = None) -> RunConfig:
    """Read and validate a run configuration.

    Parameters
    ----------
    path
        The ``monitor.toml`` file.
    lang
        Language of the error messages (default: German, or the file's ``sprache``).

    Raises
    ------
    ConfigError
        Naming the file, line and key of the first problem (and how to fix it).
        :func:`collect_config` returns every problem at once.
    """
    path = Path(path)
    L = get_lang(lang)
    text, raw = _read_raw(path, L)
    _unknown_sections(raw, path, text, L, None)
    sections = _sections(raw, path, text, L, None)
    cfg = RunConfig(path=path.resolve(), base=path.parent.resolve(), sections=sections, text=text)
    territory_of(cfg, L)  # the vocabulary is checked with the file, not at the first text
    _check_report_options(cfg, L)
    return cfg


def _check_report_options(cfg: RunConfig, L: str) -> None:
    """``[bericht]``: chapter keys and colours are checked with the file."""
    from sozialraum.core.doors import using_door
    from sozialraum.pipeline.bericht import report_options

    with using_door("config"):  # the message names the key of the file
        report_options(cfg, L)


def collect_config(
    path: str | Path, *, lang: str | None = None
) -> tuple[RunConfig | None, list[ConfigError]]:
    """Read a run configuration and return *every* problem instead of stopping at the first.

    Returns
    -------
    (RunConfig or None, list of ConfigError)
        The configuration (keys with a problem hold their default, ``None`` for a
        required key) and the problems in file order; ``None`` when the file is
        missing or not TOML at all.
    """
    path = Path(path)
    L = get_lang(lang)
    try:
        text, raw = _read_raw(path, L)
    except ConfigError as err:
        return None, [err]
    errors: list[ConfigError] = []
    _unknown_sections(raw, path, text, L, errors)
    sections = _sections(raw, path, text, L, errors)
    cfg = RunConfig(path=path.resolve(), base=path.parent.resolve(), sections=sections, text=text)
    if sections.get("gliederung") is not None:
        try:  # the vocabulary is checked with the file, not at the first text
            territory_of(cfg, L)
        except ConfigError as err:
            errors.append(err)
    errors.sort(key=lambda e: e.row if isinstance(e.row, int) else 10**9)
    return cfg, errors


#: Example values for messages and the template (keys without one: their default or type).
_EXAMPLES = {
    ("projekt", "name"): '"Landkreis Beispiel"',
    ("projekt", "berichtsjahr"): "2024",
    ("projekt", "vorjahr"): "2023",
    ("gebiete", "datei"): '"gebiete.gpkg"',
    ("gebiete", "ebene"): '"sozialraeume"',
    ("gebiete", "schluessel"): '"sr_id"',
    ("gebiete", "name"): '"sr_name"',
    ("gebiete", "gemeinden_ebene"): '"gemeinden"',
    ("gebiete", "kreis_ebene"): '"kreis"',
    ("tabellen", "blatt"): '"Daten"',
    ("tabellen", "schluessel"): '"sr_id"',
    ("einrichtungen", "datei"): '"einrichtungen.gpkg"',
    ("strassen", "datei"): '"strassen.gpkg"',
    ("raster", "bevoelkerung"): '"bevoelkerung_100m.tif"',
    ("demografie", "dateien"): '"bevoelkerung_alter_{jahr}.csv"',
    ("demografie", "jahre"): "[2020, 2021, 2022, 2023, 2024]",
    ("erreichbarkeit", "bedarf_je_100"): "70",
    ("katalog", "datei"): '"katalog.toml"',
    ("tabellen", "datei"): '"indikatoren_{jahr}.xlsx"',
    ("tabellen", "jahre"): "[2022, 2023, 2024]",
    ("erreichbarkeit", "name"): '"Kita-Versorgung"',
    ("erreichbarkeit", "kategorie"): '"Kita"',
    ("erreichbarkeit", "zielgruppe"): '["ew_3_5"]',
    ("pflege", "praevalenz"): '"pflege_praevalenz.csv"',
    ("pflege", "angebote"): '"pflege_angebote.gpkg"',
    ("bericht", "vorlagen"): '"vorlagen"',
    ("bericht", "logo"): '"vorlagen/logo.svg"',
    ("bericht", "kapitel"): '["pflege", "trends"]',
}
_TYPE_EXAMPLES = {
    "str": '"…"',
    "int": "1",
    "float": "1.0",
    "bool": "true",
    "path": '"datei.gpkg"',
    "pattern": '"datei_{jahr}.csv"',
    "ints": "[2023, 2024]",
    "strs": '["a", "b"]',
    "floats": "[-3.0, 0.0, 3.0]",
    "points": "[[454795, 5726934, 60]]",
    "records": '[{ art = "neu", x = 454795, y = 5726934, krippe = 24, kindergarten = 50 }]',
}


def example_value(section: str, key: str) -> str:
    """An example value of ``[section] key`` as written in TOML (for messages and templates)."""
    if (section, key) in _EXAMPLES:
        return _EXAMPLES[(section, key)]
    kind, default, _desc = SCHEMA[section][key]
    if default is not REQUIRED and default is not None:
        return _toml_value(default)
    if isinstance(kind, tuple):
        return _toml_value(kind[0])
    return _TYPE_EXAMPLES.get(kind, '""')


def template(lang: str | None = None) -> str:
    """A commented template configuration (``sozialraum init``)."""
    L = get_lang(lang)
    head = (
        "# Konfiguration eines Monitoring-Laufs (sozialraum run monitor.toml).\n"
        "# Relative Pfade gelten ab dem Ordner dieser Datei. {jahr} wird durch das Jahr ersetzt.\n"
        "# Schlüssel mit '#' davor sind optional; der Wert dahinter ist der Standard.\n"
        if L == "de"
        else "# Configuration of a monitoring run (sozialraum run monitor.toml).\n"
        "# Relative paths start at this file's folder. {jahr} is replaced by the year.\n"
        "# Keys commented out are optional; the value shown is the default.\n"
    )
    out = [head]
    for name, keys in SCHEMA.items():
        header = f"[[{name}]]" if name in LIST_SECTIONS else f"[{name}]"
        optional = name in OPTIONAL_SECTIONS and name not in ("monitor", "raeumlich", "ausgaben")
        out.append(("# " if optional else "") + header)
        for key, (kind, default, desc) in keys.items():
            note = desc + _allowed_note(kind, name, key, L)
            if default is REQUIRED:
                val = example_value(name, key)
                out.append(f"{'# ' if optional else ''}{key} = {val}  # {note}")
            elif default is None:
                val = example_value(name, key)
                none = "kein Standardwert" if L == "de" else "no default"
                out.append(f"# {key} = {val}  # {note} ({none})")
            else:
                out.append(f"# {key} = {_toml_value(default)}  # {note}")
        out.append("")
    return "\n".join(out)


#: Allowed values of list keys whose items come from a fixed set (for the template's comments).
_ALLOWED_ITEMS = {
    ("ausgaben", "freigabe"): RELEASE_LEVELS,
    ("raeumlich", "merkmale"): (
        "idx_gesamt",
        "status_index",
        "dynamik_index",
        "idx_<Dimension>",
        "<Indikator-Kennung>",
    ),
}


def _allowed_note(kind: Any, section: str, key: str, lang: str) -> str:
    """``; erlaubt: "z", "minmax", "rang"`` for keys with a fixed set of values."""
    choices = kind if isinstance(kind, tuple) else _ALLOWED_ITEMS.get((section, key))
    if not choices:
        return ""
    word = "erlaubt" if lang == "de" else "allowed"
    return f"; {word}: " + ", ".join(f'"{c}"' for c in choices)


def _toml_value(v: Any) -> str:
    if v is None:
        return '""'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    return str(v)


def territory_of(config: RunConfig, lang: str | None = None):
    """The :class:`~sozialraum.core.territory.Territory` of a run configuration.

    From ``[gliederung]`` (levels, name, adjective, plurals, articles); the name of the
    top unit defaults to ``projekt.name`` without a leading level word
    (``"Landkreis Musterland"`` → ``"Musterland"``).

    Raises
    ------
    ConfigError
        Naming the file, the line and the key of ``[gliederung]`` to change.
    """
    from sozialraum.core.doors import using_door
    from sozialraum.core.territory import Territory

    L = get_lang(lang)
    try:
        with using_door("config"):  # the message names the key in [gliederung]
            return Territory.from_settings(
                config.get("gliederung"), (config.get("projekt") or {}).get("name", ""), L
            )
    except ConfigError as err:
        line = _line_of(config.text, "gliederung", None) if config.text else None
        where = f"{config.path.name}:{line or '–'}"
        raise ConfigError(f"{where}: [gliederung] {err}", file=str(config.path), row=line) from None
