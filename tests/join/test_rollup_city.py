"""A city's tables as shares with a population column: Bezirk and city values are weighted.

Regression: ``test_shares_summed_to_kreisdurchschnitt_1694_percent`` — a city with 448
planning areas got "Kreisdurchschnitt 1.694,4 %" for unemployment because a share was
summed at the upper levels.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.io import read_catalogue
from sozialraum.join import rollup_hierarchy

ROOT = Path(__file__).resolve().parents[2]
BERLIN = Path(os.environ.get("SOZIALRAUM_SHARED_DATA", ROOT.parent / "shared" / "data")) / "berlin"

KATALOG = """
[meta]
name = "Stadt"

[variables.ew_ges]
label = "Einwohner insgesamt"
unit = "Personen"

[variables.alq_anteil]
label = "Anteil Arbeitslose"
unit = "%"
{weight}

[indicators.ew_ges]
label = "Einwohner"
numerator = "ew_ges"

[indicators.alq_anteil]
label = "Arbeitslosenanteil"
unit = "%"
numerator = "alq_anteil"
"""


def _catalogue(tmp_path, weighted: bool):
    path = tmp_path / "katalog.toml"
    weight = 'aggregation_weight = "ew_ges"' if weighted else ""
    path.write_text(KATALOG.format(weight=weight), encoding="utf-8")
    return read_catalogue(path)


def _city(n_bezirke: int, per_bezirk: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_bezirke * per_bezirk
    bezirk = np.repeat([f"{b:02d}" for b in range(1, n_bezirke + 1)], per_bezirk)
    idx = pd.Index([f"{b}{i:06d}" for i, b in enumerate(bezirk)], name="plr")
    return pd.DataFrame(
        {
            "bezirk": bezirk,
            "ew_ges": rng.integers(300, 12000, n).astype(float),
            "alq_anteil": np.round(rng.uniform(0.5, 9.0, n), 1),
        },
        index=idx,
    )


def _by_hand(frame: pd.DataFrame, groups) -> pd.Series:
    w = frame["ew_ges"] * frame["alq_anteil"]
    return w.groupby(groups).sum() / frame["ew_ges"].groupby(groups).sum()


def test_shares_summed_to_kreisdurchschnitt_1694_percent(tmp_path):
    """448 planning areas in 12 Bezirke: the city value is a weighted mean, within range."""
    frame = _city(12, 37)[:448]
    kat = _catalogue(tmp_path, weighted=True)
    lv = rollup_hierarchy(frame, {"bezirk": "bezirk", "stadt": None}, catalogue=kat.indicators)
    city = lv["stadt"].frame.loc["stadt", "alq_anteil"]
    assert frame["alq_anteil"].min() <= city <= frame["alq_anteil"].max()
    assert city == pytest.approx(_by_hand(frame, np.zeros(len(frame))).iloc[0])
    pd.testing.assert_series_equal(
        lv["bezirk"].frame["alq_anteil"],
        _by_hand(frame, frame["bezirk"]),
        check_names=False,
        check_index_type=False,
    )


def test_city_shares_without_population_weight_refused(tmp_path):
    frame = _city(12, 37)
    kat = _catalogue(tmp_path, weighted=False)
    with pytest.raises(InputError, match="aggregation_weight"):
        rollup_hierarchy(frame, {"bezirk": "bezirk", "stadt": None}, catalogue=kat.indicators)


@pytest.fixture(scope="module")
def berlin_areas() -> gpd.GeoDataFrame:
    path = BERLIN / "lor-planungsraeume-bis-2020.geojson"
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"real Berlin planning areas missing in CI: {path}")
        pytest.skip(f"real Berlin planning areas not found at {path} (../shared/data is absent)")
    gdf = gpd.read_file(path)
    # the file holds the id 06010102 twice (two different areas): keep both, re-keyed
    key = gdf["id"].where(~gdf["id"].duplicated(), gdf["id"] + "_2")
    return gdf.set_index(key.rename("plr")).to_crs(25833)


def test_berlin_planning_areas_shares_roll_up_to_bezirke(tmp_path, berlin_areas):
    """The 448 real planning areas: population ∝ area, share by position (deterministic)."""
    gdf = berlin_areas
    assert len(gdf) == 448
    x = gdf.geometry.centroid.x.to_numpy()
    frame = gpd.GeoDataFrame(
        {
            "bezirk": gdf.index.str[:2],
            "ew_ges": np.round(gdf.geometry.area.to_numpy() / 100.0),
            "alq_anteil": np.round(2.0 + 8.0 * (x - x.min()) / (x.max() - x.min()), 1),
        },
        index=gdf.index,
        geometry=gdf.geometry,
        crs=gdf.crs,
    )
    kat = _catalogue(tmp_path, weighted=True)
    lv = rollup_hierarchy(frame, {"bezirk": "bezirk", "stadt": None}, catalogue=kat)
    bez = lv["bezirk"].frame
    assert len(bez) == 12 and int(bez["n_gebiete"].sum()) == 448
    expected = _by_hand(pd.DataFrame(frame), frame["bezirk"])
    np.testing.assert_allclose(bez["alq_anteil"].to_numpy(), expected.reindex(bez.index).to_numpy())
    city = lv["stadt"].frame.loc["stadt", "alq_anteil"]
    assert 2.0 <= city <= 10.0  # a mean, not a sum of 448 shares
    assert lv["stadt"].frame.loc["stadt", "ew_ges"] == frame["ew_ges"].sum()
