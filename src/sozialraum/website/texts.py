"""Every fixed text of the website, German and English (the pages' own words).

Level words (Sozialraum/Planungsraum, Gemeinde/Bezirk, Landkreis/Stadt) come from
:class:`sozialraum.core.territory.Territory`, never from this table.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "skip": {"de": "Zum Inhalt springen", "en": "Skip to content"},
    "start": {"de": "Start", "en": "Home"},
    "topics": {"de": "Themen", "en": "Topics"},
    "compare": {"de": "Vergleichen", "en": "Compare"},
    "search": {"de": "Suche", "en": "Search"},
    "downloads": {"de": "Daten und Methoden", "en": "Data and methods"},
    "lang_other": {"de": "English", "en": "Deutsch"},
    "lang_other_label": {"de": "This page in English", "en": "Diese Seite auf Deutsch"},
    "main_nav": {"de": "Hauptnavigation", "en": "Main navigation"},
    "atlas": {"de": "Sozialatlas", "en": "Social atlas"},
    "year": {"de": "Jahr", "en": "Year"},
    "value": {"de": "Wert", "en": "Value"},
    "key": {"de": "Schlüssel", "en": "Key"},
    "class_n": {"de": "Klasse {n} von {k}", "en": "class {n} of {k}"},
    "class": {"de": "Klasse", "en": "Class"},
    "areas_n": {"de": "Anzahl", "en": "Number"},
    "map_of": {"de": "Karte: {what} {year}", "en": "Map: {what} {year}"},
    "legend": {"de": "Legende", "en": "Legend"},
    "table_of": {
        "de": "Tabelle: {what} {year} (zum Sortieren auf die Spaltenköpfe)",
        "en": "Table: {what} {year} (sort with the column headers)",
    },
    "sort_by": {"de": "Sortieren nach {col}", "en": "Sort by {col}"},
    "distribution": {"de": "Verteilung", "en": "Distribution"},
    "range": {"de": "Bereich", "en": "Range"},
    "timeseries": {"de": "Zeitreihe", "en": "Time series"},
    "ts_choose": {
        "de": "Gebiete für die Zeitreihe wählen",
        "en": "Choose areas for the time series",
    },
    "ts_none": {"de": "– keines –", "en": "– none –"},
    "definition": {"de": "Definition", "en": "Definition"},
    "source": {"de": "Quelle", "en": "Source"},
    "direction": {"de": "Richtung", "en": "Direction"},
    "dir_need": {"de": "hoher Wert = mehr Bedarf", "en": "high value = more need"},
    "dir_resource": {"de": "hoher Wert = günstiger", "en": "high value = more favourable"},
    "dir_index": {
        "de": "z-Wert: 0 = Durchschnitt, über 0 = mehr Bedarf als im Durchschnitt",
        "en": "z-score: 0 = average, above 0 = more need than average",
    },
    "dimension": {"de": "Themenfeld", "en": "Dimension"},
    "unit": {"de": "Einheit", "en": "Unit"},
    "key_figures": {"de": "Kennzahlen", "en": "Key figures"},
    "population": {"de": "Einwohnerinnen und Einwohner", "en": "Population"},
    "whats_new": {"de": "Neu in {year}", "en": "New in {year}"},
    "changed": {
        "de": "Statusklasse gegenüber {prev} geändert",
        "en": "Status class changed since {prev}",
    },
    "no_change": {
        "de": "Keine Änderung der Statusklassen gegenüber {prev}.",
        "en": "No status class changed since {prev}.",
    },
    "first_year": {
        "de": "Dies ist das erste Jahr im Atlas.",
        "en": "This is the first year in the atlas.",
    },
    "how_to_read": {"de": "So lesen Sie die Klassen", "en": "How to read the classes"},
    "how_text": {
        "de": "Der Statusindex fasst die Indikatoren der sozialen Lage zusammen (z-Werte: 0 ist "
        "der Durchschnitt). Die Statusklasse ordnet jedes Gebiet danach ein: „hoch“ heißt "
        "günstige soziale Lage, „sehr niedrig“ heißt hoher Unterstützungsbedarf. Die "
        "Dynamikklasse zeigt, ob sich die Lage seit dem Vorjahr verbessert (positiv), kaum "
        "verändert (stabil) oder verschlechtert hat (negativ). Gebiete mit zu wenigen "
        "Einwohnerinnen und Einwohnern werden nicht bewertet. Jede Klasse hat in der Karte "
        "eine eigene Farbe und ein eigenes Muster; dieselben Werte stehen in der Tabelle.",
        "en": "The status index combines the indicators of the social situation (z-scores: 0 "
        "is the average). The status class ranks every area by it: 'high' means a favourable "
        "social situation, 'very low' means a high need for support. The dynamic class shows "
        "whether the situation improved since the previous year (positive), hardly changed "
        "(stable) or got worse (negative). Areas with too few inhabitants are not rated. "
        "Every class has its own colour and pattern on the map; the table shows the same values.",
    },
    "privacy_note": {
        "de": "Diese Seite zeigt nur, was die Freigabeprüfung für die Stufe „{level}“ erlaubt: "
        "kleine Fallzahlen sind gesperrt, Werte einzelner Gebiete nur, soweit sie freigegeben sind.",
        "en": "This site shows only what the release check allows for the level '{level}': "
        "small counts are suppressed, values of single areas only where they are released.",
    },
    "profile": {"de": "Steckbrief", "en": "Profile"},
    "locator": {"de": "Lage von {name} {whole}", "en": "Location of {name} {whole}"},
    "classes_change": {"de": "Klassen und ihre Entwicklung", "en": "Classes and their change"},
    "indicators": {"de": "Werte", "en": "Values"},
    "comparable": {
        "de": "Vergleichbare Gebiete (ähnlicher Statusindex)",
        "en": "Comparable areas (similar status index)",
    },
    "neighbours": {"de": "Nachbargebiete", "en": "Neighbouring areas"},
    "none": {"de": "keine", "en": "none"},
    "topic_col": {"de": "Thema", "en": "Topic"},
    "compare_title": {"de": "Gebiete vergleichen", "en": "Compare areas"},
    "compare_intro": {
        "de": "Wählen Sie zwei oder drei Gebiete; die Tabelle zeigt ihre Werte nebeneinander.",
        "en": "Choose two or three areas; the table shows their values side by side.",
    },
    "area_n": {"de": "Gebiet {n}", "en": "Area {n}"},
    "search_title": {"de": "Gebiet suchen", "en": "Find an area"},
    "search_label": {"de": "Name eines Gebiets oder einer {mid}", "en": "Name of an area or {mid}"},
    "search_hint": {
        "de": "Treffer erscheinen während der Eingabe.",
        "en": "Results appear as you type.",
    },
    "results": {"de": "Treffer", "en": "Results"},
    "dl_title": {"de": "Daten und Methoden", "en": "Data and methods"},
    "dl_intro": {
        "de": "Die Tabellen dieser Webseite zum Herunterladen (öffentliches Paket, geprüft): "
        "CSV mit deutschen Konventionen (Semikolon, Dezimalkomma), GeoPackage für QGIS, "
        "GeoJSON für Webanwendungen.",
        "en": "The tables of this site for download (checked public package): CSV with German "
        "conventions (semicolon, decimal comma), GeoPackage for QGIS, GeoJSON for web applications.",
    },
    "methods": {"de": "Methoden", "en": "Methods"},
    "methods_text": {
        "de": "Quoten werden je Gebiet aus Zähler und Nenner berechnet und für übergeordnete "
        "Ebenen aus den Summen gebildet. Die Indizes sind gewichtete Mittel standardisierter "
        "Indikatoren (z-Werte). Kleine Fallzahlen werden vor der Veröffentlichung gesperrt "
        "(primär und sekundär), so dass sie sich auch nicht zurückrechnen lassen.",
        "en": "Rates are computed per area from numerator and denominator and, for higher "
        "levels, from the sums. The indices are weighted means of standardised indicators "
        "(z-scores). Small counts are suppressed before publication (primary and secondary "
        "suppression), so that they cannot be recovered either.",
    },
    "file": {"de": "Datei", "en": "File"},
    "size": {"de": "Größe", "en": "Size"},
    "withheld": {"de": "nicht veröffentlicht", "en": "not published"},
    "no_value": {"de": "kein Wert", "en": "no value"},
    "built": {
        "de": "Stand: Berichtsjahr {year}. Erstellt mit sozialraum.",
        "en": "Report year {year}. Made with sozialraum.",
    },
    "all_years": {"de": "alle Jahre", "en": "all years"},
    "class_counts": {"de": "Gebiete je Klasse und Jahr", "en": "Areas per class and year"},
    "open_area": {"de": "Steckbrief öffnen", "en": "Open profile"},
    "change": {"de": "Veränderung", "en": "Change"},
}


def tr(key: str, lang: str, **kw) -> str:
    """The text ``key`` in ``lang`` with ``{placeholders}`` filled."""
    s = TEXTS[key][lang]
    return s.format(**kw) if kw else s
