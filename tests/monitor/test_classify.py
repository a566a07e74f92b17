"""Classification: mapclassify as the peer, NaN class, exact labels, MSS thresholds."""

from __future__ import annotations

import mapclassify as mc
import numpy as np
import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.monitor import (
    classify,
    compare,
    dynamic_classes,
    mss_index,
    mss_matrix,
    status_classes,
)


@pytest.fixture(scope="module")
def values():
    rng = np.random.default_rng(5)
    v = rng.gamma(2.0, 3.0, 80)
    v[[3, 17, 40]] = np.nan
    return pd.Series(v, index=[f"k{i:02d}" for i in range(80)])


@pytest.mark.parametrize(
    "scheme, peer",
    [
        ("quantiles", lambda y: mc.Quantiles(y, k=5)),
        ("equal_interval", lambda y: mc.EqualInterval(y, k=5)),
        ("fisher_jenks", lambda y: mc.FisherJenks(y, k=5)),
        ("std_mean", lambda y: mc.StdMean(y)),
        ("head_tail", lambda y: mc.HeadTailBreaks(y)),
    ],
)
def test_bins_equal_mapclassify_on_non_nan(values, scheme, peer):
    c = classify(values, scheme=scheme, k=5)
    y = values.dropna().to_numpy()
    ref = peer(y)
    assert c.bins == pytest.approx(np.asarray(ref.bins))
    assert c.classes.dropna().astype(int).tolist() == list(ref.yb)
    assert c.classes.isna().sum() == 3
    assert (c.labels[values.isna()] == "kein Wert").all()
    assert c.legend[-1] == "kein Wert"
    assert sum(c.counts) == 80 and c.counts[-1] == 3
    assert c.classes.index.equals(values.index)


def test_natural_breaks_is_fisher_jenks_and_deterministic(values):
    """Regression: natural_breaks was k-means NaturalBreaks here and FisherJenks on the map."""
    np.random.seed(123)  # noqa: NPY002
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    a = classify(values, scheme="natural_breaks", k=4)
    after = np.random.get_state()[1]  # noqa: NPY002
    b = classify(values, scheme="natural_breaks", k=4)
    assert np.array_equal(before, after)
    assert a.bins.tolist() == b.bins.tolist()
    ref = mc.FisherJenks(values.dropna().to_numpy(), k=4)
    assert a.bins == pytest.approx(np.asarray(ref.bins))
    assert a.scheme == "natural_breaks"


def test_fixed_breaks_closed_above_labels_german_and_english():
    """Regression: fixed breaks were closed below here ("5,0 und mehr") and above on the map."""
    s = pd.Series([4.99, 5.0, 7.49, 7.5, np.nan, 12.0])
    c = classify(s, scheme="fixed", bins=[5, 7.5])
    assert c.legend == ["bis 5,0", "über 5,0 bis 7,5", "über 7,5", "kein Wert"]
    assert c.labels.astype(str).tolist() == [
        "bis 5,0",
        "bis 5,0",
        "über 5,0 bis 7,5",
        "über 5,0 bis 7,5",
        "kein Wert",
        "über 7,5",
    ]
    assert c.classes.tolist() == [0, 0, 1, 1, pd.NA, 2]
    ref = mc.UserDefined(s.dropna().to_numpy(), [5, 7.5])
    assert c.classes.dropna().astype(int).tolist() == list(ref.yb)
    e = classify(s, scheme="fixed", bins=[5, 7.5], lang="en")
    assert e.legend == ["up to 5.0", "over 5.0 to 7.5", "over 7.5", "no value"]
    big = classify(pd.Series([1.0, 2000.0]), scheme="fixed", bins=[1234.5], decimals=1)
    assert big.legend == ["bis 1.234,5", "über 1.234,5"]


def test_quantile_range_labels_and_verbal():
    s = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    c = classify(s, scheme="quantiles", k=3)
    ref = mc.Quantiles(s.to_numpy(), k=3)
    b = [f"{x:.1f}".replace(".", ",") for x in ref.bins]
    assert c.legend == [f"bis {b[0]}", f"über {b[0]} bis {b[1]}", f"über {b[1]} bis {b[2]}"]
    assert c.legend == ["bis 2,7", "über 2,7 bis 4,3", "über 4,3 bis 6,0"]
    v = classify(s, scheme="quantiles", k=5, verbal=True)
    assert v.legend == ["sehr niedrig", "niedrig", "mittel", "hoch", "sehr hoch"]
    assert classify(s, scheme="quantiles", k=3, verbal=True, lang="en").legend == [
        "low",
        "medium",
        "high",
    ]


def test_classify_errors_and_all_missing():
    with pytest.raises(InputError, match="fixed"):
        classify([1.0, 2.0], scheme="fixed")
    with pytest.raises(InputError, match="aufsteigend"):
        classify([1.0, 2.0], scheme="fixed", bins=[3, 2])
    with pytest.raises(InputError, match="quantile"):
        classify([1.0], scheme="quantile")
    with pytest.raises(InputError, match="verschiedene Werte"):
        classify(pd.Series([1.0, 1.0, 2.0], name="alq"), scheme="quantiles", k=3)
    c = classify([np.nan, np.nan], scheme="quantiles")
    assert c.labels.astype(str).tolist() == ["kein Wert", "kein Wert"]


def test_status_classes_boundaries_belong_to_middle():
    z = pd.Series([-1.0001, -1.0, 0.0, 1.0, 1.0001, 1.5, 1.5001, np.nan], index=list("abcdefgh"))
    got = status_classes(z).tolist()
    assert got == [
        "hoch",
        "mittel",
        "mittel",
        "mittel",
        "niedrig",
        "niedrig",
        "sehr niedrig",
        "kein Wert",
    ]
    d = dynamic_classes(z).tolist()
    assert d == [
        "positiv",
        "stabil",
        "stabil",
        "stabil",
        "negativ",
        "negativ",
        "negativ",
        "kein Wert",
    ]
    rated = pd.Series([True] * 7 + [False], index=z.index)
    rated["c"] = False
    assert status_classes(z, rated=rated)["c"] == "nicht bewertet"
    assert status_classes(z, lang="en").tolist()[:2] == ["high", "medium"]
    # configurable thresholds
    assert status_classes(pd.Series([0.5]), thresholds=(-0.5, 0.5, 1.0)).tolist() == ["mittel"]
    assert status_classes(pd.Series([0.51]), thresholds=(-0.5, 0.5, 1.0)).tolist() == ["niedrig"]


def test_mss_matrix():
    s = pd.Series(["hoch", "sehr niedrig", "nicht bewertet", "mittel"])
    d = pd.Series(["positiv", "negativ", "nicht bewertet", "kein Wert"])
    m = mss_matrix(s, d)
    assert m["mss_gruppe"].tolist() == [
        "hoch / positiv",
        "sehr niedrig / negativ",
        "nicht bewertet",
        "kein Wert",
    ]
    assert m["mss_code"].tolist()[:2] == ["1+", "4\u2212"]
    assert m["mss_code"].isna().tolist() == [False, False, True, True]


def test_mss_index_hand():
    # two indicators, four rated areas + one excluded
    x = pd.DataFrame(
        {"p": [1.0, 2.0, 3.0, 6.0, 50.0], "q": [4.0, 2.0, 2.0, 0.0, 1.0]}, index=list("abcde")
    )
    rated = pd.Series([True, True, True, True, False], index=x.index)
    idx, z = mss_index(x, direction={"q": "resource"}, rated=rated)

    def zs(v, ref):
        return (v - ref.mean()) / ref.std(ddof=0)

    zp = zs(x["p"].to_numpy(), x["p"].to_numpy()[:4])
    zq = -zs(x["q"].to_numpy(), x["q"].to_numpy()[:4])
    s = zp + zq
    expected = zs(s, s[:4])
    assert idx.to_numpy() == pytest.approx(expected)
    assert idx[:4].mean() == pytest.approx(0) and idx[:4].std(ddof=0) == pytest.approx(1)


def test_compare_columns():
    s = pd.Series([1.0, 3.0, 5.0, np.nan, 3.0], index=list("abcde"))
    c = compare(s, reference=2.0, prefix="q")
    assert c["q_abw_mittel"].tolist()[:3] == [-2.0, 0.0, 2.0]
    assert c["q_abw_median"].iloc[0] == -2.0
    assert c["q_abw_referenz"].iloc[2] == 3.0
    assert c["q_rang"].tolist() == [4, 2, 1, pd.NA, 2]
