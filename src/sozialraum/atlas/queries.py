"""Reading values from the atlas: long tables, one year per area version, indicators,
time series and monitor inputs (values carried over crosswalks where needed).

Functions take the open :class:`~sozialraum.atlas.Atlas` as first argument; the
``Atlas`` class offers them as its methods.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.atlas._common import (
    _MSG as _COMMON_MSG,
)
from sozialraum.atlas._common import (
    _unknown_ids_error,
)
from sozialraum.atlas.records import AtlasSelection, MonitorInputs
from sozialraum.core.aggregation import rules_from_frames
from sozialraum.errors import InputError, SozialraumWarning

_MSG = {
    "carried": {
        "de": "{year}: Werte vom Gebietsstand {a!r} auf {b!r} umgeschlüsselt (flächenanteilig; "
        "geteilte Gebiete sind als 'unsicher' markiert, Anteilswerte dort als 'nicht_sinnvoll').",
        "en": "{year}: values carried from area version {a!r} to {b!r} (by area share; split "
        "areas are marked 'unsicher', shares there 'nicht_sinnvoll').",
    },
    "no_catalogue": {
        "de": "Der Atlas hat noch keinen Indikatorenkatalog (set_catalogue / --katalog).",
        "en": "the atlas has no indicator catalogue yet (set_catalogue / --catalogue).",
    },
    "no_data_year": {
        "de": "Für {year} liegen keine Werte vor (Jahre mit Werten: {have}).",
        "en": "no values for {year} (years with values: {have}).",
    },
}


def years(atlas) -> list[int]:
    """Years with active values."""
    df = atlas.backend.frame(
        "SELECT DISTINCT v.year FROM atlas_values v JOIN atlas_batches b ON b.batch=v.batch "
        "WHERE b.status='aktiv' ORDER BY v.year"
    )
    return [int(y) for y in df["year"]]


def table(
    atlas,
    *,
    years: Sequence[int] | int | None = None,
    variables: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
    version: str | None = None,
    include_replaced: bool = False,
) -> pd.DataFrame:
    """Values in long form: ``version, area, variable, year, value, status, source, batch``."""
    sql = (
        "SELECT v.version, v.area, v.variable, v.year, v.value, v.status, v.source, v.batch "
        "FROM atlas_values v JOIN atlas_batches b ON b.batch = v.batch WHERE 1=1"
    )
    params: list = []
    if not include_replaced:
        sql += " AND b.status='aktiv'"
    if years is not None:
        ys = [int(years)] if isinstance(years, (int, np.integer)) else [int(y) for y in years]
        sql += f" AND v.year IN ({','.join('?' * len(ys))})"
        params += ys
    if version is not None:
        sql += " AND v.version=?"
        params.append(version)
    df = atlas.backend.frame(sql + " ORDER BY v.year, v.version, v.area, v.variable", params)
    if variables is not None:
        df = df[df["variable"].isin(list(variables))]
    if areas is not None:
        df = df[df["area"].isin([str(a) for a in areas])]
    df["value"] = df["value"].astype(float)
    df["year"] = df["year"].astype(int)
    df["status"] = df["status"].astype("string")
    return df.reset_index(drop=True)


def _column_order(atlas, cols) -> list[str]:
    cat = atlas.catalogue()
    order = list(cat.variables.index) if cat is not None else []
    known = [c for c in order if c in cols]
    return known + sorted(c for c in cols if c not in set(order))


def values(
    atlas,
    year: int,
    *,
    version: str | None = None,
    variables: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
) -> AtlasSelection:
    """The stored values (counts) of a year for one area version.

    The version defaults to the one valid on 31 December of ``year`` — so a year
    before a boundary change gives the old areas. When the values of that year
    were stored for another version, they are carried over the crosswalk
    (:func:`sozialraum.monitor.apply_crosswalk`, area-weighted; split areas get
    status ``unsicher``, share variables (unit ``%``/``‰``) there ``nicht_sinnvoll``).
    """
    year = int(year)
    version = version or atlas.version_for(year)
    memo = atlas._cache.get("reading")  # inside Atlas.reading(): nothing is written
    key = (year, version, _frozen(variables), _frozen(areas))
    if memo is not None and key in memo:
        return memo[key]
    sel = _values(atlas, year, version, variables, areas)
    if memo is not None:
        memo[key] = sel
    return sel


def _frozen(items: Sequence[str] | None) -> tuple | None:
    return None if items is None else tuple(items)


def _values(atlas, year: int, version: str, variables, areas) -> AtlasSelection:
    atlas._check_version(version)
    long = atlas.table(years=[year], variables=variables)
    data_versions = sorted(set(long["version"]))
    if not data_versions:
        raise InputError(
            t(
                _MSG,
                "no_data_year",
                atlas.lang,
                year=year,
                have=", ".join(map(str, atlas.years())) or "—",
            )
        )
    carried = None
    if version in data_versions:
        part = long[long["version"] == version]
        vals = part.pivot(index="area", columns="variable", values="value")
        st = part.pivot(index="area", columns="variable", values="status")
    else:
        carried = data_versions[0]
        vals, st = _carry(atlas, long[long["version"] == carried], carried, version, year)
    ar = atlas.areas(version)
    cols = _column_order(atlas, list(vals.columns))
    vals = vals.reindex(index=ar.index, columns=cols).astype(float)
    st = st.reindex(index=vals.index, columns=cols).astype("string")
    if carried is None:
        pv = part.assign(_x=True).pivot(index="area", columns="variable", values="_x")
        present = pv.reindex(index=vals.index, columns=cols).notna()
    else:
        present = vals.notna() | st.notna()
    st = st.mask(~present, "keine_daten")
    if areas is not None:
        keep = [str(a) for a in areas]
        missing = [a for a in keep if a not in vals.index]
        if missing:
            raise _unknown_ids_error(atlas.lang, "areas", missing, list(vals.index[:5]))
        vals, st, ar = vals.loc[keep], st.loc[keep], ar.loc[keep]
    vals.index.name = st.index.name = "key"
    frame = gpd.GeoDataFrame(ar[["name", "parent"]].join(vals), geometry=ar.geometry, crs=ar.crs)
    return AtlasSelection(frame=frame, status=st, version=version, year=year, carried_from=carried)


def _carry(atlas, part: pd.DataFrame, from_version: str, to_version: str, year: int):
    from sozialraum.monitor import apply_crosswalk

    cw = atlas.crosswalk(from_version, to_version)
    vals = part.pivot(index="area", columns="variable", values="value").astype(float)
    st = part.pivot(index="area", columns="variable", values="status").astype("string")
    cw = cw[cw["alt"].isin(vals.index)]
    out = apply_crosswalk(vals, cw, lang=atlas.lang)
    # a new area is exact when every contribution is a whole old area (share 1)
    exact = cw.groupby("neu")["anteil"].apply(lambda s: bool((s > 1 - 1e-6).all()))
    single = {k: g.iloc[0] for k, g in cw.groupby("neu")["alt"] if len(g) == 1}
    cat = atlas.catalogue()
    share_vars = set()
    if cat is not None:  # shares and means: the catalogue's aggregation rules
        vrules, _ = rules_from_frames(cat.variables, cat.indicators, lang=atlas.lang)
        share_vars = {k for k, r in vrules.items() if r.method != "sum"}
    cols = list(out.columns)
    ov = out.to_numpy(dtype=float).copy()
    os_ = np.full(ov.shape, None, dtype=object)
    sv = st.reindex(columns=cols).to_numpy(dtype=object, na_value=None)
    vv = vals.reindex(columns=cols).to_numpy(dtype=float)
    pos = {k: i for i, k in enumerate(vals.index)}
    is_share = np.array([c in share_vars for c in cols], dtype=bool)
    for i, nk in enumerate(out.index):
        src = single.get(nk)
        if exact.get(nk, False) and src is not None:  # unchanged area: original values
            ov[i] = vv[pos[src]]
            os_[i] = sv[pos[src]]
            continue
        for j in range(len(cols)):
            if is_share[j]:
                ov[i, j] = np.nan
                os_[i, j] = "nicht_sinnvoll"
            elif np.isnan(ov[i, j]):
                os_[i, j] = "fehlt"
            elif not exact.get(nk, False):
                os_[i, j] = "unsicher"
    out = pd.DataFrame(ov, index=out.index, columns=cols)
    ost = pd.DataFrame(os_, index=out.index, columns=cols).astype("string")
    warnings.warn(
        t(_MSG, "carried", atlas.lang, year=year, a=from_version, b=to_version),
        SozialraumWarning,
        stacklevel=3,
    )
    return out, ost


def indicators(
    atlas,
    year: int,
    *,
    version: str | None = None,
    indicators: Sequence[str] | None = None,
    areas: Sequence[str] | None = None,
    min_denominator: float = 0,
) -> AtlasSelection:
    """The catalogue's indicators (rates) of a year for an area version.

    Rates are computed from the stored counts with
    :func:`sozialraum.monitor.compute_rates` (status rules there); columns are the
    indicator ids.
    """
    from sozialraum.monitor import compute_rates

    cat = atlas.catalogue()
    if cat is None:
        raise InputError(t(_MSG, "no_catalogue", atlas.lang))
    sel = atlas.values(year, version=version, areas=areas)
    counts = pd.DataFrame(sel.frame[sel.columns])
    ind = cat.indicators
    if indicators is not None:
        unknown = [i for i in indicators if i not in ind.index]
        if unknown:
            raise _unknown_ids_error(atlas.lang, "indicators", unknown, list(ind.index[:5]))
        ind = ind.loc[list(indicators)]
    rates = compute_rates(
        counts, ind, status=sel.status, min_denominator=min_denominator, lang=atlas.lang
    )
    cols = [c for c in ind.index if c in rates.rates.columns]
    frame = gpd.GeoDataFrame(
        sel.frame[["name", "parent"]].join(rates.rates[cols]),
        geometry=sel.frame.geometry,
        crs=sel.frame.crs,
    )
    st = rates.status[cols].astype("string")
    return AtlasSelection(
        frame=frame,
        status=st,
        version=sel.version,
        year=sel.year,
        carried_from=sel.carried_from,
    )


def time_series(
    atlas,
    area: str,
    *,
    variables: Sequence[str] | None = None,
    indicators: Sequence[str] | None = None,
    version: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values (or indicators) of one area over all years with data.

    Returns ``(values, status)``: index = year, columns = variables (or indicator
    ids when ``indicators`` is given). The area key is looked up in ``version``
    (default: the newest version containing it); years stored for another version
    are carried over the crosswalk.
    """
    area = str(area)
    if version is None:
        vs = atlas.versions()
        hits = [
            v
            for v in vs.sort_values("valid_from", ascending=False).index
            if area in atlas.areas(v).index
        ]
        if not hits:
            raise InputError(
                t(
                    _COMMON_MSG,
                    "unknown_ids",
                    atlas.lang,
                    what=t(_COMMON_MSG, "what_areas", atlas.lang),
                    ids=area,
                    have="—",
                ),
                ids=[area],
            )
        version = hits[0]
    rows, stats = {}, {}
    for y in atlas.years():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SozialraumWarning)
            if indicators is not None:
                sel = atlas.indicators(y, version=version, indicators=indicators, areas=[area])
            else:
                sel = atlas.values(y, version=version, variables=variables, areas=[area])
        rows[y] = sel.frame[sel.columns].iloc[0]
        stats[y] = sel.status.iloc[0]
    vals = pd.DataFrame(rows).T.astype(float)
    st = pd.DataFrame(stats).T.astype("string")
    vals.index.name = st.index.name = "year"
    return vals, st


def monitor_inputs(
    atlas, years: int | Sequence[int], *, version: str | None = None
) -> MonitorInputs:
    """Counts and status frames for :func:`sozialraum.monitor.run_monitor`.

    One year gives frames; several years give mappings ``{year: frame}``. All
    years are given for one area version (default: the version of the latest
    year; earlier years are carried over the crosswalk when needed).
    """
    single = isinstance(years, (int, np.integer))
    ys = [int(years)] if single else sorted(int(y) for y in years)
    version = version or atlas.version_for(ys[-1])
    counts, status = {}, {}
    for y in ys:
        sel = atlas.values(y, version=version)
        counts[y] = pd.DataFrame(sel.frame[sel.columns])
        status[y] = sel.status
    cat = atlas.catalogue()
    if single:
        return MonitorInputs(
            counts[ys[0]], status[ys[0]], cat, atlas.areas(version), version, tuple(ys)
        )
    return MonitorInputs(counts, status, cat, atlas.areas(version), version, tuple(ys))
