"""Zonal statistics of a raster over planning areas (streaming, CRS-aware).

:func:`zonal_stats` reads the raster tile by tile (never as a whole), so a
population grid larger than memory works. Two rules decide which cells count
for an area:

* ``method="center"`` — a cell counts fully when its centre lies inside the
  area (the rule of ``rasterstats`` with ``all_touched=False`` and of most GIS
  "zonal statistics" tools). Fast; for a partition of areas every cell is
  counted exactly once.
* ``method="coverage"`` — every cell is weighted by the exact fraction of it
  that the area covers (the rule of ``exactextract``). Needed when areas are
  small compared with the cells (e.g. 100 m population cells and small
  planning areas or catchments); with a full coverage the sum over all areas
  equals the raster total.

Coverage fractions are computed by sozialraum itself (vectorised numpy, see
:mod:`sozialraum.raster._engine`) rather than by calling ``exactextract``:
this keeps exactextract an optional, independent reference for the tests and
the benchmark, and lets the same streaming engine serve centroids and
demand points.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from os import PathLike

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely

from sozialraum._i18n import t
from sozialraum.errors import InputError, SozialraumWarning, format_ids
from sozialraum.raster import _engine

__all__ = ["zonal_stats", "STATS"]

STATS = ("sum", "mean", "min", "max", "count", "majority")

_MSG = {
    "no_crs_areas": {
        "de": "Die Gebiete haben kein Koordinatensystem (CRS). Bitte beim Einlesen ein CRS setzen "
        "(z. B. areas.set_crs('EPSG:25832')).",
        "en": "The areas have no coordinate reference system (CRS). Set one when reading them "
        "(e.g. areas.set_crs('EPSG:25832')).",
    },
    "no_crs_raster": {
        "de": "{file}: Das Raster hat kein Koordinatensystem (CRS). Bitte in QGIS/GDAL zuweisen.",
        "en": "{file}: the raster has no coordinate reference system (CRS). Assign one in QGIS/GDAL.",
    },
    "rotated": {
        "de": "{file}: Gedrehte oder gespiegelte Raster werden nicht unterstützt (Nordausrichtung nötig). "
        "Bitte mit gdalwarp entzerren.",
        "en": "{file}: rotated or flipped rasters are not supported (north-up needed). Warp it with gdalwarp.",
    },
    "bad_band": {
        "de": "{file}: Band {band} gibt es nicht (das Raster hat {count} Bänder).",
        "en": "{file}: band {band} does not exist (the raster has {count} bands).",
    },
    "bad_stat": {
        "de": "Unbekannte Statistik {stat!r}. Erlaubt: {allowed}.",
        "en": "Unknown statistic {stat!r}. Allowed: {allowed}.",
    },
    "bad_method": {
        "de": "Unbekannte Methode {method!r}. Erlaubt: 'center' (Zellmittelpunkt) oder 'coverage' "
        "(Flächenanteil).",
        "en": "Unknown method {method!r}. Allowed: 'center' (cell centre) or 'coverage' (covered fraction).",
    },
    "bad_window": {
        "de": "window_size muss eine ganze Zahl ≥ 16 sein, nicht {value!r}.",
        "en": "window_size must be an integer ≥ 16, not {value!r}.",
    },
    "empty_geom": {
        "de": "Gebiete ohne Geometrie: {ids}. Bitte Geometrien ergänzen oder die Gebiete entfernen.",
        "en": "Areas without geometry: {ids}. Add geometries or remove these areas.",
    },
    "no_cells": {
        "de": "{file}: {n} Gebiet(e) enthalten keine gültige Rasterzelle (außerhalb des Rasters, nur "
        "NoData oder kleiner als eine Zelle): {ids}. Ihre Werte sind leer (NaN), die Anzahl ist 0. "
        "Bei kleinen Gebieten method='coverage' verwenden.",
        "en": "{file}: {n} area(s) contain no valid raster cell (outside the raster, only nodata, or "
        "smaller than a cell): {ids}. Their values are empty (NaN), count is 0. For small areas use "
        "method='coverage'.",
    },
    "outside": {
        "de": "{file}: {n} Gebiet(e) liegen teilweise außerhalb des Rasters: {ids}. Gezählt wird nur "
        "der Teil innerhalb.",
        "en": "{file}: {n} area(s) lie partly outside the raster: {ids}. Only the part inside is counted.",
    },
}


def _check_stats(stats: Sequence[str], lang: str | None) -> tuple[str, ...]:
    if isinstance(stats, str):
        stats = (stats,)
    out = tuple(stats)
    for s in out:
        if s not in STATS:
            raise InputError(t(_MSG, "bad_stat", lang, stat=s, allowed=", ".join(STATS)))
    return out


def open_checked(
    raster_path: str | PathLike, band: int, lang: str | None, num_threads: int | str | None = None
):
    """Open a raster and check CRS, orientation and band (shared helper)."""
    name = str(raster_path)
    opts = {"NUM_THREADS": str(num_threads)} if num_threads not in (None, 1, "1") else {}
    try:
        src = rasterio.open(raster_path, **opts)
    except rasterio.errors.RasterioIOError as exc:
        raise InputError(f"{name}: {exc}", file=name) from exc
    if src.crs is None:
        src.close()
        raise InputError(t(_MSG, "no_crs_raster", lang, file=name), file=name)
    tf = src.transform
    if tf.b != 0 or tf.d != 0 or tf.a <= 0 or tf.e >= 0:
        src.close()
        raise InputError(t(_MSG, "rotated", lang, file=name), file=name)
    if not 1 <= band <= src.count:
        src.close()
        raise InputError(
            t(_MSG, "bad_band", lang, file=name, band=band, count=src.count), file=name
        )
    return src


def prepare_areas(areas: gpd.GeoDataFrame, raster_crs, lang: str | None) -> gpd.GeoDataFrame:
    """Check areas (CRS, geometries) and reproject them to the raster's CRS."""
    if areas.crs is None:
        raise InputError(t(_MSG, "no_crs_areas", lang))
    geom = areas.geometry
    bad = geom.isna() | geom.is_empty
    if bad.any():
        ids = [str(i) for i in areas.index[bad.to_numpy()]]
        raise InputError(t(_MSG, "empty_geom", lang, ids=format_ids(ids)), ids=ids)
    if not areas.crs.equals(raster_crs):
        areas = areas.to_crs(raster_crs)
    invalid = ~areas.geometry.is_valid
    if invalid.any():
        areas = areas.copy()
        areas.loc[invalid, areas.geometry.name] = shapely.make_valid(
            areas.geometry[invalid].to_numpy()
        )
    return areas


def _warn_outside(areas, src, name, lang):
    rb = shapely.box(*src.bounds)
    outside = ~shapely.covers(rb, areas.geometry.to_numpy())
    if outside.any():
        ids = [str(i) for i in areas.index[outside]]
        warnings.warn(
            t(_MSG, "outside", lang, file=name, n=len(ids), ids=format_ids(ids)),
            SozialraumWarning,
            stacklevel=3,
        )


def zonal_stats(
    areas: gpd.GeoDataFrame,
    raster_path: str | PathLike,
    *,
    stats: Sequence[str] = STATS,
    method: str = "center",
    band: int = 1,
    window_size: int = 2048,
    num_threads: int | str | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Statistics of raster cells inside each area.

    Parameters
    ----------
    areas
        Planning areas (polygons), indexed by area key. Any CRS; they are
        reprojected to the raster's CRS (the raster is never warped).
    raster_path
        Path of a GDAL-readable raster (GeoTIFF, …), north-up.
    stats
        Any of ``"sum"``, ``"mean"``, ``"min"``, ``"max"``, ``"count"``,
        ``"majority"``.
    method
        ``"center"`` (cells whose centre lies inside) or ``"coverage"``
        (cells weighted by the exactly covered fraction). With coverage,
        ``sum`` = Σ fraction·value, ``count`` = Σ fraction, ``mean`` is the
        weighted mean, ``majority`` the value with the largest covered area,
        ``min``/``max`` over cells with fraction > 0 — the definitions of
        exactextract.
    band
        1-based band number.
    window_size
        Edge length (cells) of the tiles read at a time; memory grows with
        its square (2048 → ~4 M cells, about 100 MB of working memory).
    num_threads
        Threads GDAL may use to decompress the raster's blocks (GTiff
        ``NUM_THREADS``: a number or ``"ALL_CPUS"``); ``None`` = one. Results
        do not depend on it.
    lang
        Language of messages.

    Returns
    -------
    pandas.DataFrame
        Index = area keys (as in ``areas``), one float column per statistic.

    Notes
    -----
    * NoData cells (the raster's nodata value, mask or NaN) are ignored.
    * An area with no valid cell gets NaN for every statistic and count 0;
      a :class:`~sozialraum.errors.SozialraumWarning` names it. Areas partly
      outside the raster are counted for the part inside, with a warning.
    * Only tiles that areas touch are read; the raster may be larger than
      memory.
    """
    stats = _check_stats(stats, lang)
    if method not in ("center", "coverage"):
        raise InputError(t(_MSG, "bad_method", lang, method=method))
    if not isinstance(window_size, (int, np.integer)) or window_size < 16:
        raise InputError(t(_MSG, "bad_window", lang, value=window_size))
    name = str(raster_path)
    with _engine.gdal_env(), open_checked(raster_path, band, lang, num_threads) as src:
        areas = prepare_areas(areas, src.crs, lang)
        _warn_outside(areas, src, name, lang)
        geoms = areas.geometry.to_numpy()
        acc = _Accumulator(len(areas), stats)
        sparse = method == "coverage" and not (acc.want_minmax or acc.want_maj)
        if method == "center" and set(stats) <= {"sum", "count", "mean"}:
            s_, c_ = _engine.center_sums(src, geoms, band=band, window_size=int(window_size))
            acc.sum += s_
            acc.cnt += c_
        else:
            _engine.run(
                src,
                geoms,
                band=band,
                method=method,
                window_size=int(window_size),
                visit=acc.visit_pieces if sparse else acc.visit,
                pieces=sparse,
            )
    out = acc.table(stats, areas.index.copy())
    empty = acc.cnt <= 0
    if empty.any():
        ids = [str(i) for i in areas.index[empty]]
        warnings.warn(
            t(_MSG, "no_cells", lang, file=name, n=len(ids), ids=format_ids(ids)),
            SozialraumWarning,
            stacklevel=2,
        )
    return out


class _Accumulator:
    """Running sums, counts, minima, maxima and value weights per area over the tiles."""

    def __init__(self, n: int, stats: Sequence[str]):
        self.n = n
        self.sum = np.zeros(n)
        self.cnt = np.zeros(n)
        self.min = np.full(n, np.inf)
        self.max = np.full(n, -np.inf)
        self.maj_parts: list[pd.DataFrame] = []
        self.want_minmax = "min" in stats or "max" in stats
        self.want_maj = "majority" in stats

    def visit_pieces(self, pieces, idx, weight, win, vals) -> None:
        """Coverage method, sums and counts only: fraction-weighted sums of whole pieces."""
        valid = ~np.isnan(vals)
        s_, c_ = _engine.pieces_sums(
            pieces, [np.where(valid, vals, 0.0), valid.astype(np.float64)], self.n
        )
        self.sum[:] += s_
        self.cnt[:] += c_

    def visit(self, area, idx, weight, win, vals) -> None:
        """Add the cells of one tile (area number per cell; coverage weights where given)."""
        n = self.n
        flat = vals.ravel()
        if idx is None:  # centre method: whole tile, area -1 = no area
            ok = (area >= 0) & ~np.isnan(flat)
            area, v = area[ok], flat[ok]
            w = None
        else:
            v = flat[idx]
            ok = ~np.isnan(v)
            area, v, w = area[ok], v[ok], weight[ok]
        if len(area) == 0:
            return
        self.sum[:] += np.bincount(area, weights=v if w is None else v * w, minlength=n)
        self.cnt[:] += np.bincount(area, weights=w, minlength=n)
        if self.want_minmax:
            np.minimum.at(self.min, area, v)
            np.maximum.at(self.max, area, v)
        if self.want_maj:
            part = pd.DataFrame({"a": area, "v": v, "w": 1.0 if w is None else w})
            self.maj_parts.append(part.groupby(["a", "v"], sort=False, as_index=False)["w"].sum())

    def majority(self) -> np.ndarray:
        """Value with the largest weight per area; ties → the smallest value."""
        col = np.full(self.n, np.nan)
        if self.maj_parts:
            m = (
                pd.concat(self.maj_parts, ignore_index=True)
                .groupby(["a", "v"], as_index=False)["w"]
                .sum()
            )
            # largest weight; ties -> smallest value (as exactextract and rasterstats)
            m = m.sort_values(["a", "w", "v"], ascending=[True, False, True], kind="mergesort")
            first = m.drop_duplicates("a")
            col[first["a"].to_numpy()] = first["v"].to_numpy()
        return col

    def table(self, stats: Sequence[str], index: pd.Index) -> pd.DataFrame:
        """One float column per statistic; NaN (count 0) for areas without a valid cell."""
        empty = self.cnt <= 0
        out = pd.DataFrame(index=index)
        for s in stats:
            if s == "sum":
                col = self.sum.copy()
            elif s == "count":
                col = self.cnt.copy()
            elif s == "mean":
                with np.errstate(invalid="ignore", divide="ignore"):
                    col = self.sum / self.cnt
            elif s == "min":
                col = self.min.copy()
            elif s == "max":
                col = self.max.copy()
            else:
                col = self.majority()
            if s != "count":
                col = np.where(empty, np.nan, col)
            out[s] = col.astype(np.float64)
        return out
