"""Sozialraummonitor: rates, smoothing, standardisation, indices, classes, types, change.

See ``docs/monitor.md`` for every formula and rule.
"""

from __future__ import annotations

from sozialraum.monitor.certainty import (
    CertaintyParams,
    CertaintyResult,
    certainty,
    certainty_labels,
    certainty_text,
    rank_text,
)
from sozialraum.monitor.certainty_indicators import IndicatorCertainty, indicator_certainty
from sozialraum.monitor.classify import (
    SCHEMES,
    Classification,
    classify,
    compare,
    threshold_classes,
)
from sozialraum.monitor.dynamics import (
    ChangeResult,
    apply_crosswalk,
    change,
    key_changes,
    to_panel,
    trend,
)
from sozialraum.monitor.index import IndexResult, composite_index, pca_index
from sozialraum.monitor.monitor import MonitorParams, MonitorResult, run_monitor
from sozialraum.monitor.mss import (
    DYNAMIC_THRESHOLDS,
    STATUS_THRESHOLDS,
    dynamic_classes,
    mss_index,
    mss_matrix,
    status_classes,
)
from sozialraum.monitor.rates import RatesResult, compute_rates
from sozialraum.monitor.smoothing import SmoothingResult, eb_global, eb_spatial, smooth_rates
from sozialraum.monitor.standardize import StandardizeResult, standardize, zscore
from sozialraum.monitor.typology import TypologyResult, similar_areas, typology

__all__ = [
    "DYNAMIC_THRESHOLDS",
    "SCHEMES",
    "STATUS_THRESHOLDS",
    "CertaintyParams",
    "CertaintyResult",
    "ChangeResult",
    "Classification",
    "IndexResult",
    "IndicatorCertainty",
    "MonitorParams",
    "MonitorResult",
    "RatesResult",
    "SmoothingResult",
    "StandardizeResult",
    "TypologyResult",
    "apply_crosswalk",
    "certainty",
    "certainty_labels",
    "certainty_text",
    "change",
    "classify",
    "compare",
    "composite_index",
    "compute_rates",
    "dynamic_classes",
    "eb_global",
    "eb_spatial",
    "indicator_certainty",
    "key_changes",
    "mss_index",
    "mss_matrix",
    "pca_index",
    "rank_text",
    "run_monitor",
    "similar_areas",
    "smooth_rates",
    "standardize",
    "status_classes",
    "threshold_classes",
    "to_panel",
    "trend",
    "typology",
    "zscore",
]
