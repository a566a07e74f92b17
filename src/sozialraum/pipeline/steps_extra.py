"""Optional computation steps of a run: access, raster, demography.

Each step reads its section of the config, calls the library and stores plain
(Geo)DataFrames in the :class:`~sozialraum.pipeline.run.RunState`, so that the
outputs (tables, maps, profiles, packages) find them in one place.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import ConfigError, InputError
from sozialraum.pipeline.common import table_read_options
from sozialraum.pipeline.planung import compute_planning

__all__ = ["STEPS", "compute_access", "compute_raster", "compute_demography"]

_MSG = {
    "no_category": {
        "de": "[erreichbarkeit] {name}: Kategorie {cat!r} kommt in den Einrichtungen nicht vor (vorhanden: {cats}).",
        "en": "[erreichbarkeit] {name}: category {cat!r} does not occur in the facilities (present: {cats}).",
    },
    "no_variable": {
        "de": "[erreichbarkeit] {name}: Zielgruppe {var!r} ist keine Variable der Tabellen (vorhanden z. B.: {have}).",
        "en": "[erreichbarkeit] {name}: target group {var!r} is not a variable of the tables (e.g.: {have}).",
    },
    "no_facilities": {
        "de": "[erreichbarkeit] braucht einen Abschnitt [einrichtungen] mit einer Datei.",
        "en": "[erreichbarkeit] needs an [einrichtungen] section with a file.",
    },
    "no_roads": {
        "de": '[erreichbarkeit] {name}: methode = "netz" braucht einen Abschnitt [strassen].',
        "en": '[erreichbarkeit] {name}: methode = "netz" needs a [strassen] section.',
    },
    "two_targets": {
        "de": "[erreichbarkeit]: Für die Kategorie {cat!r} ist bedarf_je_100 in mehr als einer "
        "Analyse gesetzt. Bestand–Bedarf gibt es je Einrichtungsart nur einmal: bitte "
        "bedarf_je_100 nur in einer Analyse angeben.",
        "en": "[erreichbarkeit]: bedarf_je_100 is set in more than one analysis of category "
        "{cat!r}. Supply against need exists once per facility type: please set "
        "bedarf_je_100 in one analysis only.",
    },
    "no_future": {
        "de": "[demografie] Bestand–Bedarf {cat!r} in der Zukunft nicht berechnet: die Zielgruppe "
        "({vars}) besteht nicht aus Altersgruppen der Vorausberechnung.",
        "en": "[demografie] future supply–need {cat!r} not computed: the target group ({vars}) "
        "is not made of age groups of the projection.",
    },
    "no_column": {
        "de": "{file}: Spalte {col!r} ([einrichtungen] {key}) fehlt (vorhanden: {have}).",
        "en": "{file}: column {col!r} ([einrichtungen] {key}) is missing (present: {have}).",
    },
}


def compute_demography(state):
    """Age groups, dependency ratios, median age and the cohort-component projection.

    One call of :func:`sozialraum.demography.forecast.forecast`, the entry point of
    ``sozialraum demografie`` and the QGIS tool too.
    """
    from sozialraum.core.doors import using_door
    from sozialraum.demography import read_population
    from sozialraum.demography.forecast import ForecastParams, forecast
    from sozialraum.demography.settings import DemographySettings

    d = state.config["demografie"]
    files = state.config.files(d["dateien"], d["jahre"])
    pop = read_population([files[y] for y in sorted(files)], key=d["schluessel"], lang=state.lang)
    with using_door("config"):  # the settings come from monitor.toml: messages name its keys
        settings = DemographySettings.from_config(d, state.lang)
        fc = forecast(
            ForecastParams(
                pop,
                settings,
                area_keys=tuple(state.areas.index.astype(str)),
                threshold=state.config["ausgaben"]["mindestfallzahl"] - 1,
            ),
            lang=state.lang,
        )
    res, end = fc.projection, fc.end_year
    supply = _supply_today_and_future(state, res, end)
    _add_projection_to_rollup(state, fc.figures)
    state.demography = {
        "forecast": fc,  # the one entry point's result (workbook, layer)
        "figures": fc.figures,  # the one set of projected numbers every product shows
        "settings": settings,
        "supply": supply,  # facility type → today and end year, the run's method and target
        "population": pop,
        "projection": res,
        "groups": fc.groups,
        "ratios": fc.ratios,
        "median": fc.median,
        "end_year": end,
        "layer": fc.layer,
    }
    return state


def _add_projection_to_rollup(state, figures) -> None:
    """Projection columns of the municipalities and the district (sums of their areas).

    They join the roll-up frames, so that the release step checks and carries them like
    every other value of those levels.
    """
    gcol = state.config["gebiete"]["gemeinde_spalte"]
    parts = {}
    if "gemeinde" in (state.rollup or {}) and gcol in state.areas.columns:
        parts["gemeinde"] = figures.units(state.areas[gcol])
    if "kreis" in (state.rollup or {}):
        parts["kreis"] = figures.total()
    for level, (frame, status) in parts.items():
        roll = state.rollup[level]
        idx = roll.frame.index
        if level == "kreis":  # one row whatever its key
            frame.index = status.index = idx[:1]
        for col in frame.columns:
            roll.frame[col] = frame[col].reindex(idx)
            roll.status[col] = status[col].reindex(roll.status.index)


def _supply_today_and_future(state, projection, end: int) -> dict[str, pd.DataFrame]:
    """Bestand–Bedarf of each facility type today (``state.supply``) and in ``end``.

    The future uses the same model, method, target rate and facilities as the access
    step, with the projected target group; today's columns are the access step's own.
    """
    import warnings

    from sozialraum.access import supply_need
    from sozialraum.demography.demand import future_need, supply_comparison
    from sozialraum.errors import SozialraumWarning

    out: dict[str, pd.DataFrame] = {}
    for a in state.config.get("erreichbarkeit") or []:
        sn = state.supply.get(a["kategorie"])
        if sn is None or a["bedarf_je_100"] is None:
            continue
        need = future_need(projection, list(a["zielgruppe"]), year=end)
        if need is None:
            warnings.warn(
                t(
                    _MSG,
                    "no_future",
                    state.lang,
                    cat=a["kategorie"],
                    vars=", ".join(a["zielgruppe"]),
                ),
                SozialraumWarning,
                stacklevel=2,
            )
            continue
        fut = supply_need(
            need.reindex(state.areas.index.astype(str)),
            _facilities(state, a["kategorie"], a["name"]),
            state.areas,
            sn.params,
            demand_points=state.raster.get("demand_points"),
            facility_type=a["kategorie"],
            lang=state.lang,
        )
        out[a["kategorie"]] = supply_comparison(
            sn.frame,
            fut.frame,
            base_year=state.year,
            year=end,
            method=sn.method_label(state.lang),
        )
    return out


def _facilities(state, category: str, name: str):
    ef = state.config["einrichtungen"]
    fac = state.facilities
    col = ef["kategorie_spalte"]
    for key in ("kategorie_spalte", "kapazitaet_spalte", "name_spalte"):
        if ef[key] not in fac.columns:
            raise InputError(
                t(
                    _MSG,
                    "no_column",
                    state.lang,
                    file=ef["datei"].name,
                    col=ef[key],
                    key=key,
                    have=", ".join(map(str, fac.columns)),
                ),
                file=str(ef["datei"]),
                column=ef[key],
            )
    sub = fac[fac[col] == category]
    if sub.empty:
        raise InputError(
            t(
                _MSG,
                "no_category",
                state.lang,
                name=name,
                cat=category,
                cats=", ".join(sorted(map(str, fac[col].dropna().unique()))),
            ),
            file=str(ef["datei"]),
            column=col,
        )
    return sub


def compute_access(state):
    """Each configured access analysis; per facility type with a target the one Bestand–Bedarf.

    Distances and supply ratios per area go to ``state.access[name]``. Where an analysis
    sets ``bedarf_je_100``, supply against need is computed once by the analysis' method
    (:func:`sozialraum.access.supply_need`: 2SFCA/E2SFCA by catchment, otherwise by
    location) and stored in ``state.supply[kategorie]``; every product reads it there.
    """
    from sozialraum.access import need_points

    if state.facilities is None:
        raise InputError(t(_MSG, "no_facilities", state.lang))
    counts = state.counts[state.year]
    network = None
    for a in state.config["erreichbarkeit"]:
        target = _target_group(state, a, counts)
        fac = _facilities(state, a["kategorie"], a["name"])
        dem = need_points(
            state.areas, target.reindex(state.areas.index), state.raster.get("demand_points")
        )
        method = {"naechste": "nearest", "2sfca": "2sfca", "e2sfca": "e2sfca", "netz": "network"}[
            a["methode"]
        ]
        out: dict = {}
        sn = None
        if a["bedarf_je_100"] is not None:
            sn = _supply_need(state, a, target, fac)
            state.supply[a["kategorie"]] = sn
            out["bestand_bedarf"] = sn
        elif method in ("2sfca", "e2sfca"):
            sn = _supply_ratio(state, a, target, fac)
            out["versorgung"] = sn
        if method in ("2sfca", "e2sfca") and sn is not None:
            out["result"] = sn.fca
            per_area = sn.frame[["zielgruppe", "bestand", "versorgung_je_100"]].set_axis(
                ["nachfrage", "plaetze_zugeordnet", "versorgung"], axis=1
            )
        else:
            if method == "network" and network is None:
                network = _network(state, a["name"])
            res = _measure(state, a, method, dem, fac, network)
            out["result"] = res
            per_area = res.areas if len(res.areas) else _per_area(res.frame, dem)
        out["areas"] = state.areas[["geometry"]].join(per_area, how="left")
        if "bestand_bedarf" in out:
            sn = out["bestand_bedarf"]
            out["areas"]["versorgung"] = sn.frame["versorgung_je_100"]  # coverage by the method
            out["areas"] = out["areas"].join(sn.frame.add_prefix("bb_"), how="left")
            out["areas"]["bb_methode"] = sn.method_label(state.lang)
        if a.get("was_waere_wenn") and method in ("2sfca", "e2sfca"):
            out["was_waere_wenn"] = _what_if(state, a, method, dem, fac)
        state.access[a["name"]] = out
    return state


def _target_group(state, a: dict, counts: pd.DataFrame) -> pd.Series:
    """The analysis' target group per area: the sum of its variables."""
    for var in a["zielgruppe"]:
        if var not in counts.columns:
            raise InputError(
                t(
                    _MSG,
                    "no_variable",
                    state.lang,
                    name=a["name"],
                    var=var,
                    have=", ".join(list(counts.columns)[:8]),
                ),
                column=var,
            )
    return counts[a["zielgruppe"]].sum(axis=1, min_count=1)


def supply_params(state, a: dict):
    """The supply–need parameters of an analysis: its method, target and catchment."""
    from sozialraum.access import SupplyNeedParams, supply_method

    m = supply_method(a["methode"])
    target = a.get("bedarf_je_100")  # without a target only the places per 100 are kept
    return SupplyNeedParams(
        method=m,
        max_cost=float(a["radius_m"]) if m != "standort" else None,
        capacity_col=state.config["einrichtungen"]["kapazitaet_spalte"],
        **({} if target is None else {"target_per_100": float(target)}),
    )


def _supply_need(state, a: dict, target: pd.Series, fac: gpd.GeoDataFrame):
    """Bestand–Bedarf of one analysis by its method (one per facility type)."""
    if a["kategorie"] in state.supply:
        raise ConfigError(t(_MSG, "two_targets", state.lang, cat=a["kategorie"]))
    return _supply_model(state, a, target, fac)


def _supply_model(state, a: dict, target: pd.Series, fac: gpd.GeoDataFrame):
    """The one supply–need model of an analysis (:func:`sozialraum.access.supply_need`)."""
    from sozialraum.access import supply_need

    return supply_need(
        target.reindex(state.areas.index),
        fac,
        state.areas,
        supply_params(state, a),
        demand_points=state.raster.get("demand_points"),
        facility_type=a["kategorie"],
        lang=state.lang,
    )


def _supply_ratio(state, a: dict, target: pd.Series, fac: gpd.GeoDataFrame):
    """Places in the catchment per 100 of the target group, without a target (no deficit).

    The same supply–need model and catchment as with ``bedarf_je_100``, so that the ratio
    is the one number of the catchment method; only need, deficit and coverage of a
    target are left out (where ``[kita]`` or ``[pflege]`` has the one deficit).
    """
    import dataclasses

    sn = _supply_model(state, a, target, fac)
    keep = ["zielgruppe", "bestand", "versorgung_je_100"]
    return dataclasses.replace(sn, frame=sn.frame[keep], status=sn.status[keep])


def _network(state, name: str):
    from sozialraum.access import build_network

    if state.roads is None:
        raise InputError(t(_MSG, "no_roads", state.lang, name=name))
    return build_network(state.roads, state.config["strassen"]["klasse_spalte"], lang=state.lang)


def _measure(state, a: dict, method: str, dem, fac, network):
    """Distances (nearest, network) or supply ratios (2SFCA/E2SFCA) of one analysis."""
    from sozialraum.access import measure

    cap = state.config["einrichtungen"]["kapazitaet_spalte"]
    kwargs: dict = {"demand_col": "nachfrage", "area": "key", "lang": state.lang}
    if method == "network":
        kwargs["network"] = network
    elif method == "nearest":
        kwargs["radius"] = a["radius_m"]
    else:
        kwargs.update(supply_col=cap, max_cost=a["radius_m"])
    return measure(dem, fac, method, **kwargs)


def _what_if(state, a: dict, method: str, dem, fac):
    from sozialraum.access import what_if

    ef = state.config["einrichtungen"]
    cap = ef["kapazitaet_spalte"]
    rows = a["was_waere_wenn"]
    ids = [f"neu{i + 1}" for i in range(len(rows))]
    add = gpd.GeoDataFrame(
        {
            "id": ids,
            ef["kategorie_spalte"]: a["kategorie"],
            "name": [f"geplant {i + 1}" for i in range(len(rows))],
            cap: [float(r[2]) for r in rows],
        },
        geometry=gpd.points_from_xy([r[0] for r in rows], [r[1] for r in rows]),
        crs=state.areas.crs,
        index=pd.Index(ids),
    )
    return what_if(
        dem,
        fac,
        add=add,
        capacity_col=cap,
        method=method,
        demand_col="nachfrage",
        max_cost=a["radius_m"],
        area="key",
        lang=state.lang,
    )


def _per_area(frame: pd.DataFrame, dem: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per-point results → per area: the point itself, or the demand-weighted mean of several."""
    fr = pd.DataFrame(frame).copy()
    keys = dem["key"].astype(str).to_numpy()
    if len(set(keys)) == len(keys):
        fr.index = keys
        return fr
    num = fr.select_dtypes("number").columns
    w = dem["nachfrage"].to_numpy(dtype=float)
    wsum = pd.Series(w, index=keys).groupby(level=0).sum()
    weighted = fr[num].mul(w, axis=0)
    weighted.index = keys
    return weighted.groupby(level=0).sum().div(wsum.replace(0, np.nan), axis=0)


def compute_raster(state):
    """Zonal population of the raster per area (a check against the tables) and demand points."""
    from sozialraum.raster import demand_shares, weighted_centroids, zonal_stats

    path = state.config["raster"]["bevoelkerung"]
    zs = zonal_stats(state.areas, path, stats=("sum", "count"), method="center", lang=state.lang)
    pts = demand_shares(path, state.areas, lang=state.lang)
    table_pop = state.counts[state.year].get("ew_ges")
    check = (
        pd.DataFrame({"raster": zs["sum"], "tabelle": table_pop})
        if table_pop is not None
        else zs[["sum"]]
    )
    state.raster = {
        "zonal": zs,
        "check": check,
        "demand_points": pts,
        "centroids": weighted_centroids(state.areas, path, lang=state.lang),
    }
    return state


def build_atlas(state):
    """Write the run's inputs into the atlas database and (optionally) read the monitor's counts back.

    Areas (plus a later boundary version), catalogue, every table of every year (one
    batch each; re-importing an unchanged file is a no-op), facilities and the
    measures register go into one database, so that all planning departments use
    the same numbers. With ``monitor_aus_atlas`` the counts of the monitor come
    from the database: what the council sees is exactly what is stored.
    """
    from sozialraum.atlas import Atlas
    from sozialraum.io import read_areas

    a = state.config["atlas"]
    g = state.config["gebiete"]
    years = sorted(state.counts)
    target = a["datei"]
    if not target.startswith(("postgresql://", "postgres://")):
        target = state.workdir / "intern" / target
        target.parent.mkdir(parents=True, exist_ok=True)
    version = a["version"] or f"{g['ebene'] or 'gebiete'}_{years[0]}"
    with Atlas.open(target, lang=state.lang) as atlas:
        if version not in set(atlas.versions().index):
            atlas.add_areas(
                state.areas,
                version,
                valid_from=a["gueltig_ab"] or f"{years[0]}-01-01",
                name=g["name"],
            )
        if a["grenzen_neu"]:
            new = read_areas(a["grenzen_neu"], key=g["schluessel"], name=g["name"], lang=state.lang)
            new_version = f"{version}_neu"
            if new_version not in set(atlas.versions().index):
                atlas.add_areas(
                    new,
                    new_version,
                    valid_from=a["grenzen_neu_ab"] or f"{years[-1] + 1}-01-01",
                    name=g["name"],
                )
        atlas.set_catalogue(state.config["katalog"]["datei"])
        for tab in state.config["tabellen"]:
            for year in tab["jahre"]:
                atlas.import_table(  # read as load_inputs reads it
                    state.config.base / tab["datei"].format(jahr=year),
                    year=year,
                    version=version,
                    **table_read_options(tab),
                )
        if state.facilities is not None:
            atlas.add_facilities(state.facilities, valid_from=f"{years[0]}-01-01")
        measures = []
        if a["massnahmen"]:
            measures = atlas.add_register(a["massnahmen"])
        if a["monitor_aus_atlas"]:
            inp = atlas.monitor_inputs(years, version=version)
            for y in years:
                state.counts[y] = inp.counts[y].reindex(
                    index=state.areas.index, columns=state.counts[y].columns
                )
                state.status[y] = inp.status[y].reindex(
                    index=state.areas.index, columns=state.status[y].columns
                )
        effects, planning = _measure_effects(atlas, measures)
        earlier = _earlier_atlas_years(state, atlas, version)
    state.atlas = {"target": target, "version": version, "measures": measures, "effects": effects}
    state.atlas["jahre_aus_atlas"] = earlier
    state.atlas.update(planning)
    return state


def _earlier_atlas_years(state, atlas, version: str) -> list[int]:
    """Years before the report year that only the atlas holds join the run's series.

    A database kept over the years (a file outside the run's folder or PostgreSQL) holds
    earlier years that the run's tables no longer list. Their counts and status, on the
    run's area version (carried over the crosswalk where the areas changed), go into
    ``state.counts``/``state.status`` like the years read from files: the rates of every
    year, the multi-year trends of report and profiles and the website's years then
    cover every year of the atlas, and each earlier year reaches a release package only
    through that year's own checked release.
    """
    earlier = [y for y in atlas.years() if y < state.year and y not in state.counts]
    if not earlier:
        return []
    known = list(dict.fromkeys(c for fr in state.counts.values() for c in fr.columns))
    inp = atlas.monitor_inputs(earlier, version=version)
    for y in earlier:
        cols = [c for c in known if c in inp.counts[y].columns]
        state.counts[y] = inp.counts[y].reindex(index=state.areas.index, columns=cols)
        state.status[y] = inp.status[y].reindex(index=state.areas.index, columns=cols)
    state.counts = dict(sorted(state.counts.items()))
    state.status = dict(sorted(state.status.items()))
    return earlier


def _kita_steps() -> list[tuple[str, Callable]]:
    from sozialraum.pipeline.steps_kita import compute_kita, compute_schools

    return [("kita", compute_kita), ("schulen", compute_schools)]


def _compute_care(state):
    from sozialraum.pipeline.steps_care import compute_care

    return compute_care(state)


def _measure_effects(atlas, measures: list[str]) -> tuple[dict, dict]:
    """Effect view and target progress of every measure that has a year before and after.

    A measure planned for a later year, or begun in the first year with values, has no
    effect view yet (``ohne_wirkung``: id → reason); the register keeps it.
    """
    from sozialraum.errors import InputError

    effects, progress, without = {}, {}, {}
    with atlas.reading():  # every measure reads the same years
        for mid in measures:
            try:
                effects[mid] = atlas.measure_effect(mid)
            except InputError as err:
                without[mid] = str(err)
                continue
            progress[mid] = atlas.measure_progress(mid, effect=effects[mid])
    return effects, {"register": atlas.measures(), "progress": progress, "ohne_wirkung": without}


STEPS: list[tuple[str, Callable]] = [
    ("raster", compute_raster),
    ("access", compute_access),
    ("demography", compute_demography),
    *_kita_steps(),
    ("care", _compute_care),
    ("planung", compute_planning),
]
