"""GeoTIFF writing for QGIS: deflate-compressed, tiled, with overviews (private)."""

from __future__ import annotations

from collections.abc import Callable
from os import PathLike

import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import Resampling
from rasterio.windows import Window

BLOCK = 256


def profile(
    width: int, height: int, transform: Affine, crs, *, dtype: str, nodata: float | None
) -> dict:
    """GTiff creation profile: tiled 256×256, deflate with a predictor."""
    tiled = width >= BLOCK and height >= BLOCK
    prof = {
        "driver": "GTiff",
        "width": int(width),
        "height": int(height),
        "count": 1,
        "dtype": dtype,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
        "compress": "deflate",
        "predictor": 3 if np.dtype(dtype).kind == "f" else 2,
        "zlevel": 6,
        "BIGTIFF": "IF_SAFER",
    }
    if tiled:
        prof.update(tiled=True, blockxsize=BLOCK, blockysize=BLOCK)
    return prof


def overview_factors(width: int, height: int, min_size: int = 256) -> list[int]:
    """2, 4, 8, … until the overview is smaller than ``min_size`` (at least [2])."""
    factors = []
    f = 2
    while max(width, height) / f >= min_size / 2 or not factors:
        factors.append(f)
        f *= 2
        if f > 4096:
            break
    return factors


def add_overviews(path: str | PathLike, resampling: Resampling = Resampling.average) -> None:
    """Build internal overviews (so QGIS draws large surfaces quickly)."""
    with rasterio.open(path, "r+") as dst:
        dst.build_overviews(overview_factors(dst.width, dst.height), resampling)
        dst.update_tags(ns="rio_overview", resampling=resampling.name)


def write_geotiff(
    path: str | PathLike,
    array: np.ndarray,
    transform: Affine,
    crs,
    *,
    nodata: float | None = -9999.0,
    resampling: Resampling = Resampling.average,
    tags: dict | None = None,
) -> None:
    """Write a 2-D array as compressed, tiled GeoTIFF with overviews."""
    h, w = array.shape
    with rasterio.open(
        path, "w", **profile(w, h, transform, crs, dtype=str(array.dtype), nodata=nodata)
    ) as dst:
        dst.write(array, 1)
        if tags:
            dst.update_tags(**tags)
    add_overviews(path, resampling)


def write_geotiff_windowed(
    path: str | PathLike,
    width: int,
    height: int,
    transform: Affine,
    crs,
    compute: Callable[[Window, Affine], np.ndarray],
    *,
    dtype: str = "float32",
    nodata: float | None = -9999.0,
    block: int = 2048,
    resampling: Resampling = Resampling.average,
    tags: dict | None = None,
    unit: str | None = None,
) -> None:
    """Write a raster window by window: ``compute(window, window_transform)`` → array.

    Memory stays bounded by the window (``block`` × ``block`` cells). ``unit``
    is stored as the band's unit (shown by QGIS) in addition to ``tags``.
    """
    with rasterio.open(
        path, "w", **profile(width, height, transform, crs, dtype=dtype, nodata=nodata)
    ) as dst:
        for r in range(0, height, block):
            for c in range(0, width, block):
                win = Window(c, r, min(block, width - c), min(block, height - r))
                wt = Affine(
                    transform.a,
                    0.0,
                    transform.c + c * transform.a,
                    0.0,
                    transform.e,
                    transform.f + r * transform.e,
                )
                arr = compute(win, wt)
                dst.write(arr.astype(dtype, copy=False), 1, window=win)
        if tags:
            dst.update_tags(**tags)
        if unit is not None:
            dst.set_band_unit(1, unit)
    add_overviews(path, resampling)
