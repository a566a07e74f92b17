"""Surfaces for QGIS: distance / travel time to the nearest facility, rasterised indicators.

All outputs are GeoTIFFs that QGIS opens directly: deflate-compressed, tiled
(256 × 256), with internal overviews, nodata set, the unit in the band's
metadata (tag ``unit``). Surfaces are computed and written window by window,
so their size is not limited by memory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from os import PathLike

import geopandas as gpd
import numpy as np
import rasterio
from affine import Affine
from pyproj import CRS
from rasterio.enums import Resampling
from rasterio.features import rasterize
from scipy.spatial import cKDTree

from sozialraum._i18n import t
from sozialraum.errors import InputError
from sozialraum.raster._geotiff import write_geotiff_windowed

__all__ = [
    "GridSpec",
    "grid_spec",
    "distance_surface",
    "travel_time_surface",
    "rasterize_indicator",
]

_MSG = {
    "no_grid": {
        "de": "Rastergitter unbekannt: bitte template= (ein vorhandenes Raster) oder bounds= (Ausdehnung "
        "oder Gebiete) angeben.",
        "en": "Raster grid unknown: pass template= (an existing raster) or bounds= (extent or areas).",
    },
    "geographic": {
        "de": "Das Koordinatensystem {crs} ist geografisch (Grad). Für Distanzen ein metrisches CRS "
        "verwenden (z. B. EPSG:25832 oder EPSG:3035).",
        "en": "The coordinate system {crs} is geographic (degrees). Use a metric CRS for distances "
        "(e.g. EPSG:25832 or EPSG:3035).",
    },
    "no_crs": {
        "de": "Die Geodaten haben kein Koordinatensystem (CRS).",
        "en": "The geodata have no coordinate reference system (CRS).",
    },
    "no_facilities": {
        "de": "Keine Einrichtungen (Punkte) übergeben.",
        "en": "No facilities (points) given.",
    },
    "bad_res": {
        "de": "Die Auflösung muss eine positive Zahl (Meter) sein, nicht {value!r}.",
        "en": "The resolution must be a positive number (metres), not {value!r}.",
    },
    "too_big": {
        "de": "Das Raster hätte {w} × {h} Zellen; bitte eine gröbere Auflösung wählen.",
        "en": "The raster would have {w} × {h} cells; choose a coarser resolution.",
    },
    "missing_col": {
        "de": "Spalte {column!r} fehlt. Vorhanden: {cols}.",
        "en": "Column {column!r} is missing. Present: {cols}.",
    },
    "bad_speed": {
        "de": "speed_kmh muss positiv sein, nicht {value!r}.",
        "en": "speed_kmh must be positive, not {value!r}.",
    },
}

_MAX_CELLS = 2_000_000_000


class GridSpec:
    """Target raster grid: ``transform``, ``width``, ``height``, ``crs``."""

    __slots__ = ("transform", "width", "height", "crs")

    def __init__(self, transform: Affine, width: int, height: int, crs: CRS) -> None:
        self.transform = transform
        self.width = int(width)
        self.height = int(height)
        self.crs = crs

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"GridSpec({self.width}x{self.height}, {self.transform.a} m, {self.crs.to_string()})"


def grid_spec(
    *,
    template: str | PathLike | None = None,
    bounds: Sequence[float] | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    resolution: float = 100.0,
    crs=None,
    lang: str | None = None,
) -> GridSpec:
    """The target grid from a template raster, or from bounds + resolution.

    With ``bounds`` the grid is snapped outward to multiples of
    ``resolution`` (so 100 m surfaces line up with the Zensus grid in
    EPSG:3035). ``bounds`` may be a GeoDataFrame (its extent and CRS).
    """
    if template is not None:
        with rasterio.open(template) as src:
            return GridSpec(src.transform, src.width, src.height, CRS.from_user_input(src.crs))
    if bounds is None:
        raise InputError(t(_MSG, "no_grid", lang))
    if not (isinstance(resolution, (int, float)) and resolution > 0 and math.isfinite(resolution)):
        raise InputError(t(_MSG, "bad_res", lang, value=resolution))
    if isinstance(bounds, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if bounds.crs is None:
            raise InputError(t(_MSG, "no_crs", lang))
        gcrs = CRS.from_user_input(crs) if crs is not None else CRS.from_user_input(bounds.crs)
        xmin, ymin, xmax, ymax = bounds.to_crs(gcrs).total_bounds
    else:
        if crs is None:
            raise InputError(t(_MSG, "no_crs", lang))
        gcrs = CRS.from_user_input(crs)
        xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    if gcrs.is_geographic:
        raise InputError(t(_MSG, "geographic", lang, crs=gcrs.to_string()))
    r = float(resolution)
    x0, y0 = math.floor(xmin / r) * r, math.floor(ymin / r) * r
    x1, y1 = math.ceil(xmax / r) * r, math.ceil(ymax / r) * r
    w, h = max(int(round((x1 - x0) / r)), 1), max(int(round((y1 - y0) / r)), 1)
    if w * h > _MAX_CELLS:
        raise InputError(t(_MSG, "too_big", lang, w=w, h=h))
    return GridSpec(Affine(r, 0.0, x0, 0.0, -r, y1), w, h, gcrs)


def _points_xy(gdf: gpd.GeoDataFrame, crs: CRS, lang: str | None) -> np.ndarray:
    if gdf.crs is None:
        raise InputError(t(_MSG, "no_crs", lang))
    if crs.is_geographic:
        raise InputError(t(_MSG, "geographic", lang, crs=crs.to_string()))
    g = gdf.geometry.to_crs(crs)
    g = g[~(g.isna() | g.is_empty)]
    pts = g.where(g.geom_type == "Point", g.representative_point())
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def _centres(win, wt: Affine) -> np.ndarray:
    h, w = int(win.height), int(win.width)
    cols = np.arange(w) + 0.5
    rows = np.arange(h) + 0.5
    xs = wt.c + cols * wt.a
    ys = wt.f + rows * wt.e
    xx, yy = np.meshgrid(xs, ys)
    return np.column_stack([xx.ravel(), yy.ravel()])


def _surface_grid(
    gdf: gpd.GeoDataFrame,
    *,
    template,
    bounds,
    resolution: float,
    crs,
    lang: str | None,
) -> GridSpec:
    """The grid of a surface; without template, crs or areas as bounds it uses ``gdf``'s CRS."""
    if (
        crs is None
        and template is None
        and gdf.crs is not None
        and not isinstance(bounds, gpd.GeoDataFrame)
    ):
        crs = gdf.crs
    return grid_spec(template=template, bounds=bounds, resolution=resolution, crs=crs, lang=lang)


def _require_column(gdf: gpd.GeoDataFrame, column: str, lang: str | None) -> None:
    if column not in gdf.columns:
        raise InputError(
            t(_MSG, "missing_col", lang, column=column, cols=", ".join(map(str, gdf.columns))),
            column=column,
        )


def _column_values(gdf: gpd.GeoDataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(rows with a value and a geometry, their float values) of ``column``."""
    vals = gdf[column].to_numpy(dtype=float)
    ok = ~np.isnan(vals) & ~(gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    return ok, vals[ok]


def distance_surface(
    facilities: gpd.GeoDataFrame,
    path: str | PathLike,
    *,
    template: str | PathLike | None = None,
    bounds: Sequence[float] | gpd.GeoDataFrame | None = None,
    resolution: float = 100.0,
    crs=None,
    max_distance: float | None = None,
    speed_kmh: float | None = None,
    nodata: float = -9999.0,
    lang: str | None = None,
) -> str:
    """Straight-line distance (or travel time) from every cell to the nearest facility.

    Parameters
    ----------
    facilities
        Facilities (points; other geometries use their representative point).
    path
        Output GeoTIFF.
    template, bounds, resolution, crs
        The grid: copy a template raster (e.g. the population raster) or
        cover ``bounds`` at ``resolution`` metres (see :func:`grid_spec`).
        Default CRS: the facilities'.
    max_distance
        Cells farther than this (metres) from every facility get ``nodata``.
    speed_kmh
        If given, the value is the travel time in minutes at this constant
        speed (e.g. 4.5 km/h walking) instead of metres.
    nodata
        NoData value.

    Returns
    -------
    str
        ``path``. Band tag ``unit`` is ``m`` or ``min``.
    """
    if speed_kmh is not None and not speed_kmh > 0:
        raise InputError(t(_MSG, "bad_speed", lang, value=speed_kmh))
    spec = _surface_grid(
        facilities, template=template, bounds=bounds, resolution=resolution, crs=crs, lang=lang
    )
    xy = _points_xy(facilities, spec.crs, lang)
    if len(xy) == 0:
        raise InputError(t(_MSG, "no_facilities", lang))
    tree = cKDTree(xy)
    ub = np.inf if max_distance is None else float(max_distance)
    factor = 1.0 if speed_kmh is None else 60.0 / (speed_kmh * 1000.0)

    def compute(win, wt):
        d, _ = tree.query(_centres(win, wt), k=1, distance_upper_bound=ub)
        d = d * factor
        d[~np.isfinite(d)] = nodata
        return d.reshape(int(win.height), int(win.width))

    unit = "m" if speed_kmh is None else "min"
    write_geotiff_windowed(
        path,
        spec.width,
        spec.height,
        spec.transform,
        spec.crs,
        compute,
        nodata=nodata,
        tags={"unit": unit, "quantity": "distance" if speed_kmh is None else "travel_time"},
        unit=unit,
    )
    return str(path)


def travel_time_surface(
    points: gpd.GeoDataFrame,
    column: str,
    path: str | PathLike,
    *,
    template: str | PathLike | None = None,
    bounds: Sequence[float] | gpd.GeoDataFrame | None = None,
    resolution: float = 100.0,
    crs=None,
    max_distance: float | None = None,
    nodata: float = -9999.0,
    unit: str = "min",
    lang: str | None = None,
) -> str:
    """Surface of supplied per-point travel times (e.g. from a routing engine).

    Every cell takes the value of the nearest point within ``max_distance``
    (default: 0.75 cell edges, so that each point fills the cell it lies in
    and no neighbouring cell). Points whose time is NaN are ignored; cells without a point get
    ``nodata``.
    """
    _require_column(points, column, lang)
    spec = _surface_grid(
        points, template=template, bounds=bounds, resolution=resolution, crs=crs, lang=lang
    )
    ok, vals = _column_values(points, column)
    xy = _points_xy(points[ok], spec.crs, lang)
    if len(xy) == 0:
        raise InputError(t(_MSG, "no_facilities", lang))
    tree = cKDTree(xy)
    ub = 0.75 * abs(spec.transform.a) if max_distance is None else float(max_distance)

    def compute(win, wt):
        d, i = tree.query(_centres(win, wt), k=1, distance_upper_bound=ub)
        out = np.full(len(d), nodata, dtype=float)
        hit = np.isfinite(d)
        out[hit] = vals[i[hit]]
        return out.reshape(int(win.height), int(win.width))

    write_geotiff_windowed(
        path,
        spec.width,
        spec.height,
        spec.transform,
        spec.crs,
        compute,
        nodata=nodata,
        tags={"unit": unit, "quantity": "travel_time", "source_column": str(column)},
        unit=unit,
    )
    return str(path)


def rasterize_indicator(
    areas: gpd.GeoDataFrame,
    column: str,
    path: str | PathLike,
    *,
    template: str | PathLike | None = None,
    resolution: float = 100.0,
    crs=None,
    all_touched: bool = False,
    nodata: float = -9999.0,
    lang: str | None = None,
) -> str:
    """Burn an indicator column of areas into a GeoTIFF (for styling in QGIS).

    Cells whose centre lies in an area get its value (``all_touched=True``:
    every touched cell); areas with NaN are left as ``nodata`` (visible gaps,
    never 0). Where areas overlap, the later row wins. Overviews use
    ``nearest`` resampling so that class values stay intact.
    """
    _require_column(areas, column, lang)
    if areas.crs is None:
        raise InputError(t(_MSG, "no_crs", lang))
    spec = grid_spec(
        template=template,
        bounds=None if template else areas,
        resolution=resolution,
        crs=crs,
        lang=lang,
    )
    g = areas.to_crs(spec.crs)
    ok, vals = _column_values(g, column)
    geoms = g.geometry.to_numpy()[ok]

    def compute(win, wt):
        h, w = int(win.height), int(win.width)
        if len(geoms) == 0:
            return np.full((h, w), nodata)
        return rasterize(
            zip(geoms.tolist(), vals.tolist(), strict=True),
            out_shape=(h, w),
            transform=wt,
            fill=nodata,
            all_touched=all_touched,
            dtype="float64",
        )

    write_geotiff_windowed(
        path,
        spec.width,
        spec.height,
        spec.transform,
        spec.crs,
        compute,
        nodata=nodata,
        resampling=Resampling.nearest,
        tags={"source_column": str(column)},
    )
    return str(path)
