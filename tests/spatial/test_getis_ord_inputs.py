"""Gi* refuses values it is not defined for (negative values, indices)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from sozialraum.errors import InputError
from sozialraum.spatial import build_weights, getis_ord, local_moran


def _grid(values):
    n = int(np.sqrt(len(values)))
    geoms = [box(c, r, c + 1, r + 1) for r in range(n) for c in range(n)]
    ids = [f"r{r}c{c}" for r in range(n) for c in range(n)]
    return gpd.GeoDataFrame({"v": values}, index=pd.Index(ids), geometry=geoms, crs=25832)


def test_getis_ord_refuses_negative_values():
    """A z-score index sums to ~0: G = Σ w x / Σ x exploded to 1.26e14 before."""
    rng = np.random.default_rng(7)
    v = rng.normal(0, 1, 36)
    v = v - v.mean()  # an index: mean 0, half of the areas negative
    gdf = _grid(v)
    w = build_weights(gdf, "queen")
    with pytest.raises(InputError, match="'v'.*LISA") as e:
        getis_ord(gdf, "v", w)
    assert e.value.column == "v"
    assert set(e.value.ids) == {gdf.index[i] for i in np.flatnonzero(v < 0)}
    with pytest.raises(InputError, match="use LISA"):
        getis_ord(gdf, "v", w, lang="en")
    # what the message recommends works on the same column
    assert len(local_moran(gdf, "v", w, permutations=99, seed=1).frame) == 36


def test_getis_ord_accepts_non_negative_values_and_zero():
    v = np.r_[np.zeros(4), np.arange(1.0, 33.0)]
    gdf = _grid(v)
    r = getis_ord(gdf, "v", build_weights(gdf, "queen"))
    g = r.frame["gi_G"]
    assert np.isfinite(g).all() and (g <= 1).all()  # G is a share of the total sum


def test_getis_ord_ignores_negative_value_of_area_left_out():
    """Only the values computed count: a negative value in an area without value is none."""
    v = np.arange(1.0, 37.0)
    gdf = _grid(v)
    gdf.loc["r0c0", "v"] = np.nan
    r = getis_ord(gdf, "v", build_weights(gdf, "queen"))
    assert r.frame.loc["r0c0", "gi_code"] == "nan"


def test_getis_ord_refuses_permutation_settings_analytical_ignores():
    gdf = _grid(np.arange(1.0, 37.0))
    w = build_weights(gdf, "queen")
    with pytest.raises(InputError, match="permutations=99 .*inference='permutation'"):
        getis_ord(gdf, "v", w, permutations=99)
    with pytest.raises(InputError, match="seed=7 "):
        getis_ord(gdf, "v", w, seed=7)
    r = getis_ord(gdf, "v", w, inference="permutation", permutations=99, seed=7)
    assert r.params["permutations"] == 99
