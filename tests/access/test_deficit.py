"""The one supply–need model against hand cases and PySAL ``access``."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sozialraum.access import (
    SupplyNeedParams,
    balance,
    measure,
    supply_method,
    supply_need,
    two_step_fca,
)
from sozialraum.errors import InputError, SozialraumWarning

CRS = "EPSG:25832"


def _two_areas():
    """Town A (0..1000 m) with a Kita of 100 places, village B (1000..2000 m) without one."""
    areas = gpd.GeoDataFrame(
        {"name": ["Stadt", "Dorf"]},
        geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
        crs=CRS,
        index=["A", "B"],
    )
    kitas = gpd.GeoDataFrame(
        {"kapazitaet": [100.0]}, geometry=shapely.points([(500, 500)]), crs=CRS, index=["k1"]
    )
    kids = pd.Series({"A": 50.0, "B": 30.0})
    return areas, kitas, kids


def test_balance_hand_formula():
    n = pd.Series({"a": 100.0, "b": 0.0, "c": np.nan})
    s = pd.Series({"a": 50.0, "b": 10.0, "c": 5.0})
    f, st = balance(n, s, 70.0)
    assert f.loc["a", "bedarf"] == pytest.approx(70.0)
    assert f.loc["a", "defizit"] == pytest.approx(20.0) and f.loc["a", "ueberhang"] == 0
    assert f.loc["a", "versorgung_je_100"] == pytest.approx(50.0)
    assert f.loc["a", "deckungsgrad"] == pytest.approx(50 / 70 * 100)
    assert f.loc["b", "ueberhang"] == pytest.approx(10.0)
    assert st.loc["b", "versorgung_je_100"] == "nenner_null"
    assert np.isnan(f.loc["c", "defizit"]) and st.loc["c", "defizit"] == "fehlt"


def test_balance_status_of_every_rule_in_order():
    """Every cell of the status table by hand: a missing need population, missing places,
    no children (no denominator) and a target of 0 (no need); a later rule wins a cell."""
    n = pd.Series({"ok": 10.0, "keine_kinder": 0.0, "n_fehlt": np.nan, "s_fehlt": 0.0})
    s = pd.Series({"s_fehlt": np.nan, "ok": 4.0, "keine_kinder": 2.0, "n_fehlt": 1.0})
    f, st = balance(n, s, 0.0)  # target 0: need 0 everywhere it is known
    F, NN = "fehlt", "nenner_null"
    want = {  # zielgruppe bestand bedarf saldo defizit ueberhang versorgung soll deckung
        "ok": [None, None, None, None, None, None, None, None, NN],
        "keine_kinder": [None, None, None, None, None, None, NN, None, NN],
        "n_fehlt": [F, None, F, F, F, F, F, None, F],
        # places unknown and no children: no denominator wins over the missing places
        "s_fehlt": [None, F, None, F, F, F, NN, None, NN],
    }
    expected = pd.DataFrame.from_dict(
        want, orient="index", columns=list(st.columns), dtype="string"
    )
    pd.testing.assert_frame_equal(st, expected)
    assert list(st.index) == list(f.index) == list(n.index)


def test_village_without_own_kita_is_no_full_deficit_under_2sfca():
    """A rural area next to a large Kita: by location 100 % missing, by catchment covered."""
    areas, kitas, kids = _two_areas()
    by_loc = supply_need(kids, kitas, areas, SupplyNeedParams("standort", 70.0))
    assert by_loc.frame.loc["B", "bestand"] == 0
    assert by_loc.frame.loc["B", "defizit"] == pytest.approx(21.0)  # all of the need
    fca = supply_need(kids, kitas, areas, SupplyNeedParams("2sfca", 70.0, max_cost=3000.0))
    # R = 100 / 80 places per child; A gets 50 × 1.25 = 62.5, B 30 × 1.25 = 37.5
    np.testing.assert_allclose(fca.frame["bestand"], [62.5, 37.5])
    np.testing.assert_allclose(fca.frame["versorgung_je_100"], [125.0, 125.0])
    assert fca.frame.loc["B", "defizit"] == 0
    assert fca.frame.loc["B", "ueberhang"] == pytest.approx(37.5 - 21.0)
    # the step weight hands out every place exactly once
    assert fca.frame["bestand"].sum() == pytest.approx(100.0)
    assert fca.method_label() == "2SFCA (Plätze im Einzugsbereich von 3.000 m)"
    assert fca.method_label("en", short=True) == "2SFCA 3,000 m"
    assert by_loc.method_label("en").startswith("by location")


def test_coverage_equals_measure_area_ratio():
    """The model's coverage per 100 is the same number the 2SFCA map shows."""
    areas, kitas, kids = _two_areas()
    sn = supply_need(kids, kitas, areas, SupplyNeedParams("2sfca", 70.0, max_cost=3000.0))
    dem = gpd.GeoDataFrame(
        {"key": ["A", "B"], "nachfrage": kids.to_numpy()},
        geometry=areas.geometry.representative_point().to_numpy(),
        crs=CRS,
    )
    m = measure(
        dem,
        kitas,
        "2sfca",
        demand_col="nachfrage",
        supply_col="kapazitaet",
        max_cost=3000.0,
        area="key",
    )
    np.testing.assert_allclose(sn.frame["versorgung_je_100"], m.areas["versorgung"].loc[["A", "B"]])


def _grid(seed: int, n_side: int = 6, m: int = 7):
    rng = np.random.default_rng(seed)
    cells = [
        shapely.box(x * 1000, y * 1000, (x + 1) * 1000, (y + 1) * 1000)
        for x in range(n_side)
        for y in range(n_side)
    ]
    areas = gpd.GeoDataFrame(geometry=cells, crs=CRS, index=[f"a{i}" for i in range(len(cells))])
    kids = pd.Series(rng.integers(5, 90, len(cells)).astype(float), index=areas.index)
    fac = gpd.GeoDataFrame(
        {"kapazitaet": rng.integers(20, 140, m).astype(float)},
        geometry=shapely.points(rng.uniform(0, n_side * 1000, (m, 2))),
        crs=CRS,
        index=[f"k{j}" for j in range(m)],
    )
    return areas, kids, fac


def _pysal_supply(areas, kids, fac, max_cost, weight_fn=None, enhanced=False):
    """Per-area places allotted by PySAL access: ratio × need population."""
    from access import Access

    pts = areas.geometry.representative_point()
    dxy = np.c_[pts.x, pts.y]
    sxy = np.c_[fac.geometry.x, fac.geometry.y]
    dist = np.sqrt(((dxy[:, None, :] - sxy[None, :, :]) ** 2).sum(-1))
    n, m = dist.shape
    cost = pd.DataFrame(
        {
            "origin": np.repeat(areas.index.to_numpy(), m),
            "dest": np.tile(fac.index.to_numpy(), n),
            "cost": dist.ravel(),
        }
    )
    a = Access(
        demand_df=pd.DataFrame({"geoid": areas.index, "pop": kids.to_numpy()}),
        demand_index="geoid",
        demand_value="pop",
        supply_df=pd.DataFrame({"geoid": fac.index, "cap": fac["kapazitaet"].to_numpy()}),
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
        res = a.two_stage_fca(name="x", max_cost=max_cost)
    return res["x_cap"].reindex(areas.index).fillna(0.0) * kids


def test_2sfca_supply_equals_pysal_access():
    areas, kids, fac = _grid(3)
    sn = supply_need(kids, fac, areas, SupplyNeedParams("2sfca", 70.0, max_cost=1800.0))
    ref = _pysal_supply(areas, kids, fac, 1800.0)
    assert (ref > 0).sum() > 10 and (ref == 0).sum() > 0  # not vacuous: some areas out of reach
    np.testing.assert_allclose(sn.frame["bestand"], ref, rtol=1e-9)
    np.testing.assert_allclose(sn.frame["defizit"], np.maximum(kids * 0.7 - ref, 0), rtol=1e-9)


def test_e2sfca_gaussian_supply_equals_pysal_access():
    from access import weights

    areas, kids, fac = _grid(4)
    p = SupplyNeedParams("e2sfca", 15.0, max_cost=2000.0, decay="gaussian", sigma=700.0)
    sn = supply_need(kids, fac, areas, p)
    ref = _pysal_supply(areas, kids, fac, 2000.0, weights.gaussian(700.0), enhanced=True)
    np.testing.assert_allclose(sn.frame["bestand"], ref, rtol=1e-9)
    assert "E2SFCA" in sn.method_label() and "gaussian" in sn.method_label()


def test_demand_points_keep_every_person():
    """Need spread over points by share; an area without a point keeps its need at its centre."""
    areas, kitas, kids = _two_areas()
    pts = gpd.GeoDataFrame(
        {"key": ["A", "A"], "anteil": [0.25, 0.75]},
        geometry=shapely.points([(100, 100), (900, 900)]),
        crs=CRS,
    )
    sn = supply_need(
        kids, kitas, areas, SupplyNeedParams("2sfca", 70.0, max_cost=3000.0), demand_points=pts
    )
    assert sn.fca.frame["nachfrage"].sum() == pytest.approx(80.0)
    np.testing.assert_allclose(sn.frame["bestand"], [62.5, 37.5])


def test_by_location_warns_about_facilities_outside():
    areas, kitas, kids = _two_areas()
    out = gpd.GeoDataFrame(
        {"kapazitaet": [10.0]}, geometry=shapely.points([(5000, 5000)]), crs=CRS, index=["kx"]
    )
    fac = pd.concat([kitas, out])
    with pytest.warns(SozialraumWarning, match="'kx'"):
        sn = supply_need(kids, fac, areas, SupplyNeedParams("standort", 100.0))
    assert list(sn.unassigned.index) == ["kx"]
    assert sn.frame["bestand"].tolist() == [100.0, 0.0]
    # with the facility's area key given instead of its location
    fac2 = kitas.assign(sr="B")
    sn2 = supply_need(kids, fac2, areas, SupplyNeedParams("standort", 100.0, area_col="sr"))
    assert sn2.frame["bestand"].tolist() == [0.0, 100.0]


def test_supply_method_of_config_methods():
    assert supply_method("2sfca") == "2sfca" and supply_method("e2sfca") == "e2sfca"
    assert supply_method("naechste") == "standort" and supply_method("network") == "standort"


def test_2sfca_refuses_decay_it_ignores():
    areas, kitas, kids = _two_areas()
    with pytest.raises(InputError, match="'decay'.*'2sfca'.*e2sfca"):
        supply_need(
            kids, kitas, areas, SupplyNeedParams("2sfca", 70.0, max_cost=3000.0, decay="gaussian")
        )
    dem = gpd.GeoDataFrame(
        {"kinder": [10.0]}, geometry=shapely.points([(0, 0)]), crs=CRS, index=["d"]
    )
    with pytest.raises(InputError, match="decay='gaussian'.*'2sfca'") as e:
        measure(
            dem,
            kitas,
            "2sfca",
            demand_col="kinder",
            supply_col="kapazitaet",
            max_cost=3000.0,
            decay="gaussian",
        )
    assert e.value.column == "decay"
    with pytest.raises(InputError, match="does not apply to method '2sfca'"):
        measure(
            dem,
            kitas,
            "2sfca",
            demand_col="kinder",
            supply_col="kapazitaet",
            max_cost=3000.0,
            decay="gaussian",
            lang="en",
        )


def test_measure_refuses_parameters_the_method_ignores():
    _, kitas, _ = _two_areas()
    dem = gpd.GeoDataFrame(
        {"kinder": [10.0]}, geometry=shapely.points([(0, 0)]), crs=CRS, index=["d"]
    )
    fca = {"demand_col": "kinder", "supply_col": "kapazitaet", "max_cost": 3000.0}
    with pytest.raises(InputError, match="max_cost"):
        measure(dem, kitas, "nearest", max_cost=3000.0)
    with pytest.raises(InputError, match="sigma.*gaussian"):
        measure(dem, kitas, "e2sfca", sigma=500.0, **fca)
    with pytest.raises(InputError, match="mode.*network="):
        measure(dem, kitas, "2sfca", mode="cycling", **fca)
    with pytest.raises(InputError, match="Parameter k=3 "):
        measure(dem, kitas, "2sfca", k=3, **fca)
    with pytest.raises(InputError, match="threshold.*area="):
        measure(dem, kitas, "nearest", threshold=500.0)
    with pytest.raises(InputError, match="supply_col.*radius="):
        measure(dem, kitas, "nearest", supply_col="kapazitaet")
    with pytest.raises(InputError, match="sigma"):
        two_step_fca(dem, kitas, "kinder", "kapazitaet", 3000.0, decay="luo_qi", sigma=500.0)
    # what applies still runs
    assert len(measure(dem, kitas, "e2sfca", decay="gaussian", sigma=500.0, **fca).frame) == 1


def test_supply_need_params_refuse_what_does_not_apply():
    areas, kitas, kids = _two_areas()
    bad = [
        (SupplyNeedParams("standort", 70.0, max_cost=3000.0), "max_cost"),
        (SupplyNeedParams("2sfca", 70.0), "max_cost"),
        (SupplyNeedParams("2sfca", 70.0, max_cost=3000.0, area_col="sr"), "area_col"),
        (SupplyNeedParams("e2sfca", 70.0, max_cost=3000.0, sigma=300.0), "sigma"),
        (SupplyNeedParams("e2sfca", -1.0, max_cost=3000.0), "target_per_100"),
        (SupplyNeedParams("naechste", 70.0), "naechste"),
    ]
    for p, word in bad:
        with pytest.raises(InputError, match=word):
            supply_need(kids, kitas, areas, p)
    with pytest.raises(InputError, match="'Z'"):
        supply_need(pd.Series({"A": 1.0, "Z": 2.0}), kitas, areas, SupplyNeedParams())
