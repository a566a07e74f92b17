"""``sozialraum demografie``: the population projection per area, with scenarios and control totals.

A thin translator over :func:`sozialraum.demography.forecast.forecast` (the same entry
point as the run's ``[demografie]`` step and the QGIS tool "Bevölkerungsvorausberechnung"):
areas, population by single year of age (and sex) per area, optional rates, scenarios,
the Land's projection as control totals and the horizon in; ``demografie.xlsx`` (German
headers, real area keys) and a GeoPackage layer ``vorausberechnung_<end>`` with the
``prog_*`` columns and the end year's age groups out.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sozialraum._i18n import t
from sozialraum.cli.projection import add_projection_args, projection_config

__all__ = ["add_parser", "cmd_demografie"]

_MSG = {
    "help": {
        "de": "Bevölkerungsvorausberechnung je Gebiet (Kohorten-Komponenten-Methode) mit "
        "Szenarien, Raten und Eckwerten der Landesvorausberechnung; schreibt demografie.xlsx "
        "und eine GeoPackage-Ebene mit den prog_*-Spalten",
        "en": "population projection per area (cohort-component method) with scenarios, "
        "rates and the state projection's control totals; writes demografie.xlsx and a "
        "GeoPackage layer with the prog_* columns",
    },
    "pop": {
        "de": "Bevölkerung nach Einzelalter (und Geschlecht) je Gebiet: CSV/XLSX-Dateien, "
        "eine je Jahr, oder ein Dateimuster",
        "en": "population by single year of age (and sex) per area: CSV/XLSX files, one per "
        "year, or a file pattern",
    },
    "pop_key": {
        "de": "Schlüsselspalte der Bevölkerungstabellen",
        "en": "key column of the population tables",
    },
    "main": {"de": "Hauptszenario", "en": "main scenario"},
    "horizon": {"de": "Jahre nach dem Basisjahr", "en": "years after the base year"},
    "min_count": {
        "de": "Mindestfallzahl: kleinere vorausberechnete Zahlen gelten als geheim (Standard 3)",
        "en": "minimum count: smaller projected counts are secret (default 3)",
    },
    "out": {"de": "Ausgabe (GeoPackage)", "en": "output (GeoPackage)"},
    "excel": {
        "de": "Arbeitsmappe demografie.xlsx (Standard: neben der Ausgabe)",
        "en": "workbook demografie.xlsx (default: next to the output)",
    },
    "summary": {
        "de": "Einwohner {base}: {n0:.0f}; {end} ({main}): {n1:.0f}; Ebene {layer}",
        "en": "population {base}: {n0:.0f}; {end} ({main}): {n1:.0f}; layer {layer}",
    },
}


def add_parser(sub, L: str, common, number) -> None:
    """The ``demografie`` subcommand (``common`` adds the area arguments, ``number`` reads numbers)."""
    p = sub.add_parser("demografie", help=t(_MSG, "help", L), description=t(_MSG, "help", L))
    common(p, L)
    p.add_argument("--bevoelkerung", nargs="+", required=True, help=t(_MSG, "pop", L))
    p.add_argument("--bevoelkerung-schluessel", default="sr_id", help=t(_MSG, "pop_key", L))
    add_projection_args(p, L, number, horizon_default=10, horizon_help=t(_MSG, "horizon", L))
    p.add_argument("--hauptszenario", default="mittel", help=t(_MSG, "main", L))
    p.add_argument("--mindestfallzahl", type=int, default=3, help=t(_MSG, "min_count", L))
    p.add_argument("--out", required=True, help=t(_MSG, "out", L))
    p.add_argument("--excel", help=t(_MSG, "excel", L))


def cmd_demografie(args: argparse.Namespace, areas) -> int:
    """Run :func:`~sozialraum.demography.forecast.forecast`, write the layer and the workbook."""
    from sozialraum.demography import read_population
    from sozialraum.demography.forecast import ForecastParams, forecast
    from sozialraum.demography.settings import DemographySettings
    from sozialraum.io import write_gpkg

    L = args.lang
    files = args.bevoelkerung[0] if len(args.bevoelkerung) == 1 else args.bevoelkerung
    pop = read_population(files, key=args.bevoelkerung_schluessel, lang=L)
    settings = DemographySettings.from_config(projection_config(args), L)
    fc = forecast(
        ForecastParams(
            pop,
            settings,
            area_keys=tuple(areas.index.astype(str)),
            threshold=int(args.mindestfallzahl) - 1,
        ),
        lang=L,
    )
    layer_name = f"vorausberechnung_{fc.end_year}"
    cols = fc.area_layer()
    out = areas[["geometry"]].join(cols.reindex(areas.index.astype(str)).set_axis(areas.index))
    write_gpkg(out, args.out, layer=layer_name, append_layer=False)
    names = areas[args.name] if args.name and args.name in areas.columns else None
    xlsx = Path(args.excel) if args.excel else Path(args.out).with_name("demografie.xlsx")
    fc.write_workbook(xlsx, names=names, title="Demografie")
    fig = fc.figures
    n0 = float(fig.counts["base"].sum())
    n1 = float(fig.counts[f"end:{fig.main}"].sum())
    print(
        t(
            _MSG,
            "summary",
            L,
            base=fig.base_year,
            end=fig.end_year,
            main=fig.main,
            n0=n0,
            n1=n1,
            layer=layer_name,
        )
    )
    print(xlsx)
    return 0
