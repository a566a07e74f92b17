"""Area versions of the atlas: validity periods, areas, crosswalks between versions.

Functions take the open :class:`~sozialraum.atlas.Atlas` as first argument; the
``Atlas`` class offers them as its methods.
"""

from __future__ import annotations

import datetime as _dt
import json
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sozialraum._i18n import t
from sozialraum.atlas._common import (
    _bounds,
    _date,
    _fix_srid,
    _json,
    _multi,
    _now,
    _stichtag,
)
from sozialraum.errors import InputError, SozialraumWarning, format_ids

_MSG = {
    "cw_gap": {
        "de": "Umschlüsselung {a} → {b}: Gebiete nicht vollständig abgedeckt (Anteil ≠ 1): {ids}. "
        "Die Anteile wurden auf 1 normiert.",
        "en": "crosswalk {a} → {b}: areas not fully covered (share ≠ 1): {ids}. Shares were "
        "rescaled to 1.",
    },
    "dup_keys": {
        "de": "Gebietsstand {version!r}: Schlüssel mehrfach vergeben: {ids}.",
        "en": "area version {version!r}: duplicate keys: {ids}.",
    },
    "no_crs": {
        "de": "Gebietsstand {version!r}: Die Geometrien haben kein Koordinatensystem (CRS).",
        "en": "area version {version!r}: the geometries have no coordinate reference system.",
    },
    "no_cw": {
        "de": "Keine Umschlüsselung zwischen den Gebietsständen {a!r} und {b!r}.",
        "en": "no crosswalk between area versions {a!r} and {b!r}.",
    },
    "no_epsg": {
        "de": "Das Koordinatensystem {crs} hat keinen EPSG-Code; bitte vorher nach z. B. "
        "EPSG:25832/25833 umprojizieren.",
        "en": "the coordinate reference system {crs} has no EPSG code; reproject first "
        "(e.g. EPSG:25832/25833).",
    },
    "no_version": {
        "de": "Für {date} gibt es keinen gültigen Gebietsstand der Ebene {level!r} "
        "(vorhanden: {have}). Bitte zuerst Gebiete mit add_areas / `sozialraum atlas import "
        "--gebiete` einlesen.",
        "en": "no area version of level {level!r} valid on {date} (present: {have}). Add areas "
        "first (add_areas / `sozialraum atlas import --areas`).",
    },
    "unknown_version": {
        "de": "Unbekannter Gebietsstand {version!r} (vorhanden: {have}).",
        "en": "unknown area version {version!r} (present: {have}).",
    },
    "version_exists": {
        "de": "Den Gebietsstand {version!r} gibt es schon. Ein neuer Gebietszuschnitt ist ein "
        "neuer Gebietsstand: bitte einen neuen Namen wählen (z. B. {suggest!r}).",
        "en": "area version {version!r} exists already. New boundaries are a new version: "
        "choose a new name (e.g. {suggest!r}).",
    },
    "version_overlap": {
        "de": "Gebietsstand {version!r} ({a} bis {b}) überschneidet sich mit {other!r} ({c} bis "
        "{d}) auf Ebene {level!r}. Bitte Gültigkeitszeiträume anpassen.",
        "en": "area version {version!r} ({a} to {b}) overlaps {other!r} ({c} to {d}) at level "
        "{level!r}. Adjust the validity periods.",
    },
}


def versions(atlas, level: str | None = None) -> pd.DataFrame:
    """Area versions (``version, level, label, valid_from, valid_to, n_areas``)."""
    sql = (
        "SELECT v.version, v.level, v.label, v.valid_from, v.valid_to, "
        "(SELECT count(*) FROM atlas_areas a WHERE a.version = v.version) AS n_areas "
        "FROM atlas_versions v"
    )
    params: tuple = ()
    if level is not None:
        sql += " WHERE v.level = ?"
        params = (level,)
    df = atlas.backend.frame(sql + " ORDER BY v.level, v.valid_from", params)
    df["n_areas"] = df["n_areas"].astype(int)
    return df.set_index("version")


def version_for(atlas, when, *, level: str = "sozialraum") -> str:
    """The area version valid at ``when`` (a year → its 31 December, or a date)."""
    d = _stichtag(when) if isinstance(when, (int, np.integer)) else _date(when)
    v = atlas.backend.frame(
        "SELECT version FROM atlas_versions WHERE level=? AND valid_from <= ? "
        "AND (valid_to IS NULL OR valid_to >= ?) ORDER BY valid_from DESC",
        (level, d, d),
    )
    if v.empty:
        have = atlas.versions()
        raise InputError(
            t(
                _MSG,
                "no_version",
                atlas.lang,
                date=d,
                level=level,
                have=", ".join(
                    f"{k} ({r.level}: {r.valid_from}–{r.valid_to if isinstance(r.valid_to, str) else '…'})"
                    for k, r in have.iterrows()
                )
                or "—",
            )
        )
    return str(v["version"].iloc[0])


def _check_version(atlas, version: str) -> None:
    have = atlas.versions().index.tolist()
    if version not in have:
        raise InputError(
            t(_MSG, "unknown_version", atlas.lang, version=version, have=", ".join(have) or "—")
        )


def add_areas(
    atlas,
    areas: gpd.GeoDataFrame,
    version: str,
    *,
    valid_from,
    valid_to=None,
    level: str = "sozialraum",
    label: str | None = None,
    name: str | None = None,
    parent: str | None = None,
    crosswalk: bool = True,
) -> str:
    """Add a new area version (new boundaries are never written over old ones).

    Parameters
    ----------
    areas
        Areas indexed by their key (text), e.g. from :func:`sozialraum.io.read_areas`.
        Other columns are kept as attributes.
    version
        Name of the new version (e.g. ``"sr2025"``); must be new.
    valid_from, valid_to
        Validity (ISO date, date, or a year meaning 1 January). An open-ended
        earlier version of the same level ends the day before ``valid_from``.
    level
        ``"sozialraum"`` (default), ``"gemeinde"``, ``"kreis"`` or any other level.
    label
        Readable title (``"Sozialräume ab 2025"``).
    name, parent
        Columns with the area name and the upper-level key (e.g. ``"ags"``);
        default: ``name``/``sr_name``/``gemeinde`` and ``ags`` when present.
    crosswalk
        Compute the crosswalk (shares of intersection areas) to every other
        version of the same level.

    Returns
    -------
    str
        The version name.
    """
    b, L = atlas.backend, atlas.lang
    version = str(version)
    have = atlas.versions()
    if version in have.index:
        raise InputError(t(_MSG, "version_exists", L, version=version, suggest=f"{version}_neu"))
    if areas.crs is None:
        raise InputError(t(_MSG, "no_crs", L, version=version))
    srid = _target_srid(atlas, areas)
    gdf = areas.to_crs(srid) if areas.crs.to_epsg() != srid else areas
    keys = gdf.index.astype(str)
    dup = keys[keys.duplicated()].unique().tolist()
    if dup:
        raise InputError(t(_MSG, "dup_keys", L, version=version, ids=format_ids(dup)), ids=dup)
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    if name is None:
        name = next((c for c in ("name", "sr_name", "gemeinde", "bezeichnung") if c in cols), None)
    if parent is None:
        parent = "ags" if "ags" in cols and level != "gemeinde" else None
    vf = _date(valid_from)
    vt = _date(valid_to)
    same = have[have["level"] == level]
    with b.transaction():
        _fix_srid(atlas, srid)
        _end_earlier_versions(atlas, same, version, vf, vt, level)
        b.execute(
            "INSERT INTO atlas_versions (version, level, label, valid_from, valid_to, srid, created) "
            "VALUES (?,?,?,?,?,?,?)",
            (version, level, label or version, vf, vt, srid, _now()),
        )
        b.executemany(
            "INSERT INTO atlas_areas (version, key, name, parent, attrs, geom) "
            f"VALUES (?,?,?,?,?,{b.geom_in(srid)})",
            _area_rows(b, gdf, version, cols, name, parent, srid),
        )
        b.touch("atlas_areas", _bounds(gdf))
        if crosswalk:
            for other in same.index:
                _store_crosswalk(atlas, atlas.areas(other), gdf, other, version)
    atlas._cache.clear()
    return version


def _target_srid(atlas, areas: gpd.GeoDataFrame) -> int:
    """EPSG code of the atlas (the first area version's, fixed from then on)."""
    srid = atlas.srid
    if srid is None:
        epsg = areas.crs.to_epsg()
        if epsg is None:
            raise InputError(t(_MSG, "no_epsg", atlas.lang, crs=areas.crs.name))
        srid = int(epsg)
    return srid


def _end_earlier_versions(atlas, same: pd.DataFrame, version: str, vf, vt, level: str) -> None:
    """End an open earlier version of the level the day before ``vf``; refuse overlaps."""
    b = atlas.backend
    for other, r in same.iterrows():
        o_from, o_to = r["valid_from"], r["valid_to"]
        if (o_to is None or pd.isna(o_to)) and o_from < vf:
            end = (_dt.date.fromisoformat(vf) - _dt.timedelta(days=1)).isoformat()
            b.execute("UPDATE atlas_versions SET valid_to=? WHERE version=?", (end, other))
            o_to = end
        if o_from <= (vt or "9999-12-31") and vf <= (
            o_to if isinstance(o_to, str) else "9999-12-31"
        ):
            raise InputError(
                t(
                    _MSG,
                    "version_overlap",
                    atlas.lang,
                    version=version,
                    a=vf,
                    b=vt or "…",
                    other=other,
                    c=o_from,
                    d=o_to if isinstance(o_to, str) else "…",
                    level=level,
                )
            )


def _area_rows(b, gdf: gpd.GeoDataFrame, version: str, cols, name, parent, srid: int) -> list:
    """Rows of ``atlas_areas``: key, name, parent, other columns as JSON, MultiPolygon."""
    rows = []
    geoms = gdf.geometry.to_numpy()
    for i, k in enumerate(gdf.index.astype(str)):
        rec = gdf.iloc[i]
        attrs = {c: rec[c] for c in cols if not (isinstance(rec[c], float) and np.isnan(rec[c]))}
        rows.append(
            (
                version,
                k,
                None if name is None else str(rec[name]),
                None if parent is None else str(rec[parent]),
                _json(attrs),
                b.geom_value(_multi(geoms[i]), srid),
            )
        )
    return rows


def _store_crosswalk(atlas, old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, a: str, b_: str) -> None:
    cw = crosswalk_shares(old, new)
    for col, frm, to in (("share_from", a, b_), ("share_to", b_, a)):
        key = "from_key" if col == "share_from" else "to_key"
        tot = cw.groupby(key)[col].sum()
        bad = tot[(tot - 1).abs() > 1e-3].index.tolist()
        if bad:
            warnings.warn(
                t(_MSG, "cw_gap", atlas.lang, a=frm, b=to, ids=format_ids(bad)),
                SozialraumWarning,
                stacklevel=3,
            )
        cw[col] = cw[col] / cw[key].map(tot)
    atlas.backend.executemany(
        "INSERT INTO atlas_crosswalk (from_version, to_version, from_key, to_key, share_from, "
        "share_to) VALUES (?,?,?,?,?,?)",
        [(a, b_, r.from_key, r.to_key, r.share_from, r.share_to) for r in cw.itertuples()],
    )


def areas(
    atlas, version: str | None = None, *, year: int | None = None, level: str = "sozialraum"
) -> gpd.GeoDataFrame:
    """The areas of a version (or of the version valid in ``year``).

    Returns a GeoDataFrame indexed by the area key (``key``) with ``name``,
    ``parent``, the stored attributes and the geometry (MultiPolygon).
    """
    if version is None:
        version = atlas.version_for(year if year is not None else _dt.date.today(), level=level)
    ck = ("areas", version)
    if ck in atlas._cache:
        return atlas._cache[ck].copy()
    atlas._check_version(version)
    b = atlas.backend
    df = b.frame(
        f"SELECT key, name, parent, attrs, {b.geom_out('geom')} AS geom FROM atlas_areas "
        "WHERE version=? ORDER BY fid",
        (version,),
    )
    attrs = pd.DataFrame([json.loads(a) if a else {} for a in df["attrs"]], index=df.index)
    attrs = attrs.drop(columns=[c for c in attrs.columns if c in ("name", "parent", "key")])
    geoms = [b.geom_decode(g) for g in df["geom"]]
    out = gpd.GeoDataFrame(
        pd.concat([df[["key", "name", "parent"]], attrs], axis=1),
        geometry=gpd.GeoSeries(geoms, index=df.index),
        crs=atlas.srid,
    ).set_index("key")
    out.index = out.index.astype(str)
    atlas._cache[ck] = out
    return out.copy()


def crosswalk(atlas, from_version: str, to_version: str) -> pd.DataFrame:
    """The crosswalk ``from_version → to_version``.

    Columns ``alt, neu, anteil`` (share of the old area's surface lying in the new
    area; sums to 1 per old area) and ``anteil_neu`` (share of the new area's
    surface coming from the old area). Usable with
    :func:`sozialraum.monitor.apply_crosswalk`.
    """
    b = atlas.backend
    df = b.frame(
        "SELECT from_key AS alt, to_key AS neu, share_from AS anteil, share_to AS anteil_neu "
        "FROM atlas_crosswalk WHERE from_version=? AND to_version=? ORDER BY from_key, to_key",
        (from_version, to_version),
    )
    if df.empty:
        df = b.frame(
            "SELECT to_key AS alt, from_key AS neu, share_to AS anteil, share_from AS anteil_neu "
            "FROM atlas_crosswalk WHERE from_version=? AND to_version=? ORDER BY to_key, from_key",
            (to_version, from_version),
        )
    if df.empty:
        raise InputError(t(_MSG, "no_cw", atlas.lang, a=from_version, b=to_version))
    return df


def crosswalk_shares(
    old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, *, min_share: float = 1e-6
) -> pd.DataFrame:
    """Area-weighted crosswalk between two sets of areas (same CRS, metric).

    Returns ``from_key, to_key, share_from`` (|old ∩ new| / |old|) and ``share_to``
    (|old ∩ new| / |new|); pairs below ``min_share`` on both sides (slivers from
    digitising) are dropped.
    """
    a = gpd.GeoDataFrame(
        {"from_key": old.index.astype(str)}, geometry=old.geometry.to_numpy(), crs=old.crs
    )
    b = gpd.GeoDataFrame(
        {"to_key": new.index.astype(str)}, geometry=new.geometry.to_numpy(), crs=new.crs
    )
    if b.crs != a.crs:
        b = b.to_crs(a.crs)
    area_a = dict(zip(a["from_key"], a.geometry.area, strict=True))
    area_b = dict(zip(b["to_key"], b.geometry.area, strict=True))
    left, right = b.sindex.query(a.geometry, predicate="intersects")
    inter = shapely.intersection(a.geometry.to_numpy()[left], b.geometry.to_numpy()[right])
    ia = shapely.area(inter)
    df = pd.DataFrame(
        {
            "from_key": a["from_key"].to_numpy()[left],
            "to_key": b["to_key"].to_numpy()[right],
            "area": ia,
        }
    )
    df["share_from"] = df["area"] / df["from_key"].map(area_a)
    df["share_to"] = df["area"] / df["to_key"].map(area_b)
    df = df[(df["share_from"] >= min_share) | (df["share_to"] >= min_share)]
    return df[["from_key", "to_key", "share_from", "share_to"]].reset_index(drop=True)
