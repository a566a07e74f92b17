"""Single steps of the yearly run on the command line.

Each subcommand is a thin translator over the library, with the same option
names everywhere (``--ebene`` for a layer, ``--schluessel`` for the key column,
``--out`` for the output):

* ``index``   — rates, indices and classes from a GeoPackage of joined counts
  (e.g. the output of ``sozialraum join``) and the catalogue; ``--sicherheit`` adds
  the certainty of the classes (:func:`sozialraum.monitor.certainty`);
* ``lisa``    — LISA and Gi* for one column of a GeoPackage layer;
* ``access``  — nearest facility / 2SFCA / Bestand–Bedarf for areas and facilities;
* ``map``     — an offline web map of columns of a GeoPackage layer;
* ``demografie`` — population projection per area with scenarios and control totals
  (:mod:`sozialraum.cli.demografie`);
* ``pflege``  — people in need of care today and in target years, places and deficit
  per form of care (:mod:`sozialraum.cli.pflege`);
* ``report``  — Steckbriefe and Sozialbericht of a run configuration;
* ``publish`` — the release packages of a run configuration, or ``--check`` of a
  package folder against the internal results.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from sozialraum._i18n import t
from sozialraum.core.classify import SCHEMES as CLASS_SCHEMES

__all__ = ["add_parsers", "HANDLERS", "release_reference"]

# the classification schemes of the index: the engine's schemes without fixed breaks
# (the index step takes no breaks)
SCHEMES = tuple(s for s in CLASS_SCHEMES if s != "fixed")


def _number(text: str) -> float:
    """A number option read like every typed number (``--radius 3.000`` is 3000, not 3)."""
    from sozialraum.core.numbers import parse_number
    from sozialraum.errors import InputError

    try:
        return parse_number(text, None)
    except InputError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


_MSG = {
    "index": {
        "de": "Quoten, Indizes und Klassen berechnen (aus verknüpften Zählwerten)",
        "en": "compute rates, indices and classes (from joined counts)",
    },
    "lisa": {
        "de": "LISA-Cluster und Hot-Spots (Gi*) für eine Spalte",
        "en": "LISA clusters and hot spots (Gi*) of a column",
    },
    "access": {
        "de": "Erreichbarkeit: nächste Einrichtung, 2SFCA, Bestand–Bedarf",
        "en": "access: nearest facility, 2SFCA, supply vs need",
    },
    "map": {
        "de": "Webkarte (offline, eine HTML-Datei) aus einem GeoPackage",
        "en": "web map (offline, one HTML file) from a GeoPackage",
    },
    "report": {
        "de": "Steckbriefe und Sozialbericht eines Monitoring-Laufs",
        "en": "profiles and social report of a monitoring run",
    },
    "publish": {
        "de": "Veröffentlichungspakete schreiben oder ein Paket prüfen",
        "en": "write release packages or check a package",
    },
    "gpkg": {"de": "GeoPackage mit den Gebieten", "en": "GeoPackage with the areas"},
    "layer": {"de": "Ebene (Layer)", "en": "layer"},
    "key": {"de": "Schlüsselspalte", "en": "key column"},
    "name": {"de": "Namensspalte", "en": "name column"},
    "catalogue": {"de": "Indikatorenkatalog (TOML)", "en": "indicator catalogue (TOML)"},
    "column": {"de": "Spalte(n)", "en": "column(s)"},
    "out": {"de": "Ausgabedatei bzw. -ordner", "en": "output file or folder"},
    "seed": {"de": "Startwert der Permutationen", "en": "seed of the permutations"},
    "perm": {"de": "Anzahl Permutationen", "en": "number of permutations"},
    "alpha": {"de": "Signifikanzniveau", "en": "significance level"},
    "corr": {"de": "Korrektur für multiples Testen", "en": "multiple-testing correction"},
    "fac": {"de": "Einrichtungen (Punkte)", "en": "facilities (points)"},
    "category": {"de": "Kategorie der Einrichtungen", "en": "facility category"},
    "target": {
        "de": "Spalte(n) der Zielgruppe in den Gebieten",
        "en": "target-group column(s) of the areas",
    },
    "method": {"de": "Maß der Erreichbarkeit", "en": "access measure"},
    "radius": {"de": "Einzugsradius in Metern", "en": "catchment radius in metres"},
    "capacity": {"de": "Spalte mit der Kapazität", "en": "capacity column"},
    "config": {
        "de": "Konfigurationsdatei (monitor.toml)",
        "en": "configuration file (monitor.toml)",
    },
    "check": {
        "de": "Paketordner prüfen statt schreiben",
        "en": "check a package folder instead of writing",
    },
    "level": {
        "de": "Freigabestufe des geprüften Pakets",
        "en": "release level of the checked package",
    },
    "ags": {"de": "Gemeindeschlüssel (bei kommunal)", "en": "municipality key (for kommunal)"},
    "min_den": {
        "de": "Mindest-Nenner für verlässliche Quoten",
        "en": "minimum denominator for reliable rates",
    },
    "scheme": {"de": "Klassifizierung des Gesamtindex", "en": "classification of the index"},
    "k": {"de": "Anzahl Klassen", "en": "number of classes"},
    "certainty": {
        "de": "auch die Klassensicherheit berechnen (Status, Dynamik, Gesamtindex und jede "
        "Quote; Bootstrap aus den Fallzahlen)",
        "en": "also compute the certainty of the classes (status, dynamic, overall index and "
        "every rate; bootstrap from the counts)",
    },
    "replicates": {"de": "Bootstrap-Replikate", "en": "bootstrap replicates"},
    "written": {"de": "Geschrieben: {path}", "en": "Written: {path}"},
    "check_ok": {
        "de": "Prüfung bestanden: {path} zeigt nichts über die Stufe {level} hinaus.",
        "en": "check passed: {path} shows nothing beyond level {level}.",
    },
}


def _common_area_args(p: argparse.ArgumentParser, L: str) -> None:
    p.add_argument("gpkg", help=t(_MSG, "gpkg", L))
    p.add_argument("--ebene", "--layer", dest="layer", help=t(_MSG, "layer", L))
    p.add_argument("--schluessel", "--key", dest="key", required=True, help=t(_MSG, "key", L))
    p.add_argument("--name", help=t(_MSG, "name", L))


def add_parsers(sub, L: str) -> None:
    """Add the single-step subcommands to the main parser's subparsers."""
    p = sub.add_parser("index", help=t(_MSG, "index", L), description=t(_MSG, "index", L))
    _common_area_args(p, L)
    p.add_argument(
        "--katalog", "--catalogue", dest="catalogue", required=True, help=t(_MSG, "catalogue", L)
    )
    p.add_argument("--min-nenner", type=_number, default=300, help=t(_MSG, "min_den", L))
    p.add_argument("--schema", choices=SCHEMES, default="quantiles", help=t(_MSG, "scheme", L))
    p.add_argument("--klassen", type=int, default=5, help=t(_MSG, "k", L))
    p.add_argument("--seed", type=int, default=0, help=t(_MSG, "seed", L))
    p.add_argument("--sicherheit", action="store_true", help=t(_MSG, "certainty", L))
    p.add_argument("--replikate", type=int, default=1000, help=t(_MSG, "replicates", L))
    p.add_argument("--out", required=True, help=t(_MSG, "out", L))

    p = sub.add_parser("lisa", help=t(_MSG, "lisa", L), description=t(_MSG, "lisa", L))
    _common_area_args(p, L)
    p.add_argument("--spalte", "--column", dest="column", required=True, help=t(_MSG, "column", L))
    p.add_argument("--permutationen", type=int, default=999, help=t(_MSG, "perm", L))
    p.add_argument("--seed", type=int, default=12345, help=t(_MSG, "seed", L))
    p.add_argument("--alpha", type=_number, default=0.05, help=t(_MSG, "alpha", L))
    p.add_argument(
        "--korrektur",
        choices=["keine", "fdr", "bonferroni"],
        default="fdr",
        help=t(_MSG, "corr", L),
    )
    p.add_argument("--out", required=True, help=t(_MSG, "out", L))

    p = sub.add_parser("access", help=t(_MSG, "access", L), description=t(_MSG, "access", L))
    _common_area_args(p, L)
    p.add_argument("--einrichtungen", required=True, help=t(_MSG, "fac", L))
    p.add_argument("--kategorie", help=t(_MSG, "category", L))
    p.add_argument("--zielgruppe", nargs="+", required=True, help=t(_MSG, "target", L))
    p.add_argument(
        "--methode",
        choices=["naechste", "2sfca", "e2sfca"],
        default="naechste",
        help=t(_MSG, "method", L),
    )
    p.add_argument("--radius", type=_number, default=2000.0, help=t(_MSG, "radius", L))
    p.add_argument("--kapazitaet", default="kapazitaet", help=t(_MSG, "capacity", L))
    p.add_argument("--out", required=True, help=t(_MSG, "out", L))

    p = sub.add_parser("map", help=t(_MSG, "map", L), description=t(_MSG, "map", L))
    _common_area_args(p, L)
    p.add_argument(
        "--spalte", "--column", dest="column", nargs="+", required=True, help=t(_MSG, "column", L)
    )
    p.add_argument("--out", required=True, help=t(_MSG, "out", L))

    from sozialraum.cli.pflege import add_parser as _add_pflege

    _add_pflege(sub, L, _common_area_args, _number)

    from sozialraum.cli.demografie import add_parser as _add_demografie

    _add_demografie(sub, L, _common_area_args, _number)

    for cmd in ("report", "publish"):
        p = sub.add_parser(cmd, help=t(_MSG, cmd, L), description=t(_MSG, cmd, L))
        p.add_argument("config", help=t(_MSG, "config", L))
        p.add_argument("--out", default=f"out/{cmd}", help=t(_MSG, "out", L))
        if cmd == "publish":
            p.add_argument("--check", metavar="PAKET", help=t(_MSG, "check", L))
            p.add_argument(
                "--stufe",
                choices=["oeffentlich", "kommunal", "intern"],
                default="oeffentlich",
                help=t(_MSG, "level", L),
            )
            p.add_argument("--ags", help=t(_MSG, "ags", L))


def _areas(args):
    """The areas of the step; a monitor layer (``bewertet``) without index for areas not rated.

    The same rule as the yearly run and the QGIS tools: areas not rated never enter
    LISA/Gi*, classes or maps with an index value.
    """
    from sozialraum.io import read_areas
    from sozialraum.pipeline.run import without_unrated_index

    areas = read_areas(args.gpkg, layer=args.layer, key=args.key, name=args.name, lang=args.lang)
    if "bewertet" in areas.columns and areas["bewertet"].notna().all():
        areas["bewertet"] = areas["bewertet"].astype(bool)
        areas = without_unrated_index(areas)
    return areas


def _written(args, path) -> int:
    print(t(_MSG, "written", args.lang, path=path))
    return 0


def cmd_index(args) -> int:
    """Rates, indices and classes of the joined counts (status columns of the join respected).

    Areas not rated (too few inhabitants) keep their class "nicht bewertet" but no
    index value, as in the yearly run, so that a following ``lisa`` leaves them out.
    """
    import pandas as pd

    from sozialraum.io import read_catalogue, split_status_columns, write_gpkg
    from sozialraum.monitor import run_monitor
    from sozialraum.pipeline.run import without_unrated_index

    areas = _areas(args)
    cat = read_catalogue(args.catalogue, lang=args.lang)
    values, status = split_status_columns(areas.drop(columns="geometry"))
    variables = [v for v in cat.variables.index if v in values.columns]
    counts = values[variables].apply(pd.to_numeric, errors="coerce")
    mon = run_monitor(
        counts,
        cat,
        status=status.reindex(columns=[c for c in status.columns if c in variables]),
        min_denominator=args.min_nenner,
        scheme=args.schema,
        k=args.klassen,
        seed=args.seed,
        lang=args.lang,
    )
    rates = mon.rates  # the raw rates of the (only) year: computed once, inside the monitor
    frame = without_unrated_index(mon.frame)
    new = [c for c in rates.rates.columns if c not in areas.columns]
    out = areas.join(rates.rates[new])
    out = out.join(frame[[c for c in frame.columns if c not in out.columns]])
    if getattr(args, "sicherheit", False):
        from sozialraum.monitor import certainty

        cert = certainty(counts, cat, mon, replicates=args.replikate, lang=args.lang)
        out = out.join(cert.frame[[c for c in cert.frame.columns if c not in out.columns]])
        out = _with_indicator_certainty(out, counts, cat, rates, args)
    write_gpkg(out, args.out, layer="index", status=rates.status[new], append_layer=False)
    print("\n".join(mon.summary(args.lang)))
    return _written(args, args.out)


def _with_indicator_certainty(out, counts, cat, rates, args):
    """``<indicator>_sicherheit``: how sure each rate's class is (classes as ``--schema``/
    ``--klassen`` draw them, :func:`sozialraum.monitor.certainty_indicators.indicator_certainty`)."""
    from sozialraum.monitor.certainty_indicators import indicator_certainty

    ic = indicator_certainty(
        counts,
        cat,
        rates,
        replicates=args.replikate,
        seed=args.seed,
        scheme=args.schema,
        k=args.klassen,
        lang=args.lang,
    )
    return out.join(ic.frame[[c for c in ic.frame.columns if c not in out.columns]])


def cmd_lisa(args) -> int:
    from sozialraum.io import write_gpkg
    from sozialraum.spatial import build_weights, getis_ord, local_moran
    from sozialraum.spatial.getis_ord import gi_not_applicable

    areas = _areas(args)
    w = build_weights(areas, "queen", lang=args.lang)
    corr = {"keine": "none"}.get(args.korrektur, args.korrektur)
    lisa = local_moran(
        areas,
        args.column,
        w,
        permutations=args.permutationen,
        seed=args.seed,
        alpha=args.alpha,
        correction=corr,
        lang=args.lang,
    )
    out = lisa.frame
    col = args.column
    is_index = col.startswith("idx_") or col in ("status_index", "dynamik_index")
    why = gi_not_applicable(areas, col, index=is_index, lang=args.lang)
    if why:  # Gi* needs non-negative values: LISA only
        print(why)
    else:
        gi = getis_ord(areas, col, w, correction=corr, lang=args.lang)
        out = out.join(gi.frame[[c for c in gi.frame.columns if c.startswith("gi_")]])
    write_gpkg(out, args.out, layer="lisa", append_layer=False)
    print(lisa.counts().to_string())
    return _written(args, args.out)


def cmd_access(args) -> int:
    """Access of the areas to facilities: the areas and the summed target group go to
    :func:`sozialraum.access.measure` as they are (as in the QGIS tool)."""
    import geopandas as gpd

    from sozialraum.access import measure
    from sozialraum.io import write_gpkg

    areas = _areas(args)
    fac = gpd.read_file(args.einrichtungen)
    if args.kategorie:
        fac = fac[fac["kategorie"] == args.kategorie]
    dem = areas[["geometry"]].assign(
        nachfrage=areas[args.zielgruppe].sum(axis=1, min_count=1).fillna(0)
    )
    method = {"naechste": "nearest"}.get(args.methode, args.methode)
    res = measure(
        dem,
        fac,
        method,
        demand_col="nachfrage",
        supply_col=args.kapazitaet if method != "nearest" else None,
        max_cost=args.radius if method != "nearest" else None,
        radius=args.radius if method == "nearest" else None,
        lang=args.lang,
    )
    per = res.areas if res.areas is not None and len(res.areas) else res.frame
    write_gpkg(
        areas[["geometry"]].join(per, how="left"),
        args.out,
        layer="erreichbarkeit",
        append_layer=False,
    )
    return _written(args, args.out)


def cmd_map(args) -> int:
    from sozialraum.webmap import save_map

    areas = _areas(args)
    path = save_map(
        areas, args.out, list(args.column), name_column=args.name, offline=True, lang=args.lang
    )
    return _written(args, path)


def _config_with(path, lang, **ausgaben):
    import dataclasses

    from sozialraum.pipeline.config import load_config

    cfg = load_config(path, lang=lang)
    return dataclasses.replace(
        cfg, sections={**cfg.sections, "ausgaben": {**cfg["ausgaben"], **ausgaben}}
    )


def cmd_report(args) -> int:
    """The computations of the run, then only the internal tables, Steckbriefe and Sozialbericht."""
    from sozialraum.pipeline import run

    cfg = _config_with(
        args.config,
        args.lang,
        webkarte=False,
        freigabe=["intern"],
        steckbriefe=True,
        sozialbericht=True,
    )
    res = run(cfg, args.out, lang=args.lang, echo=print)
    print(res.summary(args.lang))
    return 0


def cmd_publish(args) -> int:
    from sozialraum.pipeline import run

    if args.check:
        return _check(args)
    res = run(args.config, args.out, lang=args.lang, echo=print)
    print(res.summary(args.lang))
    return 0


def release_reference(config, lang=None, *, with_labels: bool = False):
    """``(data, policy)``: the internal results of a run configuration to check packages against.

    ``with_labels=True`` adds the column headers the run writes (``(data, policy, labels)``).

    Every computation of the yearly run (:func:`~sozialraum.pipeline.run.compute_state`;
    nothing is written), cut as the release step cuts them, and the configured release
    policy (``[freigabe]`` and the threshold of small counts), exactly as the run uses them.
    """
    from sozialraum.core.text import slugify
    from sozialraum.pipeline.common import labels_for, release_policy
    from sozialraum.pipeline.config import load_config
    from sozialraum.pipeline.results import area_results
    from sozialraum.pipeline.run import compute_state
    from sozialraum.privacy import ReleaseData

    cfg = load_config(config, lang=lang)
    with tempfile.TemporaryDirectory(prefix="sozialraum_pruefung_") as tmp:
        state = compute_state(cfg, lang, Path(tmp))
        sr, st = area_results(state)
    data = ReleaseData.from_rollup(
        sr,
        st,
        state.rollup,
        state.catalogue,
        name=slugify(cfg["projekt"]["name"]),
        area_ags_col=cfg["gebiete"]["gemeinde_spalte"],
    )
    if with_labels:
        return data, release_policy(cfg), labels_for(state)
    return data, release_policy(cfg)


def _check(args) -> int:
    """Check a package folder against the internal results of the configured run."""
    from sozialraum.privacy import check_release

    data, policy, labels = release_reference(args.config, args.lang, with_labels=True)
    report = check_release(
        Path(args.check),
        data,
        level=args.stufe,
        ags=args.ags,
        policy=policy,
        lang=args.lang,
        labels=labels,
    )
    if report.ok:
        print(t(_MSG, "check_ok", args.lang, path=args.check, level=args.stufe))
        print(report.to_text(args.lang))  # every file and how it was checked
        return 0
    print(report.to_text(args.lang))
    return 1


def cmd_pflege(args) -> int:
    """People in need of care and deficits per area (:mod:`sozialraum.cli.pflege`)."""
    from sozialraum.cli.pflege import cmd_pflege as run
    from sozialraum.core.doors import using_door

    with using_door("cli"):  # messages name --jahre, --praevalenz …
        run(args, _areas(args))
    return _written(args, args.out)


def cmd_demografie(args) -> int:
    """Population projection per area (:mod:`sozialraum.cli.demografie`)."""
    from sozialraum.cli.demografie import cmd_demografie as run
    from sozialraum.core.doors import using_door

    with using_door("cli"):  # messages name --horizont, --eckwerte …
        run(args, _areas(args))
    return _written(args, args.out)


HANDLERS = {
    "demografie": cmd_demografie,
    "pflege": cmd_pflege,
    "index": cmd_index,
    "lisa": cmd_lisa,
    "access": cmd_access,
    "map": cmd_map,
    "report": cmd_report,
    "publish": cmd_publish,
}
