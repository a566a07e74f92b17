"""Typology (sklearn as peer), comparable areas, change, trend and crosswalk (hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from libpysal.weights import lat2W
from sklearn.cluster import AgglomerativeClustering, KMeans

from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.monitor import apply_crosswalk, change, key_changes, similar_areas, trend, typology


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(2)
    centres = np.array([[-1.5, -1.0, 0.0], [0.0, 0.0, 0.0], [1.5, 2.0, -1.0]])
    x = np.vstack([c + rng.normal(scale=0.15, size=(10, 3)) for c in centres])
    return pd.DataFrame(
        x, columns=["sgb2", "kinderarmut", "wahl"], index=[f"k{i:02d}" for i in range(30)]
    )


def test_kmeans_types_match_sklearn_partition_and_labels(blobs):
    r = typology(
        blobs,
        k=3,
        seed=4,
        names={"sgb2": "SGB-II-Quote", "kinderarmut": "Kinderarmut", "wahl": "Wahlbeteiligung"},
    )
    ref = KMeans(n_clusters=3, n_init=10, random_state=4).fit_predict(blobs.to_numpy())
    # same partition (numbering differs): a bijection between labels
    pairs = set(zip(ref, r.types.astype(int), strict=True))
    assert len(pairs) == 3
    # numbering by mean value: type 1 = lowest, type 3 = highest
    assert r.types.iloc[0] == 1 and r.types.iloc[25] == 3
    assert r.profile.loc[3, "sgb2"] == pytest.approx(blobs.iloc[20:30]["sgb2"].mean())
    assert r.profile["n"].tolist() == [10, 10, 10]
    assert (
        r.descriptions[3]
        == "Typ 3: überdurchschnittlich: Kinderarmut, SGB-II-Quote; unterdurchschnittlich: Wahlbeteiligung"
    )
    assert r.descriptions[2] == "Typ 2: durchschnittlich in allen Merkmalen"
    assert r.descriptions[1] == "Typ 1: unterdurchschnittlich: SGB-II-Quote, Kinderarmut"
    # reproducible
    assert typology(blobs, k=3, seed=4).types.equals(r.types)


def test_ward_with_connectivity_and_exclusions(blobs):
    w = lat2W(5, 6)
    from sozialraum.monitor.smoothing import _w_str

    ws = _w_str(w)
    x = blobs.copy()
    x.index = [str(i) for i in range(30)]
    x.iloc[5, 0] = np.nan
    rated = pd.Series(True, index=x.index)
    rated["7"] = False
    strict = typology(x, k=3, method="ward", connectivity=ws, assign_partial=False)
    assert pd.isna(strict.types["5"]) and strict.params["excluded"] == ["5"]
    r = typology(x, k=3, method="ward", connectivity=ws, lang="en")
    # the incomplete area goes to the nearest centre on its available columns
    assert r.params["assigned_partial"] == ["5"] and r.params["excluded"] == []
    cen = r.profile.drop(columns="n")[["kinderarmut", "wahl"]]
    d = ((cen - x.loc["5", ["kinderarmut", "wahl"]]) ** 2).sum(axis=1)
    assert r.types["5"] == d.idxmin()
    assert r.profile["n"].sum() == 30
    keep = [i for i in x.index if i != "5"]
    from libpysal.weights import w_subset

    sub = w_subset(ws, keep)
    sub.id_order = keep
    ref = AgglomerativeClustering(
        n_clusters=3, linkage="ward", connectivity=sub.sparse
    ).fit_predict(x.loc[keep].to_numpy())
    assert len(set(zip(ref, r.types[keep].astype(int), strict=True))) == 3
    r2 = typology(x, k=3, rated=rated)
    assert pd.isna(r2.types["7"])
    assert r.descriptions[1].startswith("type 1: ")
    with pytest.raises(InputError):
        typology(x.iloc[:2], k=3)


def test_similar_areas(blobs):
    s = similar_areas(blobs, "k00", k=3)
    d = np.sqrt(((blobs.drop(index="k00") - blobs.loc["k00"]) ** 2).sum(axis=1)).sort_values()
    assert s.index.tolist() == d.index[:3].tolist()
    assert s["distanz"].to_numpy() == pytest.approx(d.iloc[:3].to_numpy())
    tight = similar_areas(blobs, "k00", k=10, tolerance=0.2)
    assert (tight["max_abweichung"] <= 0.2).all()
    with pytest.raises(InputError, match="zz"):
        similar_areas(blobs, "zz")


def test_change_absolute_relative_and_key_changes():
    a = pd.DataFrame({"q": [10.0, 0.0, 5.0], "v": [1.0, 2.0, np.nan]}, index=["x", "y", "alt"])
    b = pd.DataFrame({"q": [12.5, 3.0, 7.0], "v": [1.5, 1.0, 1.0]}, index=["x", "y", "neu"])
    with pytest.warns(SozialraumWarning, match="alt"):
        c = change(a, b, years=(2022, 2024))
    assert c.absolute.loc["x", "q"] == 2.5 and c.absolute.loc["y", "v"] == -1.0
    assert c.relative.loc["x", "q"] == pytest.approx(25.0)
    assert np.isnan(c.relative.loc["y", "q"])  # base 0
    assert c.only_first == ["alt"] and c.only_second == ["neu"]
    kc = key_changes({2022: a, 2024: b})
    assert kc.index.tolist() == ["alt", "neu"]
    assert kc.loc["alt"].tolist() == [True, False]


def test_trend_slope_hand():
    frames = {
        2020: pd.DataFrame({"q": [1.0, 5.0, 2.0]}, index=["a", "b", "c"]),
        2021: pd.DataFrame({"q": [2.0, 5.0, np.nan]}, index=["a", "b", "c"]),
        2023: pd.DataFrame({"q": [4.0, 5.0, 1.0]}, index=["a", "b", "c"]),
        2024: pd.DataFrame({"q": [5.0, 4.0, 0.0]}, index=["a", "b", "c"]),
    }
    slope, direction = trend(frames)
    yrs = np.array([2020, 2021, 2023, 2024.0])
    assert slope.loc["a", "q"] == pytest.approx(np.polyfit(yrs, [1, 2, 4, 5], 1)[0])
    assert slope.loc["b", "q"] == pytest.approx(np.polyfit(yrs, [5, 5, 5, 4], 1)[0])
    yc = np.array([2020, 2023, 2024.0])
    assert slope.loc["c", "q"] == pytest.approx(np.polyfit(yc, [2, 1, 0], 1)[0])
    assert direction["q"].tolist() == ["steigend", "fallend", "fallend"]
    with pytest.raises(InputError, match="3"):
        trend({2020: frames[2020], 2021: frames[2021]})


def test_crosswalk_hand():
    counts = pd.DataFrame(
        {"ew": [100.0, 200.0, 50.0], "alo": [10.0, np.nan, 5.0]}, index=["1", "2", "3"]
    )
    cw = pd.DataFrame(
        {"alt": ["1", "2", "2", "3"], "neu": ["A", "A", "B", "B"], "anteil": [1.0, 0.25, 0.75, 1.0]}
    )
    out = apply_crosswalk(counts, cw)
    assert out.loc["A", "ew"] == 150.0 and out.loc["B", "ew"] == 200.0
    assert np.isnan(out.loc["A", "alo"]) and np.isnan(
        out.loc["B", "alo"]
    )  # NaN part is not dropped
    with pytest.raises(InputError, match="'3'"):
        apply_crosswalk(counts, cw.iloc[:3])
    bad = cw.copy()
    bad.loc[1, "anteil"] = 0.5
    with pytest.raises(InputError, match="'2'"):
        apply_crosswalk(counts, bad)
