"""The regions of a release are rolled up once per run and release, and shared as copies.

The package's region layers, its ``regionen.csv`` and its reports each asked for the
regions of the same release; each request rolled every region set up again.
"""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from sozialraum.pipeline import outputs_regions


def _fake_region(calls):
    def release_region(state, name, res, release):
        calls.append((name, id(release)))
        frame = gpd.GeoDataFrame({"v": [1.0, 2.0]}, geometry=[Point(0, 0), Point(1, 1)])
        return frame, pd.DataFrame({"v": pd.array([pd.NA, "geheim"], dtype="string")})

    return release_region


def test_region_frames_are_made_once_per_release_and_handed_out_as_copies(monkeypatch):
    calls: list = []
    monkeypatch.setattr(outputs_regions, "_release_region", _fake_region(calls))
    state = SimpleNamespace(regions={"Ämter": SimpleNamespace(set=object())}, history={})
    one, other = (
        SimpleNamespace(level="kommunal", ags="07999001"),
        SimpleNamespace(level="oeffentlich", ags=None),
    )
    first = outputs_regions.release_region_frames(state, one)
    first["Ämter"][0].loc[0, "v"] = 99.0  # a consumer changing its copy
    second = outputs_regions.release_region_frames(state, one)
    assert calls == [("Ämter", id(one))]
    assert second["Ämter"][0]["v"].tolist() == [1.0, 2.0]
    assert second["Ämter"][1]["v"].tolist()[1] == "geheim"
    outputs_regions.release_region_frames(state, other)
    assert calls == [("Ämter", id(one)), ("Ämter", id(other))]


def test_region_frames_without_a_run_cache_are_computed_each_time(monkeypatch):
    calls: list = []
    monkeypatch.setattr(outputs_regions, "_release_region", _fake_region(calls))
    state = SimpleNamespace(regions={"Ämter": SimpleNamespace(set=object())})
    rel = SimpleNamespace(level="kommunal", ags="07999001")
    outputs_regions.release_region_frames(state, rel)
    outputs_regions.release_region_frames(state, rel)
    assert len(calls) == 2
