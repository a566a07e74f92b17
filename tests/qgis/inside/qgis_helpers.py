"""Constants and small helpers of the inner QGIS tests (importable: conftest puts this folder on sys.path)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PLUGIN_SRC = ROOT / "qgis_plugin"
GPKG = ROOT / "data" / "boundaries" / "musterland.gpkg"
EX = ROOT / "examples" / "musterland"
AREAS = f"{GPKG}|layername=sozialraeume"


def read_out(path, key="sr_id"):
    """An output GeoPackage as GeoDataFrame indexed by the area key."""
    import geopandas as gpd
    import pyogrio

    layer = next(str(n) for n, _ in pyogrio.list_layers(path) if n != "layer_styles")
    gdf = gpd.read_file(path, layer=layer)
    return gdf.set_index(gdf[key].astype(str)).drop(columns=[key])
