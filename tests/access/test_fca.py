"""2SFCA / E2SFCA against a hand computation and PySAL ``access`` on the same data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sozialraum.access import area_ratio, catchment_pairs, decay_weights, measure, two_step_fca
from sozialraum.errors import InputError

pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")


def _layers(seed: int = 1, n: int = 60, m: int = 9, extent: float = 6000.0):
    rng = np.random.default_rng(seed)
    dxy = rng.uniform(0, extent, (n, 2))
    sxy = rng.uniform(0, extent, (m, 2))
    dem = gpd.GeoDataFrame(
        {"kinder": rng.integers(0, 120, n).astype(float)},
        geometry=shapely.points(dxy),
        crs="EPSG:25832",
        index=[f"d{i}" for i in range(n)],
    )
    sup = gpd.GeoDataFrame(
        {"kapazitaet": rng.integers(10, 150, m).astype(float)},
        geometry=shapely.points(sxy),
        crs="EPSG:25832",
        index=[f"s{j}" for j in range(m)],
    )
    return dem, sup, dxy, sxy


def _access_result(dem, sup, dxy, sxy, max_cost, weight_fn=None, enhanced=False):
    from access import Access

    dist = np.sqrt(
        ((dxy[:, None, :] - sxy[None, :, :]) ** 2).sum(-1)
    )  # brute force, independent of KD-trees
    n, m = dist.shape
    cost = pd.DataFrame(
        {
            "origin": np.repeat(dem.index.to_numpy(), m),
            "dest": np.tile(sup.index.to_numpy(), n),
            "cost": dist.ravel(),
        }
    )
    a = Access(
        demand_df=pd.DataFrame({"geoid": dem.index, "pop": dem["kinder"].to_numpy()}),
        demand_index="geoid",
        demand_value="pop",
        supply_df=pd.DataFrame({"geoid": sup.index, "cap": sup["kapazitaet"].to_numpy()}),
        supply_index="geoid",
        supply_value="cap",
        cost_df=cost,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    if enhanced:
        res = a.enhanced_two_stage_fca(name="x", max_cost=max_cost, weight_fn=weight_fn)
    else:
        res = a.two_stage_fca(name="x", max_cost=max_cost, weight_fn=weight_fn)
    return res["x_cap"].reindex(dem.index)


def _compare(ours: pd.DataFrame, ref: pd.Series) -> None:
    got = ours["versorgung"] / 100.0
    no_reach = ref.isna() | (ours["n_erreichbar"] == 0)
    # access leaves demand points without any facility in reach out (NaN); we report 0 there
    assert (got[no_reach] == 0).all()
    np.testing.assert_allclose(
        got[~no_reach].to_numpy(), ref[~no_reach].to_numpy(), rtol=1e-9, atol=0
    )
    assert (~no_reach).sum() > 10  # the comparison is not vacuous


def test_hand_computed_3x2():
    # demand A(0,0) 10 children, B(1000,0) 20, C(5000,0) 30; Kitas K1 at (500,0) 15 places, K2 at (5000,100) 6
    dem = gpd.GeoDataFrame(
        {"kinder": [10.0, 20.0, 30.0]},
        geometry=shapely.points([(0, 0), (1000, 0), (5000, 0)]),
        crs=25832,
        index=["A", "B", "C"],
    )
    sup = gpd.GeoDataFrame(
        {"plaetze": [15.0, 6.0]},
        geometry=shapely.points([(500, 0), (5000, 100)]),
        crs=25832,
        index=["K1", "K2"],
    )
    r = two_step_fca(dem, sup, "kinder", "plaetze", 1000.0)
    # K1 reaches A and B (500 m each): R1 = 15/30 = 0.5; K2 reaches C (100 m): R2 = 6/30 = 0.2
    np.testing.assert_allclose(r.supply["quote"], [0.5, 0.2])
    np.testing.assert_allclose(r.frame["versorgung"], [50.0, 50.0, 20.0])
    assert r.frame["n_erreichbar"].tolist() == [1, 1, 1]
    # E2SFCA with a user step {600: 1, 1000: 0.5}: all pairs within 600 m -> same result
    r2 = two_step_fca(dem, sup, "kinder", "plaetze", 1000.0, decay={600.0: 1.0, 1000.0: 0.5})
    np.testing.assert_allclose(r2.frame["versorgung"], [50.0, 50.0, 20.0])
    # Gaussian sigma 500: W(500)=exp(-0.5), W(100)=exp(-0.02)
    r3 = two_step_fca(dem, sup, "kinder", "plaetze", 1000.0, decay="gaussian", sigma=500.0)
    w5, w1 = np.exp(-0.5), np.exp(-0.02)
    R1, R2 = 15 / (30 * w5), 6 / (30 * w1)
    np.testing.assert_allclose(
        r3.frame["versorgung"], [100 * R1 * w5, 100 * R1 * w5, 100 * R2 * w1]
    )
    # per area: A, B in area X, C in Y; population-weighted
    ar = area_ratio(r, pd.Series(["X", "X", "Y"], index=["A", "B", "C"]))
    np.testing.assert_allclose(ar.loc["X", "plaetze_zugeordnet"], 15.0)
    np.testing.assert_allclose(ar.loc["Y", "versorgung"], 20.0)


def test_2sfca_equals_access():
    dem, sup, dxy, sxy = _layers(1)
    ours = two_step_fca(dem, sup, "kinder", "kapazitaet", 2000.0)
    _compare(ours.frame, _access_result(dem, sup, dxy, sxy, 2000.0))


def test_e2sfca_step_equals_access():
    from access import weights

    dem, sup, dxy, sxy = _layers(2)
    ours = two_step_fca(dem, sup, "kinder", "kapazitaet", 3000.0, decay="luo_qi")
    ref = _access_result(
        dem,
        sup,
        dxy,
        sxy,
        3000.0,
        weights.step_fn({1000.0: 1, 2000.0: 0.68, 3000.0: 0.22}),
        enhanced=True,
    )
    _compare(ours.frame, ref)


def test_e2sfca_gaussian_equals_access():
    from access import weights

    dem, sup, dxy, sxy = _layers(3)
    ours = measure(
        dem,
        sup,
        "e2sfca",
        demand_col="kinder",
        supply_col="kapazitaet",
        max_cost=2500.0,
        decay="gaussian",
        sigma=900.0,
    )
    ref = _access_result(dem, sup, dxy, sxy, 2500.0, weights.gaussian(900.0), enhanced=True)
    _compare(ours.frame, ref)


def test_callable_decay_and_step_dict_match_access_step():
    from access import weights

    table = {500.0: 1.0, 1500.0: 0.5, 2000.0: 0.1}
    d = np.array([0.0, 500.0, 500.1, 1499.0, 1500.0, 1999.0, 2000.0, 2500.0])
    ref = np.array([weights.step_fn(table)(x) for x in d])
    np.testing.assert_array_equal(decay_weights(d, table, 2000.0), ref)
    np.testing.assert_allclose(decay_weights(d, lambda x: 1 / (1 + x), 2000.0), 1 / (1 + d))


def test_pairs_equal_brute_force():
    _, _, dxy, sxy = _layers(4, n=200, m=30)
    i, j, dist = catchment_pairs(dxy, sxy, 1500.0)
    full = np.sqrt(((dxy[:, None, :] - sxy[None, :, :]) ** 2).sum(-1))
    ii, jj = np.nonzero(full <= 1500.0)
    assert set(zip(i.tolist(), j.tolist(), strict=False)) == set(
        zip(ii.tolist(), jj.tolist(), strict=False)
    )
    np.testing.assert_allclose(dist, full[i, j])


def test_precomputed_cost_table_and_status():
    dem, sup, dxy, sxy = _layers(5, n=20, m=4)
    full = np.sqrt(((dxy[:, None, :] - sxy[None, :, :]) ** 2).sum(-1))
    cost = pd.DataFrame(
        {"origin": np.repeat(dem.index, 4), "dest": np.tile(sup.index, 20), "cost": full.ravel()}
    )
    a = two_step_fca(dem, sup, "kinder", "kapazitaet", 1800.0, cost=cost)
    b = two_step_fca(dem, sup, "kinder", "kapazitaet", 1800.0)
    np.testing.assert_allclose(a.frame["versorgung"], b.frame["versorgung"], rtol=1e-12)
    # a facility far from all demand: status keine_nachfrage, its places reach nobody
    far = sup.copy()
    far.loc["s0", "geometry"] = shapely.Point(1e6, 1e6)
    r = two_step_fca(dem, far, "kinder", "kapazitaet", 1800.0)
    assert r.supply.loc["s0", "status"] == "keine_nachfrage"
    assert np.isnan(r.supply.loc["s0", "quote"])


def test_bad_inputs_raise_german_messages():
    dem, sup, _, _ = _layers(6, n=5, m=2)
    bad = dem.copy()
    bad.loc["d2", "kinder"] = -3
    with pytest.raises(InputError, match="Spalte 'kinder'.*d2"):
        two_step_fca(bad, sup, "kinder", "kapazitaet", 1000.0)
    with pytest.raises(InputError, match="Einzugsbereich"):
        two_step_fca(dem, sup, "kinder", "kapazitaet", -5)
    with pytest.raises(InputError, match="Spalte 'plaetze' fehlt"):
        two_step_fca(dem, sup, "kinder", "plaetze", 1000.0)
    with pytest.raises(InputError, match="Unbekannte Methode"):
        measure(dem, sup, "3sfca")


@pytest.mark.parametrize("decay", [None, "gaussian"])
def test_blocked_engine_equals_access_and_pair_engine(decay):
    """Dense demand (tiled block engine) gives the same as access and as the pair list."""
    from access import weights
    from sozialraum.access import fca_arrays, fca_points

    dem, sup, dxy, sxy = _layers(9, n=6000, m=40, extent=2500.0)
    sigma = None if decay is None else 600.0  # sigma belongs to the gaussian decay only
    P, S = dem["kinder"].to_numpy(), sup["kapazitaet"].to_numpy()
    # tiles of 150 m hold ~20 points: the block engine is used (not the pair list)
    side = 1200.0 * 0.125
    assert len(np.unique(np.floor(dxy / side), axis=0)) * 16 <= len(dxy)
    acc, r, cdem, nre = fca_points(dxy, sxy, P, S, 1200.0, decay=decay, sigma=sigma)
    i, j, d = catchment_pairs(dxy, sxy, 1200.0)
    w = decay_weights(d, decay, 1200.0, sigma=sigma)
    acc2, r2, _ = fca_arrays(i, j, w, P, S)
    np.testing.assert_allclose(acc, acc2, rtol=1e-12)
    np.testing.assert_array_equal(nre, np.bincount(i, minlength=len(P)))
    ours = two_step_fca(dem, sup, "kinder", "kapazitaet", 1200.0, decay=decay, sigma=sigma)
    ref = _access_result(
        dem,
        sup,
        dxy,
        sxy,
        1200.0,
        None if decay is None else weights.gaussian(600.0),
        enhanced=decay is not None,
    )
    _compare(ours.frame, ref)
