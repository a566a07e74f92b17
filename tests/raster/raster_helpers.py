"""Helpers for the raster tests: small synthetic rasters and area partitions."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from affine import Affine


def write_raster(
    path: Path,
    data: np.ndarray,
    *,
    x0: float,
    y1: float,
    res: float,
    crs,
    nodata=None,
    tiled: bool = False,
) -> Path:
    """Write ``data`` (rows from north) as a single-band GeoTIFF."""
    h, w = data.shape
    prof = dict(
        driver="GTiff",
        height=h,
        width=w,
        count=1,
        dtype=str(data.dtype),
        crs=crs,
        transform=Affine(res, 0.0, x0, 0.0, -res, y1),
        nodata=nodata,
    )
    if tiled:
        prof.update(tiled=True, blockxsize=16, blockysize=16)
    with rasterio.open(path, "w", **prof) as dst:
        dst.write(data, 1)
    return path


def voronoi_partition(bounds, n: int, seed: int, crs) -> gpd.GeoDataFrame:
    """Random Voronoi partition of ``bounds`` (string keys ``a0``…)."""
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = bounds
    pts = shapely.points(rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n))
    frame = shapely.box(*bounds)
    vor = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame)
    polys = shapely.intersection(np.asarray(shapely.get_parts(vor)), frame)
    keys = [f"a{i}" for i in range(len(polys))]
    return gpd.GeoDataFrame({"name": keys}, geometry=polys, crs=crs, index=keys)
