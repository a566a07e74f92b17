"""Interactive web maps (Leaflet via folium) and static print maps for committees.

Classes come from the one engine :func:`sozialraum.core.classify.classify`, LISA/Gi*
colours and labels from :mod:`sozialraum.core.palettes`. See ``docs/webmap.md``.
"""

from __future__ import annotations

from ._format import fmt_number
from .geometry import GeometryParams, prepare_geometries
from .layers import (
    CategoryLayer,
    Classes,
    Indicator,
    categorize,
    classify_layer,
    gi_layer,
    lisa_layer,
)
from .map import (
    Facilities,
    Layers,
    MapInfo,
    MapSpec,
    Overlays,
    RegionOverlay,
    Release,
    View,
    make_map,
    map_html,
    save_map,
)
from .offers import OfferLayers, public_offers
from .static import static_map

__all__ = [
    "CategoryLayer",
    "Classes",
    "Facilities",
    "GeometryParams",
    "Indicator",
    "Layers",
    "MapInfo",
    "MapSpec",
    "OfferLayers",
    "Overlays",
    "RegionOverlay",
    "Release",
    "View",
    "categorize",
    "classify_layer",
    "fmt_number",
    "gi_layer",
    "lisa_layer",
    "make_map",
    "map_html",
    "prepare_geometries",
    "public_offers",
    "save_map",
    "static_map",
]
