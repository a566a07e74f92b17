"""The projection options shared by ``sozialraum demografie`` and ``sozialraum kita``.

Both commands run the same cohort-component projection with the settings of the
run's ``[demografie]`` section; the options, their help texts and the translation
into those settings live here once, so the two commands cannot drift apart.
"""

from __future__ import annotations

import argparse

from sozialraum._i18n import t

__all__ = ["add_projection_args", "projection_config"]

_MSG = {
    "rates": {
        "de": "Raten: Sterbewahrscheinlichkeiten und Geburtenziffern nach Alter (CSV/XLSX, "
        "wie [demografie] raten)",
        "en": "rates: death probabilities and fertility by age (CSV/XLSX, as [demografie] raten)",
    },
    "rates_until": {
        "de": "letztes Jahr, für das die Raten gelten",
        "en": "last year the rates are valid for",
    },
    "tfr": {
        "de": "zusammengefasste Geburtenziffer (ersetzt die Geburtenziffern der Raten)",
        "en": "total fertility rate (replaces the fertility of the rates)",
    },
    "migration": {
        "de": "Wanderung: geschaetzt (aus den Bevölkerungstabellen) oder keine",
        "en": "migration: geschaetzt (estimated from the population tables) or keine (none)",
    },
    "scenarios": {
        "de": "Namen der Szenarien (Standard: niedrig mittel hoch)",
        "en": "scenario names (default: niedrig mittel hoch)",
    },
    "shifts": {
        "de": "Wanderungsannahme je Szenario in Personen je 1.000 Einwohner und Jahr, z. B. -3 0 3",
        "en": "migration assumption per scenario in persons per 1,000 inhabitants and year, "
        "e.g. -3 0 3",
    },
    "control": {
        "de": "Eckwerte der Landesvorausberechnung (jahr;anzahl, optional Altersgruppe, "
        "Geschlecht, Szenario)",
        "en": "control totals of the state projection (jahr;anzahl, optionally age group, "
        "sex, scenario)",
    },
}

#: option destination → key of ``[demografie]`` (the run's words)
_CONFIG_KEYS = {
    "horizont": "horizont",
    "raten": "raten",
    "raten_gueltig_bis": "raten_gueltig_bis",
    "szenarien": "szenarien",
    "szenario_wanderung": "szenario_wanderung",
    "eckwerte": "eckwerte",
    "wanderung": "wanderung",
    "geburtenziffer": "geburtenziffer",
    "hauptszenario": "hauptszenario",
}


def add_projection_args(
    p: argparse.ArgumentParser, L: str, number, *, horizon_default: int | None, horizon_help: str
) -> None:
    """Add ``--raten`` … ``--horizont``: the projection settings of ``[demografie]``.

    ``number`` parses a number in German or English notation; ``horizon_default``
    and ``horizon_help`` are the command's own (``kita`` projects to its last target
    year when ``--horizont`` is not given).
    """
    p.add_argument("--raten", help=t(_MSG, "rates", L))
    p.add_argument("--raten-gueltig-bis", type=int, help=t(_MSG, "rates_until", L))
    p.add_argument("--geburtenziffer", type=number, help=t(_MSG, "tfr", L))
    p.add_argument(
        "--wanderung",
        choices=["geschaetzt", "keine"],
        default="geschaetzt",
        help=t(_MSG, "migration", L),
    )
    p.add_argument("--szenarien", nargs="+", help=t(_MSG, "scenarios", L))
    p.add_argument("--szenario-wanderung", nargs="+", type=number, help=t(_MSG, "shifts", L))
    p.add_argument("--eckwerte", help=t(_MSG, "control", L))
    p.add_argument("--horizont", type=int, default=horizon_default, help=horizon_help)


def projection_config(args: argparse.Namespace) -> dict:
    """The ``[demografie]`` keys the options of :func:`add_projection_args` set (unset ones left out).

    The result goes to :meth:`~sozialraum.demography.settings.DemographySettings.from_config`
    (directly or through :func:`~sozialraum.demography.kita.kita_projection`), the same
    reader as the run's ``[demografie]`` section.
    """
    d = {key: getattr(args, dest, None) for dest, key in _CONFIG_KEYS.items()}
    return {k: v for k, v in d.items() if v not in (None, "", [], ())}
