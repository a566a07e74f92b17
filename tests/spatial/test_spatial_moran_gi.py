"""Global Moran (published Columbus value, esda, hand formula), Moran for EB rates
(esda.Moran_Rate), Gi* z (esda G_Local and the textbook formula), hot-spot classes."""

from __future__ import annotations

import warnings

import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest
from esda.getisord import G_Local
from esda.moran import Moran, Moran_Rate
from libpysal.weights import Queen
from scipy.stats import norm
from shapely.geometry import box

from sozialraum.errors import SozialraumWarning
from sozialraum.spatial import GI_COLORS, build_weights, getis_ord, moran, moran_rate

pytestmark = pytest.mark.usefixtures("esda_warm")


def _queen(gdf):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Queen.from_dataframe(gdf, use_index=False)


@pytest.fixture(scope="module")
def columbus():
    gdf = gpd.read_file(libpysal.examples.get_path("columbus.shp"))
    gdf.index = pd.Index([f"C{int(i):02d}" for i in gdf["POLYID"]])
    return gdf


@pytest.fixture(scope="module")
def sids():
    gdf = gpd.read_file(libpysal.examples.get_path("sids2.shp"))
    gdf.index = pd.Index([str(i) for i in gdf["FIPS"]])
    return gdf


def test_global_moran_published_value_and_hand(columbus):
    r = moran(columbus, "CRIME", seed=1)
    # Anselin's GeoDa workbook / esda docs: Columbus CRIME, queen, row-standardised: I = 0.5002
    assert r.I == pytest.approx(0.500188, abs=5e-6)
    w = _queen(columbus)
    w.transform = "R"
    ref = Moran(columbus["CRIME"].to_numpy(), w, permutations=0)
    assert r.I == pytest.approx(ref.I, rel=1e-12)
    assert r.z_rand == pytest.approx(ref.z_rand, rel=1e-10)
    assert r.z_norm == pytest.approx(ref.z_norm, rel=1e-10)
    assert r.p_norm == pytest.approx(ref.p_norm, rel=1e-8, abs=1e-300)
    assert r.p_rand == pytest.approx(ref.p_rand, rel=1e-8, abs=1e-300)
    # hand formula I = n/S0 * sum_ij w_ij z_i z_j / sum z^2
    y = columbus["CRIME"].to_numpy()
    z = y - y.mean()
    W = w.full()[0]
    hand = len(y) / W.sum() * (z @ W @ z) / (z @ z)
    assert r.I == pytest.approx(hand, rel=1e-12)
    assert r.EI == pytest.approx(-1 / 48)


def test_permutation_test_two_sided_and_seeded(columbus):
    a = moran(columbus, "CRIME", seed=3)
    b = moran(columbus, "CRIME", seed=3)
    np.testing.assert_array_equal(a.sims, b.sims)
    assert len(a.sims) == 999
    ge = (a.sims >= a.I).sum()
    le = (a.sims <= a.I).sum()
    assert a.p_sim == pytest.approx(min(1, 2 * (min(ge, le) + 1) / 1000))
    # the permutation distribution agrees with the analytical randomisation moments
    w = _queen(columbus)
    w.transform = "R"
    ref = Moran(columbus["CRIME"].to_numpy(), w, permutations=0)
    assert abs(a.sims.mean() - ref.EI) < 4 * np.sqrt(ref.VI_rand / 999)
    assert a.sims.std() == pytest.approx(np.sqrt(ref.VI_rand), rel=0.1)
    # a variable without pattern: p not small
    rng = np.random.default_rng(0)
    noise = columbus.assign(noise=rng.permutation(columbus["CRIME"].to_numpy()))
    r = moran(noise, "noise", seed=3)
    assert r.p_sim > 0.05 or abs(r.z_rand) < 2.5
    assert "Globales Moran's I" in a.summary() and "0,5002" in a.summary()


def test_moran_rate_equals_esda(sids):
    r = moran_rate(sids, "SID74", "BIR74", seed=1)
    w = _queen(sids)
    ref = Moran_Rate(
        sids["SID74"].to_numpy(float),
        sids["BIR74"].to_numpy(float),
        w,
        adjusted=True,
        transformation="r",
        permutations=0,
    )
    assert r.I == pytest.approx(ref.I, rel=1e-10)
    assert r.params["rate"] and "Empirical-Bayes" in r.summary()


def test_moran_rate_zero_base_is_no_value(sids):
    data = sids.copy()
    key = data.index[5]
    data.loc[key, "BIR74"] = 0.0
    with pytest.warns(SozialraumWarning, match=key):
        r = moran_rate(data, "SID74", "BIR74", seed=1)
    assert key in r.params["no_value_ids"] and r.params["n_used"] == 99


def gi_star_hand(x, neighbours):
    """Getis & Ord (1995) Gi* with binary weights incl. self, loop form."""
    n = len(x)
    xbar = x.mean()
    s = np.sqrt((x**2).sum() / n - xbar**2)
    out = []
    for i in range(n):
        J = set(neighbours[i]) | {i}
        wi = len(J)
        num = sum(x[j] for j in J) - xbar * wi
        den = s * np.sqrt((n * wi - wi**2) / (n - 1))
        out.append(num / den)
    return np.array(out)


def test_gi_star_z_equals_esda_and_hand(columbus):
    r = getis_ord(columbus, "CRIME")
    x = columbus["CRIME"].to_numpy()
    w = _queen(columbus)
    w.transform = "B"
    ref = G_Local(x, w, transform="B", star=True, permutations=0)
    np.testing.assert_allclose(r.frame["gi_z"], ref.Zs, rtol=1e-10)
    hand = gi_star_hand(x, {i: w.neighbors[i] for i in range(len(x))})
    np.testing.assert_allclose(r.frame["gi_z"], hand, rtol=1e-10)
    np.testing.assert_allclose(r.frame["gi_p"], 2 * norm.sf(np.abs(hand)))


def test_gi_classes_by_hand(columbus):
    r = getis_ord(columbus, "CRIME")
    f = r.frame
    for z, p, code in zip(f["gi_z"], f["gi_p"], f["gi_code"], strict=True):
        level = "99" if p <= 0.01 else "95" if p <= 0.05 else "90" if p <= 0.10 else None
        expected = "ns" if level is None else ("hot" if z > 0 else "cold") + level
        assert code == expected
    assert "Hot Spot 99 %" in f["gi_cat"].cat.categories
    assert (f.loc[f["gi_code"] == "hot99", "gi_cat"] == "Hot Spot 99 %").all()
    assert (f["gi_code"] == "hot99").any() and (f["gi_code"].str.startswith("cold")).any()
    assert (f["gi_color"] == f["gi_code"].map(GI_COLORS)).all()
    en = getis_ord(columbus, "CRIME", lang="en")
    assert "Cold spot 95 %" in en.frame["gi_cat"].cat.categories


def test_gi_permutation_equals_esda_simulations(columbus):
    seed = 77
    r = getis_ord(columbus, "CRIME", inference="permutation", seed=seed)
    x = columbus["CRIME"].to_numpy()
    w = _queen(columbus)
    w.transform = "B"
    ref = G_Local(
        x, w, transform="B", star=True, permutations=999, seed=seed, n_jobs=1, keep_simulations=True
    )
    sims = ref.rGs if ref.rGs.shape[0] == len(x) else ref.rGs.T
    ge = (sims >= ref.Gs[:, None]).sum(1)
    le = (sims <= ref.Gs[:, None]).sum(1)
    np.testing.assert_allclose(r.frame["gi_p"], np.minimum(1, 2 * (np.minimum(ge, le) + 1) / 1000))


def test_gi_planted_hot_spot_island_and_nan():
    geoms, ids, vals = [], [], []
    rng = np.random.default_rng(2)
    for r_ in range(10):
        for c in range(10):
            geoms.append(box(c, r_, c + 1, r_ + 1))
            ids.append(f"r{r_}c{c}")
            vals.append(rng.normal(10, 1) + (8 if r_ < 3 and c < 3 else 0))
    geoms.append(box(40, 40, 41, 41))
    ids.append("insel")
    vals.append(100.0)
    gdf = gpd.GeoDataFrame({"v": vals}, index=pd.Index(ids), geometry=geoms, crs=25832)
    gdf.loc["r9c9", "v"] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)
        r = getis_ord(gdf, "v", build_weights(gdf, "queen"))
    f = r.frame
    assert f.loc["r1c1", "gi_code"] == "hot99"
    assert f.loc["insel", "gi_code"] == "island" and f.loc["insel", "gi_cat"] == "ohne Nachbarn"
    assert f.loc["r9c9", "gi_cat"] == "kein Wert" and np.isnan(f.loc["r9c9", "gi_z"])
    assert r.params["n_used"] == 99
