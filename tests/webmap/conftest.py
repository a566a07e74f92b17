"""Fixtures of the web map tests: a small synthetic district on a square grid."""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import pytest

# the test data module lives beside this file (works with --import-mode=importlib too)
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _webmap_data import make_facilities, make_grid  # noqa: E402


@pytest.fixture
def grid() -> gpd.GeoDataFrame:
    return make_grid()


@pytest.fixture
def facilities() -> gpd.GeoDataFrame:
    return make_facilities()
