"""The yearly run's website step: one static Sozialatlas per release package.

For the public package and every ``kommunal-<AGS>`` package the privacy step
makes one :class:`~sozialraum.privacy.Release` per year of the run (the report
year's is the one the package was written from); :func:`sozialraum.website.write_site`
builds the site from these releases alone, into ``<package>/webseite/``, and the
release checker then reads the written site like any other file of the package.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd

from sozialraum.pipeline.common import (
    INDEX_TITLES,
    Files,
    monitor_params,
    release_policy,
    without_unrated_index,
)

__all__ = ["site_options", "year_release_data", "write_package_site", "write_run_sites"]


def year_release_data(state, year: int):
    """The internal results of an earlier ``year`` as :class:`~sozialraum.privacy.ReleaseData`.

    Counts and rates of that year, the monitor run on the years up to it (classes
    and dynamics as they were then), and its roll-up to the middle level and the top.
    """
    from sozialraum.core.text import slugify
    from sozialraum.errors import SozialraumWarning
    from sozialraum.join import rollup_hierarchy
    from sozialraum.monitor import run_monitor
    from sozialraum.privacy import ReleaseData

    g = state.config["gebiete"]
    counts, rates = state.counts[year], state.rates[year]
    new = [c for c in rates.rates.columns if c not in counts.columns]
    frame = state.areas.join(counts).join(rates.rates[new])
    status = state.status[year].join(rates.status[new].astype("string"))
    years = [y for y in sorted(state.counts) if y <= year][-2:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)  # reported for the report year
        res = run_monitor(
            {y: state.counts[y] for y in years},
            state.catalogue,
            monitor_params(state.config, state.lang),
            status={y: state.status[y] for y in years},
        )
        mon = without_unrated_index(res.frame.drop(columns=[c for c in res.frame if c in frame]))
        frame = frame.join(mon)
        base = state.areas[[g["gemeinde_spalte"], "geometry"]].join(counts)
        rollup = rollup_hierarchy(
            gpd.GeoDataFrame(base, geometry="geometry", crs=state.areas.crs),
            {"gemeinde": g["gemeinde_spalte"], "kreis": None},
            status=state.status[year],
            catalogue=state.catalogue.indicators,
            lang=state.lang,
        )
    return ReleaseData.from_rollup(
        frame,
        status,
        rollup,
        state.catalogue,
        name=slugify(state.config["projekt"]["name"]),
        area_ags_col=g["gemeinde_spalte"],
    )


def site_options(state, ags: str | None = None):
    """Name, level words, colours and logo of the run's site (``[ausgaben]``, ``[gliederung]``)."""
    from sozialraum.pipeline.config import territory_of
    from sozialraum.website import SiteOptions

    cfg = state.config
    g, aus = cfg["gebiete"], cfg["ausgaben"]
    terr = territory_of(cfg, state.lang)
    mids: dict[str, str] = {}
    if state.gemeinden is not None and g["gemeinden_name"] in state.gemeinden.columns:
        mids = {str(k): str(v) for k, v in state.gemeinden[g["gemeinden_name"]].items()}
    sub = terr.middle.named(mids.get(str(ags), str(ags)), state.lang) if ags else ""
    return SiteOptions(
        name=cfg["projekt"]["name"],
        territory=terr,
        name_column=g["name"],
        middle_name_column=g["gemeinden_name"],
        middle_names=mids,
        color=aus.get("webseite_farbe") or "#1f4e79",
        logo=aus.get("webseite_logo"),
        source=cfg["projekt"]["quelle"] or "",
        titles=INDEX_TITLES,
        subtitle=sub,
    )


def write_package_site(state, folder: Path, data, level: str, ags: str | None, policy) -> Files:
    """The site of one package: releases of every year, written into ``<package>/webseite``."""
    from sozialraum.privacy import make_release
    from sozialraum.website import write_site

    mp = state.monitor.params if state.monitor is not None else None
    L = state.lang
    releases = {state.year: make_release(data, level, ags, policy=policy, monitor_params=mp, lang=L)}
    for y in sorted(state.counts):
        if y < state.year and y in state.rates:
            d = year_release_data(state, y)
            releases[y] = make_release(d, level, ags, policy=policy, lang=L)
    pkg = folder / releases[state.year].package
    res = write_site(releases, pkg / "webseite", site_options(state, ags), year=state.year, lang=L)
    return [
        (
            res.index,
            f"Webseite (Sozialatlas, {res.pages} Seiten, alle Jahre; auf einen Webserver "
            "oder USB-Stick kopieren)",
            f"website (social atlas, {res.pages} pages, every year; copy to a web server "
            "or USB stick)",
        )
    ]


def write_run_sites(state, folder: Path, data, jobs) -> Files:
    """One site per package of the run, each checked like the package; refuse on a leak."""
    from sozialraum.errors import SozialraumError
    from sozialraum.pipeline.timing import timed
    from sozialraum.privacy import check_release, package_name

    policy = release_policy(state.config).validate(state.catalogue, lang=state.lang)
    files: Files = []
    for level, ags in jobs:
        with timed(state, "webseite", level=level):
            files += write_package_site(state, folder, data, level, ags, policy)
        site = folder / package_name(level, ags) / "webseite"
        report = check_release(site, data, level=level, ags=ags, policy=policy)
        if not report.ok:
            raise SozialraumError(
                (
                    f"Freigabeprüfung der Webseite {site} fehlgeschlagen:\n"
                    if state.lang == "de"
                    else f"release check of the website {site} failed:\n"
                )
                + report.to_text(state.lang)
            )
    return files
