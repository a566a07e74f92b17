"""Fixtures of the raster tests.

The helper module ``raster_helpers`` (beside this file) is made importable for
the test modules here; pytest runs with ``--import-mode=importlib``, which does
not put test folders on ``sys.path``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from raster_helpers import write_raster  # noqa: E402


@pytest.fixture
def pop_raster(tmp_path) -> dict:
    """A 90 x 120 integer-valued float raster in EPSG:25833 (100 m) with a nodata block."""
    rng = np.random.default_rng(42)
    data = rng.integers(0, 9, size=(90, 120)).astype("float32")
    data[10:14, 20:30] = -1.0  # nodata block
    x0, y1, res = 390000.0, 5820000.0, 100.0
    path = write_raster(
        tmp_path / "pop.tif", data, x0=x0, y1=y1, res=res, crs="EPSG:25833", nodata=-1.0, tiled=True
    )
    bounds = (x0, y1 - 90 * res, x0 + 120 * res, y1)
    return {"path": path, "data": data, "bounds": bounds, "res": res, "nodata": -1.0}
