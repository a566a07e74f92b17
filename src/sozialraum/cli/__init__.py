"""The ``sozialraum`` command line.

A thin translator: it parses options, calls the library and prints what a
planner needs to read. Exit codes: 0 success, 1 a data problem (the message says
what and where), 2 a usage error (argparse).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from sozialraum import __version__
from sozialraum._i18n import get_lang, t
from sozialraum.atlas import cli as atlas_cli
from sozialraum.cli import kita as kita_cli
from sozialraum.cli import planung as planung_cli
from sozialraum.cli import regions as regions_cli
from sozialraum.cli import steps as step_cli
from sozialraum.cli import website as website_cli
from sozialraum.errors import SozialraumError, SozialraumWarning

__all__ = ["main", "build_parser"]

_MSG = {
    "description": {
        "de": "sozialraum – Sozialraummonitoring für Landkreise und Städte.",
        "en": "sozialraum — small-area social monitoring for districts and cities.",
    },
    "lang": {"de": "Sprache der Ausgaben (de, en)", "en": "language of the output (de, en)"},
    "version": {"de": "Version anzeigen und beenden", "en": "show the version and exit"},
    "demo": {
        "de": "Beispielauswertung für den Landkreis Musterland erzeugen",
        "en": "run the example analysis of the district Musterland",
    },
    "out": {
        "de": "Ausgabeordner (Standard: {default})",
        "en": "output folder (default: {default})",
    },
    "join": {
        "de": "Tabelle mit Gebieten verknüpfen und Verknüpfungsbericht ausgeben",
        "en": "join a table to areas and print the join report",
    },
    "areas": {
        "de": "Gebietsdatei (GeoPackage, Shapefile, GeoJSON)",
        "en": "area file (GeoPackage, Shapefile, GeoJSON)",
    },
    "table": {
        "de": "Indikatortabelle(n) (CSV oder XLSX), z. B. Statistikamt und Jobcenter",
        "en": "indicator table(s) (CSV or XLSX), e.g. statistics office and job centre",
    },
    "key": {"de": "Schlüsselspalte der Gebiete", "en": "key column of the areas"},
    "layer": {"de": "Ebene der Gebietsdatei", "en": "layer of the area file"},
    "name": {
        "de": "Namensspalte der Gebiete (für den Namensvergleich)",
        "en": "name column of the areas (to compare names)",
    },
    "table_key": {
        "de": "Schlüsselspalte der Tabelle (sonst erkannt)",
        "en": "key column of the table (else detected)",
    },
    "sheet": {"de": "Tabellenblatt (Name oder Nummer ab 0)", "en": "sheet (name or number from 0)"},
    "symbols": {
        "de": "Zeichen für fehlende Werte, Zeichen=Status (z. B. k.A.=fehlt); mehrfach möglich",
        "en": "symbols for missing values, symbol=status (e.g. k.A.=fehlt); may be repeated",
    },
    "header_row": {
        "de": "Zeile der Kopfzeile, wie die Tabellenkalkulation sie zählt (sonst erkannt)",
        "en": "row of the header as the spreadsheet counts it (else detected)",
    },
    "encoding": {
        "de": "Zeichenkodierung der CSV-Datei, z. B. cp1252 (sonst erkannt)",
        "en": "encoding of the CSV file, e.g. cp1252 (else detected)",
    },
    "year": {
        "de": "Jahr (bei Tabellen mit mehreren Jahren)",
        "en": "year (for tables with several years)",
    },
    "catalogue": {
        "de": "Indikatorenkatalog (TOML): Spaltenköpfe → Variablen",
        "en": "indicator catalogue (TOML): headers → variables",
    },
    "strict": {
        "de": "bei jeder Abweichung abbrechen (Exit-Code 1)",
        "en": "stop on any mismatch (exit code 1)",
    },
    "out_gpkg": {
        "de": "Ergebnis als GeoPackage schreiben",
        "en": "write the result as a GeoPackage",
    },
    "error": {"de": "Fehler: {msg}", "en": "Error: {msg}"},
    "warning": {"de": "Hinweis: {msg}", "en": "Note: {msg}"},
    "written": {"de": "Geschrieben: {path}", "en": "Written: {path}"},
    "run": {
        "de": "Monitoring-Lauf aus einer Konfigurationsdatei (monitor.toml) ausführen",
        "en": "run the monitoring from a configuration file (monitor.toml)",
    },
    "config": {"de": "Konfigurationsdatei (TOML)", "en": "configuration file (TOML)"},
    "ohne": {
        "de": "Ausgabeschritt auslassen (mehrfach oder mit Komma): pdf, steckbriefe, webkarte, "
        "sozialbericht, excel, pakete",
        "en": "leave an output step out (repeat or comma list): pdf, steckbriefe, webkarte, "
        "sozialbericht, excel, pakete",
    },
    "nur": {
        "de": "nur diese Ausgabeschritte (z. B. --nur webkarte); Ergebnistabellen, Manifest und "
        "Protokoll immer",
        "en": "only these output steps (e.g. --only webkarte); result tables, manifest and log "
        "always",
    },
    "run_out": {
        "de": "Ausgabeordner (Standard: {default})",
        "en": "output folder (default: {default})",
    },
    "check_only": {
        "de": "nur die Konfiguration und die Eingangsdateien prüfen, nichts berechnen",
        "en": "only check the configuration and the input files, compute nothing",
    },
    "wait": {
        "de": "Sekunden warten, wenn ein anderer Lauf gerade in denselben Ausgabeordner schreibt "
        "(Standard 0: sofort abbrechen)",
        "en": "seconds to wait when another run is writing into the same output folder "
        "(default 0: refuse at once)",
    },
    "check": {
        "de": "Konfiguration und alle Eingangsdateien prüfen: alle Probleme auf einmal, je mit "
        "Abhilfe (Exit-Code 1 bei Fehlern)",
        "en": "check the configuration and every input file: all problems at once, each with "
        "its fix (exit code 1 on errors)",
    },
    "init": {
        "de": "kommentierte Vorlage einer Konfigurationsdatei schreiben",
        "en": "write a commented template configuration file",
    },
    "init_path": {
        "de": "Zieldatei (Standard: monitor.toml)",
        "en": "target file (default: monitor.toml)",
    },
    "exists": {
        "de": "{path} gibt es schon; mit --force überschreiben.",
        "en": "{path} exists already; use --force to overwrite.",
    },
    "force": {"de": "vorhandene Datei überschreiben", "en": "overwrite an existing file"},
    "init_areas": {
        "de": "Gebietsdatei, aus der Schlüssel, Namen und übergeordnete Ebenen erkannt werden",
        "en": "area file to detect keys, names and parent levels from",
    },
    "init_layer": {"de": "Ebene der Planungsräume", "en": "layer of the planning areas"},
    "init_table": {
        "de": "Indikatortabelle (CSV/XLSX), mehrfach angeben; Jahre aus den Dateinamen",
        "en": "indicator table (CSV/XLSX), give several; years from the file names",
    },
    "init_folder": {
        "de": "Ordner für monitor.toml und katalog.toml (Standard: aktueller Ordner)",
        "en": "folder for monitor.toml and katalog.toml (default: current folder)",
    },
    "init_notes": {
        "de": "Bitte vor dem ersten Lauf prüfen:",
        "en": "Please check before the first run:",
    },
}


def _lang_from_argv(argv: Sequence[str]) -> str:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return get_lang(argv[i + 1])
        if a.startswith("--lang="):
            return get_lang(a.split("=", 1)[1])
    return get_lang(None)


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, with help texts in ``lang``."""
    L = get_lang(lang)
    p = argparse.ArgumentParser(prog="sozialraum", description=t(_MSG, "description", L))
    p.add_argument(
        "--version",
        action="version",
        version=f"sozialraum {__version__}",
        help=t(_MSG, "version", L),
    )
    p.add_argument("--lang", choices=["de", "en"], default=L, help=t(_MSG, "lang", L))
    sub = p.add_subparsers(dest="command", metavar="BEFEHL" if L == "de" else "COMMAND")

    d = sub.add_parser("demo", help=t(_MSG, "demo", L), description=t(_MSG, "demo", L))
    d.add_argument("--out", default="out/demo", help=t(_MSG, "out", L, default="out/demo"))

    r = sub.add_parser("run", help=t(_MSG, "run", L), description=t(_MSG, "run", L))
    r.add_argument("config", help=t(_MSG, "config", L))
    r.add_argument("--out", default="out/run", help=t(_MSG, "run_out", L, default="out/run"))
    r.add_argument("--check", action="store_true", help=t(_MSG, "check_only", L))
    r.add_argument(
        "--warten", "--wait", dest="wait", type=float, default=0.0, help=t(_MSG, "wait", L)
    )
    r.add_argument(
        "--ohne",
        "--without",
        dest="ohne",
        action="append",
        metavar="SCHRITT" if L == "de" else "STEP",
        help=t(_MSG, "ohne", L),
    )
    r.add_argument(
        "--nur",
        "--only",
        dest="nur",
        action="append",
        metavar="SCHRITT" if L == "de" else "STEP",
        help=t(_MSG, "nur", L),
    )

    _add_check_parser(sub, L)

    i = sub.add_parser("init", help=t(_MSG, "init", L), description=t(_MSG, "init", L))
    i.add_argument("path", nargs="?", default="monitor.toml", help=t(_MSG, "init_path", L))
    i.add_argument("--force", action="store_true", help=t(_MSG, "force", L))
    i.add_argument("--gebiete", "--areas", dest="areas", help=t(_MSG, "init_areas", L))
    i.add_argument("--ebene", "--layer", dest="layer", help=t(_MSG, "init_layer", L))
    i.add_argument(
        "--tabelle", "--table", dest="tables", action="append", help=t(_MSG, "init_table", L)
    )
    i.add_argument("--ordner", "--folder", dest="folder", help=t(_MSG, "init_folder", L))

    atlas_cli.add_parser(sub, L)
    step_cli.add_parsers(sub, L)
    website_cli.add_parser(sub, L)
    planung_cli.add_parsers(sub, L)
    regions_cli.add_parsers(sub, L)
    kita_cli.add_parsers(sub, L)

    j = sub.add_parser("join", help=t(_MSG, "join", L), description=t(_MSG, "join", L))
    j.add_argument("areas", help=t(_MSG, "areas", L))
    j.add_argument("table", nargs="+", help=t(_MSG, "table", L))
    j.add_argument("--key", required=True, help=t(_MSG, "key", L))
    j.add_argument("--layer", help=t(_MSG, "layer", L))
    j.add_argument("--name", help=t(_MSG, "name", L))
    j.add_argument("--table-key", help=t(_MSG, "table_key", L))
    j.add_argument("--sheet", help=t(_MSG, "sheet", L))
    j.add_argument("--header-row", type=int, help=t(_MSG, "header_row", L))
    j.add_argument("--encoding", help=t(_MSG, "encoding", L))
    j.add_argument("--symbols", action="append", help=t(_MSG, "symbols", L))
    j.add_argument("--year", type=int, help=t(_MSG, "year", L))
    j.add_argument("--catalogue", "--katalog", dest="catalogue", help=t(_MSG, "catalogue", L))
    j.add_argument("--strict", action="store_true", help=t(_MSG, "strict", L))
    j.add_argument("--out", help=t(_MSG, "out_gpkg", L))
    return p


def _cmd_join(args: argparse.Namespace) -> int:
    """Join one or more tables; the sheet applies to the Excel tables (as in the QGIS tool)."""
    from sozialraum.core.doors import using_door

    with using_door("cli"):  # messages name --table-key, --symbols … instead of Python keywords
        return _join(args)


def _join(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sozialraum.io import read_areas, read_catalogue, write_gpkg

    # read_table's signature; columns not in the catalogue: the one rule of apply_catalogue
    from sozialraum.io.catalogue import read_catalogued_table as read_table
    from sozialraum.io.symbols import parse_symbols
    from sozialraum.join import join_tables

    areas = read_areas(args.areas, key=args.key, layer=args.layer, name=args.name, lang=args.lang)
    sheet: str | int | None = args.sheet
    if isinstance(sheet, str) and sheet.isdigit():
        sheet = int(sheet)
    columns = read_catalogue(args.catalogue, lang=args.lang) if args.catalogue else None
    symbols = parse_symbols(args.symbols, lang=args.lang)
    tables = [
        read_table(
            path,
            key=args.table_key,
            sheet=sheet if Path(path).suffix.lower() in (".xlsx", ".xlsm") else None,
            columns=columns,
            year=args.year,
            header_row=args.header_row,
            encoding=args.encoding,
            symbols=symbols,
            lang=args.lang,
        )
        for path in args.table
    ]
    res = join_tables(
        areas, tables, year=args.year, strict=args.strict, area_names=args.name, lang=args.lang
    )
    print("\n\n".join(r.to_text(args.lang) for r in res.report))
    if args.out:
        write_gpkg(res.frame, args.out, layer="verknuepft", status=res.status, append_layer=False)
        print(t(_MSG, "written", args.lang, path=args.out))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from sozialraum.core.doors import using_door
    from sozialraum.pipeline.config import load_config
    from sozialraum.pipeline.run import run
    from sozialraum.pipeline.timing import process_started

    if args.check:
        return _cmd_check(args)
    started = process_started()  # the start-up's own line in the step table
    with using_door("config"):  # messages name monitor.toml keys
        cfg = load_config(args.config, lang=args.lang)
        result = run(
            cfg,
            args.out,
            lang=args.lang,
            echo=print,
            wait=args.wait,
            skip=getattr(args, "ohne", None),
            only=getattr(args, "nur", None),
            started=started,
        )
    print(result.summary(args.lang))
    return 0


def _add_check_parser(sub, L: str) -> None:
    """``sozialraum check monitor.toml``."""
    c = sub.add_parser("check", help=t(_MSG, "check", L), description=t(_MSG, "check", L))
    c.add_argument("config", help=t(_MSG, "config", L))


def _cmd_check(args: argparse.Namespace) -> int:
    """All problems of a configuration and its inputs (``check`` and ``run --check``)."""
    from sozialraum.core.doors import using_door
    from sozialraum.pipeline.check import check_config

    with using_door("config"):
        report = check_config(args.config, lang=args.lang)
    print(report.to_text(args.lang))
    return 0 if report.ok else 1


def _cmd_init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sozialraum.pipeline.config import template

    if args.areas or args.tables:
        return _cmd_init_from_files(args)
    path = Path(args.path)
    if path.exists() and not args.force:
        print(
            t(_MSG, "error", args.lang, msg=t(_MSG, "exists", args.lang, path=path)),
            file=sys.stderr,
        )
        return 1
    path.write_text(template(args.lang), encoding="utf-8")
    print(t(_MSG, "written", args.lang, path=path))
    return 0


def _cmd_init_from_files(args: argparse.Namespace) -> int:
    """``init --gebiete … --tabelle …``: a commented config guessed from the user's files."""
    from pathlib import Path

    from sozialraum.core.doors import using_door
    from sozialraum.pipeline.init import propose_config, write_proposal

    folder = Path(args.folder or (Path(args.path).parent if args.path != "monitor.toml" else "."))
    with using_door("cli"):
        proposal = propose_config(args.areas or "", args.tables or [], args.lang, layer=args.layer)
        written = write_proposal(proposal, folder, force=args.force, lang=args.lang)
    for path in written:
        print(t(_MSG, "written", args.lang, path=path))
    if proposal.notes:
        print(t(_MSG, "init_notes", args.lang))
        for note in proposal.notes:
            print(f"  - {note}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from sozialraum.pipeline.demo import run_demo

    result = run_demo(args.out, lang=args.lang, echo=print)
    print(result.summary(args.lang))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sozialraum`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _lang_from_argv(argv)
    parser = build_parser(lang)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    handlers = {
        "join": _cmd_join,
        "demo": _cmd_demo,
        "run": _cmd_run,
        "check": _cmd_check,
        "init": _cmd_init,
        "atlas": atlas_cli.run,
        "site": website_cli.run,
        "webseite": website_cli.run,
        **step_cli.HANDLERS,
        **planung_cli.HANDLERS,
        **regions_cli.HANDLERS,
        **kita_cli.HANDLERS,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("always", SozialraumWarning)
        warnings.showwarning = _show_warning(args.lang)
        try:
            return handlers[args.command](args)
        except SozialraumError as err:
            print(t(_MSG, "error", args.lang, msg=err), file=sys.stderr)
            return 1


def _show_warning(lang: str):
    """Print each distinct warning once (a repeated data note is noise, not news)."""
    seen: set[tuple[type, str]] = set()

    def show(message, category, filename, lineno, file=None, line=None):  # noqa: ARG001
        if (category, str(message)) in seen:
            return
        seen.add((category, str(message)))
        if issubclass(category, SozialraumWarning):
            print(t(_MSG, "warning", lang, msg=message), file=sys.stderr)
        else:
            print(f"{category.__name__}: {message}", file=sys.stderr)

    return show
