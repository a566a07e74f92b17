"""Interactive web maps (Leaflet via folium) and static print maps for committees.

See ``docs/webmap.md``.
"""

from __future__ import annotations

from ._format import class_labels, fmt_number
from .geometry import GeometryParams, prepare_geometries
from .layers import (
    GEODA_LISA,
    CategoryLayer,
    Classes,
    Indicator,
    categorize,
    classify,
    gi_layer,
    lisa_layer,
)
from .map import MapInfo, make_map, map_html, save_map
from .static import static_map

__all__ = [
    "GEODA_LISA",
    "CategoryLayer",
    "Classes",
    "GeometryParams",
    "Indicator",
    "MapInfo",
    "categorize",
    "class_labels",
    "classify",
    "fmt_number",
    "gi_layer",
    "lisa_layer",
    "make_map",
    "map_html",
    "prepare_geometries",
    "save_map",
    "static_map",
]
