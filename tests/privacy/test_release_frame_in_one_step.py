"""``release_frame`` blanks secret and withheld cells of all columns at once: the same frames
as blanking column by column (the way it was done before)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum.core.status import secret_mask
from sozialraum.privacy import levels
from sozialraum.privacy.levels import ReleasePolicy, public_status, release_frame


def _blank(out: pd.DataFrame, col: str, rows: np.ndarray) -> None:
    """One column set to missing where ``rows`` (in place), as ``release_frame`` did before."""
    if not rows.any():
        return
    if pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
        vals = out[col].astype(float).to_numpy().copy()
        vals[rows] = np.nan
        out[col] = vals
    else:
        c = out[col].astype(object).copy()
        c[rows] = None
        out[col] = c


def _column_by_column(frame, status, level, ags, policy, kind):
    """The reference: one column after the other, as ``release_frame`` did before."""
    own = (
        (frame["ags"].astype(str) == str(ags)).to_numpy()
        if level == "kommunal" and kind == "areas"
        else np.zeros(len(frame), dtype=bool)
    )
    show_own = {c: policy.releases(c, level, kind, own=True) for c in frame.columns}
    show_other = {c: policy.releases(c, level, kind, own=False) for c in frame.columns}
    keep = [c for c in frame.columns if (show_own[c] and own.any()) or show_other[c]]
    out = frame[keep].copy()
    for col in status.columns:
        if col in out.columns and col != "geometry":
            _blank(out, col, secret_mask(status[col].reindex(out.index)).to_numpy(dtype=bool))
    st = public_status(status[[c for c in status.columns if c in keep]])
    for c in keep:
        hide = np.where(own, not show_own[c], not show_other[c])
        if hide.any():
            _blank(out, c, hide)
            if c not in st.columns:
                st[c] = pd.Series(pd.NA, index=st.index, dtype="string")
            st.loc[hide, c] = "geheim"
    return out, st


def test_release_frame_equals_the_column_by_column_reference():
    rng = np.random.default_rng(3)
    n = 40
    idx = pd.Index([f"a{i:02d}" for i in range(n)], name="key")
    frame = pd.DataFrame(
        {
            "ags": rng.choice(["001", "002", "003"], n),
            "ew_ges": rng.integers(0, 500, n).astype(float),
            "ew_0_17": pd.array(rng.integers(0, 90, n), dtype="Int64"),
            "alo": rng.integers(0, 9, n).astype(float),
            "alo_quote": rng.random(n) * 10,
            "status_index": rng.normal(size=n),
            "status_klasse": rng.choice(["hoch", "mittel", "niedrig"], n),
            "name": [f"Gebiet {i}" for i in range(n)],
        },
        index=idx,
    )
    codes = np.array(
        ["geheim_primaer", "geheim_sekundaer", "geheim", "vorlaeufig", None], dtype=object
    )
    status = pd.DataFrame(
        {
            c: rng.choice(codes, n, p=[0.1, 0.1, 0.05, 0.05, 0.7])
            for c in ("ew_ges", "ew_0_17", "alo", "alo_quote")
        },
        index=idx,
    ).astype("string")
    frame.loc[frame.index[:3], "ew_0_17"] = pd.NA
    policy = ReleasePolicy()
    geo = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(rng.random(n), rng.random(n)), crs=25832
    )
    for level, ags in (("oeffentlich", None), ("kommunal", "002")):
        for data in (frame, geo):
            got = release_frame(data, status, level, ags=ags, policy=policy, kind="areas")
            want = _column_by_column(data, status, level, ags, policy, "areas")
            assert type(got[0]) is type(data)
            assert getattr(got[0], "crs", None) == getattr(data, "crs", None)
            pd.testing.assert_frame_equal(got[0], want[0])
            pd.testing.assert_frame_equal(got[1], want[1])
    # the municipality's package: other municipalities' counts withheld, marked geheim
    assert got[1].eq("geheim").to_numpy(dtype=bool, na_value=False).sum() > 10


def test_mark_withheld_adds_missing_columns_as_text_status():
    st = pd.DataFrame({"a": ["vorlaeufig", None]}, dtype="string")
    out = levels._mark_withheld(st, {"b": np.array([True, False]), "a": np.array([False, True])})
    assert list(out.columns) == ["a", "b"]
    assert out["a"].tolist() == ["vorlaeufig", "geheim"]
    assert out["b"].tolist()[0] == "geheim" and out["b"].isna().tolist() == [False, True]
    assert all(str(t) == "string" for t in out.dtypes)


def test_public_status_is_the_replacement_of_the_secret_codes():
    """Only the columns holding a code are rebuilt: the result equals replacing the three
    codes by ``geheim`` in every cell, and the input stays as it was."""
    rng = np.random.default_rng(5)
    codes = np.array(
        [None, np.nan, "geheim_primaer", "geheim_sekundaer", "teilsumme_geheim", "geheim", "x"],
        dtype=object,
    )
    raw = rng.choice(codes, size=(40, 12), p=[0.5, 0.1, 0.1, 0.1, 0.05, 0.1, 0.05])
    raw[:, 6:] = None  # columns without any code
    status = pd.DataFrame(
        raw, columns=[f"c{i}" for i in range(12)], index=[f"a{i}" for i in range(40)]
    )
    before = status.copy()
    expected = status.astype("string").replace(
        {"geheim_primaer": "geheim", "geheim_sekundaer": "geheim", "teilsumme_geheim": "geheim"}
    )
    pd.testing.assert_frame_equal(public_status(status), expected)
    pd.testing.assert_frame_equal(public_status(status.astype("string")), expected)
    pd.testing.assert_frame_equal(status, before)


def test_a_column_named_twice_is_refused_with_its_name():
    """A repeated name cannot say which column to blank: an error, not a half-blanked frame."""
    import pytest

    idx = pd.Index(["a1", "a2"], name="key")
    frame = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=idx, columns=["sgb2_quote", "sgb2_quote"])
    hide = {"sgb2_quote": np.array([True, False])}
    with pytest.raises(ValueError, match=r"repeated column names \['sgb2_quote'\]"):
        levels.blank_cells(frame, hide)
    # a frame without a cell to blank is returned as it is
    assert levels.blank_cells(frame, {"sgb2_quote": np.zeros(2, bool)}) is frame
