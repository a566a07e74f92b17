"""The planning cycle: recommendations, measures with targets, priority areas.

* :mod:`~sozialraum.planning.recommendations` — Handlungsempfehlungen and
  Zielvereinbarungen per area, municipality or region: read from Markdown or an
  Excel sheet (validated), written as an Excel template with the key figures a
  release level may show.
* :mod:`~sozialraum.planning.targets` — a measure's target (indicator, value, date,
  status, responsible body) and the progress toward it.
* :mod:`~sozialraum.planning.priority` — rule-based priority areas (Förderkulisse),
  an allocation key, reasons per area and the sensitivity of the selection.
"""

from __future__ import annotations

from sozialraum.planning.priority import (
    PriorityResult,
    PriorityRules,
    allocation_key,
    select_priority_areas,
)
from sozialraum.planning.recommendations import (
    KINDS,
    Recommendations,
    read_recommendations,
    write_template,
)
from sozialraum.planning.targets import MEASURE_STATUS, MeasureTarget, target_progress

__all__ = [
    "KINDS",
    "MEASURE_STATUS",
    "MeasureTarget",
    "PriorityResult",
    "PriorityRules",
    "Recommendations",
    "allocation_key",
    "read_recommendations",
    "select_priority_areas",
    "target_progress",
    "write_template",
]
