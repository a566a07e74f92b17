"""Rasters: zonal statistics, Zensus grid cells, weighted centroids and surfaces for QGIS."""

from sozialraum.raster.centroids import demand_points, demand_shares, weighted_centroids
from sozialraum.raster.surfaces import (
    GridSpec,
    distance_surface,
    grid_spec,
    rasterize_indicator,
    travel_time_surface,
)
from sozialraum.raster.zensus import (
    ZensusGrid,
    decode_grid_ids,
    encode_grid_ids,
    read_zensus_csv,
    zensus_to_geotiff,
)
from sozialraum.raster.zonal import STATS, zonal_stats

__all__ = [
    "STATS",
    "GridSpec",
    "ZensusGrid",
    "decode_grid_ids",
    "demand_points",
    "demand_shares",
    "distance_surface",
    "encode_grid_ids",
    "grid_spec",
    "rasterize_indicator",
    "read_zensus_csv",
    "travel_time_surface",
    "weighted_centroids",
    "zensus_to_geotiff",
    "zonal_stats",
]
