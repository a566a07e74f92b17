"""EB smoothing against the textbook formula (Marshall 1991) computed by hand in numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from libpysal.weights import lat2W

from sozialraum.errors import InputError
from sozialraum.monitor import eb_global, eb_spatial, smooth_rates

pytestmark = pytest.mark.usefixtures("esda_warm")


def marshall_global(e, b):
    r = e / b
    m = e.sum() / b.sum()
    s2 = (b * (r - m) ** 2).sum() / b.sum() - m / b.mean()
    s2 = max(s2, 0.0)
    return m + (r - m) * s2 / (s2 + m / b)


def marshall_spatial(e, b, neighbours):
    r = e / b
    out = np.empty_like(r)
    for i, ngh in enumerate(neighbours):
        j = np.array(sorted(set(ngh) | {i}))
        m = e[j].sum() / b[j].sum()
        s2 = (b[j] * (r[j] - m) ** 2).sum() / b[j].sum() - m / (b[j].sum() / j.size)
        s2 = max(s2, 0.0)
        out[i] = m + (r[i] - m) * s2 / (s2 + m / b[i])
    return out


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    b = rng.integers(50, 3000, 25).astype(float)
    p = rng.uniform(0.02, 0.3, 25)
    e = rng.binomial(b.astype(int), p).astype(float)
    return e, b


def test_global_eb_equals_marshall(data):
    e, b = data
    ours = eb_global(e, b)
    assert ours == pytest.approx(marshall_global(e, b), rel=1e-12)
    assert (ours >= 0).all()
    # shrinkage: smoothed rates lie between the raw rate and the global mean
    m = e.sum() / b.sum()
    r = e / b
    assert np.all((ours - m) * (r - m) >= -1e-15)
    assert np.all(np.abs(ours - m) <= np.abs(r - m) + 1e-15)


def test_global_eb_negative_variance_gives_mean():
    b = np.array([1000.0, 1200.0, 900.0, 1100.0])
    e = np.array([100.0, 120.0, 90.0, 110.0])  # identical rates: s² < 0
    ours = eb_global(e, b)
    assert ours == pytest.approx(np.full(4, e.sum() / b.sum()))


def test_global_eb_skips_missing_and_zero(data):
    e, b = data
    e2, b2 = e.copy(), b.copy()
    e2[3] = np.nan
    b2[7] = 0.0
    ours = eb_global(e2, b2)
    assert np.isnan(ours[3]) and np.isnan(ours[7])
    keep = np.ones(25, dtype=bool)
    keep[[3, 7]] = False
    assert ours[keep] == pytest.approx(marshall_global(e[keep], b[keep]))


def test_spatial_eb_equals_hand_formula(data):
    e, b = data
    w = lat2W(5, 5)
    ids = [str(i) for i in range(25)]
    from sozialraum.monitor.smoothing import _w_str

    ws = _w_str(w)
    ours = eb_spatial(e, b, ws, ids)
    neigh = [w.neighbors[i] for i in range(25)]
    assert ours == pytest.approx(marshall_spatial(e, b, neigh), rel=1e-10)
    assert (ours >= 0).all()


def test_smooth_rates_frame_and_units(data):
    e, b = data
    idx = [f"k{i:02d}" for i in range(25)]
    counts = pd.DataFrame({"num": e, "den": b}, index=idx)
    cat = pd.DataFrame(
        {"numerator": ["num", "num"], "denominator": ["den", None], "per": [1000.0, np.nan]},
        index=["q", "v"],
    )
    res = smooth_rates(counts, cat, method="global")
    assert res.raw["q"].to_numpy() == pytest.approx(e / b * 1000)
    assert res.smoothed["q"].to_numpy() == pytest.approx(marshall_global(e, b) * 1000)
    assert res.params["skipped"] == ["v"]
    assert res.smoothed["v"].to_numpy() == pytest.approx(e)


def test_smooth_rates_spatial_with_missing_area(data):
    e, b = data
    w = lat2W(5, 5)
    idx = [str(i) for i in range(25)]
    e2 = e.copy()
    e2[12] = np.nan  # centre cell drops out; its neighbours lose one neighbour
    counts = pd.DataFrame({"num": e2, "den": b}, index=idx)
    cat = pd.DataFrame({"numerator": ["num"], "denominator": ["den"], "per": [100.0]}, index=["q"])
    res = smooth_rates(counts, cat, method="spatial", w=w)
    assert np.isnan(res.smoothed.loc["12", "q"])
    keep = [i for i in range(25) if i != 12]
    pos = {k: n for n, k in enumerate(keep)}
    neigh = [[pos[j] for j in w.neighbors[i] if j != 12] for i in keep]
    expected = marshall_spatial(e[keep], b[keep], neigh) * 100
    assert res.smoothed["q"].drop("12").to_numpy() == pytest.approx(expected, rel=1e-10)
    with pytest.raises(InputError):
        smooth_rates(counts, cat, method="spatial")
    with pytest.raises(InputError, match="x1"):
        smooth_rates(counts.rename(index={"3": "x1"}), cat, method="spatial", w=w)
