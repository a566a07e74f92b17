"""Spatial statistics for planning areas: weights, global and local Moran, Gi*.

Wraps libpysal/esda and fixes what matters for small-area work: islands are
never significant ("ohne Nachbarn"), areas without a value are left out with
rebuilt weights ("kein Wert"), p-values are two-sided (also with esda 2.9),
results are deterministic for a given ``seed``. See ``docs/spatial.md``.

The names below are imported on first use (PEP 562), so that
``from sozialraum.spatial import local_moran`` loads neither the plotting nor
the Gi* code, and :func:`warm_kernels` can start loading the permutation
kernels before anything heavy is imported.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from sozialraum.spatial._common import adjust_p, two_sided_p
    from sozialraum.spatial._kernels import warm_kernels
    from sozialraum.spatial.getis_ord import (
        GI_CODES,
        GI_COLORS,
        GiResult,
        getis_ord,
        gi_label,
    )
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
    from sozialraum.spatial.plots import (
        cluster_map,
        hotspot_map,
        moran_scatterplot,
        save_figure,
    )
    from sozialraum.spatial.weights import WeightsResult, as_weights, build_weights

#: public name -> submodule that defines it
_WHERE = {
    "adjust_p": "_common",
    "two_sided_p": "_common",
    "warm_kernels": "_kernels",
    "GI_CODES": "getis_ord",
    "GI_COLORS": "getis_ord",
    "GiResult": "getis_ord",
    "getis_ord": "getis_ord",
    "gi_label": "getis_ord",
    "LISA_CODES": "lisa",
    "LISA_COLORS": "lisa",
    "LISA_RGB": "lisa",
    "LisaResult": "lisa",
    "lisa_label": "lisa",
    "local_moran": "lisa",
    "local_moran_bv": "lisa",
    "warm_up": "lisa",
    "MoranResult": "moran",
    "moran": "moran",
    "moran_rate": "moran",
    "cluster_map": "plots",
    "hotspot_map": "plots",
    "moran_scatterplot": "plots",
    "save_figure": "plots",
    "WeightsResult": "weights",
    "as_weights": "weights",
    "build_weights": "weights",
}

__all__ = [
    "GI_CODES",
    "GI_COLORS",
    "GiResult",
    "LISA_CODES",
    "LISA_COLORS",
    "LISA_RGB",
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
    "warm_kernels",
    "warm_up",
]


#: Functions named like the submodule that defines them (``getis_ord``, ``moran``).
_SHADOWED = frozenset({"getis_ord", "moran"})


class _Package(types.ModuleType):
    """This package: a function keeps its name when its namesake submodule is imported.

    Importing ``sozialraum.spatial.getis_ord`` (the module) makes Python set the
    package attribute ``getis_ord`` to that module; with names loaded on first use
    that would turn ``from sozialraum.spatial import getis_ord`` into the module
    whenever the module was imported first. The function is bound instead, as an
    eager ``from .getis_ord import getis_ord`` would do.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
