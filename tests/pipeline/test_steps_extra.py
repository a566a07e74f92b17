"""Helpers of the run's optional steps, against hand-computed cases."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point, box

from sozialraum.pipeline.steps_extra import _per_area
from sozialraum.pipeline.steps_regions import facility_areas


def test_per_area_is_the_demand_weighted_mean_of_the_points():
    dem = gpd.GeoDataFrame(
        {"key": ["a", "a", "b"], "nachfrage": [1.0, 3.0, 2.0]},
        geometry=[Point(0, 0), Point(1, 0), Point(5, 5)],
        crs="EPSG:25833",
    )
    frame = pd.DataFrame({"distance_m": [100.0, 500.0, 40.0]})
    out = _per_area(frame, dem)
    # a: (1*100 + 3*500) / 4 = 400; b: its only point
    assert out.loc["a", "distance_m"] == 400.0
    assert out.loc["b", "distance_m"] == 40.0


def test_per_area_with_one_point_per_area_keeps_the_rows():
    dem = gpd.GeoDataFrame(
        {"key": ["a", "b"], "nachfrage": [0.0, 2.0]}, geometry=[Point(0, 0), Point(1, 1)]
    )
    frame = pd.DataFrame({"x": [7.0, np.nan]})
    out = _per_area(frame, dem)
    assert (
        list(out.index) == ["a", "b"] and out.loc["a", "x"] == 7.0 and np.isnan(out.loc["b", "x"])
    )


def test_facility_areas_assigns_keys_and_keeps_facilities_outside():
    areas = gpd.GeoDataFrame(
        geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], index=["s1", "s2"], crs="EPSG:25833"
    )
    fac = gpd.GeoDataFrame(
        {"kapazitaet": [10, 20, 30]},
        geometry=[Point(5, 5), Point(15, 5), Point(50, 50)],
        crs="EPSG:25833",
    )
    out = facility_areas(SimpleNamespace(areas=areas), fac)
    assert list(out["_sr"].iloc[:2]) == ["s1", "s2"]
    assert pd.isna(out["_sr"].iloc[2])  # outside every area: kept, not dropped
    assert len(out) == 3
