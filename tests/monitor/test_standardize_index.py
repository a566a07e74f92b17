"""Standardisation and composite indices against hand computation and numpy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sozialraum.core.text import slugify
from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.monitor import composite_index, pca_index, standardize, zscore

IDX = ["a", "b", "c", "d", "e"]


def test_zscore_population_sd_and_reference():
    x = pd.DataFrame({"q": [1.0, 2.0, 3.0, 4.0, 100.0]}, index=IDX)
    valid = pd.Series([True, True, True, True, False], index=IDX)
    r = standardize(x, method="z", valid=valid)
    sd = math.sqrt(
        ((1 - 2.5) ** 2 + (2 - 2.5) ** 2 + (3 - 2.5) ** 2 + (4 - 2.5) ** 2) / 4
    )  # ddof=0
    assert sd == pytest.approx(1.118033988749895)
    expected = [(v - 2.5) / sd for v in [1, 2, 3, 4, 100]]
    assert r.values["q"].tolist() == pytest.approx(expected)
    assert r.params["center"]["q"] == 2.5 and r.params["scale"]["q"] == pytest.approx(sd)
    assert r.params["n_reference"]["q"] == 4
    # zscore helper agrees
    assert zscore(x["q"], valid).tolist() == pytest.approx(expected)


def test_direction_resource_flips():
    x = pd.DataFrame({"need": [1.0, 2.0, 3.0], "res": [1.0, 2.0, 3.0]}, index=IDX[:3])
    r = standardize(x, direction={"need": "need", "res": "resource"})
    assert r.values["res"].tolist() == pytest.approx((-r.values["need"]).tolist())
    mm = standardize(x, method="minmax", direction=pd.Series({"res": "resource"}))
    assert mm.values["need"].tolist() == [0.0, 0.5, 1.0]
    assert mm.values["res"].tolist() == [1.0, 0.5, 0.0]
    with pytest.raises(InputError, match="res"):
        standardize(x, direction={"res": "bad"})


def test_minmax_and_percentile_rank_hand():
    x = pd.DataFrame({"q": [1.0, 2.0, 2.0, 4.0, np.nan]}, index=IDX)
    mm = standardize(x, method="minmax").values["q"]
    assert mm.iloc[:4].tolist() == pytest.approx([0.0, 1 / 3, 1 / 3, 1.0])
    assert np.isnan(mm.iloc[4])
    rk = standardize(x, method="rank").values["q"]
    # mid-rank: (#below + 0.5 #equal) / n over {1,2,2,4}
    assert rk.iloc[:4].tolist() == pytest.approx([0.125, 0.5, 0.5, 0.875])


def test_constant_and_all_missing_columns():
    x = pd.DataFrame(
        {"const": [3.0, 3.0, np.nan, 3.0, 3.0], "none": [np.nan] * 5, "ok": [1.0, 2, 3, 4, 5]},
        index=IDX,
    )
    with pytest.warns(SozialraumWarning) as rec:
        r = standardize(x)
    msgs = " ".join(str(w.message) for w in rec)
    assert "const" in msgs and "none" in msgs
    v = r.values
    assert v["const"].tolist()[:2] == [0.0, 0.0] and np.isnan(v["const"].iloc[2])
    assert v["none"].isna().all()
    assert r.params["constant"] == ["const"] and r.params["all_missing"] == ["none"]
    assert np.isfinite(v["ok"]).all()
    mm = standardize(x[["const"]], method="minmax", warn=False).values["const"]
    assert mm.dropna().eq(0.5).all()


def _cat():
    return pd.DataFrame(
        {
            "dimension": ["Arbeit & Einkommen", "Arbeit & Einkommen", "Kinder, Jugend & Familie"],
            "weight": [2.0, 1.0, 1.0],
            "direction": ["need", "need", "resource"],
        },
        index=["i1", "i2", "i3"],
    )


def test_slugify():
    assert slugify("Arbeit & Einkommen") == "arbeit_einkommen"
    assert slugify("Kinder, Jugend & Familie") == "kinder_jugend_familie"
    assert slugify("Gesundheit & Pflege / Überblick ß") == "gesundheit_pflege_ueberblick_ss"


def test_composite_hand_computed():
    z = pd.DataFrame(
        {
            "i1": [1.0, -0.5, np.nan, 0.0],
            "i2": [0.5, np.nan, 2.0, 0.0],
            "i3": [-1.0, 1.0, 0.5, np.nan],
        },
        index=["a", "b", "c", "d"],
    )
    r = composite_index(z, _cat(), restandardize=False)
    f = r.frame
    assert list(f.columns) == ["idx_arbeit_einkommen", "idx_kinder_jugend_familie", "idx_gesamt"]
    # a: (2*1 + 1*0.5)/3
    assert f.loc["a", "idx_arbeit_einkommen"] == pytest.approx(2.5 / 3)
    # b: i2 missing: weight 2 of 3 available → -0.5
    assert f.loc["b", "idx_arbeit_einkommen"] == pytest.approx(-0.5)
    # c: only i2 (weight 1 of 3 < 0.5) → NaN, listed
    assert np.isnan(f.loc["c", "idx_arbeit_einkommen"])
    assert r.params["too_few"]["idx_arbeit_einkommen"] == ["c"]
    # overall = mean of the dimensions (a: (0.8333 + -1)/2)
    assert f.loc["a", "idx_gesamt"] == pytest.approx((2.5 / 3 - 1.0) / 2)
    # c: 1 of 2 dimensions = 0.5 share → allowed
    assert f.loc["c", "idx_gesamt"] == pytest.approx(0.5)
    # d: dimension 2 missing entirely → overall from dimension 1 only
    assert f.loc["d", "idx_gesamt"] == pytest.approx(0.0)
    s = composite_index(z, _cat(), method="sum", restandardize=False).frame
    assert s.loc["a", "idx_arbeit_einkommen"] == pytest.approx(2.5)


def test_composite_restandardized():
    rng = np.random.default_rng(3)
    z = pd.DataFrame(
        rng.normal(size=(30, 3)), columns=["i1", "i2", "i3"], index=[f"k{i}" for i in range(30)]
    )
    raw = composite_index(z, _cat(), restandardize=False).frame
    r = composite_index(z, _cat(), restandardize=True).frame
    col = raw["idx_arbeit_einkommen"]
    assert r["idx_arbeit_einkommen"].to_numpy() == pytest.approx(
        ((col - col.mean()) / col.std(ddof=0)).to_numpy()
    )
    assert r["idx_gesamt"].mean() == pytest.approx(0.0, abs=1e-12)
    assert r["idx_gesamt"].std(ddof=0) == pytest.approx(1.0)


def test_pca_matches_eigendecomposition_of_correlation_matrix():
    rng = np.random.default_rng(7)
    base = rng.normal(size=200)
    x = np.column_stack([base + rng.normal(scale=s, size=200) for s in (0.5, 0.8, 1.0, 2.0)])
    df = pd.DataFrame(x, columns=list("abcd"))
    z = standardize(df).values
    scores, params = pca_index(z)
    corr = np.corrcoef(x, rowvar=False)
    lam, vec = np.linalg.eigh(corr)
    v = vec[:, -1]
    v = v if v.sum() > 0 else -v
    zs = (x - x.mean(axis=0)) / x.std(axis=0, ddof=0)
    assert params["loadings"].to_numpy() == pytest.approx(v, abs=1e-10)
    assert scores.to_numpy() == pytest.approx(zs @ v, abs=1e-9)
    assert params["explained_variance_ratio"] == pytest.approx(lam[-1] / lam.sum())
    # sign convention: all loadings positive here (all inputs "need")
    assert (params["loadings"] > 0).all()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(float("nan"))),
        min_size=2,
        max_size=30,
    )
)
def test_zscore_properties(vals):
    x = pd.DataFrame({"q": vals})
    r = standardize(x, warn=False)
    v = r.values["q"]
    # NaN stays NaN exactly where the input is NaN; nothing else becomes NaN
    assert v.isna().equals(x["q"].isna())
    ref = v.dropna()
    if len(ref) and x["q"].dropna().std(ddof=0) > 1e-6 * max(1.0, x["q"].abs().max()):
        assert ref.mean() == pytest.approx(0.0, abs=1e-7)
        assert ref.std(ddof=0) == pytest.approx(1.0, rel=1e-6)
    assert np.isfinite(ref).all()
