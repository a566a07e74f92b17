"""Shared, quantised map geometry of the website: one SVG path per area.

Every map of the site (status classes, each indicator, the locator map of an area
page) is drawn from the same paths: the coverage is simplified once with
:func:`shapely.coverage_simplify` (neighbours keep identical borders) and
quantised on a grid with :func:`sozialraum.core.topology.encode` (the one home of
quantised coordinates), then written as integer SVG path data in a view box of
``width`` units. Paths are short (relative steps, whole numbers), so a map of
450 areas stays a few dozen kilobytes inline.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from sozialraum.core.topology import decode, encode

__all__ = ["MapGeometry", "map_geometry"]


@dataclass(frozen=True)
class MapGeometry:
    """SVG paths of a set of areas on one common grid.

    Attributes
    ----------
    keys
        Area keys, in drawing order.
    paths
        Key → SVG path data (``d``) in grid units.
    width, height
        View box of the map.
    outline
        Path data of the units one level up (e.g. the Gemeinden), thin lines over the map.
    centroids
        Key → (x, y) of a label point in grid units.
    """

    keys: tuple[str, ...]
    paths: dict[str, str]
    width: int
    height: int
    outline: dict[str, str]
    centroids: dict[str, tuple[int, int]]


def _ring_path(coords, tx: float, ty: float, step: float, height: int) -> str:
    pts = np.rint((np.asarray(coords)[:, :2] - (tx, ty)) / step).astype(np.int64)
    pts[:, 1] = height - pts[:, 1]
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.any(np.diff(pts, axis=0) != 0, axis=1)
    pts = pts[keep]
    if len(pts) > 1 and (pts[0] == pts[-1]).all():
        pts = pts[:-1]
    if len(pts) < 3:
        return ""
    d = np.diff(pts, axis=0)
    steps = " ".join(f"{a} {b}" for a, b in d.tolist())
    return f"M{pts[0, 0]} {pts[0, 1]}l{steps}z"


def _geojson_path(geom: dict, tx: float, ty: float, step: float, height: int) -> str:
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return "".join(_ring_path(r, tx, ty, step, height) for poly in polys for r in poly)


def _quantised_paths(geoms, keys, bounds, step: float, height: int) -> dict[str, str]:
    """Encode on the grid (topology), decode, write path data."""
    enc = encode(list(geoms), decimals=-int(round(np.log10(step))))
    dec = decode(enc)
    tx, ty = bounds[0], bounds[1]
    out = {}
    for k, f in zip(keys, dec["features"], strict=True):
        g = f["geometry"]
        if "coordinates" not in g:  # kept exact by encode (collapsed ring)
            g = shapely.geometry.mapping(g)
        out[k] = _geojson_path(g, tx, ty, step, height)
    return out


def map_geometry(
    areas: gpd.GeoDataFrame,
    *,
    outline: gpd.GeoDataFrame | None = None,
    width: int = 1000,
) -> MapGeometry:
    """Simplified, quantised SVG paths of ``areas`` (index = key) and the outline layer.

    Parameters
    ----------
    areas
        Polygons of the areas in a projected CRS (metres); index = area key.
    outline
        Optional units one level up (index = their key), drawn as lines.
    width
        Width of the view box in grid units (the grid step is ``extent / width``,
        rounded to a power of ten for the topology's quantisation).
    """
    geo = areas.geometry
    if geo.crs is not None and geo.crs.is_geographic:
        geo = geo.to_crs(geo.estimate_utm_crs())
    x0, y0, x1, y1 = geo.total_bounds
    extent = max(x1 - x0, y1 - y0, 1.0)
    step = 10.0 ** np.floor(np.log10(extent / width))  # 1, 10, 100 m …
    w = int(np.ceil((x1 - x0) / step))
    h = int(np.ceil((y1 - y0) / step))
    simple = shapely.coverage_simplify(np.asarray(geo.values), tolerance=step * 1.5)
    simple = shapely.make_valid(simple)
    keys = tuple(str(k) for k in areas.index)
    paths = _quantised_paths(simple, keys, (x0, y0), step, h)
    centre = shapely.point_on_surface(np.asarray(geo.values))
    cents = {
        k: (int(round((p.x - x0) / step)), int(round(h - (p.y - y0) / step)))
        for k, p in zip(keys, centre, strict=True)
    }
    lines: dict[str, str] = {}
    if outline is not None and len(outline):
        og = outline.geometry
        if og.crs is not None and geo.crs is not None and og.crs != geo.crs:
            og = og.to_crs(geo.crs)
        osimple = shapely.coverage_simplify(np.asarray(og.values), tolerance=step * 1.5)
        lines = _quantised_paths(
            shapely.make_valid(osimple), [str(k) for k in outline.index], (x0, y0), step, h
        )
    return MapGeometry(keys, paths, w, h, lines, cents)
