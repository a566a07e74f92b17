"""``sozialraum atlas import|export|query|measures`` — the atlas on the command line.

Wired into :mod:`sozialraum.cli` with ``add_parser(subparsers, lang)`` and the handler
``run(args) -> int``. The atlas is a ``.gpkg`` path or a ``postgresql://`` URL
(credentials from the environment or ``~/.pgpass``, never in a file of the project).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.spreadsheet import neutralise_frame
from sozialraum.errors import InputError, SozialraumError, format_ids

__all__ = ["add_parser", "run"]

_MSG = {
    "atlas": {
        "de": "Sozialstrukturatlas (GeoPackage oder PostGIS): einlesen, ausgeben, abfragen, Maßnahmen",
        "en": "Sozialstrukturatlas (GeoPackage or PostGIS): import, export, query, measures",
    },
    "target": {
        "de": "Atlas: .gpkg-Datei oder postgresql://…-Adresse (Zugangsdaten aus Umgebung/.pgpass)",
        "en": "atlas: .gpkg file or postgresql://… URL (credentials from environment/.pgpass)",
    },
    "import": {
        "de": "Gebiete, Katalog, Tabellen oder Einrichtungen in den Atlas einlesen",
        "en": "import areas, catalogue, tables or facilities into the atlas",
    },
    "tables": {
        "de": "Indikatortabellen (CSV/XLSX), je eine Lieferung",
        "en": "indicator tables (CSV/XLSX), one batch each",
    },
    "year": {"de": "Jahr der Tabelle(n)", "en": "year of the table(s)"},
    "sheet": {"de": "Tabellenblatt (XLSX)", "en": "sheet (XLSX)"},
    "key": {
        "de": "Schlüsselspalte der Tabelle (sonst erkannt)",
        "en": "key column of the table (else detected)",
    },
    "version": {
        "de": "Gebietsstand (sonst der im Jahr gültige)",
        "en": "area version (else the one valid in the year)",
    },
    "reason": {
        "de": "Grund, mit dem eine korrigierte Datei ihre frühere Lieferung ersetzt",
        "en": "reason why a corrected file replaces its earlier batch",
    },
    "areas": {
        "de": "Gebietsdatei für einen neuen Gebietsstand",
        "en": "area file for a new area version",
    },
    "layer": {"de": "Ebene der Gebietsdatei", "en": "layer of the area file"},
    "area_key": {"de": "Schlüsselspalte der Gebiete", "en": "key column of the areas"},
    "area_name": {"de": "Namensspalte der Gebiete", "en": "name column of the areas"},
    "new_version": {
        "de": "Name des neuen Gebietsstands (z. B. sr2025)",
        "en": "name of the new area version (e.g. sr2025)",
    },
    "valid_from": {
        "de": "gültig ab (Datum JJJJ-MM-TT oder Jahr)",
        "en": "valid from (date YYYY-MM-DD or year)",
    },
    "level": {"de": "Ebene (sozialraum, gemeinde, …)", "en": "level (sozialraum, gemeinde, …)"},
    "catalogue": {
        "de": "Indikatorenkatalog (TOML/CSV/XLSX)",
        "en": "indicator catalogue (TOML/CSV/XLSX)",
    },
    "facilities": {
        "de": "Einrichtungen (Punkte, GeoPackage)",
        "en": "facilities (points, GeoPackage)",
    },
    "export": {
        "de": "Auswahl (Gebiete × Indikatoren × Jahre) als GeoPackage oder Excel ausgeben",
        "en": "write a selection (areas × indicators × years) as GeoPackage or Excel",
    },
    "out": {"de": "Zieldatei (.gpkg oder .xlsx)", "en": "target file (.gpkg or .xlsx)"},
    "years": {"de": "Jahre (Standard: alle)", "en": "years (default: all)"},
    "columns": {
        "de": "Variablen/Indikatoren (Standard: alle)",
        "en": "variables/indicators (default: all)",
    },
    "area_ids": {"de": "Gebietsschlüssel (Standard: alle)", "en": "area keys (default: all)"},
    "query": {
        "de": "Werte, Zeitreihen, Lieferungen und Änderungen abfragen",
        "en": "query values, time series, batches and changes",
    },
    "rates": {
        "de": "Indikatoren (Quoten) statt Rohzahlen",
        "en": "indicators (rates) instead of counts",
    },
    "series": {"de": "Zeitreihe dieses Gebiets", "en": "time series of this area"},
    "batches": {"de": "Lieferungen auflisten", "en": "list the batches"},
    "versions": {"de": "Gebietsstände auflisten", "en": "list the area versions"},
    "changes": {
        "de": "Änderungen zwischen zwei Lieferungen (Nummern)",
        "en": "changes between two batches (numbers)",
    },
    "csv": {
        "de": "Ergebnis als CSV schreiben (statt anzeigen)",
        "en": "write the result as CSV (instead of printing)",
    },
    "measures": {
        "de": "Maßnahmenregister anzeigen, Maßnahmen eintragen, Wirkung beschreiben",
        "en": "show the measures register, add measures, describe their effect",
    },
    "add": {
        "de": "Maßnahmen aus einer TOML-Datei eintragen ([[massnahme]]: id, name, gebiete, beginn, ziele, …)",
        "en": "add measures from a TOML file ([[massnahme]]: id, name, gebiete, beginn, ziele, …)",
    },
    "effect": {
        "de": "Wirkungssicht dieser Maßnahme (beschreibend, nicht kausal)",
        "en": "effect view of this measure (descriptive, not causal)",
    },
    "pre": {"de": "Vorher-Jahr", "en": "year before"},
    "post": {"de": "Nachher-Jahr", "en": "year after"},
    "comparison": {
        "de": "Vergleichsgebiete: all oder similar",
        "en": "comparison areas: all or similar",
    },
    "imported": {
        "de": "Lieferung {batch}: {file} – {n} Werte ({years}){extra}",
        "en": "batch {batch}: {file} — {n} values ({years}){extra}",
    },
    "without_data": {
        "de": "  Gebiete ohne Daten ({n}): {ids}",
        "en": "  areas without data ({n}): {ids}",
    },
    "noop": {
        "de": "{file}: unverändert schon als Lieferung {batch} im Atlas – nichts zu tun.",
        "en": "{file}: already in the atlas unchanged as batch {batch} — nothing to do.",
    },
    "replaced": {"de": "; ersetzt Lieferung {b}", "en": "; replaces batch {b}"},
    "version_added": {
        "de": "Gebietsstand {v}: {n} Gebiete, gültig ab {d}",
        "en": "area version {v}: {n} areas, valid from {d}",
    },
    "catalogue_set": {"de": "Katalog gespeichert: {file}", "en": "catalogue stored: {file}"},
    "facilities_added": {"de": "{n} Einrichtungen eingelesen", "en": "{n} facilities imported"},
    "written": {"de": "Geschrieben: {path}", "en": "Written: {path}"},
    "measure_added": {"de": "Maßnahme {id} eingetragen", "en": "measure {id} added"},
    "need_version": {
        "de": "--areas braucht --new-version und --valid-from.",
        "en": "--areas needs --new-version and --valid-from.",
    },
    "need_year": {"de": "Bitte --year (Jahr) angeben.", "en": "pass --year."},
    "error": {"de": "Fehler: {msg}", "en": "Error: {msg}"},
    "toml": {"de": "{file}: {err}", "en": "{file}: {err}"},
}


def add_parser(subparsers, lang: str | None = None) -> argparse.ArgumentParser:
    """Add ``atlas`` with its sub-commands to the ``sozialraum`` parser."""
    L = get_lang(lang)
    p = subparsers.add_parser("atlas", help=t(_MSG, "atlas", L), description=t(_MSG, "atlas", L))
    sub = p.add_subparsers(dest="atlas_command", metavar="BEFEHL" if L == "de" else "COMMAND")
    sub.required = True

    i = sub.add_parser("import", help=t(_MSG, "import", L), description=t(_MSG, "import", L))
    i.add_argument("atlas", help=t(_MSG, "target", L))
    i.add_argument("tables", nargs="*", help=t(_MSG, "tables", L))
    i.add_argument("--year", "--jahr", type=int, help=t(_MSG, "year", L))
    i.add_argument("--sheet", "--blatt", help=t(_MSG, "sheet", L))
    i.add_argument("--key", "--schluessel", help=t(_MSG, "key", L))
    i.add_argument("--version", "--stand", dest="version", help=t(_MSG, "version", L))
    i.add_argument("--reason", "--grund", help=t(_MSG, "reason", L))
    i.add_argument("--catalogue", "--katalog", dest="catalogue", help=t(_MSG, "catalogue", L))
    i.add_argument("--areas", "--gebiete", dest="areas", help=t(_MSG, "areas", L))
    i.add_argument("--layer", "--ebene", help=t(_MSG, "layer", L))
    i.add_argument(
        "--area-key", "--gebiet-schluessel", dest="area_key", help=t(_MSG, "area_key", L)
    )
    i.add_argument("--area-name", "--gebiet-name", dest="area_name", help=t(_MSG, "area_name", L))
    i.add_argument(
        "--new-version", "--neuer-stand", dest="new_version", help=t(_MSG, "new_version", L)
    )
    i.add_argument("--valid-from", "--gueltig-ab", dest="valid_from", help=t(_MSG, "valid_from", L))
    i.add_argument("--level", "--stufe", default="sozialraum", help=t(_MSG, "level", L))
    i.add_argument(
        "--facilities", "--einrichtungen", dest="facilities", help=t(_MSG, "facilities", L)
    )

    e = sub.add_parser("export", help=t(_MSG, "export", L), description=t(_MSG, "export", L))
    e.add_argument("atlas", help=t(_MSG, "target", L))
    e.add_argument("out", help=t(_MSG, "out", L))
    e.add_argument("--years", "--jahre", type=int, nargs="+", help=t(_MSG, "years", L))
    e.add_argument("--columns", "--spalten", nargs="+", help=t(_MSG, "columns", L))
    e.add_argument("--areas", "--gebiete", nargs="+", help=t(_MSG, "area_ids", L))
    e.add_argument("--version", "--stand", dest="version", help=t(_MSG, "version", L))

    q = sub.add_parser("query", help=t(_MSG, "query", L), description=t(_MSG, "query", L))
    q.add_argument("atlas", help=t(_MSG, "target", L))
    q.add_argument("--year", "--jahr", type=int, help=t(_MSG, "year", L))
    q.add_argument("--version", "--stand", dest="version", help=t(_MSG, "version", L))
    q.add_argument("--columns", "--spalten", nargs="+", help=t(_MSG, "columns", L))
    q.add_argument("--areas", "--gebiete", nargs="+", help=t(_MSG, "area_ids", L))
    q.add_argument("--rates", "--quoten", action="store_true", help=t(_MSG, "rates", L))
    q.add_argument("--series", "--zeitreihe", metavar="KEY", help=t(_MSG, "series", L))
    q.add_argument("--batches", "--lieferungen", action="store_true", help=t(_MSG, "batches", L))
    q.add_argument("--versions", "--staende", action="store_true", help=t(_MSG, "versions", L))
    q.add_argument(
        "--changes",
        "--aenderungen",
        type=int,
        nargs=2,
        metavar=("ALT", "NEU"),
        help=t(_MSG, "changes", L),
    )
    q.add_argument("--csv", help=t(_MSG, "csv", L))

    m = sub.add_parser("measures", help=t(_MSG, "measures", L), description=t(_MSG, "measures", L))
    m.add_argument("atlas", help=t(_MSG, "target", L))
    m.add_argument("--add", "--neu", dest="add", help=t(_MSG, "add", L))
    m.add_argument("--effect", "--wirkung", dest="effect", metavar="ID", help=t(_MSG, "effect", L))
    m.add_argument("--pre", "--vorher", type=int, help=t(_MSG, "pre", L))
    m.add_argument("--post", "--nachher", type=int, help=t(_MSG, "post", L))
    m.add_argument(
        "--comparison",
        "--vergleich",
        default="all",
        choices=["all", "similar"],
        help=t(_MSG, "comparison", L),
    )
    m.add_argument("--csv", help=t(_MSG, "csv", L))
    return p


def _lang(args) -> str:
    return get_lang(getattr(args, "lang", None))


def _show(frame: pd.DataFrame, args) -> None:
    if getattr(args, "csv", None):
        neutralise_frame(frame).to_csv(args.csv, sep=";", decimal=",", encoding="utf-8")
        print(t(_MSG, "written", _lang(args), path=args.csv))
    else:
        with pd.option_context(
            "display.max_rows", 500, "display.max_columns", 50, "display.width", 200
        ):
            print(frame.to_string())


def _cmd_import(atlas, args) -> int:
    L = _lang(args)
    if args.catalogue:
        atlas.set_catalogue(args.catalogue)
        print(t(_MSG, "catalogue_set", L, file=args.catalogue))
    if args.areas:
        from sozialraum.io import read_areas

        if not (args.new_version and args.valid_from):
            raise InputError(t(_MSG, "need_version", L))
        areas = read_areas(
            args.areas, layer=args.layer, key=args.area_key, name=args.area_name, lang=L
        )
        vf = int(args.valid_from) if args.valid_from.isdigit() else args.valid_from
        atlas.add_areas(
            areas, args.new_version, valid_from=vf, level=args.level, name=args.area_name
        )
        print(t(_MSG, "version_added", L, v=args.new_version, n=len(areas), d=args.valid_from))
    if args.facilities:
        import geopandas as gpd

        n = atlas.add_facilities(
            gpd.read_file(args.facilities, layer=args.layer if not args.areas else None)
        )
        print(t(_MSG, "facilities_added", L, n=n))
    for table in args.tables:
        res = atlas.import_table(
            table,
            year=args.year,
            sheet=args.sheet,
            key=args.key,
            version=args.version,
            reason=args.reason,
        )
        if not res.created:
            print(t(_MSG, "noop", L, file=table, batch=res.batch))
            continue
        extra = t(_MSG, "replaced", L, b=", ".join(map(str, res.replaced))) if res.replaced else ""
        print(
            t(
                _MSG,
                "imported",
                L,
                batch=res.batch,
                file=Path(table).name,
                n=res.n_values,
                years=", ".join(map(str, res.years)),
                extra=extra,
            )
        )
        if res.areas_without_data:
            ids = format_ids(res.areas_without_data)
            print(t(_MSG, "without_data", L, n=len(res.areas_without_data), ids=ids))
    return 0


def _cmd_export(atlas, args) -> int:
    path = atlas.export(
        args.out, years=args.years, columns=args.columns, areas=args.areas, version=args.version
    )
    print(t(_MSG, "written", _lang(args), path=path))
    return 0


def _cmd_query(atlas, args) -> int:
    L = _lang(args)
    if args.versions:
        _show(atlas.versions(), args)
        return 0
    if args.batches:
        _show(atlas.batches(), args)
        return 0
    if args.changes:
        _show(atlas.changes(*args.changes), args)
        return 0
    if args.series:
        vals, _ = atlas.time_series(
            args.series,
            version=args.version,
            variables=None if args.rates else args.columns,
            indicators=(args.columns or list(atlas.catalogue().indicators.index))
            if args.rates
            else None,
        )
        _show(vals, args)
        return 0
    if args.year is None:
        raise InputError(t(_MSG, "need_year", L))
    if args.rates:
        sel = atlas.indicators(
            args.year, version=args.version, areas=args.areas, indicators=args.columns
        )
    else:
        sel = atlas.values(
            args.year, version=args.version, areas=args.areas, variables=args.columns
        )
    from sozialraum.io import with_status_columns

    frame = with_status_columns(pd.DataFrame(sel.frame.drop(columns="geometry")), sel.status)
    _show(frame, args)
    return 0


def _cmd_measures(atlas, args) -> int:
    L = _lang(args)
    if args.add:
        try:
            with open(args.add, "rb") as fh:
                spec = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(t(_MSG, "toml", L, file=args.add, err=exc), file=args.add) from exc
        for m in spec.get("massnahme", spec.get("measure", [])):
            atlas.add_measure(
                str(m["id"]),
                m["name"],
                areas=[str(a) for a in m.get("gebiete", m.get("areas", []))],
                start=str(m.get("beginn", m.get("start"))),
                end=m.get("ende", m.get("end")),
                targets=list(m.get("ziele", m.get("targets", []))),
                theme=m.get("thema", m.get("theme", "")),
                description=m.get("beschreibung", m.get("description", "")),
            )
            print(t(_MSG, "measure_added", L, id=m["id"]))
    if args.effect:
        res = atlas.measure_effect(
            args.effect, pre=args.pre, post=args.post, comparison=args.comparison
        )
        _show(res.frame, args)
        print(res.note)
        return 0
    if not args.add:
        reg = atlas.measures()
        reg["areas"] = [", ".join(a) for a in reg["areas"]]
        reg["targets"] = [", ".join(a) for a in reg["targets"]]
        _show(reg, args)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run ``sozialraum atlas …``; exit code 0, or 1 for a data problem (message on stderr)."""
    from sozialraum.atlas.atlas import Atlas

    L = _lang(args)
    handlers = {
        "import": _cmd_import,
        "export": _cmd_export,
        "query": _cmd_query,
        "measures": _cmd_measures,
    }
    try:
        with Atlas.open(args.atlas, lang=L) as atlas:
            return handlers[args.atlas_command](atlas, args)
    except SozialraumError as err:
        print(t(_MSG, "error", L, msg=err), file=sys.stderr)
        return 1
