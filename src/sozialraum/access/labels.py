"""Readable column labels (German / English) for the results of :mod:`sozialraum.access`."""

from __future__ import annotations

import re

import pandas as pd

from sozialraum._i18n import get_lang

__all__ = ["LABELS", "label", "labelled"]

LABELS: dict[str, dict[str, str]] = {
    "distance_{j}": {
        "de": "Entfernung zur {j}. nächsten Einrichtung (m, Luftlinie)",
        "en": "distance to the {j}th nearest facility (m, straight line)",
    },
    "facility_{j}": {"de": "{j}. nächste Einrichtung", "en": "{j}th nearest facility"},
    "count_{r}": {"de": "Einrichtungen im Umkreis von {r} m", "en": "facilities within {r} m"},
    "capacity_{r}": {"de": "Plätze im Umkreis von {r} m", "en": "places within {r} m"},
    "distance_m": {
        "de": "Wegstrecke zur nächsten Einrichtung (m, Straßennetz)",
        "en": "route length to the nearest facility (m, road network)",
    },
    "facility": {"de": "Nächste Einrichtung (Wegstrecke)", "en": "nearest facility (route length)"},
    "travel_time_min": {
        "de": "Reisezeit zur nächsten Einrichtung (Minuten)",
        "en": "travel time to the nearest facility (minutes)",
    },
    "facility_time": {
        "de": "Schnellste erreichbare Einrichtung",
        "en": "fastest reachable facility",
    },
    "snap_m": {"de": "Abstand zum Straßennetz (m)", "en": "distance to the road network (m)"},
    "status": {"de": "Status", "en": "status"},
    "nachfrage": {"de": "Nachfrage (Zielgruppe)", "en": "demand (target group)"},
    "versorgung": {
        "de": "Versorgung (Plätze je 100 der Zielgruppe)",
        "en": "supply (places per 100 of the target group)",
    },
    "n_erreichbar": {"de": "Erreichbare Einrichtungen", "en": "facilities in reach"},
    "angebot": {"de": "Angebot (Plätze)", "en": "supply (places)"},
    "nachfrage_einzugsbereich": {"de": "Nachfrage im Einzugsbereich", "en": "demand in catchment"},
    "quote": {"de": "Plätze je Person im Einzugsbereich", "en": "places per person in catchment"},
    "plaetze_zugeordnet": {"de": "Zugeordnete Plätze (2SFCA)", "en": "places allotted (2SFCA)"},
    "bevoelkerung": {"de": "Bevölkerung (Zielgruppe)", "en": "population (target group)"},
    "anteil_innerhalb": {
        "de": "Anteil innerhalb der Schwelle (%)",
        "en": "share within threshold (%)",
    },
    "mittel_gewichtet": {
        "de": "Mittelwert (bevölkerungsgewichtet)",
        "en": "mean (population-weighted)",
    },
    "bev_nicht_erreichbar": {
        "de": "Bevölkerung ohne erreichbare Einrichtung",
        "en": "population without reachable facility",
    },
    "zielgruppe": {"de": "Zielgruppe (Personen)", "en": "target group (persons)"},
    "bedarf": {"de": "Bedarf (Plätze)", "en": "need (places)"},
    "bestand": {"de": "Bestand (Plätze)", "en": "supply (places)"},
    "saldo": {"de": "Saldo Bestand − Bedarf (Plätze)", "en": "balance supply − need (places)"},
    "defizit": {"de": "Fehlende Plätze", "en": "missing places"},
    "ueberhang": {"de": "Überhang (Plätze über dem Bedarf)", "en": "surplus (places above need)"},
    "methode": {"de": "Methode Bestand–Bedarf", "en": "supply–need method"},
    "deckungsgrad": {"de": "Deckungsgrad (%)", "en": "coverage (%)"},
    "versorgung_je_100": {
        "de": "Plätze je 100 der Zielgruppe",
        "en": "places per 100 of the target group",
    },
    "soll_je_100": {
        "de": "Soll: Plätze je 100 der Zielgruppe",
        "en": "target: places per 100 of the target group",
    },
    "anzahl": {"de": "Anzahl Angebote", "en": "number of offers"},
    "je_1000": {
        "de": "Angebote je 1.000 der Zielgruppe",
        "en": "offers per 1,000 of the target group",
    },
    "einwohner_zielgruppe": {
        "de": "Einwohner der Zielgruppe",
        "en": "residents of the target group",
    },
    "gebiet": {"de": "Gebiet", "en": "area"},
    "thema": {"de": "Thema", "en": "theme"},
    "entfernung_m": {"de": "Entfernung (m)", "en": "distance (m)"},
    "reisezeit_min": {"de": "Reisezeit (Minuten)", "en": "travel time (minutes)"},
    "fuer": {"de": "Für", "en": "for"},
}

_SCEN = {
    "vorher": {"de": "vorher", "en": "before"},
    "nachher": {"de": "nachher", "en": "after"},
    "differenz": {"de": "Differenz", "en": "change"},
}

_PATTERNS = [
    (re.compile(r"^distance_(\d+)$"), "distance_{j}", "j"),
    (re.compile(r"^facility_(\d+)$"), "facility_{j}", "j"),
    (re.compile(r"^count_([\d.e+]+)$"), "count_{r}", "r"),
    (re.compile(r"^capacity_([\d.e+]+)$"), "capacity_{r}", "r"),
]


def label(column: str, lang: str | None = None) -> str:
    """Readable label of a result column (unknown columns are returned unchanged).

    Suffixes are kept readable: ``distance_1_Hausarzt`` → ``… (Hausarzt)``,
    ``versorgung_nachher`` → ``… – nachher``.
    """
    lg = get_lang(lang)
    col = str(column)
    for scen, txt in _SCEN.items():
        if col.endswith("_" + scen):
            return f"{label(col[: -len(scen) - 1], lg)} – {txt[lg]}"
    if col in LABELS:
        return LABELS[col][lg]
    for pat, key, name in _PATTERNS:
        m = pat.match(col)
        if m:
            return LABELS[key][lg].format(**{name: m.group(1)})
    # category suffix: base_<category>
    for base in sorted(LABELS, key=len, reverse=True):
        if "{" not in base and col.startswith(base + "_"):
            return f"{LABELS[base][lg]} ({col[len(base) + 1 :]})"
    for pat, key, name in _PATTERNS:
        m = re.match(pat.pattern.rstrip("$") + r"_(.+)$", col)
        if m:
            return f"{LABELS[key][lg].format(**{name: m.group(1)})} ({m.group(2)})"
    return col


def labelled(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Copy of ``frame`` with readable column labels."""
    return frame.rename(columns={c: label(c, lang) for c in frame.columns})
