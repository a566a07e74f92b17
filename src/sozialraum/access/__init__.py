"""Access to social infrastructure: distances, catchments, supply against need (Bestand–Bedarf).

Distances are in metres in a metric CRS (:mod:`sozialraum.core.crs`); straight-line
queries use KD-trees (:mod:`~sozialraum.access.nearest`), road-network queries
``scipy.sparse.csgraph`` (:mod:`~sozialraum.access.network`), supply ratios 2SFCA/E2SFCA on
sparse within-catchment pairs (:mod:`~sozialraum.access.fca`). :func:`measure` is the
single entry point; :func:`supply_need` (the one Bestand–Bedarf model), :func:`bestand_bedarf`, :func:`what_if` and the offer finder
(:mod:`~sozialraum.access.offers`) build on it.
"""

from sozialraum.access.crs import point_coords
from sozialraum.access.deficit import (
    BALANCE_COLUMNS,
    SUPPLY_METHODS,
    SupplyNeed,
    SupplyNeedParams,
    balance,
    need_points,
    supply_method,
    supply_need,
)
from sozialraum.access.fca import (
    FcaResult,
    area_ratio,
    catchment_pairs,
    decay_weights,
    fca_arrays,
    fca_points,
    two_step_fca,
)
from sozialraum.access.labels import LABELS, label, labelled
from sozialraum.access.measure import METHODS, AccessResult, measure, share_within
from sozialraum.access.nearest import count_within, nearest, nearest_xy
from sozialraum.access.network import (
    DEFAULT_SPEEDS,
    RoadNetwork,
    Snap,
    build_network,
    network_cost_pairs,
    network_nearest,
    snap_points,
)
from sozialraum.access.offers import (
    HOUSEHOLD_GROUPS,
    THEMES,
    find_offers,
    offer_inventory,
    offers_for_household,
)
from sozialraum.access.supply_demand import BedarfResult, bestand_bedarf
from sozialraum.access.whatif import WhatIfResult, apply_changes, what_if

__all__ = [
    "BALANCE_COLUMNS",
    "DEFAULT_SPEEDS",
    "HOUSEHOLD_GROUPS",
    "LABELS",
    "METHODS",
    "SUPPLY_METHODS",
    "THEMES",
    "AccessResult",
    "BedarfResult",
    "FcaResult",
    "RoadNetwork",
    "Snap",
    "SupplyNeed",
    "SupplyNeedParams",
    "WhatIfResult",
    "apply_changes",
    "area_ratio",
    "balance",
    "bestand_bedarf",
    "build_network",
    "catchment_pairs",
    "count_within",
    "decay_weights",
    "fca_arrays",
    "fca_points",
    "find_offers",
    "label",
    "labelled",
    "measure",
    "nearest",
    "nearest_xy",
    "need_points",
    "network_cost_pairs",
    "network_nearest",
    "offer_inventory",
    "offers_for_household",
    "point_coords",
    "share_within",
    "snap_points",
    "supply_method",
    "supply_need",
    "two_step_fca",
    "what_if",
]
