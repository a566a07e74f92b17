"""The yearly run's website step: one static Sozialatlas per release package.

For the public package and every ``kommunal-<AGS>`` package the privacy step
makes one :class:`~sozialraum.privacy.Release` per year of the run (the report
year's is the one the package was written from); :func:`sozialraum.website.write_site`
builds the site from these releases alone, into ``<package>/webseite/``, and the
release checker then reads the written site like any other file of the package.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd

from sozialraum.pipeline.common import (
    INDEX_TITLES,
    Files,
    labels_for,
    monitor_up_to,
    release_policy,
    run_monitor_params,
    without_unrated_index,
)

_MSG = {
    "no_run": {
        "de": "{path}: weder der Ausgabeordner eines Laufs (manifest.json fehlt) noch eine "
        "monitor.toml. Bitte den Ordner eines Laufs oder die Konfiguration angeben.",
        "en": "{path}: neither the output folder of a run (manifest.json is missing) nor a "
        "monitor.toml. Please give the folder of a run or the configuration.",
    },
}

__all__ = [
    "build_sites",
    "check_sites",
    "config_of",
    "earlier_years",
    "history_releases",
    "kept_earlier_years",
    "site_options",
    "write_package_site",
    "year_release_data",
]


def year_release_data(state, year: int):
    """The internal results of an earlier ``year`` as :class:`~sozialraum.privacy.ReleaseData`.

    Counts and rates of that year, the monitor run on the years up to it (classes
    and dynamics as they were then), and its roll-up to the middle level and the top.
    """
    from sozialraum.core.text import slugify
    from sozialraum.errors import SozialraumWarning
    from sozialraum.join import rollup_hierarchy
    from sozialraum.privacy import ReleaseData

    g = state.config["gebiete"]
    counts, rates = state.counts[year], state.rates[year]
    new = [c for c in rates.rates.columns if c not in counts.columns]
    frame = state.areas.join(counts).join(rates.rates[new])
    status = state.status[year].join(rates.status[new].astype("string"))
    res = monitor_up_to(state, year)  # shared with the report's previous-year classes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)  # reported for the report year
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


def earlier_years(state) -> dict:
    """Year → internal data of every year before the report year (for the time series)."""
    return {
        y: year_release_data(state, y)
        for y in sorted(state.counts)
        if y < state.year and y in state.rates
    }


def kept_earlier_years(state) -> dict:
    """:func:`earlier_years`, made once per run and kept in ``state.history``."""
    if "_data" not in state.history:
        state.history["_data"] = earlier_years(state)
    return state.history["_data"]


def history_releases(state, level: str, ags: str | None, policy) -> dict:
    """Year → the checked :class:`~sozialraum.privacy.Release` of one package for every earlier year.

    Made once per run and package (kept in ``state.history``) and shared by the package's
    website and its reports' multi-year series: an earlier year is shown only as the privacy
    step of that year releases it (primary and secondary suppression of that year).
    """
    from sozialraum.privacy import make_release

    out = {}
    for y, d in kept_earlier_years(state).items():
        if (level, ags, y) not in state.history:
            state.history[(level, ags, y)] = make_release(
                d, level, ags, policy=policy, lang=state.lang
            )
        out[y] = state.history[(level, ags, y)]
    return out


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
    name = mids.get(str(ags), str(ags))
    sub = {lg: terr.middle.named(name, lg) for lg in ("de", "en")} if ags else ""
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


def write_package_site(
    state, target: Path, data, level: str, ags: str | None, policy, current=None, history=None
) -> Files:
    """The site of one package: its releases of every year, written into ``target``.

    ``current`` is the report year's release of the package where the run made it already;
    ``history`` the internal data of the earlier years (:func:`year_release_data`).
    """
    from sozialraum.privacy import make_release
    from sozialraum.website import write_site

    mp = run_monitor_params(state)
    L = state.lang
    if current is None:
        current = make_release(data, level, ags, policy=policy, monitor_params=mp, lang=L)
    releases = {state.year: current}
    if history is None:
        releases.update(history_releases(state, level, ags, policy))
    else:
        for y, d in history.items():
            releases[y] = make_release(d, level, ags, policy=policy, lang=L)
    res = write_site(releases, target, site_options(state, ags), year=state.year, lang=L)
    return [
        (
            res.index,
            "Webseite (Sozialatlas, alle Jahre; auf einen Webserver oder USB-Stick kopieren)",
            "website (social atlas, every year; copy to a web server or USB stick)",
        )
    ]


def build_sites(
    state,
    data,
    jobs,
    target: Callable[[str, str | None], Path],
    made=None,
    *,
    check: bool = True,
    reports: list | None = None,
) -> Files:
    """One site per ``(level, ags)`` of ``jobs`` into ``target(level, ags)``, each checked.

    The release checker reads every file of every written site against the internal
    data of the report year (all sites in one batch, on two processes where there are
    cores: :func:`~sozialraum.privacy.check_releases`); a site that shows more than
    its level stops with an error.
    """
    from sozialraum.pipeline.timing import timed

    policy = release_policy(state.config).validate(state.catalogue, lang=state.lang)
    files: Files = []
    sites: list[tuple[Path, str, str | None]] = []
    for level, ags in jobs:
        site = Path(target(level, ags))
        with timed(state, "webseite", level=level):
            rel = (made or {}).get((level, ags))
            files += write_package_site(state, site, data, level, ags, policy, rel)
        sites.append((site, level, ags))
    if check and sites:  # else the caller checks the written sites itself
        check_sites(state, data, sites, reports)
    return files


def check_sites(state, data, sites: list[tuple[Path, str, str | None]], reports=None) -> None:
    """Check written sites ``(folder, level, ags)`` against the report year's internal data.

    All in one batch, on two processes where there are cores
    (:func:`~sozialraum.privacy.check_releases`); ``reports`` (a list) receives
    ``(name, CheckReport)`` of each; a site that shows more than its level stops
    with an error.
    """
    from sozialraum.pipeline.timing import timed
    from sozialraum.privacy import check_releases
    from sozialraum.report.pdf import default_workers

    policy = release_policy(state.config).validate(state.catalogue, lang=state.lang)
    with timed(state, "webseite_pruefung"):
        checked = check_releases(
            sites,
            data,
            policy=policy,
            workers=default_workers(),
            lang=state.lang,
            labels=labels_for(state),
        )
    site_reports(state, [s for s, _lv, _a in sites], checked, reports)


def site_reports(state, sites: list[Path], checked: list, reports=None) -> None:
    """The check reports of written sites: kept in ``reports`` (a list) as ``(name, report)``;
    the first site that shows more than its level stops the run with an error."""
    from sozialraum.errors import SozialraumError

    for site, report in zip(sites, checked, strict=True):
        if reports is not None:  # for the run's check report (pruefbericht.txt)
            reports.append((f"{site.parent.name}/{site.name}", report))
        if not report.ok:
            raise SozialraumError(
                (
                    f"Freigabeprüfung der Webseite {site} fehlgeschlagen:\n"
                    if state.lang == "de"
                    else f"release check of the website {site} failed:\n"
                )
                + report.to_text(state.lang)
            )


def config_of(path: str | Path, lang: str | None = None) -> Path:
    """The configuration of a run: ``path`` itself, or the one named in a run folder's manifest."""
    import json

    from sozialraum._i18n import t
    from sozialraum.errors import InputError

    p = Path(path)
    if p.is_dir():
        man = p / "manifest.json"
        if not man.is_file():
            raise InputError(t(_MSG, "no_run", lang, path=p), file=str(p))
        return Path(json.loads(man.read_text(encoding="utf-8"))["konfiguration"])
    return p
