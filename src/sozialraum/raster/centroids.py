"""Population-weighted centroids of areas, and demand points from a population raster.

Both read the raster tile by tile (see :mod:`sozialraum.raster._engine`), so
they work on rasters larger than memory.
"""

from __future__ import annotations

import warnings
from os import PathLike

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from sozialraum._i18n import t
from sozialraum.errors import InputError, SozialraumWarning, format_ids
from sozialraum.raster import _engine
from sozialraum.raster.zonal import open_checked, prepare_areas

__all__ = ["weighted_centroids", "demand_points", "demand_shares"]

_MSG = {
    "fallback": {
        "de": "{n} Gebiet(e) ohne Gewicht im Raster (z. B. unbewohnt): {ids}. Für sie wird der "
        "geometrische Schwerpunkt (innerhalb des Gebiets) verwendet (Spalte 'fallback' = True).",
        "en": "{n} area(s) without weight in the raster (e.g. uninhabited): {ids}. Their geometric "
        "centre (inside the area) is used instead (column 'fallback' = True).",
    },
    "negative": {
        "de": "{file}: Das Raster enthält negative Werte ({n} Zellen); Gewichte müssen ≥ 0 sein. "
        "Bitte NoData richtig setzen.",
        "en": "{file}: the raster contains negative values ({n} cells); weights must be ≥ 0. Set its "
        "nodata value correctly.",
    },
    "bad_method": {
        "de": "Unbekannte Methode {method!r}: 'center' oder 'coverage'.",
        "en": "Unknown method {method!r}: 'center' or 'coverage'.",
    },
}


def weighted_centroids(
    areas: gpd.GeoDataFrame,
    raster_path: str | PathLike,
    *,
    band: int = 1,
    method: str = "center",
    window_size: int = 2048,
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """Population-weighted centroid of every area.

    The centroid is Σ wᵢ·(xᵢ, yᵢ) / Σ wᵢ over the cells of the area (cell
    centres, weights = raster values × coverage fraction with
    ``method="coverage"``), computed in the raster's CRS and returned in the
    areas' CRS.

    Parameters
    ----------
    areas
        Areas indexed by key, any CRS.
    raster_path
        Population (weight) raster; values must be ≥ 0, nodata ignored.
    band, method, window_size, lang
        As in :func:`sozialraum.raster.zonal_stats`.

    Returns
    -------
    geopandas.GeoDataFrame
        Index = area keys; ``weight`` (Σ w), ``fallback`` (True where the
        area has no weight and its ``representative_point`` is used — warned),
        geometry = centroid point, CRS of ``areas``.

    Notes
    -----
    A weighted centroid can lie outside a concave area (like any centroid).
    """
    if method not in ("center", "coverage"):
        raise InputError(t(_MSG, "bad_method", lang, method=method))
    name = str(raster_path)
    orig_crs = areas.crs
    with _engine.gdal_env(), open_checked(raster_path, band, lang) as src:
        areas_r = prepare_areas(areas, src.crs, lang)
        n = len(areas_r)
        sw = np.zeros(n)
        sx = np.zeros(n)
        sy = np.zeros(n)
        neg = [0]
        ox, oy = src.transform.c, src.transform.f

        def visit(area, idx, weight, win, vals):
            flat = vals.ravel()
            tw = vals.shape[1]
            if idx is None:
                idx = np.flatnonzero(area >= 0)
                area = area[idx]
                weight = None
            v = flat[idx]
            ok = ~np.isnan(v)
            neg[0] += int((v[ok] < 0).sum())
            area, idx, v = area[ok], idx[ok], v[ok]
            w = v if weight is None else v * weight[ok]
            rows, cols = np.divmod(idx, tw)
            wt = _engine.window_transform(src.transform, win)
            # cell centres relative to the raster origin (better precision)
            x = wt.c - ox + (cols + 0.5) * wt.a
            y = wt.f - oy + (rows + 0.5) * wt.e
            sw[:] += np.bincount(area, weights=w, minlength=n)
            sx[:] += np.bincount(area, weights=w * x, minlength=n)
            sy[:] += np.bincount(area, weights=w * y, minlength=n)

        _engine.run(
            src,
            areas_r.geometry.to_numpy(),
            band=band,
            method=method,
            window_size=int(window_size),
            visit=visit,
        )
        raster_crs = src.crs
    if neg[0]:
        raise InputError(t(_MSG, "negative", lang, file=name, n=neg[0]), file=name)
    fallback = sw <= 0
    with np.errstate(invalid="ignore", divide="ignore"):
        cx = sx / sw + ox
        cy = sy / sw + oy
    pts = gpd.GeoSeries(gpd.points_from_xy(cx, cy), index=areas_r.index, crs=raster_crs)
    if orig_crs is not None and not CRS.from_user_input(orig_crs).equals(raster_crs):
        pts = pts.to_crs(orig_crs)
    if fallback.any():
        rep = areas.geometry.representative_point()
        pts = pts.where(~fallback, rep)  # type: ignore[arg-type]
        ids = [str(i) for i in areas.index[fallback]]
        warnings.warn(
            t(_MSG, "fallback", lang, n=len(ids), ids=format_ids(ids)),
            SozialraumWarning,
            stacklevel=2,
        )
    return gpd.GeoDataFrame(
        {"weight": sw, "fallback": fallback},
        geometry=pts.values,
        index=areas.index.copy(),
        crs=orig_crs,
    )


def _cell_ids(rows: np.ndarray, cols: np.ndarray, transform, crs) -> pd.Index:
    """Zensus ids when the raster is an aligned EPSG:3035 grid, else ``r<row>_c<col>``."""
    res = transform.a
    is3035 = crs is not None and CRS.from_user_input(crs).to_epsg() == 3035
    aligned = (
        is3035
        and res == -transform.e
        and res in (100, 1000, 10000)
        and transform.c % res == 0
        and transform.f % res == 0
    )
    if aligned:
        from sozialraum.raster.zensus import encode_grid_ids

        x = transform.c + (cols + 0.5) * res
        y = transform.f + (rows + 0.5) * transform.e
        return pd.Index(encode_grid_ids(x, y, int(res)).to_numpy(dtype=object), dtype="string")
    return pd.Index(
        [f"r{r}_c{c}" for r, c in zip(rows.tolist(), cols.tolist(), strict=True)], dtype="string"
    )


def demand_points(
    raster_path: str | PathLike,
    *,
    areas: gpd.GeoDataFrame | None = None,
    band: int = 1,
    min_value: float = 0.0,
    column: str = "demand",
    window_size: int = 2048,
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """Raster cells with population as demand points (cell centres) for the access module.

    Parameters
    ----------
    raster_path
        Population raster.
    areas
        Optional areas (indexed by key): only cells whose centre lies inside
        an area are kept, and column ``area`` holds its key; the points are
        returned in the areas' CRS.
    band, window_size, lang
        As in :func:`sozialraum.raster.zonal_stats`.
    min_value
        Keep cells with value > ``min_value`` (nodata never kept).
    column
        Name of the value column.

    Returns
    -------
    geopandas.GeoDataFrame
        Index = cell id (Zensus id ``CRS3035RES100mN…E…`` for an aligned
        EPSG:3035 grid, else ``r<row>_c<col>``); ``column`` (float); ``area``
        (when ``areas`` given); point geometry at the cell centre. In
        overlapping areas a cell appears once per area.
    """
    parts: list[pd.DataFrame] = []
    with _engine.gdal_env(), open_checked(raster_path, band, lang) as src:
        tf, crs = src.transform, src.crs

        def take(rows, cols, vals, win, area=None):
            ok = ~np.isnan(vals) & (vals > min_value)
            r = rows[ok] + int(win.row_off)
            c = cols[ok] + int(win.col_off)
            d = {"row": r, "col": c, column: vals[ok]}
            if area is not None:
                d["area_no"] = area[ok]
            parts.append(pd.DataFrame(d))

        if areas is not None:
            areas_r = prepare_areas(areas, src.crs, lang)

            def visit(area, idx, weight, win, vals):
                idx = np.flatnonzero(area >= 0)
                rows, cols = np.divmod(idx, vals.shape[1])
                take(rows, cols, vals.ravel()[idx], win, area[idx])

            _engine.run(
                src,
                areas_r.geometry.to_numpy(),
                band=band,
                method="center",
                window_size=int(window_size),
                visit=visit,
            )
        else:
            for win in _engine.iter_tiles(
                src.height,
                src.width,
                int(window_size),
                (0, src.height, 0, src.width),
                tuple(src.block_shapes[band - 1]),
            ):
                vals = _engine.read_tile(src, band, win)
                rr, cc = np.nonzero(~np.isnan(vals) & (vals > min_value))
                take(rr, cc, vals[rr, cc], win)
    cols_out = ["row", "col", column] + (["area_no"] if areas is not None else [])
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({c: [] for c in cols_out})
    rows = df["row"].to_numpy(dtype=np.int64)
    cols = df["col"].to_numpy(dtype=np.int64)
    x = tf.c + (cols + 0.5) * tf.a
    y = tf.f + (rows + 0.5) * tf.e
    out = gpd.GeoDataFrame(
        {column: df[column].to_numpy(dtype=float)},
        geometry=gpd.points_from_xy(x, y),
        crs=crs,
        index=_cell_ids(rows, cols, tf, crs),
    )
    out.index.name = "cell_id"
    if areas is not None:
        keys = np.asarray(areas.index.astype(str), dtype=object)
        out.insert(
            1, "area", pd.array(keys[df["area_no"].to_numpy(dtype=np.int64)], dtype="string")
        )
        if areas.crs is not None and not CRS.from_user_input(areas.crs).equals(crs):
            out = out.to_crs(areas.crs)
    return out


def demand_shares(raster, areas, *, lang: str | None = None):
    """Demand points of the raster with each point's share of its area (``key``, ``anteil``).

    The points of :func:`demand_points` inside ``areas``; ``key`` is the area key as
    text and ``anteil`` the point's population share within its area (0 where the
    area has no population in the raster). An area's need spread by ``anteil`` over
    these points is what the supply–need model (:func:`sozialraum.access.supply_need`)
    uses as demand locations.
    """
    pts = demand_points(raster, areas=areas, lang=lang)
    pts = pts.rename(columns={"area": "key"})
    pts["key"] = pts["key"].astype(str)
    total = pts.groupby("key")["demand"].transform("sum")
    pts["anteil"] = (pts["demand"] / total.where(total != 0)).fillna(0.0)
    return pts.reset_index(drop=True)
