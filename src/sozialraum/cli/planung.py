"""The planning cycle on the command line.

* ``sozialraum empfehlungen vorlage GPKG --out vorlage.xlsx`` — the Excel template:
  one row per area (and municipality), its key figures as the chosen release level
  may show them, empty columns for recommendations and target agreements;
* ``sozialraum empfehlungen einlesen DATEI --gebiete GPKG`` — read a filled template
  (or Markdown) back, checked; optionally into the atlas (a new revision) and as HTML;
* ``sozialraum prioritaet GPKG`` — the Förderkulisse of a results GeoPackage
  (``intern/ergebnisse.gpkg``): selection, allocation key, reasons, sensitivity.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sozialraum._i18n import t

__all__ = ["add_parsers", "HANDLERS"]

_MSG = {
    "empf": {
        "de": "Handlungsempfehlungen: Excel-Vorlage schreiben oder ausgefüllte Datei einlesen",
        "en": "recommendations: write the Excel template or read a filled file",
    },
    "vorlage": {
        "de": "Excel-Vorlage mit Gebieten, Kennzahlen und leeren Textspalten",
        "en": "Excel template with areas, key figures and empty text columns",
    },
    "einlesen": {
        "de": "ausgefüllte Vorlage (.xlsx) oder Markdown (.md) einlesen und prüfen",
        "en": "read and check a filled template (.xlsx) or Markdown (.md)",
    },
    "prio": {
        "de": "Förderkulisse: Gebiete nach Regeln auswählen, Verteilschlüssel, Empfindlichkeit",
        "en": "priority areas: select by rules, allocation key, sensitivity",
    },
    "gpkg": {"de": "GeoPackage mit den Ergebnissen", "en": "GeoPackage with the results"},
    "layer": {"de": "Ebene der Gebiete", "en": "layer of the areas"},
    "glayer": {
        "de": "Ebene der Gemeinden (optional)",
        "en": "layer of the municipalities (optional)",
    },
    "key": {"de": "Schlüsselspalte der Gebiete", "en": "key column of the areas"},
    "gkey": {"de": "Schlüsselspalte der Gemeinden", "en": "key column of the municipalities"},
    "name": {"de": "Namensspalte der Gebiete", "en": "name column of the areas"},
    "gname": {"de": "Namensspalte der Gemeinden", "en": "name column of the municipalities"},
    "level": {
        "de": "Freigabestufe der Kennzahlen (geheime Werte bleiben außerhalb von intern leer)",
        "en": "release level of the figures (secret values stay empty outside intern)",
    },
    "figures": {"de": "Kennzahlen (Spalten)", "en": "key figures (columns)"},
    "catalogue": {
        "de": "Indikatorenkatalog (TOML) für die Überschriften",
        "en": "catalogue (TOML) for headers",
    },
    "out_xlsx": {"de": "Ausgabe (.xlsx)", "en": "output (.xlsx)"},
    "file": {"de": "ausgefüllte Vorlage oder Markdown", "en": "filled template or Markdown"},
    "atlas": {
        "de": "Atlas-Datenbank: als neue Fassung speichern",
        "en": "atlas database: store as a new revision",
    },
    "out_html": {"de": "HTML-Datei mit allen Texten", "en": "HTML file with all texts"},
    "regions": {
        "de": "monitor.toml, deren Regionen ([[regionen]]: Ämter, LEADER-Regionen …) als "
        "weitere Ebenen gelten",
        "en": "monitor.toml whose region sets ([[regionen]]: Ämter, LEADER regions …) are "
        "further levels",
    },
    "classes": {
        "de": "Statusklassen der Förderkulisse",
        "en": "status classes of the priority areas",
    },
    "deficit": {"de": "Defizitspalte", "en": "deficit column"},
    "threshold": {"de": "Schwelle der Defizitspalte", "en": "threshold of the deficit column"},
    "low": {
        "de": "Defizit sind Werte bis zur Schwelle",
        "en": "values up to the threshold are a deficit",
    },
    "und": {
        "de": "Statusklasse und Defizit müssen zutreffen",
        "en": "both status class and deficit",
    },
    "sure": {"de": "Mindestsicherheit der Spalte <defizit>_sicherheit", "en": "minimum certainty"},
    "minpop": {"de": "Mindesteinwohner", "en": "minimum population"},
    "pop": {"de": "Einwohnerspalte", "en": "population column"},
    "budget": {"de": "zu verteilender Betrag", "en": "amount to allocate"},
    "read": {
        "de": "{n} Texte für {k} Gebiete/Gemeinden aus {file} gelesen.",
        "en": "{n} texts for {k} areas/municipalities read from {file}.",
    },
    "stored": {
        "de": "Im Atlas als Fassung {rev} gespeichert.",
        "en": "stored in the atlas as revision {rev}.",
    },
    "written": {"de": "Geschrieben: {path}", "en": "written: {path}"},
    "selected": {
        "de": "Förderkulisse: {n} Gebiete; Prüffälle (unter der Mindestgröße): {m}.",
        "en": "priority areas: {n}; to be reviewed (below the minimum size): {m}.",
    },
}


def _read_layers(args):
    """Areas (and municipalities) of a GeoPackage, with their status frames."""
    from sozialraum.io import read_areas, split_status_columns

    def one(layer, key, name):
        f = read_areas(args.gpkg, layer=layer, key=key, lang=args.lang)
        values, status = split_status_columns(f.drop(columns="geometry"))
        values = values.rename(columns={name: "name"}) if name in values.columns else values
        if "name" not in values.columns:
            values["name"] = values.index.astype(str)
        return values, status

    tables = {}
    if args.gemeinden_ebene:
        tables["gemeinde"] = one(args.gemeinden_ebene, args.gemeinde_schluessel, args.gemeinde_name)
    tables["sozialraum"] = one(args.ebene, args.schluessel, args.name)
    tables.update(_region_tables(args))
    return tables


def _region_tables(args) -> dict:
    """A table (names, no figures) per region set of ``--regionen`` (the run's own reading)."""
    if not getattr(args, "regionen", None):
        return {}
    import pandas as pd

    from sozialraum.pipeline.config import load_config
    from sozialraum.pipeline.steps_regions import region_set_of

    out = {}
    for entry in load_config(args.regionen, lang=args.lang).get("regionen") or []:
        rs = region_set_of(entry, args.lang)
        keys = [str(r) for r in rs.regions]
        out[rs.name] = (pd.DataFrame({"name": [rs.region_name(k) for k in keys]}, index=keys), None)
    return out


def _unit_words(tables) -> dict[str, str]:
    """``Ebene`` words: Sozialraum, Gemeinde and each region set by its name."""
    words = {"sozialraum": "Sozialraum", "gemeinde": "Gemeinde"}
    return {**words, **{u: u for u in tables if u not in words}}


def _add_layer_args(p, L: str) -> None:
    p.add_argument(
        "--ebene", "--layer", dest="ebene", default="sozialraeume", help=t(_MSG, "layer", L)
    )
    p.add_argument(
        "--schluessel", "--key", dest="schluessel", default="sr_id", help=t(_MSG, "key", L)
    )
    p.add_argument("--name", default="sr_name", help=t(_MSG, "name", L))
    p.add_argument(
        "--gemeinden-ebene", dest="gemeinden_ebene", default=None, help=t(_MSG, "glayer", L)
    )
    p.add_argument(
        "--gemeinde-schluessel", dest="gemeinde_schluessel", default="ags", help=t(_MSG, "gkey", L)
    )
    p.add_argument(
        "--gemeinde-name", dest="gemeinde_name", default="gemeinde", help=t(_MSG, "gname", L)
    )
    p.add_argument("--regionen", "--regions", dest="regionen", help=t(_MSG, "regions", L))


def add_parsers(sub, L: str) -> None:
    """Add ``empfehlungen`` and ``prioritaet``."""
    e = sub.add_parser("empfehlungen", help=t(_MSG, "empf", L), description=t(_MSG, "empf", L))
    esub = e.add_subparsers(dest="empf_command", required=True)
    v = esub.add_parser("vorlage", help=t(_MSG, "vorlage", L), description=t(_MSG, "vorlage", L))
    v.add_argument("gpkg", help=t(_MSG, "gpkg", L))
    _add_layer_args(v, L)
    v.add_argument(
        "--stufe",
        "--level",
        dest="stufe",
        default="oeffentlich",
        choices=["oeffentlich", "kommunal", "intern"],
        help=t(_MSG, "level", L),
    )
    v.add_argument(
        "--kennzahlen", "--figures", dest="kennzahlen", action="append", help=t(_MSG, "figures", L)
    )
    v.add_argument("--katalog", "--catalogue", dest="katalog", help=t(_MSG, "catalogue", L))
    v.add_argument("--out", required=True, help=t(_MSG, "out_xlsx", L))
    r = esub.add_parser("einlesen", help=t(_MSG, "einlesen", L), description=t(_MSG, "einlesen", L))
    r.add_argument("datei", help=t(_MSG, "file", L))
    r.add_argument("--gebiete", "--areas", dest="gpkg", required=True, help=t(_MSG, "gpkg", L))
    _add_layer_args(r, L)
    r.add_argument("--atlas", help=t(_MSG, "atlas", L))
    r.add_argument("--out", help=t(_MSG, "out_html", L))

    p = sub.add_parser("prioritaet", help=t(_MSG, "prio", L), description=t(_MSG, "prio", L))
    p.add_argument("gpkg", help=t(_MSG, "gpkg", L))
    p.add_argument(
        "--ebene", "--layer", dest="ebene", default="sozialraeume", help=t(_MSG, "layer", L)
    )
    p.add_argument(
        "--schluessel", "--key", dest="schluessel", default="sr_id", help=t(_MSG, "key", L)
    )
    p.add_argument("--name", default="sr_name", help=t(_MSG, "name", L))
    p.add_argument("--statusklassen", action="append", help=t(_MSG, "classes", L))
    p.add_argument("--defizit", help=t(_MSG, "deficit", L))
    p.add_argument("--schwelle", type=float, help=t(_MSG, "threshold", L))
    p.add_argument("--niedrig", action="store_true", help=t(_MSG, "low", L))
    p.add_argument("--und", action="store_true", help=t(_MSG, "und", L))
    p.add_argument("--mindest-sicherheit", dest="sicherheit", type=float, help=t(_MSG, "sure", L))
    p.add_argument(
        "--mindest-einwohner", dest="mindest", type=float, default=0, help=t(_MSG, "minpop", L)
    )
    p.add_argument("--bevoelkerung", default="ew_ges", help=t(_MSG, "pop", L))
    p.add_argument("--budget", type=float, help=t(_MSG, "budget", L))
    p.add_argument("--out", help=t(_MSG, "out_xlsx", L))


def _labels(args, figures):
    if not args.katalog:
        return {}
    from sozialraum.io import read_catalogue

    lab = read_catalogue(args.katalog, lang=args.lang).labels(args.lang)
    return {c: lab[c] for c in figures if c in lab}


def _cmd_vorlage(args) -> int:
    from sozialraum.planning.recommendations import write_template

    tables = _read_layers(args)
    figures = [c for x in (args.kennzahlen or ["ew_ges,status_klasse"]) for c in x.split(",") if c]
    words = _unit_words(tables)
    p = write_template(
        args.out,
        tables,
        figures=figures,
        level=args.stufe,
        labels=_labels(args, figures),
        unit_labels=words if args.lang == "de" else None,
        lang=args.lang,
    )
    print(t(_MSG, "written", args.lang, path=p))
    return 0


def _cmd_einlesen(args) -> int:
    from sozialraum.planning.recommendations import read_recommendations, render_html

    tables = _read_layers(args)
    units = {u: list(v.index) for u, (v, _s) in tables.items()}
    words = _unit_words(tables)
    recs = read_recommendations(args.datei, units, labels=words, lang=args.lang)
    n_keys = len(recs.frame[["ebene", "schluessel"]].drop_duplicates())
    print(t(_MSG, "read", args.lang, n=len(recs), k=n_keys, file=Path(args.datei).name))
    if args.atlas:
        from sozialraum.atlas import Atlas

        with Atlas.open(args.atlas, lang=args.lang) as atlas:
            print(t(_MSG, "stored", args.lang, rev=atlas.add_recommendations(recs)))
    if args.out:
        names = {u: v["name"].astype(str).to_dict() for u, (v, _s) in tables.items()}
        html = render_html(recs, names, words, Path(args.datei).stem, args.lang)
        Path(args.out).write_text(html, encoding="utf-8")
        print(t(_MSG, "written", args.lang, path=args.out))
    return 0


def _cmd_prioritaet(args) -> int:
    import geopandas as gpd

    from sozialraum.planning.priority import PriorityRules, select_priority_areas

    frame = gpd.read_file(args.gpkg, layer=args.ebene, engine="pyogrio")
    frame = frame.set_index(frame[args.schluessel].astype(str)).drop(columns="geometry")
    rules = PriorityRules(
        status_classes=tuple(args.statusklassen or ())
        if args.statusklassen or not args.defizit
        else (),
        deficit_column=args.defizit,
        deficit_threshold=args.schwelle,
        deficit_above=not args.niedrig,
        combine="und" if args.und else "oder",
        min_certainty=args.sicherheit,
        min_population=args.mindest,
        population_column=args.bevoelkerung,
        budget=args.budget,
    )
    if not rules.status_classes and not rules.deficit_column:
        rules = PriorityRules(
            min_population=args.mindest, population_column=args.bevoelkerung, budget=args.budget
        )
    res = select_priority_areas(frame, rules, lang=args.lang)
    print(t(_MSG, "selected", args.lang, n=len(res.selected), m=len(res.flagged)))
    names = frame[args.name].astype(str) if args.name in frame.columns else frame.index.to_series()
    for k in res.selected:
        print(f"  {names[k]} ({k}): {res.frame.at[k, 'prio_gruende']}")
    if args.out:
        from sozialraum.io import write_excel

        main = res.frame.copy()
        main.insert(0, "name", names.reindex(main.index))
        sens = res.sensitivity.copy()
        for c in ("neu", "heraus"):
            sens[c] = [", ".join(v) for v in sens[c]]
        write_excel({"Förderkulisse": main, "Empfindlichkeit": sens}, args.out)
        print(t(_MSG, "written", args.lang, path=args.out))
    return 0


def _cmd_empfehlungen(args) -> int:
    return {"vorlage": _cmd_vorlage, "einlesen": _cmd_einlesen}[args.empf_command](args)


def _door(fn):
    def run(args: argparse.Namespace) -> int:
        from sozialraum.core.doors import using_door

        with using_door("cli"):
            return fn(args)

    return run


HANDLERS = {"empfehlungen": _door(_cmd_empfehlungen), "prioritaet": _door(_cmd_prioritaet)}
