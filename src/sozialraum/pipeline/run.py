"""The yearly monitoring run: one config file → every result, package and report.

``run(config, out)`` reads all inputs named in ``monitor.toml``, validates them,
computes rates, the monitor (indices, classes, types, dynamics), spatial
statistics, access analyses, the raster check and the demographic projection,
and writes the outputs with their release levels. It is:

* **reproducible** — every random step uses the config's ``seed``; a manifest
  (``manifest.json``) lists input files with SHA-256 checksums, library and
  dependency versions and all parameters;
* **safe** — everything is written to a temporary folder beside ``out`` and moved
  into place only when complete, so an interrupted run never leaves half a
  package; an existing ``out`` is replaced as a whole; the output folder is locked
  against a second run (see :mod:`sozialraum.pipeline.workspace`);
* **talkative in German** — each step is logged to ``lauf.log`` and echoed.

The steps are plain functions over a :class:`RunState`; the CLI, the QGIS
plugin and notebooks call the same functions.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import platform
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum import __version__
from sozialraum._i18n import get_lang, t
from sozialraum.core.numbers import format_number
from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.pipeline.common import (
    column_title,
    monitor_params,
    table_read_options,
    without_unrated_index,
)
from sozialraum.pipeline.config import RunConfig, load_config
from sozialraum.pipeline.workspace import OutputWorkspace
from sozialraum.spatial import warm_kernels

__all__ = ["RunResult", "RunState", "run", "load_inputs"]

_MSG = {
    "step": {"de": "» {what}", "en": "» {what}"},
    "done": {
        "de": "Fertig in {sec:.0f} s. Ergebnisse für {name} in {out}:",
        "en": "Done in {sec:.0f} s. Results for {name} in {out}:",
    },
    "facts": {
        "de": "{areas} in {gems}, {pop} Einwohner ({year}).",
        "en": "{areas} in {gems}, {pop} inhabitants ({year}).",
    },
    "notes": {
        "de": "{n} Hinweise zu den Daten stehen in {file}.",
        "en": "{n} notes on the data are in {file}.",
    },
    "no_gemeinde_col": {
        "de": "{file}: Spalte {col!r} (Gemeindeschlüssel, [gebiete] gemeinde_spalte) fehlt in den Planungsräumen.",
        "en": "{file}: column {col!r} (municipality key, [gebiete] gemeinde_spalte) is missing in the areas.",
    },
}

_MSG["times"] = {
    "de": "Zeit je Schritt (auch in lauf.log):",
    "en": "time per step (also in lauf.log):",
}

_MSG["no_feature"] = {
    "de": "[raeumlich] merkmale: {col!r} ist weder ein Index noch ein Indikator (vorhanden z. B.: {have}).",
    "en": "[raeumlich] merkmale: {col!r} is neither an index nor an indicator (e.g.: {have}).",
}

STEPS_DE = {
    "inputs": "Eingangsdaten lesen, prüfen und verknüpfen",
    "rates": "Quoten berechnen und auf Gemeinden und Kreis hochrechnen",
    "monitor": "Sozialraummonitor: Indizes, Klassen, Dynamik, Gebietstypen",
    "certainty": "Klassensicherheit: wie sicher Klassen, Ränge und Veränderungen sind",
    "spatial": "Räumliche Statistik: Moran's I, LISA, Hot-Spots",
    "access": "Erreichbarkeit und Bestand–Bedarf",
    "raster": "Bevölkerungsraster: Abgleich und Nachfragepunkte",
    "atlas": "Sozialstrukturatlas: Datenbank aufbauen und Zahlen daraus lesen",
    "demography": "Demografie: Altersgruppen und Vorausberechnung",
    "kita": "Kita-Planung: Bedarf, Plätze und Defizit heute und künftig",
    "schulen": "Grundschulen: Einschulungsjahrgänge je Schulbezirk",
    "care": "Pflege: Pflegebedürftige heute und künftig, Plätze und Defizit",
    "planung": "Planungskreislauf: Empfehlungen und Förderkulisse",
    "outputs": "Ergebnisse, Karten, Steckbriefe und Pakete schreiben",
    "regions": "Regionen und Ämter: Zuordnung prüfen, hochrechnen, Index",
    "hze": "Hilfen zur Erziehung: Fallzeilen prüfen und auswerten",
    "offers": "Angebote nach Themen je Gebiet",
}
STEPS_EN = {
    "inputs": "reading, checking and joining the inputs",
    "rates": "rates, rolled up to municipalities and district",
    "monitor": "monitor: indices, classes, dynamics, area types",
    "certainty": "certainty of classes, ranks and changes",
    "spatial": "spatial statistics: Moran's I, LISA, hot spots",
    "access": "access and supply against need",
    "raster": "population raster: check and demand points",
    "atlas": "atlas database: build it and read the numbers from it",
    "demography": "demography: age groups and projection",
    "kita": "Kita planning: need, places and deficit today and projected",
    "schulen": "primary schools: school-entry cohorts per district",
    "care": "care: people in need today and in future, places and deficit",
    "planung": "planning cycle: recommendations and priority areas",
    "outputs": "writing results, maps, profiles and packages",
    "regions": "region sets: check coverage, roll up, index",
    "hze": "educational support (HzE): check and evaluate the case rows",
    "offers": "offers by theme per area",
}


@dataclass
class RunState:
    """Everything a run has read and computed so far (steps add to it)."""

    config: RunConfig
    lang: str
    areas: gpd.GeoDataFrame | None = None
    gemeinden: gpd.GeoDataFrame | None = None
    kreis: gpd.GeoDataFrame | None = None
    catalogue: Any = None
    joined: dict[int, Any] = field(default_factory=dict)  # year → JoinResult
    counts: dict[int, pd.DataFrame] = field(default_factory=dict)
    status: dict[int, pd.DataFrame] = field(default_factory=dict)
    rates: dict[int, Any] = field(default_factory=dict)  # year → RatesResult
    rollup: dict[str, Any] = field(default_factory=dict)  # level → RollupResult (report year)
    monitor: Any = None
    certainty: Any = None  # monitor.CertaintyResult
    weights: Any = None
    moran: dict[str, Any] = field(default_factory=dict)
    lisa: dict[str, Any] = field(default_factory=dict)
    hotspots: dict[str, Any] = field(default_factory=dict)
    facilities: gpd.GeoDataFrame | None = None
    roads: gpd.GeoDataFrame | None = None
    access: dict[str, Any] = field(default_factory=dict)  # analysis name → dict of frames
    supply: dict[str, Any] = field(default_factory=dict)  # facility type → access.SupplyNeed
    raster: dict[str, Any] = field(default_factory=dict)
    demography: dict[str, Any] = field(default_factory=dict)
    kita: dict[str, Any] = field(default_factory=dict)  # Kita planning (steps_kita)
    schulen: dict[str, Any] = field(default_factory=dict)  # school-entry cohorts (steps_kita)
    atlas: dict[str, Any] = field(default_factory=dict)
    care: dict[str, Any] = field(default_factory=dict)  # [pflege]: see pipeline.steps_care
    planung: dict[str, Any] = field(default_factory=dict)  # recommendations, priority areas
    notes: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    workdir: Path | None = None
    echo: Callable[[str], None] | None = None
    timer: Any = None  # pipeline.timing.RunTimer: seconds of every step
    regions: dict[str, Any] = field(default_factory=dict)  # region set → RegionOutcome
    hze: Any = None  # monitor.hze.HzeResult
    topics: dict[str, Any] = field(default_factory=dict)  # ReportData.planning entries
    history: dict[Any, Any] = field(default_factory=dict)  # earlier years' releases (website_step)
    caught: list | None = None  # the warnings the run records (its notes), while it runs
    ahead: dict[str, Any] = field(default_factory=dict)  # work done ahead by forked copies

    def progress(self, what: str) -> Callable[[int, int], None] | None:
        """A text progress bar for a long step (``what: ████░░░░ 40/91``), or None when silent."""
        if self.echo is None:
            return None
        echo = self.echo
        shown: set[int] = set()

        def report(done: int, total: int) -> None:
            if total <= 0:
                return
            tenth = done * 10 // total
            if tenth in shown and done != total:
                return
            shown.add(tenth)
            bar = "█" * tenth + "░" * (10 - tenth)
            echo(f"   {what}: {bar} {done}/{total}")

        return report

    @property
    def year(self) -> int:
        return int(self.config["projekt"]["berichtsjahr"])

    @property
    def previous_year(self) -> int | None:
        prev = self.config["projekt"]["vorjahr"]
        if prev is None and (self.year - 1) in self.counts:
            prev = self.year - 1
        return prev if prev in self.counts else None


@dataclass
class RunResult:
    """What a run wrote."""

    out_dir: Path
    files: list[tuple[Path, str, str]]
    facts: dict
    notes: list[str]
    state: RunState | None = None
    seconds: float = 0.0
    skipped: list = field(default_factory=list)  # pipeline.switches.Skipped

    def timing_table(self, lang: str | None = None) -> str:
        """Seconds of every step of the run (also in ``lauf.log``); empty if not timed."""
        timer = getattr(self.state, "timer", None)
        return timer.table(get_lang(lang)) if timer is not None else ""

    def summary(self, lang: str | None = None) -> str:
        """A short German (or English) summary naming each output file."""
        L = get_lang(lang)
        name = self.facts.get("name", "")
        lines = [t(_MSG, "done", L, sec=self.seconds, name=name, out=self.out_dir)]
        terr = _territory(self.state)
        mid, bot = terr.middle, terr.bottom
        # the key of a package folder: an AGS for a Gemeinde, else the unit's key
        ph = "<AGS>" if mid.singular == "Gemeinde" else ("<Schlüssel>" if L == "de" else "<key>")
        if "n_areas" in self.facts:
            f = self.facts
            areas, gems = bot.count(f["n_areas"], L), mid.count(f["n_gem"], L, dative=True)
            lines.append("  " + t(_MSG, "facts", L, areas=areas, gems=gems, **f))
        seen: set[str] = set()
        docs: dict[str, int] = {}
        for p, _, _ in self.files:  # number of profile documents per folder (pattern)
            r = str(p.relative_to(self.out_dir)) if p.is_relative_to(self.out_dir) else str(p)
            if "/steckbriefe/" in r:
                top = r.split("/", 1)[0]
                folder = (
                    r.rsplit("/", 1)[0].replace(top, f"kommunal-{ph}")
                    if top.startswith("kommunal-")
                    else r.rsplit("/", 1)[0]
                )
                docs.setdefault(folder + "/", set())
                if not Path(r).stem.startswith(
                    "steckbriefe_"
                ):  # the combined file is not a profile of its own
                    docs[folder + "/"].add(Path(r).stem)
        docs = {k: len(v) for k, v in docs.items()}
        n_kommunal = len(
            {
                p.relative_to(self.out_dir).parts[0]
                for p, _, _ in self.files
                if p.is_relative_to(self.out_dir)
                and p.relative_to(self.out_dir).parts[0].startswith("kommunal-")
            }
        )
        for path, de, en in self.files:
            rel = str(path.relative_to(self.out_dir) if path.is_relative_to(self.out_dir) else path)
            text = de if L == "de" else en
            first = rel.split("/", 1)[0]
            if first.startswith("kommunal-"):  # one package per municipality: list the pattern once
                ags = first[len("kommunal-") :]
                rel, text = rel.replace(ags, ph), text.replace(ags, ph)
                if rel in seen:
                    continue
                if not any(x.startswith("kommunal-") for x in seen):
                    lines.append(
                        f"  Je {mid.singular} ein Paket kommunal-{ph}/ ({mid.count(n_kommunal, L)}):"
                        if L == "de"
                        else f"  One package per {mid.english} kommunal-{ph}/ ({mid.count(n_kommunal, L)}):"
                    )
            if "/steckbriefe/" in rel:  # many profiles: one line per folder
                folder = rel.rsplit("/", 1)[0] + "/"
                if folder not in seen:
                    seen.add(folder)
                    if first.startswith("kommunal-"):
                        lines.append(
                            f"  - {folder}: Steckbriefe der eigenen {bot.plural} und {mid.the('gen')} (HTML und PDF)"
                            if L == "de"
                            else f"  - {folder}: profiles of the own {bot.english_plural} and the {mid.english} (HTML and PDF)"
                        )
                    else:
                        lines.append(
                            f"  - {folder}: {docs[folder]} Steckbriefe (HTML und PDF) je {bot.singular} und {mid.singular}, dazu alle in einer Datei"
                            if L == "de"
                            else f"  - {folder}: {docs[folder]} profiles (HTML and PDF) per {bot.english} and {mid.english}"
                        )
                continue
            seen.add(rel)
            lines.append(f"  - {rel}: {text}")
        for line in self.facts.get("monitor", []):
            lines.insert(2, "  " + line)
        if self.notes:
            lines.append("  " + t(_MSG, "notes", L, n=len(self.notes), file="hinweise.txt"))
        table = self.timing_table(L)
        if table:
            lines.append("")
            lines.append(t(_MSG, "times", L))
            lines += ["  " + row for row in table.splitlines()]
        return "\n".join(lines)


# --------------------------------------------------------------------------- inputs


def load_inputs(state: RunState) -> RunState:
    """Read areas, catalogue and all tables of all years, and join them."""
    from sozialraum.io import read_areas, read_catalogue

    # read_table's signature; columns not in the catalogue: the one rule of apply_catalogue
    from sozialraum.io.catalogue import read_catalogued_table as read_table
    from sozialraum.join import join_tables

    cfg, L = state.config, state.lang
    g = cfg["gebiete"]
    state.areas = read_areas(
        g["datei"], layer=g["ebene"], key=g["schluessel"], name=g["name"], lang=L
    )
    if g["gemeinde_spalte"] not in state.areas.columns:
        raise InputError(
            t(_MSG, "no_gemeinde_col", L, file=g["datei"].name, col=g["gemeinde_spalte"]),
            file=str(g["datei"]),
            column=g["gemeinde_spalte"],
        )
    if g["gemeinden_ebene"]:
        state.gemeinden = read_areas(
            g["datei"], layer=g["gemeinden_ebene"], key=g["gemeinden_schluessel"], lang=L
        )
    if g["kreis_ebene"]:
        state.kreis = read_areas(
            g["datei"], layer=g["kreis_ebene"], key=g["kreis_schluessel"], lang=L
        )
    state.catalogue = read_catalogue(cfg["katalog"]["datei"], lang=L)
    years = sorted({y for tab in cfg["tabellen"] for y in tab["jahre"]})
    for year in years:
        tables = []
        for tab in cfg["tabellen"]:
            if year not in tab["jahre"]:
                continue
            path = cfg.base / tab["datei"].format(jahr=year)
            tables.append(
                read_table(
                    path, columns=state.catalogue, year=year, lang=L, **table_read_options(tab)
                )
            )
        res = join_tables(state.areas, tables, area_names=g["name"], lang=L)
        state.joined[year] = res
        cols = [c for c in res.frame.columns if c not in state.areas.columns]
        state.counts[year] = pd.DataFrame(res.frame[cols])
        state.status[year] = res.status[cols] if len(res.status.columns) else res.status
    ef = cfg.get("einrichtungen")
    if ef:
        state.facilities = gpd.read_file(ef["datei"], layer=ef["ebene"])
    sf = cfg.get("strassen")
    if sf:
        state.roads = gpd.read_file(sf["datei"], layer=sf["ebene"])
    return state


# --------------------------------------------------------------------------- rates


def compute_all_rates(state: RunState) -> RunState:
    """Rates of every year; roll-up of the report year to municipalities and district."""
    from sozialraum.join import rollup_hierarchy
    from sozialraum.monitor import compute_rates

    mn = state.config["monitor"]["min_nenner"]
    for year, counts in state.counts.items():
        state.rates[year] = compute_rates(
            counts,
            state.catalogue.indicators,
            status=state.status[year],
            min_denominator=mn,
            lang=state.lang,
        )
    g = state.config["gebiete"]
    frame = state.areas[[g["gemeinde_spalte"], "geometry"]].join(state.counts[state.year])
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=state.areas.crs)
    state.rollup = rollup_hierarchy(
        frame,
        {"gemeinde": g["gemeinde_spalte"], "kreis": None},
        status=state.status[state.year],
        catalogue=state.catalogue.indicators,
        lang=state.lang,
    )
    return state


# --------------------------------------------------------------------------- monitor


def compute_monitor(state: RunState) -> RunState:
    """Indices, classes, dynamics and types (:func:`sozialraum.monitor.run_monitor`)."""
    from sozialraum.monitor import run_monitor

    m = state.config["monitor"]
    counts, status = _monitor_counts(state)
    state.monitor = run_monitor(
        counts, state.catalogue, monitor_params(state.config, state.lang), status=status
    )
    if m["methode"] == "pca" and "idx_pca" in state.monitor.frame:
        state.params["gesamtindex"] = "idx_pca"
    return state


def _monitor_counts(state: RunState) -> tuple[dict, dict]:
    """Counts and status of the years the monitor uses (previous year to report year)."""
    prev = state.previous_year
    use = [y for y in sorted(state.counts) if prev is None or y >= prev]
    return {y: state.counts[y] for y in use}, {y: state.status[y] for y in use}


def compute_certainty(state: RunState) -> RunState:
    """Certainty of the classes, ranks and changes (:func:`sozialraum.monitor.certainty`)."""
    from sozialraum.monitor import certainty

    if state.monitor is None:
        return state
    m = state.config["monitor"]
    counts, _ = _monitor_counts(state)
    state.certainty = certainty(
        counts,
        state.catalogue,
        state.monitor,
        replicates=m["replikate"],
        unsure_below=m["sicher_ab"],
        seed=state.config.seed,
        lang=state.lang,
    )
    return state


# --------------------------------------------------------------------------- spatial


def compute_spatial(state: RunState) -> RunState:
    """Weights, global Moran's I, LISA and Gi* for the configured columns."""
    from sozialraum.spatial import build_weights, getis_ord, local_moran, moran
    from sozialraum.spatial.getis_ord import gi_not_applicable

    r = state.config["raeumlich"]
    mon = without_unrated_index(state.monitor.frame)
    data = state.areas[["geometry"]].join(mon).join(state.rates[state.year].rates, rsuffix="_rate")
    state.weights = build_weights(
        state.areas,
        r["gewichte"],
        islands="exclude" if r["inseln"] == "ausschliessen" else "knn",
        lang=state.lang,
    )
    corr = {"keine": "none", "fdr": "fdr", "bonferroni": "bonferroni"}[r["korrektur"]]
    for i, col in enumerate(r["merkmale"]):
        if col not in data.columns:
            raise InputError(
                t(
                    _MSG,
                    "no_feature",
                    state.lang,
                    col=col,
                    have=", ".join(sorted(map(str, data.columns))[:12]),
                ),
                column=col,
            )
        seed = state.config.seed + i
        state.moran[col] = moran(
            data, col, state.weights, permutations=r["permutationen"], seed=seed, lang=state.lang
        )
        state.lisa[col] = local_moran(
            data,
            col,
            state.weights,
            permutations=r["permutationen"],
            seed=seed,
            alpha=r["alpha"],
            correction=corr,
            lang=state.lang,
        )
        is_index = col.startswith("idx_") or col in ("status_index", "dynamik_index")
        why = gi_not_applicable(data, col, index=is_index, lang=state.lang)
        if why:  # Gi* needs non-negative values: LISA only, said in the run's notes
            warnings.warn(why, SozialraumWarning, stacklevel=2)
            continue
        state.hotspots[col] = getis_ord(data, col, state.weights, correction=corr, lang=state.lang)
    return state


# --------------------------------------------------------------------------- run


def run_notes(caught: list[warnings.WarningMessage]) -> list[str]:
    """Every warning a run caught, each once: data notes as they are, warnings of other
    libraries (e.g. k-means convergence, numpy's divide warnings) with their kind and origin.
    Only warnings about library versions (deprecations, future changes) are left out: they
    concern the installation, not the data."""
    out = []
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning)):
            continue
        if issubclass(w.category, SozialraumWarning):
            out.append(str(w.message))
        else:
            parts = Path(w.filename).parts
            top = parts.index("site-packages") + 1 if "site-packages" in parts else -1
            origin = Path(parts[top]).stem if 0 <= top < len(parts) else Path(w.filename).stem
            out.append(f"{w.category.__name__} ({origin}): {w.message}")
    return list(dict.fromkeys(out))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _input_files(cfg: RunConfig) -> list[Path]:
    files: list[Path] = [cfg.path, cfg["gebiete"]["datei"], cfg["katalog"]["datei"]]
    for tab in cfg["tabellen"]:
        files += list(cfg.files(tab["datei"], tab["jahre"]).values())
    for sec in ("einrichtungen", "strassen"):
        if cfg.get(sec):
            files.append(cfg[sec]["datei"])
    if cfg.get("raster"):
        files.append(cfg["raster"]["bevoelkerung"])
    d = cfg.get("demografie")
    if d and d["dateien"] and d["jahre"]:
        files += list(cfg.files(d["dateien"], d["jahre"]).values())
    return [Path(p) for p in dict.fromkeys(Path(f).resolve() for f in files)]


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "sozialraum": __version__}
    for dist in (
        "numpy",
        "pandas",
        "geopandas",
        "shapely",
        "pyproj",
        "pyogrio",
        "rasterio",
        "scipy",
        "libpysal",
        "esda",
        "mapclassify",
        "scikit-learn",
        "folium",
        "branca",
        "openpyxl",
    ):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "nicht installiert"
    return out


def write_manifest(state: RunState, out: Path, files: list[Path]) -> Path:
    """``manifest.json``: inputs with checksums, versions, parameters, seeds, outputs."""
    cfg = state.config
    manifest = {
        "sozialraum": __version__,
        "konfiguration": str(cfg.path),
        "eingaben": [
            {"datei": str(p), "bytes": p.stat().st_size, "sha256": _sha256(p)}
            for p in _input_files(cfg)
        ],
        "versionen": _versions(),
        "parameter": json.loads(json.dumps(cfg.sections, default=str)),
        "seed": cfg.seed,
        "monitor": json.loads(json.dumps(getattr(state.monitor, "params", {}), default=str)),
        "raeumlich": {
            k: json.loads(json.dumps(v.params, default=str)) for k, v in state.lisa.items()
        },
        "ausgaben": [
            {"datei": str(p.relative_to(out)), "sha256": _sha256(p)}
            for p in sorted(files)
            if p.is_file()
        ],
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _atlas_step(state: RunState) -> RunState:
    from sozialraum.pipeline.steps_extra import build_atlas

    return build_atlas(state)


STEPS: list[tuple[str, Callable[[RunState], RunState]]] = [
    ("inputs", load_inputs),
    ("atlas", _atlas_step),
    ("rates", compute_all_rates),
    ("monitor", compute_monitor),
    ("certainty", compute_certainty),
    ("spatial", compute_spatial),
]


def computation_steps(cfg: RunConfig) -> list[tuple[str, Callable[[RunState], RunState]]]:
    """The computation steps of a run of ``cfg``, in order (those whose section is set)."""
    return [(k, fn) for k, fn in [*STEPS, *_optional_steps()] if _step_applies(k, cfg)]


def compute_state(cfg: RunConfig, lang: str | None, workdir: Path) -> RunState:
    """Every computation of the yearly run, nothing written but into ``workdir``.

    The same steps as :func:`run` before its outputs: a package of a run is checked
    against exactly these results (``sozialraum publish --check``).
    """
    state = RunState(config=cfg, lang=lang, workdir=workdir)
    for _key, fn in computation_steps(cfg):
        state = fn(state)
    return state


def run(
    config: str | Path | RunConfig,
    out: str | Path = "out/run",
    *,
    lang: str | None = None,
    echo: Callable[[str], None] | None = None,
    steps: list[str] | None = None,
    wait: float = 0.0,
    skip: list[str] | None = None,
    only: list[str] | None = None,
    started: float | None = None,
) -> RunResult:
    """Run the whole monitoring chain of a config file and write all outputs.

    Parameters
    ----------
    config
        Path of ``monitor.toml`` or a loaded :class:`RunConfig`.
    out
        Output folder; replaced as a whole when the run completes.
    lang
        Language of messages and outputs (default: the config's ``sprache``).
    echo
        Called with a progress line per step (e.g. ``print``).
    steps
        Run only these computation steps (default: all); outputs are always written.
    wait
        Seconds to wait when another run writes into ``out`` (default 0: refuse at once
        with :class:`~sozialraum.pipeline.workspace.OutputLockedError`).
    skip, only
        Output steps to leave out (``["pdf"]``), or the only ones to make
        (``["webkarte"]``); see :mod:`sozialraum.pipeline.switches`. The result
        tables, the manifest and ``lauf.log`` are always written.
    started
        ``time.perf_counter()`` at which the caller's process started
        (:func:`~sozialraum.pipeline.timing.process_started`; the command line passes
        it): the start-up gets a line of its own in the step table, whose total is then
        the wall-clock time of the whole process.
    """
    from sozialraum.pipeline.switches import apply_switches
    from sozialraum.pipeline.timing import RunTimer, timed

    t0 = time.perf_counter()
    origin = started if started is not None and started < t0 else t0
    cfg = config if isinstance(config, RunConfig) else load_config(config, lang=lang)
    L = get_lang(lang or cfg.lang)
    cfg, skipped = apply_switches(cfg, skip, only, lang=L)
    say = echo or (lambda _s: None)
    out = Path(out).resolve()
    workspace = OutputWorkspace(out, wait=wait, lang=L)  # lock, stale clean-up, signals
    tmp = workspace.start()
    log = logging.getLogger(f"sozialraum.run.{id(tmp)}")
    log.setLevel(logging.INFO)
    log.propagate = False
    handler = logging.FileHandler(tmp / "lauf.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    state = RunState(config=cfg, lang=L, workdir=tmp, echo=echo)
    state.timer = RunTimer(lang=L, log=log.info)
    state.timer.add("start", time.perf_counter() - origin)  # imports, config, output folder
    names = _step_names(cfg, L)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SozialraumWarning)
            state.caught = caught  # package jobs on two processes keep their order
            # the LISA/Gi* permutation kernels load while the inputs are read; started
            # inside this block, so that a warnings block of the loading thread (numba's
            # own, when it compiles) ends before this one and cannot drop its records
            warm_kernels()
            # the browser starts beside the first steps, while one core is still idle
            with _printing(state) as printer, _long_lived_results() as lived:
                state = _compute(state, steps, names, say, log.info)
                say(t(_MSG, "step", L, what=names["outputs"]))
                log.info(t(_MSG, "step", L, what=names["outputs"]))
                for s in skipped:
                    state.timer.skip(s.step, s.why)
                lived.keep()
                files = _write_all_outputs(state, tmp, printer)
            if printer.seconds:
                state.timer.add("pdf_all", printer.seconds, nested=True)
            _end_ahead(state)  # any copy whose work was not needed
        with timed(state, "hinweise"):
            state.notes = run_notes(caught)
            for n in state.notes:
                log.info("Hinweis: %s", n)
            if state.notes:
                p = tmp / "hinweise.txt"
                p.write_text("\n".join(state.notes) + "\n", encoding="utf-8")
        with timed(state, "manifest"):
            manifest = write_manifest(state, tmp, [f for f, _, _ in files])
        state.timer.close(time.perf_counter() - origin)  # the table adds up to the wall clock
        log.info(
            "%s\n%s", t(_MSG, "times", L), state.timer.table(L)
        )  # the step table, as in the summary
        files.append(
            (
                manifest,
                "Manifest: Eingabedateien mit Prüfsummen, Versionen, Parameter",
                "manifest: inputs with checksums, versions, parameters",
            )
        )
        handler.close()
        log.removeHandler(handler)
        files.append((tmp / "lauf.log", "Protokoll des Laufs", "log of the run"))
        # move into place: the old output is replaced only once the new one is complete
        workspace.commit()
    except BaseException:
        _end_ahead(state)
        handler.close()
        log.removeHandler(handler)
        workspace.discard()
        raise
    files = [(out / Path(p).relative_to(tmp), de, en) for p, de, en in files]
    pop = state.counts[state.year].get("ew_ges")
    facts = {
        "name": cfg["projekt"]["name"],
        "n_areas": len(state.areas),
        "n_gem": int(state.areas[cfg["gebiete"]["gemeinde_spalte"]].nunique()),
        "pop": f"{int(np.nansum(pop)):,}".replace(",", ".") if pop is not None else "–",
        "year": state.year,
    }
    facts["monitor"] = _monitor_facts(state, L)
    return RunResult(
        out_dir=out,
        files=files,
        facts=facts,
        notes=state.notes,
        state=state,
        seconds=time.perf_counter() - origin,
        skipped=skipped,
    )


def _territory(state=None, config=None):
    """The run's territory (level words) from its configuration; the default without one."""
    from sozialraum.core.territory import Territory
    from sozialraum.pipeline.config import territory_of

    cfg = config if config is not None else getattr(state, "config", None)
    return territory_of(cfg) if isinstance(cfg, RunConfig) else Territory.default()


def _step_names(cfg: RunConfig, L: str) -> dict[str, str]:
    """The steps' names for the console and lauf.log, in the territory's words."""
    terr = _territory(config=cfg)
    names = dict(STEPS_DE if L == "de" else STEPS_EN)
    if L == "de":
        names["rates"] = (
            f"Quoten berechnen und auf {terr.middle.plural} und {terr.top.singular} hochrechnen"
        )
    else:
        names["rates"] = f"rates, rolled up to {terr.middle.english_plural} and {terr.top.english}"
    return names


class _long_lived_results:
    """While the run computes and writes: the collector leaves long-lived objects alone.

    The modules and the configuration (at the start) and the results of the
    computation steps (:meth:`keep`, before the outputs) live until the run ends;
    Python's cyclic garbage collector would scan all of them again at every full
    collection (in Musterland's output steps about 30 collections of 0.2 s; in the
    computation steps, which one core runs alone at first, about 0.5 s). They are
    frozen (:func:`gc.freeze`: no longer scanned; copies of the run made by ``fork``
    then share their memory pages instead of touching them) and collections come
    less often (thresholds raised); both are undone at the end, also after an error,
    so a long-lived caller (QGIS, a notebook) keeps its own settings.
    """

    def __enter__(self) -> _long_lived_results:
        self.threshold = gc.get_threshold()
        gc.freeze()
        t0, t1, t2 = self.threshold
        if t0:  # 0: the caller switched collections off; leave it so
            gc.set_threshold(max(t0, 50_000), max(t1, 20), max(t2, 100))
        return self

    @staticmethod
    def keep() -> None:
        """Freeze what exists now as well (the computed results, before the outputs)."""
        gc.freeze()

    def __exit__(self, *exc) -> None:
        gc.set_threshold(*self.threshold)
        gc.unfreeze()


def _ahead_after(steps: list[str]) -> str:
    """The step after which the profiles' charts are drawn ahead on the idle core.

    What they show (monitor, series, population, projection) is computed by then;
    the steps after it (Kita, care, regions, ...) run beside the drawing.
    """
    return "demography" if "demography" in steps else "spatial"


def _muster_after(steps: list[str]) -> str:
    """The step after which the earlier years' suppression patterns are computed ahead.

    Their releases are made of the counts and rates of each year (there by then)
    and the monitor run on the years up to it (:func:`~sozialraum.pipeline.common.monitor_up_to`,
    which the copy runs itself, as the run does later for the same years); the
    report year's monitor and the steps after it run beside the linear programs.
    """
    return "rates" if "rates" in steps else "spatial"


def _end_ahead(state: RunState) -> None:
    """End every copy that still works ahead (its work is not needed, or the run failed)."""
    for ahead in state.ahead.values():
        ahead.close()
    state.ahead.clear()


def _start_ahead(state: RunState, key: str, charts_after: str, muster_after: str) -> None:
    """Start the forked copies that work ahead on the idle core once their inputs exist.

    After ``muster_after``: the suppression patterns of the earlier years (their
    releases; a fork waits for the loading thread of the LISA kernels); after
    ``charts_after``: the charts of the internal profiles.
    """
    from sozialraum.pipeline import presentation

    start = [
        (muster_after, "muster", presentation.release_patterns_ahead),
        (charts_after, "charts", presentation.profile_charts_ahead),
    ]
    for after, name, fn in start:
        if key == after:
            ahead = fn(state)
            if ahead is not None:
                state.ahead[name] = ahead


def _compute(state: RunState, steps, names: dict, say, log) -> RunState:
    """The computation steps of the run (or only ``steps``), each timed; the copies working ahead."""
    from sozialraum.pipeline.timing import timed

    todo = computation_steps(state.config)
    ahead_after = _ahead_after([k for k, _fn in todo])
    muster_after = _muster_after([k for k, _fn in todo])
    for key, fn in todo:
        if steps is not None and key not in steps and key != "inputs":
            continue
        msg = t(_MSG, "step", state.lang, what=names[key])
        say(msg)
        log(msg)
        with timed(state, key, text=names[key]):
            state = fn(state)
        _start_ahead(state, key, ahead_after, muster_after)
    return state


@contextlib.contextmanager
def _printing(state: RunState):
    """The run's printing session: one browser for all PDFs, started at once when it will print.

    Opened before the computation steps, so that the browser starts on the core they
    leave idle; its end (waiting for the last PDFs, closing the browser) is timed as
    the step "browser".
    """
    from sozialraum.pipeline.timing import timed
    from sozialraum.report.pdf import printing_session

    aus = state.config["ausgaben"]
    prints = bool(aus["pdf"] and (aus["steckbriefe"] or aus["sozialbericht"]))
    with contextlib.ExitStack() as stack:
        printer = stack.enter_context(
            printing_session(background=True, warm=prints, lang=state.lang)
        )
        yield printer
        with timed(state, "browser"):  # the browser's processes end with the session
            stack.close()


def _write_all_outputs(state: RunState, folder: Path, printer) -> list:
    """Every output step; the browser of ``printer`` prints all PDFs beside the other steps.

    Each chart is drawn once for all release levels that show the same values
    (:func:`~sozialraum.report.charts.shared_charts`); the PDFs are printed by a
    background thread on the browser's own processes while the next level is built
    (:func:`~sozialraum.report.pdf.printing_session`, :func:`_printing`); a package is
    checked only once its PDFs exist.
    """
    from sozialraum.pipeline.outputs import write_outputs
    from sozialraum.pipeline.timing import timed
    from sozialraum.report.charts import shared_charts
    from sozialraum.report.pdf import finish_printing

    with shared_charts():
        files = write_outputs(state, folder)
        with timed(state, "pdf_rest"):
            finish_printing()
    return files


def _monitor_facts(state: RunState, lang: str) -> list[str]:
    """Short lines for the summary: status classes, types, LISA clusters."""
    if state.monitor is None:
        return []
    fr = state.monitor.frame
    de = lang == "de"
    out = []
    if "status_klasse" in fr.columns:
        counts = fr["status_klasse"].astype(str).value_counts()
        parts = ", ".join(f"{k} {v}" for k, v in counts.items())
        bot = _territory(state).bottom
        out.append(
            (
                f"Statusklassen ({bot.plural}): "
                if de
                else f"status classes ({bot.english_plural}): "
            )
            + parts
            + "."
        )
    if "typ" in fr.columns:
        n = fr["typ"].dropna().nunique()
        out.append(
            (f"{n} Gebietstypen" if de else f"{n} area types")
            + ("; LISA-Cluster Hoch-Hoch: " if de else "; LISA High-High clusters: ")
            + ", ".join(
                f"{column_title(state, col)} {int((res.frame[res.prefix + 'code'] == 'HH').sum())}"
                for col, res in state.lisa.items()
            )
            + "."
        )
    out += _certainty_facts(state, de)
    return out


def _certainty_facts(state: RunState, de: bool) -> list[str]:
    """One summary line: how many status classes are unsure, how many changes assured."""
    cert = state.certainty
    if cert is None:
        return []
    f = cert.frame
    n = int(f["status_sicherheit"].notna().sum())
    unsure = len(cert.unsure("status"))
    below = format_number(100 * cert.params["unsure_below"], 0, "de" if de else "en")
    moved = f["dynamik_gesichert"].notna() & state.monitor.frame["dynamik_klasse"].isin(
        ("positiv", "negativ", "positive", "negative")
    )
    sure = int(f["dynamik_gesichert"][moved].fillna(False).astype(bool).sum())
    if de:
        return [
            f"Klassensicherheit: {unsure} von {n} Statusklassen unter {below} % sicher; "
            f"{sure} von {int(moved.sum())} Dynamikklassen positiv/negativ gesichert."
        ]
    return [
        f"certainty: {unsure} of {n} status classes below {below} % certain; "
        f"{sure} of {int(moved.sum())} positive/negative dynamic classes assured."
    ]


def _step_applies(key: str, cfg: RunConfig) -> bool:
    if key == "certainty":
        return bool(cfg["monitor"].get("sicherheit", True))
    if key == "access":
        return bool(cfg.get("erreichbarkeit"))
    if key == "raster":
        return bool(cfg.get("raster"))
    if key == "atlas":
        return bool(cfg.get("atlas"))
    if key == "planung":
        return bool(cfg.get("planung") or cfg.get("prioritaet"))
    if key == "hze":
        return bool(cfg.get("hze"))
    if key == "offers":
        return bool(cfg.get("einrichtungen"))
    if key == "demography":
        d = cfg.get("demografie")
        return bool(d and d["dateien"] and d["jahre"])
    if key in ("kita", "schulen"):
        return bool(cfg.get(key))
    if key == "care":
        return bool(cfg.get("pflege"))
    return True


def _optional_steps() -> list[tuple[str, Callable[[RunState], RunState]]]:
    from sozialraum.pipeline import steps_extra, steps_regions

    return [*steps_extra.STEPS, *steps_regions.STEPS]
