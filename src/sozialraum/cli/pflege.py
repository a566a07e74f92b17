"""``sozialraum pflege``: people in need of care today and in the target years, and the deficit.

A thin translator over :func:`sozialraum.demography.care.care_plan` (the same
entry point as the run's ``[pflege]`` step and the QGIS tool): areas, population by
age and sex, prevalence table and (optionally) care offers in; a GeoPackage layer
``pflege`` with ``pflegebeduerftige_<year>`` and ``pflege_defizit_<form>_<year>``
per area out.
"""

from __future__ import annotations

import argparse

from sozialraum._i18n import t

__all__ = ["add_parser", "cmd_pflege"]

_MSG = {
    "help": {
        "de": "Pflegebedürftige heute und in Zieljahren je Gebiet (Pflegequoten × Bevölkerung "
        "und Vorausberechnung), Plätze und fehlende Plätze je Versorgungsart",
        "en": "people in need of care today and in target years per area (care rates × "
        "population and projection), places and missing places per form of care",
    },
    "pop": {
        "de": "Bevölkerung nach Alter und Geschlecht (CSV-Dateien, eine je Jahr)",
        "en": "population by age and sex (CSV files, one per year)",
    },
    "prev": {"de": "Prävalenztabelle (CSV/XLSX)", "en": "prevalence table (CSV/XLSX)"},
    "offers": {
        "de": "Pflegeangebote (Punkte mit Angebotsart und Plätzen)",
        "en": "care offers (points with type and places)",
    },
    "offers_layer": {"de": "Ebene der Pflegeangebote", "en": "layer of the care offers"},
    "type_col": {"de": "Spalte mit der Angebotsart", "en": "column with the offer type"},
    "places_col": {"de": "Spalte mit den Plätzen", "en": "column with the places"},
    "years": {"de": "Zieljahre, z. B. 2030 2035", "en": "target years, e.g. 2030 2035"},
    "scenario": {"de": "Szenario der Vorausberechnung", "en": "projection scenario"},
    "horizon": {"de": "Jahre der Vorausberechnung", "en": "years of the projection"},
    "method": {"de": "Zuordnung der Plätze", "en": "how places are assigned"},
    "radius": {"de": "Einzugsradius in Metern", "en": "catchment radius in metres"},
    "target": {
        "de": "Plätze je 100 Pflegebedürftige der Art (alle Arten)",
        "en": "places per 100 people in need of that form (all forms)",
    },
    "out": {"de": "Ausgabe (GeoPackage)", "en": "output (GeoPackage)"},
    "pop_key": {
        "de": "Schlüsselspalte der Bevölkerungstabellen",
        "en": "key column of the population tables",
    },
}


def add_parser(sub, L: str, common, number) -> None:
    """The ``pflege`` subcommand (``common`` adds the area arguments, ``number`` reads numbers)."""
    p = sub.add_parser("pflege", help=t(_MSG, "help", L), description=t(_MSG, "help", L))
    common(p, L)
    p.add_argument("--bevoelkerung", nargs="+", required=True, help=t(_MSG, "pop", L))
    p.add_argument("--bevoelkerung-schluessel", default="sr_id", help=t(_MSG, "pop_key", L))
    p.add_argument("--praevalenz", required=True, help=t(_MSG, "prev", L))
    p.add_argument("--angebote", help=t(_MSG, "offers", L))
    p.add_argument("--angebote-ebene", help=t(_MSG, "offers_layer", L))
    p.add_argument("--art-spalte", default="art", help=t(_MSG, "type_col", L))
    p.add_argument("--plaetze-spalte", default="plaetze", help=t(_MSG, "places_col", L))
    p.add_argument("--jahre", nargs="+", type=int, default=[2030, 2035], help=t(_MSG, "years", L))
    p.add_argument("--szenario", default="mittel", help=t(_MSG, "scenario", L))
    p.add_argument("--horizont", type=int, default=11, help=t(_MSG, "horizon", L))
    p.add_argument(
        "--methode",
        choices=["standort", "2sfca", "e2sfca"],
        default="e2sfca",
        help=t(_MSG, "method", L),
    )
    p.add_argument("--radius", type=number, default=10000.0, help=t(_MSG, "radius", L))
    p.add_argument("--soll", type=number, default=100.0, help=t(_MSG, "target", L))
    p.add_argument("--out", required=True, help=t(_MSG, "out", L))


def cmd_pflege(args: argparse.Namespace, areas) -> int:
    """Run :func:`~sozialraum.demography.care.care_plan` and write the layer ``pflege``."""
    import geopandas as gpd

    from sozialraum.access import SupplyNeedParams
    from sozialraum.demography import project, read_population
    from sozialraum.demography.care import (
        FORMS_WITH_PLACES,
        care_offers,
        care_plan,
        read_care_prevalence,
    )
    from sozialraum.io import write_gpkg

    L = args.lang
    pop = read_population(args.bevoelkerung, key=args.bevoelkerung_schluessel, lang=L)
    prevalence = read_care_prevalence(args.praevalenz, lang=L)
    offers = params = None
    if args.angebote:
        kw = {"layer": args.angebote_ebene} if args.angebote_ebene else {}
        raw = gpd.read_file(args.angebote, **kw).to_crs(areas.crs)
        offers = care_offers(
            raw, type_col=args.art_spalte, capacity_col=args.plaetze_spalte, lang=L
        )
        m = args.methode
        params = {
            f: SupplyNeedParams(
                method=m,
                target_per_100=float(args.soll),
                max_cost=float(args.radius) if m != "standort" else None,
                capacity_col=args.plaetze_spalte,
            )
            for f in FORMS_WITH_PLACES
        }
    plan = care_plan(
        pop,
        project(pop, horizon=args.horizont, lang=L),
        prevalence,
        areas,
        years=args.jahre,
        scenario=args.szenario,
        offers=offers,
        params=params,
        type_col=args.art_spalte,
        lang=L,
    )
    cols = plan.columns()
    out = areas[["geometry"]].join(cols.set_axis(cols.index.astype(str)).reindex(areas.index))
    write_gpkg(out, args.out, layer="pflege", append_layer=False)
    print(cols.sum().round(0).to_string())
    return 0
