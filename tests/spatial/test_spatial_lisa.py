"""Local Moran: equal to a direct esda call (same seed) where no islands/NaN are involved,
to a hand computation on a small lattice, two-sided p by an independent count; islands
never significant, NaN areas excluded with rebuilt weights; FDR/Bonferroni by hand."""

from __future__ import annotations

import warnings

import geopandas as gpd
import libpysal
import numpy as np
import pandas as pd
import pytest
from esda.moran import Moran_Local, Moran_Local_BV
from libpysal.weights import Queen, w_subset
from shapely.geometry import box

from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.spatial import (
    LISA_COLORS,
    adjust_p,
    build_weights,
    local_moran,
    local_moran_bv,
    two_sided_p,
)

pytestmark = pytest.mark.usefixtures("esda_warm")

SEED = 20240101


@pytest.fixture(scope="module")
def columbus():
    gdf = gpd.read_file(libpysal.examples.get_path("columbus.shp"))
    gdf.index = pd.Index([f"C{int(i):02d}" for i in gdf["POLYID"]])
    return gdf


@pytest.fixture(scope="module")
def columbus_w(columbus):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(columbus, use_index=False)
    w.transform = "R"
    return w


def lattice(nrow, ncol, values, island_value=None):
    geoms, ids = [], []
    for r in range(nrow):
        for c in range(ncol):
            geoms.append(box(c, r, c + 1, r + 1))
            ids.append(f"r{r}c{c}")
    vals = list(values)
    if island_value is not None:
        geoms.append(box(50, 50, 51, 51))
        ids.append("exklave")
        vals.append(island_value)
    return gpd.GeoDataFrame(
        {"v": np.asarray(vals, float)}, index=pd.Index(ids), geometry=geoms, crs=25832
    )


def independent_two_sided(obs, sims):
    """Count per row with a Python loop (independent of the vectorised code)."""
    out = []
    for o, s in zip(obs, sims, strict=True):
        ge = sum(1 for v in s if v >= o)
        le = sum(1 for v in s if v <= o)
        out.append(min(1.0, 2 * (min(ge, le) + 1) / (len(s) + 1)))
    return np.array(out)


def test_equals_direct_esda_call(columbus, columbus_w):
    res = local_moran(columbus, "CRIME", build_weights(columbus), seed=SEED)
    lm = Moran_Local(columbus["CRIME"].to_numpy(), columbus_w, permutations=999, seed=SEED)
    f = res.frame
    np.testing.assert_allclose(f["lisa_I"], lm.Is, rtol=1e-12)
    np.testing.assert_allclose(f["lisa_z"], lm.z_sim, rtol=1e-10)
    np.testing.assert_array_equal(f["lisa_q"], lm.q)
    # two-sided p from esda's own simulations, counted independently
    np.testing.assert_allclose(f["lisa_p"], independent_two_sided(lm.Is, lm.sim.T))
    # = twice esda 2.9's folded one-sided p_sim (no ties with continuous data)
    np.testing.assert_allclose(f["lisa_p"], np.minimum(1, 2 * lm.p_sim))
    # labels: esda's quadrant where our two-sided p <= alpha
    quad = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
    expected = [quad[q] if p <= 0.05 else "ns" for q, p in zip(lm.q, f["lisa_p"], strict=True)]
    assert f["lisa_code"].tolist() == expected
    assert res.params["moran_I"] == pytest.approx(0.500188, abs=1e-6)
    assert res.params["alternative"] == "two-sided"


def test_hand_computation_on_small_lattice():
    vals = np.array([1, 2, 3, 2, 8, 9, 3, 9, 10], float)
    gdf = lattice(3, 3, vals)
    res = local_moran(gdf, "v", build_weights(gdf, "rook"), permutations=99, seed=1)
    z = (vals - vals.mean()) / vals.std()
    m2 = (z**2).sum() / (len(z) - 1)  # esda's scaling: (n-1)/sum(z^2)
    nbrs = {
        0: [1, 3],
        1: [0, 2, 4],
        2: [1, 5],
        3: [0, 4, 6],
        4: [1, 3, 5, 7],
        5: [2, 4, 8],
        6: [3, 7],
        7: [4, 6, 8],
        8: [5, 7],
    }
    hand = np.array([z[i] * sum(z[j] / len(nbrs[i]) for j in nbrs[i]) / m2 for i in range(9)])
    np.testing.assert_allclose(res.frame["lisa_I"], hand, rtol=1e-12)
    lag = np.array([np.mean(z[nbrs[i]]) for i in range(9)])
    np.testing.assert_allclose(res.frame["lisa_lag"], lag, rtol=1e-12)
    np.testing.assert_allclose(res.frame["lisa_std"], z, rtol=1e-12)


def test_two_sided_formula_by_hand():
    sims = np.arange(1.0, 10.0)[None, :]  # 9 permutations
    assert two_sided_p(np.array([9.0]), sims)[0] == pytest.approx(2 * (1 + 1) / 10)
    assert two_sided_p(np.array([100.0]), sims)[0] == pytest.approx(2 * (0 + 1) / 10)
    assert two_sided_p(np.array([-5.0]), sims)[0] == pytest.approx(0.2)
    assert two_sided_p(np.array([5.0]), sims)[0] == 1.0  # 2*(5+1)/10 = 1.2, capped


def test_island_never_significant():
    rng = np.random.default_rng(0)
    gdf = lattice(5, 5, rng.normal(size=25), island_value=1000.0)  # extreme island
    with pytest.warns(SozialraumWarning, match="exklave"):
        res = local_moran(gdf, "v", seed=SEED)
    f = res.frame
    assert f.loc["exklave", "lisa_code"] == "island"
    assert f.loc["exklave", "lisa_cat"] == "ohne Nachbarn"
    assert not f.loc["exklave", "lisa_sig"]
    assert np.isnan(f.loc["exklave", "lisa_p"])
    assert f.loc["exklave", "lisa_color"] == "#8c8c8c"
    assert res.params["island_ids"] == ("exklave",)
    # the rest equals esda on the lattice alone (the island does not distort mean/sd)
    grid = gdf.drop(index="exklave")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(grid, use_index=False)
    w.transform = "R"
    lm = Moran_Local(grid["v"].to_numpy(), w, permutations=999, seed=SEED)
    np.testing.assert_allclose(f.loc[grid.index, "lisa_I"], lm.Is, rtol=1e-12)
    np.testing.assert_allclose(f.loc[grid.index, "lisa_p"], np.minimum(1, 2 * lm.p_sim))


def test_nan_excluded_with_rebuilt_weights(columbus, columbus_w):
    data = columbus.copy()
    data.loc[["C05", "C30"], "CRIME"] = np.nan
    with pytest.warns(SozialraumWarning, match="C05"):
        res = local_moran(data, "CRIME", seed=SEED)
    f = res.frame
    assert f.loc[["C05", "C30"], "lisa_cat"].tolist() == ["kein Wert", "kein Wert"]
    assert f.loc[["C05", "C30"], "lisa_color"].tolist() == ["#464646"] * 2
    assert res.params["no_value_ids"] == ("C05", "C30") and res.params["n_used"] == 47
    # reference: libpysal's own w_subset on the complete queen weights
    keep = [i for i in range(49) if data.index[i] not in ("C05", "C30")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wq = Queen.from_dataframe(columbus, use_index=False)
        ws = w_subset(wq, keep)
    ws.transform = "R"
    lm = Moran_Local(data["CRIME"].to_numpy()[keep], ws, permutations=999, seed=SEED)
    np.testing.assert_allclose(f["lisa_I"].to_numpy()[keep], lm.Is, rtol=1e-12)
    assert not np.isnan(f["lisa_I"].to_numpy()[keep]).any()


def test_nan_neighbour_creates_island():
    # r0c0 - r0c1 - r0c2 (rook); r0c1 has no value -> r0c0 and r0c2 lose all neighbours
    gdf = lattice(1, 3, [1.0, np.nan, 3.0])
    extra = lattice(3, 3, np.arange(9.0))
    extra.index = [f"x{i}" for i in range(9)]
    extra = extra.set_geometry(extra.geometry.translate(10, 10))
    data = pd.concat([gdf, extra])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = local_moran(data, "v", build_weights(data, "rook"), permutations=99, seed=1)
    codes = res.frame["lisa_code"]
    assert codes["r0c1"] == "nan" and codes["r0c0"] == "island" and codes["r0c2"] == "island"


def test_fdr_and_bonferroni_by_hand():
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.2, np.nan])
    # BH by hand: sorted 0.005,0.01,0.03,0.04,0.2 -> *5/rank = .025,.025,.05,.05,.2
    np.testing.assert_allclose(adjust_p(p, "fdr"), [0.025, 0.05, 0.05, 0.025, 0.2, np.nan])
    np.testing.assert_allclose(adjust_p(p, "bonferroni"), [0.05, 0.2, 0.15, 0.025, 1.0, np.nan])
    np.testing.assert_allclose(adjust_p(p, "none"), p)


def test_fdr_in_lisa_is_step_up(columbus):
    res = local_moran(columbus, "CRIME", correction="fdr", alpha=0.1, seed=SEED)
    p = res.frame["lisa_p"].to_numpy()
    m = len(p)
    order = np.sort(p)
    below = np.flatnonzero(order <= np.arange(1, m + 1) / m * 0.1)
    cut = order[below.max()] if len(below) else -1.0
    np.testing.assert_array_equal(res.frame["lisa_sig"].to_numpy(), p <= cut)
    bon = local_moran(columbus, "CRIME", correction="bonferroni", seed=SEED)
    np.testing.assert_array_equal(bon.frame["lisa_sig"], bon.frame["lisa_p"] * 49 <= 0.05)


def test_planted_clusters_found():
    rng = np.random.default_rng(7)
    vals = rng.normal(0, 1, size=(12, 12))
    vals[:4, :4] += 6  # hot block
    vals[-4:, -4:] -= 6  # cold block
    gdf = lattice(12, 12, vals.ravel())
    res = local_moran(gdf, "v", seed=SEED)
    codes = res.frame["lisa_code"]
    assert (codes[[f"r{r}c{c}" for r in range(1, 3) for c in range(1, 3)]] == "HH").all()
    assert (codes[[f"r{r}c{c}" for r in range(9, 11) for c in range(9, 11)]] == "LL").all()
    hot = codes[[f"r{r}c{c}" for r in range(6) for c in range(6, 12)]]
    assert (hot != "HH").mean() > 0.8  # far from the blocks mostly not HH


def test_deterministic_and_seed_matters(columbus):
    a = local_moran(columbus, "CRIME", seed=5).frame
    b = local_moran(columbus, "CRIME", seed=5).frame
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    c = local_moran(columbus, "CRIME", seed=6).frame
    assert not np.array_equal(a["lisa_p"], c["lisa_p"])


def test_labels_and_colours_in_both_languages(columbus):
    en = local_moran(columbus, "CRIME", seed=SEED, lang="en")
    assert set(en.frame["lisa_cat"].cat.categories) == {
        "High-High",
        "Low-Low",
        "Low-High",
        "High-Low",
        "not significant",
        "no neighbours",
        "no value",
        "not rated",
    }
    de = local_moran(columbus, "CRIME", seed=SEED)
    assert list(de.frame["lisa_cat"].cat.categories) == [
        "Hoch-Hoch",
        "Niedrig-Niedrig",
        "Niedrig-Hoch",
        "Hoch-Niedrig",
        "nicht signifikant",
        "ohne Nachbarn",
        "kein Wert",
        "nicht bewertet",
    ]
    rgb = {
        "HH": (255, 0, 0),
        "LL": (0, 0, 255),
        "LH": (150, 150, 255),
        "HL": (255, 150, 150),
        "ns": (240, 240, 240),
        "island": (140, 140, 140),
        "nan": (70, 70, 70),
        "not_rated": (189, 189, 189),
    }
    for code, col in LISA_COLORS.items():
        assert tuple(int(col[i : i + 2], 16) for i in (1, 3, 5)) == rgb[code]
    hh = de.frame["lisa_code"] == "HH"
    assert (de.frame.loc[hh, "lisa_color"] == "#ff0000").all() and hh.any()
    assert "Hoch-Hoch 11" in de.summary() or "Hoch-Hoch" in de.summary()


def test_analytical_inference(columbus, columbus_w):
    res = local_moran(columbus, "CRIME", permutations=0)
    lm = Moran_Local(columbus["CRIME"].to_numpy(), columbus_w, permutations=0)
    z = (lm.Is - lm.EIc) / np.sqrt(lm.VIc)
    np.testing.assert_allclose(res.frame["lisa_z"], z)
    from scipy.stats import norm

    np.testing.assert_allclose(res.frame["lisa_p"], 2 * norm.sf(np.abs(z)))


def test_bivariate_equals_esda_and_hand(columbus, columbus_w):
    res = local_moran_bv(columbus, "CRIME", "INC", seed=SEED)
    x = columbus["CRIME"].to_numpy()
    y = columbus["INC"].to_numpy()
    lm = Moran_Local_BV(x, y, columbus_w, permutations=999, seed=SEED)
    np.testing.assert_allclose(res.frame["bilisa_I"], lm.Is, rtol=1e-12)
    np.testing.assert_allclose(res.frame["bilisa_p"], independent_two_sided(lm.Is, lm.sim.T))
    zx = (x - x.mean()) / x.std()
    zy = (y - y.mean()) / y.std()
    lag = columbus_w.sparse @ zy
    np.testing.assert_allclose(
        res.frame["bilisa_I"], zx * lag * (len(x) - 1) / (zx @ zx), rtol=1e-10
    )
    np.testing.assert_array_equal(res.frame["bilisa_q"], lm.q)


def test_input_errors(columbus):
    bad = columbus.copy()
    bad["txt"] = bad["CRIME"].astype(object)
    bad.loc["C03", "txt"] = "geheim"
    with pytest.raises(InputError, match="C03") as ei:
        local_moran(bad, "txt")
    assert ei.value.column == "txt" and ei.value.ids == ["C03"]
    with pytest.raises(InputError, match="fehlt"):
        local_moran(columbus, "nope")
    with pytest.raises(InputError, match="Korrektur"):
        local_moran(columbus, "CRIME", correction="holm")
    w_small = build_weights(columbus.iloc[:10])
    with pytest.raises(InputError, match="fehlen in den Nachbarschaftsgewichten"):
        local_moran(columbus, "CRIME", w_small)
    inf = columbus.copy()
    inf.loc["C07", "CRIME"] = np.inf
    with pytest.raises(InputError, match="C07"):
        local_moran(inf, "CRIME")


def test_too_few_and_constant(columbus):
    few = columbus.copy()
    few["x"] = np.nan
    few.iloc[:2, few.columns.get_loc("x")] = [1.0, 2.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SozialraumWarning)
        with pytest.raises(InputError, match="Zu wenige"):
            local_moran(few, "x")
    const = columbus.assign(c=1.0)
    with pytest.raises(InputError, match="denselben Wert"):
        local_moran(const, "c")


def test_one_sided_alternatives(columbus, columbus_w):
    lm = Moran_Local(columbus["CRIME"].to_numpy(), columbus_w, permutations=999, seed=SEED)
    sims = lm.sim.T
    greater = local_moran(columbus, "CRIME", seed=SEED, alternative="greater")
    np.testing.assert_allclose(
        greater.frame["lisa_p"], ((sims >= lm.Is[:, None]).sum(1) + 1) / 1000
    )
    lesser = local_moran(columbus, "CRIME", seed=SEED, alternative="lesser")
    np.testing.assert_allclose(lesser.frame["lisa_p"], ((sims <= lm.Is[:, None]).sum(1) + 1) / 1000)
    assert "einseitig (größer)" in greater.summary()
    with pytest.raises(InputError, match="Alternative"):
        local_moran(columbus, "CRIME", alternative="directed")
