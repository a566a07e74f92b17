"""Sozialstrukturatlas: one database for all planning departments (GeoPackage or PostGIS).

* :class:`Atlas` — ``Atlas.open("atlas.gpkg")`` or ``Atlas.open("postgresql://…")``:
  area versions with validity periods and crosswalks, the catalogue, indicator values
  in long form with import batches, facilities, computed results, region sets, the
  measures register and exports.
* :func:`measure_effect` — before/after with a comparison group ("beschreibend, nicht
  kausal").
* :func:`crosswalk_shares` — area-weighted crosswalk between two sets of areas.
* :func:`build_musterland_atlas` — the example district's atlas (three years, a
  boundary change, one measure).

See ``docs/atlas.md`` for the schema, the roles SQL for PostGIS and the command line.
"""

from __future__ import annotations

import importlib

# Lazy re-exports (PEP 562): ``sozialraum atlas …`` on the command line imports
# ``sozialraum.atlas.cli`` without loading geopandas until a command runs.
_EXPORTS = {
    "Atlas": "sozialraum.atlas.atlas",
    "AtlasSelection": "sozialraum.atlas.atlas",
    "ImportResult": "sozialraum.atlas.atlas",
    "MonitorInputs": "sozialraum.atlas.atlas",
    "crosswalk_shares": "sozialraum.atlas.atlas",
    "LABEL": "sozialraum.atlas.effect",
    "EffectResult": "sozialraum.atlas.effect",
    "did_means": "sozialraum.atlas.effect",
    "measure_effect": "sozialraum.atlas.effect",
    "build_musterland_atlas": "sozialraum.atlas.musterland",
    "roles_sql": "sozialraum.atlas.schema",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sozialraum.atlas' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "LABEL",
    "Atlas",
    "AtlasSelection",
    "EffectResult",
    "ImportResult",
    "MonitorInputs",
    "build_musterland_atlas",
    "crosswalk_shares",
    "did_means",
    "measure_effect",
    "roles_sql",
]
