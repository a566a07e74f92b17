"""Command-line tools of the planning cycle: region sets and the offer finder.

* ``regionen``        — the region sets of a run configuration (``[[regionen]]``, the
  Amt level) and the municipalities: rolled-up population, overall index and class
  per region (the monitor's index on the planning areas' scale); ``--out`` writes
  a GeoPackage with one layer per set;
* ``angebote-finden`` — offers for a household at a place: the nearest offers per
  kind (Kita, Beratungsstelle, Familienzentrum …) that serve its members, with
  distances.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sozialraum._i18n import t

__all__ = ["add_parsers", "HANDLERS"]

_MSG = {
    "regionen": {
        "de": "Regionen und Ämter: Index und Klasse je Region (aus monitor.toml)",
        "en": "region sets: index and class per region (from monitor.toml)",
    },
    "config": {"de": "die Konfigurationsdatei (monitor.toml)", "en": "the run configuration"},
    "out_gpkg": {
        "de": "GeoPackage mit einer Ebene je Regionszuordnung (optional)",
        "en": "GeoPackage with one layer per region set (optional)",
    },
    "finder": {
        "de": "Angebote finden: passende Angebote für einen Haushalt an einem Ort",
        "en": "find offers: offers for a household at a place",
    },
    "fac": {"de": "Geodatei der Einrichtungen/Angebote", "en": "facilities/offers file"},
    "layer": {"de": "Ebene (Layer) der Datei", "en": "layer of the file"},
    "place": {
        "de": "Wohnort: x,y im Koordinatensystem der Einrichtungen, oder ein Gebietsschlüssel "
        "(mit --gebiete)",
        "en": "place: x,y in the facilities' CRS, or an area key (with --gebiete)",
    },
    "areas": {"de": "Geodatei der Planungsräume (für --ort als Schlüssel)", "en": "areas file"},
    "key": {"de": "Schlüsselspalte der Planungsräume", "en": "key column of the areas"},
    "household": {
        "de": "Haushalt, z. B. eltern:1,kita_kind:2 (Mitglieder: {allowed})",
        "en": "household, e.g. eltern:1,kita_kind:2 (members: {allowed})",
    },
    "radius": {"de": "Umkreis in Metern (Luftlinie)", "en": "radius in metres (straight line)"},
    "theme": {"de": "nur diese Themen", "en": "only these themes"},
    "per_kind": {"de": "Angebote je Art (die nächsten)", "en": "offers per kind (the nearest)"},
    "category": {"de": "Spalte mit der Art des Angebots", "en": "column with the kind of offer"},
    "out_csv": {"de": "Ergebnis als CSV (optional)", "en": "result as CSV (optional)"},
    "bad_place": {
        "de": "--ort {value!r}: weder x,y noch ein Schlüssel aus --gebiete.",
        "en": "--ort {value!r}: neither x,y nor a key of --gebiete.",
    },
    "none": {
        "de": "Keine passenden Angebote im Umkreis von {r} m.",
        "en": "no matching offers within {r} m.",
    },
    "head_found": {
        "de": "Angebote für den Haushalt ({members}) im Umkreis von {r} m:",
        "en": "offers for the household ({members}) within {r} m:",
    },
    "head_set": {"de": "{name}:", "en": "{name}:"},
    "line_region": {
        "de": "  {region}: {n}, {pop} Einwohner, Index {idx}, {cls}",
        "en": "  {region}: {n}, {pop} inhabitants, index {idx}, {cls}",
    },
    "ref": {"de": "{ref}.", "en": "{ref}."},
}


def add_parsers(sub, L: str) -> None:
    """Add ``regionen`` and ``angebote-finden`` to the main parser."""
    from sozialraum.access.offers import HOUSEHOLD_GROUPS

    p = sub.add_parser("regionen", help=t(_MSG, "regionen", L), description=t(_MSG, "regionen", L))
    p.add_argument("config", help=t(_MSG, "config", L))
    p.add_argument("--out", help=t(_MSG, "out_gpkg", L))

    p = sub.add_parser(
        "angebote-finden", help=t(_MSG, "finder", L), description=t(_MSG, "finder", L)
    )
    p.add_argument("--einrichtungen", required=True, help=t(_MSG, "fac", L))
    p.add_argument("--ebene", "--layer", dest="layer", help=t(_MSG, "layer", L))
    p.add_argument("--ort", required=True, help=t(_MSG, "place", L))
    p.add_argument("--gebiete", help=t(_MSG, "areas", L))
    p.add_argument("--gebiete-ebene", dest="areas_layer", help=t(_MSG, "layer", L))
    p.add_argument("--schluessel", default="sr_id", help=t(_MSG, "key", L))
    p.add_argument(
        "--haushalt",
        required=True,
        help=t(_MSG, "household", L, allowed=", ".join(HOUSEHOLD_GROUPS)),
    )
    p.add_argument("--radius", type=float, default=3000.0, help=t(_MSG, "radius", L))
    p.add_argument("--thema", nargs="+", help=t(_MSG, "theme", L))
    p.add_argument("--je-art", dest="per_kind", type=int, default=2, help=t(_MSG, "per_kind", L))
    p.add_argument(
        "--art-spalte", dest="category", default="kategorie", help=t(_MSG, "category", L)
    )
    p.add_argument("--out", help=t(_MSG, "out_csv", L))


def _place(args):
    import geopandas as gpd

    from sozialraum.errors import InputError

    parts = [s.strip() for s in args.ort.split(",")]
    if len(parts) == 2:
        try:
            return (float(parts[0]), float(parts[1]))
        except ValueError:
            pass
    if args.gebiete:
        areas = gpd.read_file(args.gebiete, layer=args.areas_layer)
        sel = areas[areas[args.schluessel].astype(str) == args.ort]
        if len(sel):
            return sel.geometry.iloc[0]
    raise InputError(t(_MSG, "bad_place", args.lang, value=args.ort))


def cmd_find(args: argparse.Namespace) -> int:
    """``sozialraum angebote-finden``."""
    import geopandas as gpd

    from sozialraum.access.offers import nearest_offers_for_household as find_for_household
    from sozialraum.access.offers import parse_household
    from sozialraum.core.doors import using_door
    from sozialraum.core.numbers import format_number, is_missing

    L = args.lang
    with using_door("cli"):
        offers = gpd.read_file(args.einrichtungen, layer=args.layer)
        household = parse_household(args.haushalt, L)
        found = find_for_household(
            offers,
            _place(args),
            household,
            radius=args.radius,
            themes=args.thema,
            per_kind=args.per_kind,
            category=args.category,
            lang=L,
        )
    r = format_number(args.radius, 0, L)
    if found.empty:
        print(t(_MSG, "none", L, r=r))
        return 0
    members = ", ".join(f"{n} × {m}" for m, n in household.items())
    print(t(_MSG, "head_found", L, members=members, r=r))
    for row in found.itertuples():
        name = getattr(row, "name", "") or ""
        kind = getattr(row, args.category, "") if args.category in found.columns else ""
        cap = getattr(row, "kapazitaet", None)
        places = "" if is_missing(cap) else f", {format_number(cap, 0, L)} Plätze"
        print(
            f"  {format_number(row.entfernung_m, 0, L):>7} m  {kind}: {name} ({row.thema}; für {row.fuer}{places})"
        )
    if args.out:
        out = found.drop(columns="geometry")
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        out.to_csv(args.out, sep=";", index=False, decimal=",")
    return 0


def cmd_regions(args: argparse.Namespace) -> int:
    """``sozialraum regionen``: the run's inputs, monitor and region sets."""
    from sozialraum.core.doors import using_door
    from sozialraum.core.numbers import format_number
    from sozialraum.pipeline.config import load_config
    from sozialraum.pipeline.outputs_regions import region_frames
    from sozialraum.pipeline.run import RunState, compute_all_rates, compute_monitor, load_inputs
    from sozialraum.pipeline.steps_regions import compute_regions

    L = args.lang
    with using_door("config"):
        cfg = load_config(args.config, lang=L)
        state = RunState(config=cfg, lang=L)
        for step in (load_inputs, compute_all_rates, compute_monitor, compute_regions):
            state = step(state)
    from sozialraum.pipeline.config import territory_of

    terr = territory_of(cfg, L)
    names = state.topics["regionen"]["names"]
    ref = None
    for name, res in state.regions.items():
        title = terr.middle.title(L, plural=True) if name == "__gemeinden__" else name
        print(t(_MSG, "head_set", L, name=title))
        fr = res.rollup.frame
        idx = res.index.frame if res.index is not None else None
        ref = res.index.reference if res.index is not None else ref
        for key in fr.index:
            region = (
                fr.at[key, "region_name"] if "region_name" in fr.columns else names.get(key, key)
            )
            v = idx.at[key, "idx_gesamt"] if idx is not None else None
            cls = (
                idx.at[key, "idx_gesamt_klasse"]
                if idx is not None and "idx_gesamt_klasse" in idx
                else "–"
            )
            print(
                t(
                    _MSG,
                    "line_region",
                    L,
                    region=region,
                    n=terr.bottom.count(int(fr.at[key, "n_gebiete"]), L),
                    pop=format_number(fr.at[key, "ew_ges"], 0, L) if "ew_ges" in fr else "–",
                    idx=format_number(v, 2, L, sign=True),
                    cls=cls,
                )
            )
    if ref:
        print(t(_MSG, "ref", L, ref=ref))
    if args.out:
        import geopandas as gpd

        from sozialraum.core.text import slugify
        from sozialraum.io import write_gpkg

        for name, (fr, st) in region_frames(state).items():
            if isinstance(fr, gpd.GeoDataFrame):
                write_gpkg(fr, args.out, layer=slugify(name), status=st)
    return 0


HANDLERS = {"regionen": cmd_regions, "angebote-finden": cmd_find}
