"""Facilities (points with validity periods) in the atlas.

Functions take the open :class:`~sozialraum.atlas.Atlas` as first argument; the
``Atlas`` class offers them as its methods.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.atlas._common import (
    _bounds,
    _date,
    _fix_srid,
    _json,
    _stichtag,
)
from sozialraum.errors import InputError

_MSG = {
    "fac_cols": {
        "de": "Einrichtungen: Spalte {col!r} fehlt (vorhanden: {have}).",
        "en": "facilities: column {col!r} is missing (present: {have}).",
    },
}


def add_facilities(
    atlas,
    facilities: gpd.GeoDataFrame,
    *,
    id: str = "id",  # noqa: A002
    name: str = "name",
    category: str = "kategorie",
    valid_from="1900-01-01",
    valid_to=None,
) -> int:
    """Add facilities (points) valid from ``valid_from`` (to ``valid_to``).

    ``valid_from``/``valid_to`` may also be column names of ``facilities`` holding
    per-facility dates. Other columns are kept as attributes. Returns the count.
    """
    b = atlas.backend
    for col in (id, name, category):
        if col not in facilities.columns:
            raise InputError(
                t(
                    _MSG,
                    "fac_cols",
                    atlas.lang,
                    col=col,
                    have=", ".join(map(str, facilities.columns)),
                ),
                column=col,
            )
    srid = atlas.srid or int(facilities.crs.to_epsg())
    gdf = facilities.to_crs(srid) if facilities.crs.to_epsg() != srid else facilities
    skip = {id, name, category, gdf.geometry.name}
    per_from = isinstance(valid_from, str) and valid_from in gdf.columns
    per_to = isinstance(valid_to, str) and valid_to in gdf.columns
    skip |= {valid_from} if per_from else set()
    skip |= {valid_to} if per_to else set()
    rows = []
    for i in range(len(gdf)):
        r = gdf.iloc[i]
        attrs = {
            c: r[c]
            for c in gdf.columns
            if c not in skip and not (isinstance(r[c], float) and np.isnan(r[c]))
        }
        vf = _date(r[valid_from]) if per_from else _date(valid_from)
        vt = (_date(r[valid_to]) if pd.notna(r[valid_to]) else None) if per_to else _date(valid_to)
        rows.append(
            (
                str(r[id]),
                r[name],
                r[category],
                vf,
                vt,
                _json(attrs),
                b.geom_value(r.geometry, srid),
            )
        )
    with b.transaction():
        _fix_srid(atlas, srid)
        b.executemany(
            "INSERT INTO atlas_facilities (fac_id, name, category, valid_from, valid_to, attrs, geom) "
            f"VALUES (?,?,?,?,?,?,{b.geom_in(srid)})",
            rows,
        )
        b.touch("atlas_facilities", _bounds(gdf))
    return len(rows)


def facilities(
    atlas, year: int | None = None, *, date=None, category: str | None = None
) -> gpd.GeoDataFrame:
    """Facilities valid on ``date`` (or on 31 December of ``year``; default: all)."""
    b = atlas.backend
    sql = (
        f"SELECT fac_id, name, category, valid_from, valid_to, attrs, {b.geom_out('geom')} AS geom "
        "FROM atlas_facilities WHERE 1=1"
    )
    params: list = []
    d = _date(date) if date is not None else (_stichtag(year) if year is not None else None)
    if d is not None:
        sql += " AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)"
        params += [d, d]
    if category is not None:
        sql += " AND category = ?"
        params.append(category)
    df = b.frame(sql + " ORDER BY fid", params)
    attrs = pd.DataFrame([json.loads(a) if a else {} for a in df["attrs"]], index=df.index)
    out = pd.concat([df.drop(columns=["attrs", "geom"]), attrs], axis=1)
    return gpd.GeoDataFrame(
        out.rename(columns={"fac_id": "id", "category": "kategorie"}),
        geometry=gpd.GeoSeries([b.geom_decode(g) for g in df["geom"]], index=df.index),
        crs=atlas.srid,
    ).set_index("id")
