"""What-if scenarios: add, close or resize facilities and compare with the current state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.access.measure import AccessResult, measure
from sozialraum.core.crs import ensure_metric
from sozialraum.errors import InputError, format_ids

__all__ = ["WhatIfResult", "apply_changes", "what_if"]

_MSG = {
    "unknown_ids": {
        "de": "Szenario: Einrichtungen {ids} gibt es im Bestand nicht ({what}). Bitte Schlüssel prüfen.",
        "en": "scenario: facilities {ids} do not exist in the current supply ({what}). Please check the keys.",
    },
    "dup_add": {
        "de": "Szenario: Neue Einrichtungen haben Schlüssel, die es schon gibt: {ids}. Bitte neue Schlüssel vergeben.",
        "en": "scenario: new facilities have keys that already exist: {ids}. Please use new keys.",
    },
    "bad_capacity": {
        "de": "Szenario: Ungültige Kapazität für {ids} (nicht-negative Zahl erwartet).",
        "en": "scenario: invalid capacity for {ids} (non-negative number expected).",
    },
}


def apply_changes(
    supply: gpd.GeoDataFrame,
    *,
    add: gpd.GeoDataFrame | None = None,
    remove: Sequence[str] = (),
    resize: Mapping[str, float] | None = None,
    capacity_col: str | None = "kapazitaet",
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """Return a changed copy of ``supply``: ``remove`` closes, ``resize`` sets a new
    capacity, ``add`` appends new facilities (reprojected to the supply's CRS)."""
    out = supply.copy()
    out.index = out.index.astype(str)
    remove = [str(r) for r in remove]
    missing = [r for r in remove if r not in out.index]
    if missing:
        raise InputError(
            t(_MSG, "unknown_ids", lang, ids=format_ids(missing), what="remove"), ids=missing
        )
    if resize:
        rz = {str(k): v for k, v in resize.items()}
        missing = [r for r in rz if r not in out.index]
        if missing:
            raise InputError(
                t(_MSG, "unknown_ids", lang, ids=format_ids(missing), what="resize"), ids=missing
            )
        bad = [
            k
            for k, v in rz.items()
            if not np.isscalar(v) or not np.isfinite(float(v)) or float(v) < 0
        ]
        if bad:
            raise InputError(
                t(_MSG, "bad_capacity", lang, ids=format_ids(bad)), ids=bad, column=capacity_col
            )
        out[capacity_col] = out[capacity_col].astype(float)
        out.loc[list(rz), capacity_col] = [float(v) for v in rz.values()]
    out = out.drop(index=remove)
    if add is not None and len(add):
        new = add.copy()
        new.index = new.index.astype(str)
        dup = [i for i in new.index if i in out.index or i in remove]
        if dup:
            raise InputError(t(_MSG, "dup_add", lang, ids=format_ids(dup)), ids=dup)
        if out.crs is not None:
            new = ensure_metric(new, target_crs=out.crs, name="Szenario", lang=lang)
        out = gpd.GeoDataFrame(pd.concat([out, new]), geometry=out.geometry.name, crs=out.crs)
    return out


@dataclass(frozen=True)
class WhatIfResult:
    """Current state and scenario side by side.

    Attributes
    ----------
    before, after
        :class:`~sozialraum.access.measure.AccessResult` of the current state and the scenario.
    frame
        Per demand point: for each measure column ``<col>_vorher``, ``<col>_nachher``,
        ``<col>_differenz``.
    areas
        Per area (if ``area`` was given), same layout.
    params
        The changes and the measure parameters.
    """

    before: AccessResult
    after: AccessResult
    frame: pd.DataFrame
    areas: pd.DataFrame
    params: dict = field(default_factory=dict)


def _side_by_side(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    cols = [
        c
        for c in a.columns
        if c in b.columns
        and pd.api.types.is_numeric_dtype(a[c])
        and pd.api.types.is_numeric_dtype(b[c])
    ]
    parts = {}
    for c in cols:
        x = a[c].astype(float)
        y = b[c].reindex(a.index).astype(float)
        parts[f"{c}_vorher"] = x
        parts[f"{c}_nachher"] = y
        parts[f"{c}_differenz"] = y - x
    return pd.DataFrame(parts, index=a.index)


def what_if(
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    *,
    add: gpd.GeoDataFrame | None = None,
    remove: Sequence[str] = (),
    resize: Mapping[str, float] | None = None,
    capacity_col: str | None = "kapazitaet",
    lang: str | None = None,
    **measure_kwargs,
) -> WhatIfResult:
    """Run :func:`~sozialraum.access.measure.measure` on the current and the changed supply.

    ``measure_kwargs`` go to :func:`measure` (``method``, ``demand_col``, ``supply_col``,
    ``max_cost``, ``area``, ``threshold``, ``network``, …). ``supply_col`` defaults to
    ``capacity_col`` where the method uses capacities (2SFCA/E2SFCA, places within ``radius``).
    """
    uses_capacity = measure_kwargs.get("method") in ("2sfca", "e2sfca") or (
        measure_kwargs.get("method", "nearest") == "nearest" and measure_kwargs.get("radius")
    )
    if uses_capacity:
        measure_kwargs.setdefault("supply_col", capacity_col)
    changed = apply_changes(
        supply, add=add, remove=remove, resize=resize, capacity_col=capacity_col, lang=lang
    )
    before = measure(demand, supply, lang=lang, **measure_kwargs)
    after = measure(demand, changed, lang=lang, **measure_kwargs)
    frame = _side_by_side(before.frame, after.frame)
    areas = _side_by_side(before.areas, after.areas) if len(before.areas) else pd.DataFrame()
    params = {
        **before.params,
        "add": [] if add is None else [str(i) for i in add.index],
        "remove": [str(r) for r in remove],
        "resize": {str(k): float(v) for k, v in (resize or {}).items()},
    }
    return WhatIfResult(before=before, after=after, frame=frame, areas=areas, params=params)
