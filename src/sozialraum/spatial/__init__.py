"""Spatial statistics for planning areas: weights, global and local Moran, Gi*.

Wraps libpysal/esda and fixes what matters for small-area work: islands are
never significant ("ohne Nachbarn"), areas without a value are left out with
rebuilt weights ("kein Wert"), p-values are two-sided (also with esda 2.9),
results are deterministic for a given ``seed``. See ``docs/spatial.md``.
"""

from sozialraum.spatial._common import adjust_p, two_sided_p
from sozialraum.spatial.getis_ord import GI_CODES, GI_COLORS, GiResult, getis_ord, gi_label
from sozialraum.spatial.lisa import (
    LISA_CODES,
    LISA_COLORS,
    LISA_RGB,
    LisaResult,
    lisa_label,
    local_moran,
    local_moran_bv,
    warm_up,
)
from sozialraum.spatial.moran import MoranResult, moran, moran_rate
from sozialraum.spatial.plots import cluster_map, hotspot_map, moran_scatterplot, save_figure
from sozialraum.spatial.weights import WeightsResult, as_weights, build_weights

__all__ = [
    "GI_CODES",
    "GI_COLORS",
    "LISA_CODES",
    "LISA_COLORS",
    "LISA_RGB",
    "GiResult",
    "LisaResult",
    "MoranResult",
    "WeightsResult",
    "adjust_p",
    "as_weights",
    "build_weights",
    "cluster_map",
    "getis_ord",
    "gi_label",
    "hotspot_map",
    "lisa_label",
    "local_moran",
    "local_moran_bv",
    "moran",
    "moran_rate",
    "moran_scatterplot",
    "save_figure",
    "two_sided_p",
    "warm_up",
]
