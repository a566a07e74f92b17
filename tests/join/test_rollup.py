"""Roll-up: sums by hand, secret parts flagged, rates recomputed (never averaged)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from sozialraum.errors import InputError
from sozialraum.join import rollup, rollup_hierarchy


@pytest.fixture
def areas():
    idx = pd.Index(["A1", "A2", "B1", "B2", "B3"], name="sr_id")
    frame = gpd.GeoDataFrame(
        {
            "ags": ["001", "001", "002", "002", "002"],
            "faelle": [10.0, np.nan, 4.0, np.nan, np.nan],
            "ew": [100.0, 300.0, 50.0, 50.0, 100.0],
        },
        index=idx,
        geometry=[box(i, 0, i + 1, 1) for i in range(5)],
        crs=25833,
    )
    status = pd.DataFrame(
        {
            "faelle": [pd.NA, "geheim", pd.NA, "nichts_vorhanden", "nichts_vorhanden"],
            "ew": [pd.NA] * 5,
        },
        index=idx,
        dtype="string",
    )
    return frame, status


def test_sums_and_status_rules_by_hand(areas):
    frame, status = areas
    res = rollup(frame, by="ags", status=status)
    out, st = res.frame, res.status
    # municipality 001: 10 + secret -> 10 flagged as partial sum with a secret part
    assert out.loc["001", "faelle"] == 10.0
    assert st.loc["001", "faelle"] == "teilsumme_geheim"
    # municipality 002: 4 + 0 + 0 (nichts vorhanden = zero) -> 4, complete
    assert out.loc["002", "faelle"] == 4.0
    assert pd.isna(st.loc["002", "faelle"])
    assert out.loc["001", "ew"] == 400.0 and out.loc["002", "ew"] == 200.0
    assert list(out["n_gebiete"]) == [2, 3]
    # geometry dissolved
    assert out.loc["002"].geometry.area == pytest.approx(3.0)


def test_all_secret_parts_stay_secret():
    frame = pd.DataFrame({"g": ["x", "x"], "n": [np.nan, np.nan]}, index=["a", "b"])
    st = pd.DataFrame({"n": ["geheim", "geheim"]}, index=["a", "b"], dtype="string")
    res = rollup(frame, by="g", status=st, columns=["n"])
    assert np.isnan(res.frame.loc["x", "n"])
    assert res.status.loc["x", "n"] == "geheim"


def test_all_nothing_is_zero_with_symbol():
    frame = pd.DataFrame({"g": ["x", "x"], "n": [np.nan, np.nan]}, index=["a", "b"])
    st = pd.DataFrame(
        {"n": ["nichts_vorhanden", "nichts_vorhanden"]}, index=["a", "b"], dtype="string"
    )
    res = rollup(frame, by="g", status=st, columns=["n"])
    assert res.frame.loc["x", "n"] == 0.0
    assert res.status.loc["x", "n"] == "nichts_vorhanden"


def test_missing_part_flags_incomplete():
    frame = pd.DataFrame({"g": ["x", "x"], "n": [3.0, np.nan]}, index=["a", "b"])
    res = rollup(frame, by="g", columns=["n"])
    assert res.frame.loc["x", "n"] == 3.0
    assert res.status.loc["x", "n"] == "teilsumme_unvollstaendig"


def test_total_and_hierarchy_equal(areas):
    frame, status = areas
    levels = rollup_hierarchy(frame, {"gemeinde": "ags", "kreis": None}, status=status)
    kreis = levels["kreis"].frame
    assert kreis.index.tolist() == ["kreis"]
    assert kreis.loc["kreis", "ew"] == levels["gemeinde"].frame["ew"].sum() == 600.0
    assert kreis.loc["kreis", "faelle"] == 14.0
    assert levels["kreis"].status.loc["kreis", "faelle"] == "teilsumme_geheim"


def test_unassigned_areas_named():
    frame = pd.DataFrame({"g": ["x", None], "n": [1.0, 2.0]}, index=["a", "b"])
    with pytest.raises(InputError, match="'b'"):
        rollup(frame, by="g", columns=["n"])


def test_missing_by_column():
    frame = pd.DataFrame({"n": [1.0]}, index=["a"])
    with pytest.raises(InputError, match="'ags'"):
        rollup(frame, by="ags")
