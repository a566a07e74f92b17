"""``sozialraum kita``: Kita planning per area and age group, today and in target years.

A thin translator over the library's one entry point
:func:`sozialraum.demography.kita.plan_kitas` (the same as the yearly run's ``[kita]``
step and the QGIS tool "Kita-Planung"): areas, population by single year of age,
the Kitas (facility layer, optionally with a places table in the format of
``kita_plaetze.csv``), demand rates and age groups in the planners' short form
(``--quoten "u3=45; ue3=95; hort=50"``), the supply method of the one supply–need
model, optionally the projection (``--jahre 2030 2035`` with the settings of
``[demografie]``) and planned Kitas (``--neu``, ``--erweitern``, ``--schliessen``).

Writes a GeoPackage (layer ``kita``: one row per area with the columns
``kita_<gruppe>_<was>[_<jahr>_<szenario>]`` of the run; ``kita_gemeinden`` with
``--gemeinde-spalte``; ``kitas``: places per Kita and age group) and an Excel
workbook with German headers.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sozialraum._i18n import t
from sozialraum.cli.projection import add_projection_args, projection_config

__all__ = ["add_parser", "add_parsers", "cmd_kita", "run", "HANDLERS"]

_MSG = {
    "help": {
        "de": "Kita-Planung: Bedarf je Altersgruppe, Plätze je Art und fehlende Plätze je "
        "Gebiet heute und in Zieljahren (je Szenario), mit geplanten Kitas (was wäre, wenn)",
        "en": "Kita planning: need per age group, places per type and missing places per "
        "area today and in target years (per scenario), with planned Kitas (what if)",
    },
    "pop": {
        "de": "Bevölkerung nach Einzelalter und Geschlecht (CSV-Dateien, eine je Jahr)",
        "en": "population by single year of age and sex (CSV files, one per year)",
    },
    "pop_key": {
        "de": "Schlüsselspalte der Bevölkerungstabellen",
        "en": "key column of the population tables",
    },
    "municipality": {
        "de": "Spalte der Gebiete mit dem Gemeindeschlüssel (dann auch Zahlen je Gemeinde)",
        "en": "area column with the municipality key (then also figures per municipality)",
    },
    "kitas": {
        "de": "Kitas bzw. Einrichtungen (Punkte, z. B. einrichtungen.gpkg)",
        "en": "Kitas or facilities (points, e.g. einrichtungen.gpkg)",
    },
    "kitas_layer": {"de": "Ebene der Kitas", "en": "layer of the Kitas"},
    "category": {
        "de": "nur Einrichtungen dieser Kategorie (z. B. Kita)",
        "en": "only facilities of this category (e.g. Kita)",
    },
    "category_col": {"de": "Spalte mit der Kategorie", "en": "column with the category"},
    "id_col": {
        "de": "Spalte mit dem Schlüssel der Kita (Kitas und Plätze-Tabelle)",
        "en": "column with the Kita's key (Kitas and places table)",
    },
    "places": {
        "de": "Tabelle der Plätze je Kita und Art (CSV/XLSX wie kita_plaetze.csv); ohne: "
        "Spalten der Kitas",
        "en": "table of places per Kita and type (CSV/XLSX like kita_plaetze.csv); without: "
        "columns of the Kitas",
    },
    "columns": {
        "de": "Spalten der Plätze je Art, falls anders benannt, z. B. "
        '"krippe=U3; kindergarten=UE3; hort=Hort; tagespflege=KTP"',
        "en": "columns of the places per type if named differently, e.g. "
        '"krippe=U3; kindergarten=UE3; hort=Hort; tagespflege=KTP"',
    },
    "capacity": {
        "de": "Spalte mit den Plätzen insgesamt (Kitas mit Plätzen, aber ohne Art werden "
        "abgelehnt)",
        "en": "column with the total places (Kitas with places but no type are refused)",
    },
    "rates": {
        "de": 'Bedarfsquoten in %% je Altersgruppe, z. B. "u3=45; ue3=95; hort=50" '
        "(Standard 45, 95, 50)",
        "en": 'demand rates in %% per age group, e.g. "u3=45; ue3=95; hort=50" '
        "(default 45, 95, 50)",
    },
    "ages": {
        "de": 'Altersgruppen in Jahren, z. B. "krippe=0-2; kindergarten=3-5; hort=6-9" '
        "(lückenlos ab 0)",
        "en": 'age groups in years, e.g. "krippe=0-2; kindergarten=3-5; hort=6-9" '
        "(without gaps from 0)",
    },
    "method": {
        "de": "Bestand nach Standort (Plätze im Gebiet) oder Einzugsbereich (2SFCA, E2SFCA)",
        "en": "supply by location (places in the area) or catchment (2SFCA, E2SFCA)",
    },
    "radius": {"de": "Einzugsbereich in Metern", "en": "catchment in metres"},
    "raster": {
        "de": "Bevölkerungsraster (GeoTIFF): verteilt den Bedarf im Gebiet (2SFCA, E2SFCA)",
        "en": "population raster (GeoTIFF): spreads the need within the area (2SFCA, E2SFCA)",
    },
    "years": {
        "de": "Zieljahre der Vorausberechnung, z. B. 2030 2035 (ohne: nur heute)",
        "en": "target years of the projection, e.g. 2030 2035 (without: today only)",
    },
    "horizon": {
        "de": "Jahre der Vorausberechnung (Standard: bis zum letzten Zieljahr)",
        "en": "years of the projection (default: up to the last target year)",
    },
    "new": {
        "de": 'neue Kita: "x=…; y=…; krippe=20; kindergarten=40" (Koordinaten im CRS der '
        "Gebiete, optional id=…); mehrfach möglich",
        "en": 'new Kita: "x=…; y=…; krippe=20; kindergarten=40" (coordinates in the areas\' '
        "CRS, optional id=…); may be repeated",
    },
    "extend": {
        "de": 'Erweiterung: "id=KITA012; kindergarten=20"; mehrfach möglich',
        "en": 'extension: "id=KITA012; kindergarten=20"; may be repeated',
    },
    "close": {
        "de": "Schließung: Schlüssel der Kita (mehrere mit ; trennen); mehrfach möglich",
        "en": "closure: key of the Kita (separate several with ;); may be repeated",
    },
    "out": {"de": "Ausgabe (GeoPackage)", "en": "output (GeoPackage)"},
    "excel": {
        "de": "Excel-Ausgabe (Standard: wie --out mit .xlsx)",
        "en": "Excel output (default: as --out with .xlsx)",
    },
    "summary": {
        "de": "Fehlende Plätze im Kreis (Summe der Gebiete):",
        "en": "Missing places in the district (sum of the areas):",
    },
    "today": {"de": "heute", "en": "today"},
    "written": {"de": "Geschrieben: {path}", "en": "Written: {path}"},
    "no_column": {
        "de": "--gemeinde-spalte: die Gebiete haben keine Spalte {col!r} (vorhanden: {have}).",
        "en": "--gemeinde-spalte: the areas have no column {col!r} (present: {have}).",
    },
}


def add_parser(sub, L: str, common, number) -> None:
    """The ``kita`` subcommand (``common`` adds the area arguments, ``number`` reads numbers)."""
    p = sub.add_parser("kita", help=t(_MSG, "help", L), description=t(_MSG, "help", L))
    common(p, L)
    p.add_argument("--gemeinde-spalte", help=t(_MSG, "municipality", L))
    p.add_argument("--bevoelkerung", nargs="+", required=True, help=t(_MSG, "pop", L))
    p.add_argument("--bevoelkerung-schluessel", default="sr_id", help=t(_MSG, "pop_key", L))
    p.add_argument("--kitas", required=True, help=t(_MSG, "kitas", L))
    p.add_argument("--kitas-ebene", help=t(_MSG, "kitas_layer", L))
    p.add_argument("--kategorie", help=t(_MSG, "category", L))
    p.add_argument("--kategorie-spalte", default="kategorie", help=t(_MSG, "category_col", L))
    p.add_argument("--id-spalte", default="id", help=t(_MSG, "id_col", L))
    p.add_argument("--plaetze", help=t(_MSG, "places", L))
    p.add_argument("--spalten", help=t(_MSG, "columns", L))
    p.add_argument("--kapazitaet-spalte", default="kapazitaet", help=t(_MSG, "capacity", L))
    p.add_argument("--quoten", help=t(_MSG, "rates", L))
    p.add_argument("--alter", help=t(_MSG, "ages", L))
    p.add_argument(
        "--methode",
        choices=["standort", "2sfca", "e2sfca"],
        default="standort",
        help=t(_MSG, "method", L),
    )
    p.add_argument("--radius", type=number, default=3000.0, help=t(_MSG, "radius", L))
    p.add_argument("--raster", help=t(_MSG, "raster", L))
    p.add_argument("--jahre", nargs="+", type=int, default=[], help=t(_MSG, "years", L))
    add_projection_args(p, L, number, horizon_default=None, horizon_help=t(_MSG, "horizon", L))
    p.add_argument("--neu", action="append", default=[], help=t(_MSG, "new", L))
    p.add_argument("--erweitern", action="append", default=[], help=t(_MSG, "extend", L))
    p.add_argument("--schliessen", action="append", default=[], help=t(_MSG, "close", L))
    p.add_argument("--out", required=True, help=t(_MSG, "out", L))
    p.add_argument("--excel", help=t(_MSG, "excel", L))


def _projection(args, pop):
    """The projection for ``--jahre`` with the settings of ``[demografie]`` (None without years)."""
    from sozialraum.demography.kita import kita_projection

    return kita_projection(pop, args.jahre, projection_config(args), lang=args.lang)


def _inputs(args, areas):
    """:class:`~sozialraum.demography.kita.KitaInputs` from the options."""
    import geopandas as gpd

    from sozialraum.demography import read_population
    from sozialraum.demography.kita import KitaInputs, kita_facilities
    from sozialraum.io.reader import read_text_table

    L = args.lang
    pop = read_population(args.bevoelkerung, key=args.bevoelkerung_schluessel, lang=L)
    base = int(pop["year"].max())
    kw = {"layer": args.kitas_ebene} if args.kitas_ebene else {}
    raw = gpd.read_file(args.kitas, **kw).to_crs(areas.crs)
    table = read_text_table(args.plaetze, lang=L).frame if args.plaetze else None
    kitas, places = kita_facilities(
        raw,
        id_col=args.id_spalte,
        category=args.kategorie,
        category_col=args.kategorie_spalte,
        places_table=table,
        columns=args.spalten,
        capacity_col=args.kapazitaet_spalte,
        source=Path(args.kitas).name,
        table_source=Path(args.plaetze).name if args.plaetze else "",
        lang=L,
    )
    gemeinde = None
    if args.gemeinde_spalte:
        gemeinde = areas[_column(areas, args.gemeinde_spalte, L)].astype(str)
    points = None
    if args.raster and args.methode != "standort":
        from sozialraum.raster import demand_shares

        points = demand_shares(args.raster, areas, lang=L)
    return KitaInputs(
        areas=areas,
        kitas=kitas,
        places=places,
        population=pop,
        base_year=base,
        projection=_projection(args, pop),
        gemeinde=gemeinde,
        demand_points=points,
    )


def _column(areas, col: str, lang) -> str:
    from sozialraum.errors import InputError

    if col not in areas.columns:
        have = ", ".join(c for c in map(str, areas.columns) if c != "geometry")
        raise InputError(t(_MSG, "no_column", lang, col=col, have=have), column=col)
    return col


def _params(args):
    from sozialraum.access import SupplyNeedParams
    from sozialraum.demography.kita import KitaParams, parse_kita_groups

    m = args.methode
    return KitaParams(
        groups=parse_kita_groups(args.quoten, args.alter, lang=args.lang),
        supply=SupplyNeedParams(method=m, max_cost=float(args.radius) if m != "standort" else None),
        years=tuple(args.jahre),
    )


def cmd_kita(args: argparse.Namespace, areas) -> Path:
    """Run :func:`~sozialraum.demography.kita.plan_kitas`; write GeoPackage and Excel."""
    from sozialraum.demography.kita import parse_kita_changes, plan_kitas

    L = args.lang
    params = _params(args)  # the short forms first: a typo is reported before any work
    changes = parse_kita_changes(args.neu, args.erweitern, args.schliessen, lang=L)
    inputs = _inputs(args, areas)
    result = plan_kitas(inputs, params, changes, lang=L)
    _write(args, inputs, result)
    _summary(result, L)
    return Path(args.out)


def _write(args, inputs, result) -> None:
    """Layers ``kita`` (areas), ``kita_gemeinden``, ``kitas`` and the Excel workbook."""
    import geopandas as gpd

    from sozialraum.demography.kita import write_kita_workbook
    from sozialraum.io import write_gpkg

    areas = inputs.areas
    keep = [c for c in (args.name,) if c and c in areas.columns]
    rows = result.areas_frame().reindex(areas.index.astype(str)).set_axis(areas.index)
    write_gpkg(areas[[*keep, "geometry"]].join(rows), args.out, layer="kita", append_layer=False)
    if inputs.gemeinde is not None:
        gem = areas[["geometry"]].assign(gemeinde=inputs.gemeinde.to_numpy()).dissolve("gemeinde")
        gem.index = gem.index.astype(str)
        write_gpkg(gem.join(result.areas_frame("gemeinden")), args.out, layer="kita_gemeinden")
    kitas = gpd.GeoDataFrame(result.kitas[["geometry"]].join(result.planning.places))
    kitas.index.name = args.id_spalte
    write_gpkg(kitas, args.out, layer="kitas")
    print(t(_MSG, "written", args.lang, path=args.out))
    xlsx = Path(args.excel) if args.excel else Path(args.out).with_suffix(".xlsx")
    names = areas[args.name] if args.name and args.name in areas.columns else None
    write_kita_workbook(result, xlsx, names=names, lang=args.lang)
    print(t(_MSG, "written", args.lang, path=xlsx))


def _summary(result, L) -> None:
    """Missing places of the district per age group, today and per year and scenario."""
    from sozialraum.core.numbers import format_number
    from sozialraum.demography.kita import SHORT

    res = result.planning
    print(t(_MSG, "summary", L))
    for (grp, year, scen), sub in res.areas.groupby(level=[0, 1, 2], sort=False):
        when = f"{year} ({scen})" if scen else f"{year} ({t(_MSG, 'today', L)})"
        total = format_number(float(sub["defizit"].sum()), 0, L)
        print(f"  {SHORT[grp]['en' if L == 'en' else 'de']:8} {when:20} {total:>8}")


def add_parsers(sub, L: str) -> None:
    """Register ``kita`` with the area arguments and number reading of the single steps."""
    from sozialraum.cli.steps import _common_area_args, _number

    add_parser(sub, L, _common_area_args, _number)


def run(args: argparse.Namespace) -> int:
    """``sozialraum kita``: messages name the options (``--quoten``, ``--jahre`` …)."""
    from sozialraum.cli.steps import _areas
    from sozialraum.core.doors import using_door

    with using_door("cli"):
        cmd_kita(args, _areas(args))
    return 0


HANDLERS = {"kita": run}
