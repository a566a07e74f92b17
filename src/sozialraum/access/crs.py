"""Point coordinates for distances in :mod:`sozialraum.access`.

Which CRS a layer is measured in follows the one rule of
:mod:`sozialraum.core.crs` (no CRS refused; geographic → ETRS89 UTM zone of the
data with a warning, or refused with ``reproject=False``; non-metre units
refused). The access functions call :func:`sozialraum.core.crs.ensure_metric`
and :func:`sozialraum.core.crs.align_crs` and then take coordinates here.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["point_coords", "crs_mode"]


def crs_mode(reproject: bool) -> str:
    """The :mod:`sozialraum.core.crs` mode of the access functions' ``reproject`` flag."""
    return "reproject" if reproject else "refuse"


def point_coords(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Return an ``(n, 2)`` float array of point coordinates.

    Points give their coordinates; other geometries (planning-area polygons)
    their centroid (in the layer's metric CRS). Call
    :func:`sozialraum.core.crs.ensure_metric` first.
    """
    geom = np.asarray(gdf.geometry.values, dtype=object)
    kinds = shapely.get_type_id(geom)
    if not (kinds == 0).all():
        geom = np.where(kinds == 0, geom, shapely.centroid(geom))
    return shapely.get_coordinates(geom)[:, :2].astype(float, copy=False).reshape(len(gdf), 2)
