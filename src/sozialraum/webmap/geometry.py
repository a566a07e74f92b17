"""Geometry preparation for web maps: coverage simplification, coordinate rounding, shared arcs."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from sozialraum._i18n import t
from sozialraum.core.crs import metric_crs
from sozialraum.core.geomcache import GeometryCache, fingerprint
from sozialraum.errors import InputError, SozialraumWarning

_MSG = {
    "no_crs": {
        "de": "Die Geometrien ({what}) haben kein Koordinatensystem (CRS). Bitte mit .set_crs(...) setzen.",
        "en": "The geometries ({what}) have no coordinate reference system (CRS). Please set one with .set_crs(...).",
    },
    "empty_geom": {
        "de": "{what}: Gebiete ohne Geometrie: {ids}. Bitte Geometrien ergänzen oder die Gebiete entfernen.",
        "en": "{what}: areas without geometry: {ids}. Please add geometries or remove these areas.",
    },
    "no_coverage": {
        "de": (
            "Diese shapely-Version kennt keine Coverage-Vereinfachung (ab shapely 2.1); die Gebiete "
            "werden einzeln vereinfacht, an gemeinsamen Grenzen können kleine Lücken entstehen."
        ),
        "en": (
            "This shapely version has no coverage simplification (shapely >= 2.1); areas are "
            "simplified one by one, so small gaps may appear along shared boundaries."
        ),
    },
}


@dataclass(frozen=True)
class GeometryParams:
    """How geometries were prepared for the web map.

    Attributes
    ----------
    tolerance_m
        Simplification tolerance in metres (0: not simplified).
    decimals
        Decimal places kept of the WGS84 coordinates (longitude/latitude).
    method
        ``"coverage"`` (shared edges simplified together), ``"single"`` or ``"none"``.
    """

    tolerance_m: float
    decimals: int
    method: str


def auto_tolerance(gdf: gpd.GeoDataFrame) -> float:
    """Default simplification tolerance in metres: 1/5000 of the larger extent.

    That is about a fifth of a screen pixel when the whole district fills a
    1,000-pixel window, so the simplification cannot be seen at the start view.
    """
    metric = _metric(gdf.geometry)
    minx, miny, maxx, maxy = metric.total_bounds
    extent = max(maxx - minx, maxy - miny)
    if not math.isfinite(extent) or extent <= 0:
        return 0.0
    return float(extent) / 5000.0


def decimals_for(tolerance_m: float) -> int:
    """Decimal places of degrees so that rounding moves points by at most ~tolerance/2.

    Rounding to *d* decimals moves a point by at most ``0.5 * 10**-d`` degrees, and one
    degree of latitude is ~111 km (5 decimals: ≤ 0.56 m).  Kept between 4 and 6.
    """
    if tolerance_m <= 0:
        return 6
    d = math.ceil(-math.log10(tolerance_m / 111_000.0))
    return int(min(6, max(4, d)))


def _metric(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    if geoms.crs is None:
        raise InputError(t(_MSG, "no_crs", None, what="GeoDataFrame"))
    return geoms.to_crs(metric_crs(geoms))  # the one metric-CRS rule (same object if metric)


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> tuple[np.ndarray, str]:
    """Simplify polygons together so that neighbours still share their edges.

    Uses :func:`shapely.coverage_simplify` (shapely >= 2.1, GEOS >= 3.12); older
    versions fall back to simplifying each polygon alone (with a warning).  A polygon
    that would vanish keeps its original geometry: no area is ever dropped.
    """
    if tolerance <= 0:
        return geoms, "none"
    method = "coverage"
    out = None
    if hasattr(shapely, "coverage_simplify"):
        try:
            out = shapely.coverage_simplify(geoms, tolerance)
        except Exception:  # noqa: BLE001 - GEOS refuses some inputs (e.g. mixed types)
            out = None
    else:
        warnings.warn(t(_MSG, "no_coverage", None), SozialraumWarning, stacklevel=3)
    if out is None:
        method = "single"
        out = shapely.simplify(geoms, tolerance, preserve_topology=True)
    out = np.asarray(out, dtype=object)
    bad = shapely.is_missing(out) | shapely.is_empty(out)
    if bad.any():
        out[bad] = geoms[bad]
    return out, method


def prepare_geometries(
    gdf: gpd.GeoDataFrame,
    tolerance_m: float | None = None,
    decimals: int | None = None,
    *,
    what: str = "Gebiete",
    simplify: bool = True,
    coverage: bool = True,
) -> tuple[list[str], GeometryParams]:
    """GeoJSON geometry strings in WGS84 for each row of ``gdf``, simplified and rounded.

    Parameters
    ----------
    gdf
        Areas (polygons) or points with a CRS.
    tolerance_m
        Simplification tolerance in metres; ``None`` → :func:`auto_tolerance`, ``0`` → off.
    decimals
        Decimal places of longitude/latitude; ``None`` → :func:`decimals_for`.
    simplify
        ``False`` for points.
    coverage
        ``True``: the polygons form a coverage (no overlaps) and are simplified
        together; ``False`` (e.g. overlapping catchments): one by one.

    Returns
    -------
    list of str, GeometryParams
        One compact GeoJSON geometry text per row, in the order of ``gdf``.
    """
    wgs, params = _simplified_wgs84(gdf, tolerance_m, decimals, what, simplify, coverage)
    arr = shapely.set_precision(wgs, 10.0**-params.decimals, mode="pointwise")
    # a polygon that collapses when rounded keeps its unrounded shape
    lost = shapely.is_empty(arr)
    if lost.any():
        arr[lost] = wgs[lost]
    texts = [str(s) for s in shapely.to_geojson(arr)]
    return texts, params


def prepare_arcs(
    gdf: gpd.GeoDataFrame,
    tolerance_m: float | None = None,
    decimals: int | None = None,
    *,
    what: str = "Gebiete",
) -> tuple[dict, GeometryParams]:
    """The areas of ``gdf`` as shared, quantised arcs (:mod:`sozialraum.core.topology`).

    Same simplification and grid as :func:`prepare_geometries`, but every border
    shared by two areas is stored once: the national map of 10,997 municipalities
    shrinks from 3.4 MB of GeoJSON geometry to about 1.5 MB.

    Returns
    -------
    dict, GeometryParams
        An arc-encoded FeatureCollection (properties empty, in the order of ``gdf``).
    """
    from sozialraum.core.topology import encode

    wgs, params = _simplified_wgs84(gdf, tolerance_m, decimals, what, True, True)
    return encode(wgs, params.decimals), params


#: the same areas in every package of a run: their arcs and geometry texts once
_SHARED = GeometryCache(16)


def shared_arcs(gdf, tolerance_m=None, decimals=None, *, what: str = "Gebiete"):
    """:func:`prepare_arcs`, computed once per set of shapes and parameters (read-only result)."""
    key = ("arcs", fingerprint(gdf), tolerance_m, decimals, what)
    return _SHARED.get(key, lambda: prepare_arcs(gdf, tolerance_m, decimals, what=what))


def shared_geometries(
    gdf, tolerance_m=None, decimals=None, *, what: str = "Gebiete", coverage: bool = True
):
    """:func:`prepare_geometries`, computed once per set of shapes and parameters."""
    key = ("texts", fingerprint(gdf), tolerance_m, decimals, what, coverage)
    texts, params = _SHARED.get(
        key,
        lambda: prepare_geometries(gdf, tolerance_m, decimals, what=what, coverage=coverage),
    )
    return list(texts), params


def _simplified_wgs84(gdf, tolerance_m, decimals, what, simplify, coverage):
    """Checked, simplified geometries in WGS84 and how they were prepared."""
    geoms = gdf.geometry
    bad = geoms.isna() | geoms.is_empty
    if bad.any():
        from sozialraum.errors import format_ids

        raise InputError(
            t(_MSG, "empty_geom", None, what=what, ids=format_ids(list(gdf.index[bad]))),
            ids=[str(i) for i in gdf.index[bad]],
        )
    if geoms.crs is None:
        raise InputError(t(_MSG, "no_crs", None, what=what))
    method = "none"
    tol = 0.0
    if simplify:
        tol = auto_tolerance(gdf) if tolerance_m is None else float(tolerance_m)
        if tol > 0:
            metric = _metric(geoms)
            arr0 = np.asarray(metric.values, dtype=object)
            if coverage:
                simple, method = simplify_coverage(arr0, tol)
            else:
                simple, method = shapely.simplify(arr0, tol, preserve_topology=True), "single"
                lost0 = shapely.is_empty(simple)
                simple[lost0] = arr0[lost0]
            geoms = gpd.GeoSeries(simple, index=gdf.index, crs=metric.crs)
    wgs = geoms.to_crs(4326) if not geoms.crs.equals("EPSG:4326") else geoms
    dec = decimals_for(tol if tol > 0 else 2.0) if decimals is None else int(decimals)
    return np.asarray(wgs.values, dtype=object), GeometryParams(tol, dec, method)
