"""Small helpers shared by the atlas modules: dates, JSON, checksums, geometry, messages."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from sozialraum._i18n import t
from sozialraum.errors import InputError, format_ids

_MSG = {
    "what_areas": {"de": "Gebiete", "en": "areas"},
    "what_indicators": {"de": "Indikatoren", "en": "indicators"},
    "what_targets": {"de": "Zielindikatoren", "en": "target indicators"},
    "what_measures": {"de": "Maßnahmen", "en": "measures"},
    "what_columns": {"de": "Spalten", "en": "columns"},
    "unknown_ids": {
        "de": "Unbekannte {what}: {ids} (vorhanden z. B.: {have}).",
        "en": "unknown {what}: {ids} (present e.g.: {have}).",
    },
}


def _unknown_ids_error(lang, what: str, ids: list, have: list) -> InputError:
    """The error for ids (of ``what``: areas, indicators, targets, columns) the atlas lacks."""
    return InputError(
        t(
            _MSG,
            "unknown_ids",
            lang,
            what=t(_MSG, f"what_{what}", lang),
            ids=format_ids(ids),
            have=format_ids(have),
        ),
        ids=ids,
    )


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def _date(value, default: str | None = None) -> str | None:
    """ISO date text from a date, a year (int → 1 Jan) or text."""
    if value is None:
        return default
    if isinstance(value, (int, np.integer)):
        return f"{int(value):04d}-01-01"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    s = str(value).strip()
    if len(s) == 4 and s.isdigit():
        return f"{s}-01-01"
    return _dt.date.fromisoformat(s[:10]).isoformat()


def _stichtag(year: int) -> str:
    """Reference date of a statistical year (31 December)."""
    return f"{int(year):04d}-12-31"


def _checksum(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _json(obj) -> str:
    def default(o):
        if isinstance(o, (np.integer,)):
            return int(o)
        if isinstance(o, (np.floating,)):
            return float(o)
        if isinstance(o, (np.bool_,)):
            return bool(o)
        if isinstance(o, tuple):
            return list(o)
        if o is pd.NA:
            return None
        return str(o)

    return json.dumps(obj, default=default, ensure_ascii=False, sort_keys=True)


def _multi(geom):
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    if geom.geom_type == "GeometryCollection":
        polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        return shapely.MultiPolygon(
            [p for g in polys for p in (g.geoms if g.geom_type == "MultiPolygon" else [g])]
        )
    return geom


def _bounds(gdf) -> np.ndarray:
    """Total bounds of a GeoDataFrame as floats (for the GeoPackage extent)."""
    return np.asarray(gdf.total_bounds, dtype=float)


def _fix_srid(atlas, srid: int) -> None:
    """Fix the atlas's EPSG code with its first geometries (inside the caller's transaction)."""
    if atlas.srid is None:
        atlas._set_meta("srid", str(srid))
        atlas.backend.set_srid("atlas_areas", srid)
        atlas.backend.set_srid("atlas_facilities", srid)
