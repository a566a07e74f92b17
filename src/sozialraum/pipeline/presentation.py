"""Presentation outputs of a run: web maps, Steckbriefe, Sozialbericht, release packages.

The run's computations end in one frame per planning area (:func:`area_results`);
this module turns it into what planners hand out, one folder per release level:

* ``intern/`` — everything (tables, GeoPackage, map with all values, profiles);
* ``oeffentlich/`` — indices and classes only, small counts suppressed;
* ``kommunal-<AGS>/`` — one per municipality: its own areas' values plus
  district-wide aggregates.

What may appear in which package is decided by :mod:`sozialraum.privacy`: for
every package this module asks it for one checked
:class:`~sozialraum.privacy.Release` and writes the tables, the web map, the
profiles and the report of that package from it alone (a municipality's profiles
are built from its own release, not copied from the internal ones); then it runs
the privacy checker on every package.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sozialraum.pipeline.common import column_title, run_monitor_params
from sozialraum.pipeline.planung import package_planning, priority_layers
from sozialraum.pipeline.timing import on_time, timed
from sozialraum.privacy import package_name
from sozialraum.report.pdf import finish_printing

__all__ = ["write_presentation", "write_webmap"]

Files = list[tuple[Path, str, str]]

PUBLIC_INDICATORS = ("idx_gesamt", "status_index", "dynamik_index")


def _indicator_specs(state, frame, *, level: str):
    """Map layers: the overall index and the status index for everyone; rates internally."""
    from sozialraum.webmap import Indicator

    src = state.config["projekt"]["quelle"] or state.config["projekt"]["name"]
    year = state.year
    de = state.lang == "de"
    specs = []
    k = state.config["monitor"]["klassen_anzahl"]
    scheme = state.config["monitor"]["klassen_schema"]
    for col in PUBLIC_INDICATORS:
        if col in frame.columns and frame[col].notna().any():
            specs.append(
                Indicator(
                    col,
                    title=column_title(state, col),
                    unit="z-Wert" if de else "z-score",
                    year=year,
                    source=src,
                    scheme=scheme,
                    k=k,
                    decimals=1,  # the one rule for index labels (map step, plugin, packages)
                )
            )
    specs += _projection_specs(state, frame, src, scheme, k)
    if level != "oeffentlich":
        for col in frame.columns:
            if (
                col.startswith("zugang_")
                and frame[col].notna().any()
                and frame[col].dtype.kind == "f"
            ):
                specs.append(
                    Indicator(
                        col,
                        title=_access_title(state, col),
                        unit=_access_unit(col),
                        year=year,
                        source=src,
                        scheme=scheme,
                        k=k,
                        decimals=1,
                    )
                )
        from sozialraum.pipeline.steps_kita import kita_map_layers

        for col, title in kita_map_layers(state, frame):  # Kita planning: missing places
            specs.append(
                Indicator(
                    col,
                    title=title,
                    unit="Plätze" if de else "places",
                    year=year,
                    source=src,
                    scheme=scheme,
                    k=k,
                    decimals=0,
                )
            )
        specs += _care_specs(state, frame, src, scheme, k)
        cat = state.catalogue.indicators
        for iid, row in cat.iterrows():
            if iid in frame.columns and frame[iid].notna().any():
                title = (
                    row["label"]
                    if de or not isinstance(row.get("label_en"), str)
                    else row["label_en"]
                )
                specs.append(
                    Indicator(
                        iid,
                        title=title,
                        unit=row.get("unit") or "",
                        year=year,
                        source=src,
                        scheme=scheme,
                        k=k,
                        decimals=1,
                        **_indicator_certainty(state, frame, iid, level),
                    )
                )
    return specs


def _indicator_certainty(state, frame, iid: str, level: str) -> dict:
    """``certainty_column``/``unsure_below`` of an indicator layer of the internal map.

    ``<indicator>_sicherheit`` refers to the classes of the internal map; a package's
    map classifies only the values it shows (other breaks), so it gets no marks.
    """
    from sozialraum.monitor.certainty_indicators import indicator_certainty_column

    col = indicator_certainty_column(iid)
    if level != "intern" or col not in frame.columns:
        return {}
    below = (state.config.get("monitor") or {}).get("sicher_ab", 0.8)
    return {"certainty_column": col, "unsure_below": below}


def _projection_specs(state, frame, src, scheme, k) -> list:
    """Map layers of the projection: change base year → end year, shares 65+ and 80+."""
    from sozialraum.webmap import Indicator

    figures = (state.demography or {}).get("figures")
    if figures is None:
        return []
    labels = figures.labels(state.lang)
    specs = []
    for role in ("veraenderung", "anteil_65plus", "anteil_80plus"):
        col = figures.columns[role]
        if col in frame.columns and pd.to_numeric(frame[col], errors="coerce").notna().any():
            specs.append(
                Indicator(
                    col,
                    title=labels[col],
                    unit="%",
                    year=figures.end_year,
                    source=src,
                    scheme=scheme,
                    k=k,
                    decimals=1,
                )
            )
    return specs


def _care_specs(state, frame, src, scheme, k) -> list:
    """Care layers ([pflege]): people in need and missing places of the last target year."""
    from sozialraum.pipeline.steps_care import care_map_columns
    from sozialraum.webmap import Indicator

    return [
        Indicator(
            col, title=title, unit=unit, year=state.year, source=src, scheme=scheme, k=k, decimals=0
        )
        for col, title, unit in care_map_columns(state)
        if col in frame.columns and pd.to_numeric(frame[col], errors="coerce").notna().any()
    ]


def _spatial_layers(state, frame, de: bool) -> dict:
    """LISA and Gi* layers of the map: the first of each as ``lisa``/``gi``, the rest in ``layers``."""
    from sozialraum.webmap import gi_layer, lisa_layer

    kwargs: dict = {}
    layers: list = []
    for i, col in enumerate(state.lisa):
        cat, color = f"lisa_cat_{col}", f"lisa_color_{col}"
        if len(state.lisa) == 1:
            cat, color = "lisa_cat", "lisa_color"
        if cat in frame.columns:
            lay = lisa_layer(
                cat,
                color if color in frame.columns else None,
                title=f"LISA-Cluster: {_title(state, col)}"
                if de
                else f"LISA clusters: {_title(state, col)}",
            )
            if i == 0:
                kwargs["lisa"] = lay
            else:
                layers.append(lay)
    for i, col in enumerate(state.hotspots):
        cat, color = f"gi_cat_{col}", f"gi_color_{col}"
        if len(state.hotspots) == 1:
            cat, color = "gi_cat", "gi_color"
        if cat in frame.columns:
            lay = gi_layer(
                cat,
                color if color in frame.columns else None,
                title=f"Hot-Spots (Gi*): {_title(state, col)}",
            )
            if i == 0:
                kwargs["gi"] = lay
            else:
                layers.append(lay)
    kwargs["layers"] = layers
    return kwargs


def _class_layers(state, frame, de: bool) -> list:
    """The MSS status and dynamic classes, colours from need (red) to none (blue)."""
    from sozialraum.core.palettes import DYNAMIC_CLASS_COLORS, STATUS_CLASS_COLORS
    from sozialraum.webmap import CategoryLayer

    status_colors = dict(STATUS_CLASS_COLORS)  # the printed maps use the same table
    dyn_colors = dict(DYNAMIC_CLASS_COLORS)
    src = state.config["projekt"]["quelle"] or state.config["projekt"]["name"]
    out = []
    for col, colors, title_de, title_en in (
        ("status_klasse", status_colors, "Statusklasse (soziale Lage)", "status class"),
        ("dynamik_klasse", dyn_colors, "Dynamikklasse (Entwicklung)", "dynamic class"),
    ):
        if col in frame.columns and frame[col].notna().any():
            present = [c for c in colors if c in set(frame[col].dropna().astype(str))]
            out.insert(
                0,
                CategoryLayer(
                    col,
                    title=title_de if de else title_en,
                    certainty_column=_certainty_column(frame, col),
                    unsure_below=(state.config.get("monitor") or {}).get("sicher_ab", 0.8),
                    colors=colors,
                    categories=tuple(present),
                    source=src,
                    year=state.year,
                ),
            )
    return out


def _certainty_column(frame, col: str) -> str | None:
    """``status_sicherheit`` for ``status_klasse`` where the frame has it (else None)."""
    cert = col.replace("_klasse", "_sicherheit")
    return cert if cert in frame.columns else None


def write_webmap(
    state,
    path: Path,
    *,
    release=None,
    frame=None,
    status=None,
    boundaries=None,
    title: str | None = None,
) -> Path:
    """One offline web map: of a checked ``release`` or, internally, of ``frame``/``status``.

    Any level but ``intern`` is drawn only from a :class:`~sozialraum.privacy.Release`.
    """
    from sozialraum.privacy import Release
    from sozialraum.webmap import make_map, save_map

    if release is not None:
        if not isinstance(release, Release):
            raise TypeError("write_webmap: release must be a privacy.Release")
        frame, status, level = release.frame("areas"), release.status("areas"), release.level
    else:
        level = "intern"

    g = state.config["gebiete"]
    specs = _indicator_specs(state, frame, level=level)
    de = state.lang == "de"
    kwargs = _spatial_layers(state, frame, de)
    from sozialraum.pipeline.outputs_regions import map_extras, region_overlays

    frame, region_layers, fac_cols = map_extras(state, frame)  # region sets, offer themes
    layers = (
        _class_layers(state, frame, de)
        + priority_layers(state, frame)
        + kwargs.pop("layers")
        + region_layers
    )
    from sozialraum.pipeline.map_measures import measure_layers

    frame, measure_lays = measure_layers(state, frame)  # areas with a measure (no figures)
    layers = layers + measure_lays
    kwargs["category_layers"] = layers
    # the map opens on the status class where there is one (the planners' first question)
    kwargs["first"] = next((c.column for c in layers if c.column == "status_klasse"), None)
    bounds = boundaries if boundaries is not None else state.gemeinden
    label = (
        g["gemeinden_name"]
        if bounds is not None and g["gemeinden_name"] in bounds.columns
        else None
    )
    m = make_map(
        frame,
        specs,
        name_column=g["name"],
        status=status if status is not None and len(status.columns) else None,
        facilities=state.facilities,
        facility_category=state.config["einrichtungen"]["kategorie_spalte"]
        if state.config.get("einrichtungen")
        else "kategorie",
        facility_capacity=state.config["einrichtungen"]["kapazitaet_spalte"]
        if state.config.get("einrichtungen")
        else None,
        capacity_unit="Plätze" if state.lang == "de" else "places",
        facility_columns=fac_cols or None,
        offers=_offer_layers(state, level),
        boundaries=bounds,
        boundary_label=label,
        regions=region_overlays(state),  # region sets: borders, class, members
        offline=True,
        title=title or f"{state.config['projekt']['name']} {state.year}",
        lang=state.lang,
        territory=_territory(state),
        **kwargs,
    )
    return save_map(m, path)


def _offer_layers(state, level: str):
    """The offers by theme ([einrichtungen] with a ``thema`` column) as map layers.

    Outside ``intern`` only offers whose address is public
    (:func:`sozialraum.webmap.public_offers`). They start switched off where the
    facility layers already mark the same places.
    """
    from sozialraum.webmap import OfferLayers, public_offers

    fac = state.facilities
    if fac is None or "thema" not in fac.columns or not state.config.get("einrichtungen"):
        return None
    if level != "intern":
        fac = public_offers(fac)
    name = state.config["einrichtungen"]["name_spalte"]
    if name not in fac.columns:
        fac = fac.assign(**{name: fac.index.astype(str)})
    return OfferLayers(fac, theme="thema", name=name, show=False)


def _access_title(state, col: str) -> str:
    """``zugang_<analysis>_<measure>`` → a German title."""
    from sozialraum.core.text import slugify
    from sozialraum.report.text import supply_label

    for name in state.access:
        prefix = f"zugang_{slugify(name)}_"
        if col.startswith(prefix):
            what = col[len(prefix) :]
            label = {
                "distance_m": "Weg zur nächsten Einrichtung",
                "distance_1": "Luftlinie zur nächsten Einrichtung",
                "travel_time_min": "Fußweg in Minuten",
                "bb_defizit": "fehlende Plätze",
                "bb_deckungsgrad": "Deckungsgrad",
            }.get(what, what)
            sn = state.access[name].get("bestand_bedarf", state.access[name].get("versorgung"))
            short = sn.method_label(state.lang, short=True) if sn is not None else ""
            if what == "versorgung":  # inside the area or in the catchment: named apart
                method = sn.method if sn is not None else _analysis_method(state, name)
                return supply_label(name, method, short, state.lang)
            if sn is not None and what in ("bb_defizit", "bb_deckungsgrad"):
                return f"{name}: {label} ({short})"
            return f"{name}: {label}"
    return col


def _analysis_method(state, name: str) -> str:
    """The configured method of access analysis ``name`` (``naechste``, ``2sfca`` …)."""
    for a in state.config.get("erreichbarkeit") or []:
        if a["name"] == name:
            return a["methode"]
    return "naechste"


def _access_unit(col: str) -> str:
    if col.endswith(("distance_m", "distance_1")):
        return "m"
    if col.endswith("travel_time_min"):
        return "min"
    if col.endswith("bb_deckungsgrad"):
        return "%"
    return ""


def _title(state, col: str) -> str:
    return column_title(state, col)


def report_inputs(state):
    """The explicit input of every report of this run (:class:`~sozialraum.report.ReportInputs`).

    Adds the previous year's status classes (classes are public at every level).
    """
    import dataclasses

    from sozialraum.pipeline.bericht import report_options
    from sozialraum.report import ReportInputs

    inputs = ReportInputs.from_state(state)
    title = report_options(state.config, state.lang).title or inputs.title  # [bericht] titel
    return dataclasses.replace(inputs, previous_classes=_previous_classes(state), title=title)


def _report_kwargs(state) -> dict:
    """The district's template folder and settings (``[bericht]``) for every report."""
    from sozialraum.pipeline.bericht import report_options

    return report_options(state.config, state.lang).kwargs()


def _previous_classes(state) -> pd.DataFrame | None:
    """Status classes of the previous year: the monitor run on the years up to it."""
    from sozialraum.pipeline.common import monitor_up_to

    prev = state.previous_year
    if prev is None or state.monitor is None:
        return None
    res = monitor_up_to(state, prev)  # shared with the earlier years of the series
    cols = [c for c in ("status_klasse", "dynamik_klasse") if c in res.frame.columns]
    return res.frame[cols] if cols else None


def profile_charts_ahead(state):
    """Start drawing the internal profiles' charts on the idle core (:mod:`sozialraum.report.ahead`).

    Called by the run once the steps the charts show are computed (monitor,
    demography); None where profiles are not written or no copy may be forked.
    """
    if not state.config["ausgaben"]["steckbriefe"]:
        return None
    from sozialraum.report import report_data
    from sozialraum.report.ahead import draw_ahead
    from sozialraum.report.steckbrief import profile_chart_jobs

    def jobs() -> list:
        data = report_data(report_inputs(state))
        return profile_chart_jobs(data, lang=state.lang, **_report_kwargs(state))

    return draw_ahead(jobs)


def release_patterns_ahead(state):
    """Start computing the earlier years' suppression patterns on the idle core.

    Called by the run after the monitor (the rates and classes, what the earlier
    years' releases are made of, exist by then); see
    :func:`~sozialraum.privacy.suppression.patterns_ahead`. None where no package is
    released, there is no earlier year or no copy may be forked.
    """
    levels = [lv for lv in state.config["ausgaben"]["freigabe"] if lv != "intern"]
    if not levels or not any(y < state.year for y in state.rates):
        return None
    from sozialraum.pipeline.common import release_policy
    from sozialraum.pipeline.website_step import history_releases
    from sozialraum.privacy.suppression import patterns_ahead

    def prepare() -> None:
        policy = release_policy(state.config).validate(state.catalogue, lang=state.lang)
        ags = None
        if levels[0] != "oeffentlich":  # one package: the pattern is that of all packages
            ags = str(state.areas[state.config["gebiete"]["gemeinde_spalte"]].iloc[0])
        history_releases(state, levels[0], ags, policy)

    return patterns_ahead(prepare)


def _year_pattern_ahead(state, data, first: tuple[str, str | None], policy) -> None:
    """Start computing the report year's suppression pattern beside the internal outputs.

    One pattern serves every package (:func:`~sozialraum.privacy.suppression.suppress`
    protects against every reader at once); made before the packages are built on two
    processes, neither of them computes it (:func:`_take_ahead` keeps it). Nothing
    happens where no copy may be forked: the first package then computes it.
    """
    from sozialraum.privacy import make_release
    from sozialraum.privacy.suppression import patterns_ahead

    mp = run_monitor_params(state)
    level, ags = first
    ahead = patterns_ahead(
        lambda: make_release(data, level, ags, policy=policy, monitor_params=mp, lang=state.lang)
    )
    if ahead is not None:
        state.ahead["muster_jahr"] = ahead


def _take_ahead(state, name: str, timing: str, keep=None) -> None:
    """What the copy ``name`` worked out ahead (it stops), ``keep`` it; its time as a nested step."""
    ahead = state.ahead.pop(name, None)
    if ahead is not None:
        got = ahead.take()
        if keep is not None:
            keep(got)
        state.timer.add(timing, ahead.seconds, nested=True)


def _intern_outputs(state, folder: Path, sr, sr_status, inputs) -> Files:
    """The internal web map, profiles and report (all values)."""
    aus = state.config["ausgaben"]
    L = state.lang
    files: Files = []
    if aus["webkarte"]:
        with timed(state, "webkarte", level="intern"):
            p = write_webmap(state, folder / "intern" / "webkarte.html", frame=sr, status=sr_status)
        files.append(
            (
                p,
                "Interaktive Karte mit allen Werten (offline, eine Datei)",
                "interactive map with all values (offline, one file)",
            )
        )
    if not (aus["steckbriefe"] or aus["sozialbericht"]):
        return files
    from sozialraum.report import report_data, write_sozialbericht, write_steckbriefe

    rdata = report_data(inputs)
    if aus["steckbriefe"]:
        with timed(state, "steckbriefe", level="intern"):
            _take_ahead(state, "charts", "vorab")  # into the run's shared chart cache
            docs = write_steckbriefe(
                rdata,
                folder / "intern" / "steckbriefe",
                pdf=aus["pdf"],
                lang=L,
                **_report_kwargs(state),
                progress=state.progress(
                    "Steckbriefe (intern)" if L == "de" else "profiles (internal)"
                ),
                on_time=on_time(state, "intern"),
            )
        terr = _territory(state)
        files += [
            (p, _doc_description(p, "de", terr), _doc_description(p, "en", terr)) for p in docs
        ]
    if aus["sozialbericht"]:
        with timed(state, "sozialbericht", level="intern"):
            docs = write_sozialbericht(
                rdata, folder / "intern", pdf=aus["pdf"], lang=L, **_report_kwargs(state)
            )
        for p in docs:
            files.append(
                (p, "Sozialbericht (intern, alle Werte)", "social report (internal, all values)")
            )
    return files


def _level_planning(state, release, inputs) -> dict:
    """``ReportData.planning`` of one package: the multi-year series from each year's release."""
    planning = dict(inputs.planning)
    if planning.get("angebote") and release.level != "intern":
        from sozialraum.pipeline.outputs_offers import public_offer_planning

        planning["angebote"] = public_offer_planning(state, planning["angebote"])
    if "trends" in planning:
        from sozialraum.pipeline.website_step import history_releases

        planning["trends_releases"] = history_releases(
            state, release.level, release.ags, release.policy
        )
    if "regionen" in planning:  # the regions as this package shows them
        from sozialraum.pipeline.outputs_regions import release_region_frames

        planning["regionen"] = {
            **planning["regionen"],
            "released": release_region_frames(state, release),
        }
    return planning


def _package_reports(state, pkg: Path, release, inputs) -> Files:
    """Profiles (and, public, the Sozialbericht) of one package, from its release only."""
    from sozialraum.report import report_data_from_release, write_sozialbericht, write_steckbriefe

    aus = state.config["ausgaben"]
    L = state.lang
    files: Files = []
    with timed(state, "paket_rest", level=release.level):
        data = report_data_from_release(
            release, inputs, planning=_level_planning(state, release, inputs)
        )
    public = release.level == "oeffentlich"
    tag = {"de": " (öffentlich)" if public else "", "en": " (public)" if public else ""}
    terr = _territory(state)
    lvl = release.level
    if public and aus["sozialbericht"]:
        with timed(state, "sozialbericht", level=lvl):
            docs = write_sozialbericht(data, pkg, pdf=aus["pdf"], lang=L, **_report_kwargs(state))
        for p in docs:
            files.append(
                (
                    p,
                    f"Sozialbericht (öffentlich: Werte für {terr.top.singular} und "
                    f"{terr.middle.plural}, Klassen)",
                    f"social report (public: {terr.top.english} and "
                    f"{terr.middle.english} values, classes)",
                )
            )
    if aus["steckbriefe"]:
        unit = terr.middle.named(_gemeinde_name(state, str(release.ags)), L)
        what = ("öffentlich" if L == "de" else "public") if public else unit
        with timed(state, "steckbriefe", level=lvl):
            docs = write_steckbriefe(
                data,
                pkg / "steckbriefe",
                areas=None if public else release.own_areas(),
                municipalities=True if public else [str(release.ags)],  # a package: its own unit
                combined=public,
                pdf=aus["pdf"],
                lang=L,
                **_report_kwargs(state),
                progress=state.progress(
                    f"Steckbriefe ({what})" if L == "de" else f"profiles ({what})"
                ),
                on_time=on_time(state, lvl),
            )
        files += [
            (
                p,
                _doc_description(p, "de", terr) + tag["de"],
                _doc_description(p, "en", terr) + tag["en"],
            )
            for p in docs
        ]
    return files


def _package_outputs(state, folder: Path, release, inputs) -> Files:
    """Web map and reports added to the tables of one package."""
    aus = state.config["ausgaben"]
    pkg = folder / release.package
    files: Files = []
    if aus["webkarte"]:
        name = state.config["projekt"]["name"]
        title = (
            f"{name} {state.year}"
            if release.ags is None
            else f"{name} {state.year} – {_gemeinde_name(state, release.ags)}"
        )
        with timed(state, "webkarte", level=release.level):
            p = write_webmap(state, pkg / "webkarte.html", release=release, title=title)
        files.append(
            (
                p,
                "Interaktive Karte dieses Pakets (offline)",
                "interactive map of this package (offline)",
            )
        )
    if aus["steckbriefe"] or aus["sozialbericht"]:
        files += _package_reports(state, pkg, release, inputs)
    from sozialraum.pipeline.outputs_regions import package_region_file

    with timed(state, "paket_rest", level=release.level):
        files += package_planning(state, pkg, release)  # a municipality's own recommendations
        files += package_region_file(state, pkg, release)  # region sets: members and class
        from sozialraum.pipeline.outputs_offers import package_offer_file

        files += package_offer_file(state, pkg, release)  # offers by theme per area
    return files


def _write_check_report(folder: Path, checks, L: str, audit=None) -> Files:
    p = folder / "pruefbericht.txt"
    lines = [
        (
            "Freigabeprüfung: jedes Paket wurde mit den internen Daten verglichen."
            if L == "de"
            else "Release check: every package was compared with the internal data."
        ),
        "",
    ]
    for name, rep in checks:  # every file of every package, with how it was checked
        ok = f"{name}: " + ("in Ordnung" if L == "de" else "fine") if rep.ok else name
        lines += [ok, rep.to_text(L), ""]
    if audit is not None:  # the LP attack on all packages together
        lines += [audit.summary(L), ""]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [
        (
            p,
            "Prüfbericht: kein Paket zeigt mehr als seine Freigabestufe",
            "check report: no package shows more than its level",
        )
    ]


def _package_tasks(state, folder: Path, data, jobs, policy, inputs, made: dict) -> dict:
    """The jobs of package ``i`` of ``jobs``: its package (tables, map, reports); it and its website.

    The website of a package is built by the process that built the package: it
    reuses that release (``made``) and the earlier years kept on the way.
    """
    from sozialraum.pipeline.common import labels_for
    from sozialraum.pipeline.website_step import write_package_site
    from sozialraum.privacy import make_release, write_release

    L = state.lang
    title = f"{state.config['projekt']['name']} {state.year}"
    mp = run_monitor_params(state)

    def package(i: int) -> Files:
        level, ags = jobs[i]
        with timed(state, "pakete", level=level):
            rel = make_release(data, level, ags, policy=policy, monitor_params=mp, lang=L)
            made[(level, ags)] = rel
            files = write_release(
                rel,
                folder,
                labels=labels_for(state),
                title=title,
                lang=L,
                territory=_territory(state),
            )
        return files + _package_outputs(state, folder, rel, inputs)

    def site(i: int) -> Files:
        level, ags = jobs[i]
        with timed(state, "webseite", level=level):
            target = folder / package_name(level, ags) / "webseite"
            return write_package_site(
                state, target, data, level, ags, policy, made.get((level, ags))
            )

    def both(i: int) -> Files:
        return package(i) + site(i)

    return {"paket": package, "paket_webseite": both}


def _shared_history(state, sites: bool, inputs) -> None:
    """The internal data of the earlier years, kept for every package's site and time series.

    Made here, before the copy building packages is forked, so that the two processes
    do not both make it (:func:`~sozialraum.pipeline.website_step.history_releases`).
    """
    from sozialraum.pipeline.website_step import kept_earlier_years

    trends = inputs is not None and "trends" in (inputs.planning or {})
    if sites or trends:
        with timed(state, "berichtsdaten"):
            kept_earlier_years(state)


def _group(state, helper, key: str, jobs):
    """A step around jobs that run on two processes (none when they run one after the other)."""
    return timed(state, key) if helper is not None and jobs else nullcontext()


def write_presentation(state, folder: Path, sr, sr_status) -> Files:
    """Write maps, profiles, the report and the release packages (as configured).

    Internal outputs go to ``intern/``. For ``oeffentlich`` and ``kommunal`` the
    privacy step makes one checked release per package; its tables, web map,
    profiles and report are written from that release alone; then every package is
    checked, and a package that shows more than its level stops the run.
    """
    from sozialraum.core.text import slugify
    from sozialraum.errors import SozialraumError
    from sozialraum.pipeline.common import release_policy
    from sozialraum.pipeline.parallel import PackageHelper, run_split
    from sozialraum.privacy import ReleaseData, audit_packages

    aus = state.config["ausgaben"]
    L = state.lang
    with timed(state, "freigabedaten"):
        policy = release_policy(state.config).validate(state.catalogue, lang=L)  # before writing
    inputs = None
    if aus["steckbriefe"] or aus["sozialbericht"]:
        with timed(state, "berichtsdaten"):
            inputs = report_inputs(state)
    levels = [lv for lv in aus["freigabe"] if lv != "intern"]
    if levels:
        with timed(state, "freigabedaten"):
            data = ReleaseData.from_rollup(
                sr,
                sr_status,
                state.rollup,
                state.catalogue,
                name=slugify(state.config["projekt"]["name"]),
                area_ags_col=state.config["gebiete"]["gemeinde_spalte"],
            )
        jobs = [("oeffentlich", None)] if "oeffentlich" in levels else []
        if "kommunal" in levels:
            jobs += [("kommunal", str(a)) for a in data.municipalities()]
        _year_pattern_ahead(state, data, jobs[0], policy)
    files = _intern_outputs(state, folder, sr, sr_status, inputs)
    if not levels:
        return files
    from sozialraum.privacy.suppression import add_patterns

    _take_ahead(state, "muster", "muster_vorab", add_patterns)  # the earlier years' patterns
    _take_ahead(state, "muster_jahr", "muster_jahr_vorab", add_patterns)  # the report year's
    made: dict = {}  # (level, ags) → the checked release of the report year (site reuses it)
    tasks = _package_tasks(state, folder, data, jobs, policy, inputs, made)
    packages = [(folder / package_name(lv, a), lv, a) for lv, a in jobs]
    sites = bool(aus.get("webseite"))  # the public Sozialatlas of every package, checked like it
    _shared_history(state, sites, inputs)  # made once, before the copy: both processes use it
    # every package and its site on two processes: a site is written by the process
    # that made its package (it reuses that release)
    name = "paket_webseite" if sites else "paket"
    helper = PackageHelper.start(state, tasks, len(jobs))
    with helper if helper is not None else nullcontext():
        with _group(state, helper, "pakete_parallel", jobs):
            made_files = run_split(state, helper, tasks, name, range(len(jobs)))
        site_dirs = [p / "webseite" for p, _lv, _a in packages] if sites else []
        in_site = _under_any(site_dirs)
        files += [f for f in made_files if not in_site(f[0])]
        done = _audit_beside(
            state,
            lambda: audit_packages(folder, data, jobs, threshold=policy.threshold, lang=L),
            lambda: _check_packages(state, packages, data, policy, site_dirs),
        )
        audit, checks = done.result, done.checks
        if not audit.ok:
            raise SozialraumError(
                (
                    "Geheimhaltungsprüfung fehlgeschlagen; nichts wird veröffentlicht:\n"
                    if L == "de"
                    else "suppression audit failed; nothing is published:\n"
                )
                + audit.summary(L)
            )
        files += [f for f in made_files if in_site(f[0])]
    with timed(state, "pruefbericht"):
        return files + _write_check_report(folder, checks, L, audit)


@dataclass(frozen=True)
class _Audited:
    """The audit and the release check of all packages."""

    result: object  # the AuditResult of all packages
    checks: list  # (package name, CheckReport) of each package


def _audit_beside(state, audit: Callable[[], object], check: Callable[[], list]) -> _Audited:
    """The suppression audit (``audit()``, tables only) on a forked copy while ``check()`` runs.

    The audit reads the written tables only and gives the same result on either
    process; where no copy may be forked (or the copy fails) it runs here, after
    the check, as before.
    """
    from sozialraum.core.ahead import start_ahead

    copy = start_ahead(lambda emit, _stopped: emit("audit", audit()))
    try:
        checks = check()
    except BaseException:
        if copy is not None:
            copy.close()
        raise
    with timed(state, "audit"):
        got = copy.take().get("audit") if copy is not None else None
        if copy is not None and getattr(state, "timer", None) is not None:
            state.timer.add("audit_daneben", copy.seconds, nested=True)
        result = got if got is not None else audit()
    return _Audited(result, checks)


def _check_packages(state, packages, data, policy, sites: Sequence[Path] = ()) -> list:
    """Check every package once its PDFs are printed, and ``sites`` (one folder per package).

    All in one batch on two processes where there are cores. A PDF printed by this
    run from an HTML file of the same package is verified by the checksums of both
    files (:mod:`sozialraum.core.prints`) instead of being read again; the first
    package (then site) that shows more than its level stops the run. Returns
    ``(name, CheckReport)`` of every package, then of every site.
    """
    from sozialraum.errors import SozialraumError
    from sozialraum.pipeline.common import labels_for
    from sozialraum.pipeline.website_step import site_reports
    from sozialraum.privacy import check_releases
    from sozialraum.report.pdf import default_workers

    L = state.lang
    waited = [0.0]
    batch = list(packages) + [(s, lv, a) for s, (_p, lv, a) in zip(sites, packages, strict=False)]
    # (``sites`` is empty, or one per package in the same order)

    def ready(i: int) -> None:  # a package is checked once its PDFs exist
        t0 = time.perf_counter()
        finish_printing(batch[i][0])
        waited[0] += time.perf_counter() - t0

    with timed(state, "pruefung_alle"):  # while the next packages are still printed
        reports = check_releases(
            batch,
            data,
            policy=policy,
            prints=True,
            workers=default_workers(),
            lang=L,
            labels=labels_for(state),
            ready=ready,
            skip=sites,  # each site is checked as its own entry of the batch
        )
    state.timer.add("pdf_warten", waited[0], nested=True)
    checks = []
    for (pkg, _level, _ags), report in zip(packages, reports[: len(packages)], strict=True):
        checks.append((pkg.name, report))
        if not report.ok:
            raise SozialraumError(
                (
                    f"Freigabeprüfung für {pkg.name} fehlgeschlagen; nichts wird veröffentlicht:\n"
                    if L == "de"
                    else f"release check for {pkg.name} failed; nothing is published:\n"
                )
                + report.to_text(L)
            )
    site_reports(state, list(sites), reports[len(packages) :], checks)
    return checks


def _under_any(folders: Sequence[Path]) -> Callable[[Path], bool]:
    """Whether a path lies in one of ``folders``."""
    roots = [Path(f) for f in folders]
    return lambda p: any(Path(p).is_relative_to(r) for r in roots)


def _territory(state):
    """The run's level words (:func:`sozialraum.pipeline.config.territory_of`)."""
    from sozialraum.pipeline.config import territory_of

    return territory_of(state.config, state.lang)


def _doc_description(path: Path, lang: str, terr) -> str:
    kind = "PDF" if path.suffix == ".pdf" else "HTML"
    stem = path.stem
    if stem.startswith(f"steckbrief_{terr.middle.slug}_"):
        return (
            f"Steckbrief {terr.middle.the('gen', 'de')} ({kind})"
            if lang == "de"
            else f"{terr.middle.english} profile ({kind})"
        )
    if stem.startswith("steckbrief_"):
        return (
            f"Steckbrief {terr.bottom.the('gen', 'de')} ({kind})"
            if lang == "de"
            else f"{terr.bottom.english} profile ({kind})"
        )
    return (
        f"Steckbriefe, alle in einer Datei ({kind})"
        if lang == "de"
        else f"all profiles in one file ({kind})"
    )


def _gemeinde_name(state, ags: str) -> str:
    gem = state.gemeinden
    col = state.config["gebiete"]["gemeinden_name"]
    if gem is not None and col in gem.columns and ags in gem.index:
        return str(gem.loc[ags, col])
    return ags
