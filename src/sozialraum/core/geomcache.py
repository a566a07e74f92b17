"""Geometry work done once per set of shapes: the fingerprint of shapes and a small cache.

A run writes the same planning areas into every release package: the web map and
the website of each package simplify, quantise and encode exactly the same shapes.
:class:`GeometryCache` keeps such results by the exact bytes of the shapes
(:func:`fingerprint`: the well-known binary of every geometry, their order and
CRS), so a second package gets the identical result without computing it again.
Values kept in a cache are shared: callers treat them as read-only.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import shapely

__all__ = ["GeometryCache", "fingerprint"]


def fingerprint(geoms, *, keys=None) -> tuple[str, str, int]:
    """SHA-256 of the shapes' well-known binary (in order), their CRS and their number.

    Parameters
    ----------
    geoms
        A GeoSeries, GeoDataFrame or array of shapely geometries.
    keys
        Optional labels of the shapes (e.g. the area keys), part of the fingerprint.
    """
    crs = getattr(geoms, "crs", None)
    if hasattr(geoms, "geometry"):
        geoms = geoms.geometry
    arr = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    h = hashlib.sha256()
    if keys is not None:
        for k in keys:
            h.update(repr(k).encode() + b"\0")
    h.update(b"|")
    for b in shapely.to_wkb(arr, include_srid=False):
        h.update(len(b).to_bytes(8, "little") + b if b is not None else b"\xff" * 8)
    return h.hexdigest(), str(crs.to_string() if crs is not None else None), len(arr)


class GeometryCache:
    """A few results of geometry work, by key; the oldest goes first when full."""

    def __init__(self, size: int = 16):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value of ``key``, made by ``make()`` the first time."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = make()
        self._items[key] = value
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
