"""Kita / care demand (hand numbers) and the charts' German labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sozialraum.demography import (
    care_demand,
    demand_for_access,
    kita_comparison,
    kita_supply,
    population_pyramid,
    population_timeseries,
    project,
    projection_layer,
)
from sozialraum.errors import SozialraumWarning


def _pop() -> pd.DataFrame:
    rows = []
    for key, kids, old in (("001", 10, 3), ("002", 0, 7)):
        for year in (2023, 2024):
            for a in range(101):
                for s in "mw":
                    n = 2.0
                    if a <= 5:
                        n = kids / 12  # children split over 6 ages x 2 sexes
                    if a >= 80:
                        n = old / 42  # 21 ages (80..100) x 2 sexes
                    rows.append(
                        {"key": key, "year": year, "alter": a, "geschlecht": s, "anzahl": n}
                    )
    return pd.DataFrame(rows)


def test_kita_supply_hand_numbers():
    pop = _pop()
    places = pd.Series({"001": 8.0, "002": 5.0})
    vals, st = kita_supply(pop, places, target_rate=100)
    row = vals.loc[("001", 2024)]
    assert row["kinder"] == pytest.approx(10)
    assert row["quote"] == pytest.approx(80.0)
    assert row["defizit"] == pytest.approx(2.0) and row["ueberhang"] == 0
    row2 = vals.loc[("002", 2024)]
    assert np.isnan(row2["quote"]) and st.loc[("002", 2024), "quote"] == "nenner_null"
    assert row2["ueberhang"] == pytest.approx(5.0)
    with pytest.warns(SozialraumWarning, match="'002'"):
        vals, st = kita_supply(pop, pd.Series({"001": 8.0}))
    assert (
        np.isnan(vals.loc[("002", 2024), "plaetze"]) and st.loc[("002", 2024), "plaetze"] == "fehlt"
    )


def test_care_and_access_demand():
    pop = _pop()
    c = care_demand(pop, care_rate=0.5)
    assert c.loc[("002", 2024), "ew_80plus"] == pytest.approx(7.0)
    assert c.loc[("002", 2024), "pflegebeduerftige"] == pytest.approx(3.5)
    d = demand_for_access(pop, year=2024, scenario=None)
    assert d["001"] == pytest.approx(10.0) and all(isinstance(k, str) for k in d.index)


def test_projection_feeds_demand_and_charts():
    pop = _pop()
    res = project(pop, horizon=5, migration=0.0, fertility=0.0, area_fertility=None)
    comp = kita_comparison(res, pd.Series({"001": 8.0, "002": 5.0}), year=2029)
    # no births: in 2029 the children 0-5 are only those aged 0 in 2024 (now 5) -> about 1/6 of 10 survive
    assert comp.loc["001", "kinder_2029"] < comp.loc["001", "kinder_2024"]
    assert list(comp.columns)[:2] == ["kinder_2024", "kinder_2029"]
    fig = population_pyramid(res, year=2029, key="001", compare_year=2024)
    assert isinstance(fig, Figure)
    texts = {t.get_text() for t in fig.axes[0].texts} | {fig.axes[0].get_ylabel()}
    assert {"Männer", "Frauen", "Alter"} <= texts
    fig_en = population_pyramid(pop, year=2024, lang="en")
    assert fig_en.axes[0].get_ylabel() == "Age"
    fig2 = population_timeseries(pop, res, groups=["ew_ges", "ew_80plus"])
    ax = fig2.axes[0]
    assert ax.get_xlabel() == "Jahr"
    assert any(p.get_label() == "Projektion" for p in ax.patches)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_projection_layer_shares_and_change():
    pop = _pop()
    res = project(pop, horizon=3, migration=0.0)
    lay = projection_layer(res, year=2027)
    assert list(lay.index) == ["001", "002"]
    row = lay.loc["001"]
    assert row["ew_80plus_anteil"] == pytest.approx(row["ew_80plus"] / row["ew_ges"] * 100)
    base = res.values[1, 0, 0].sum()  # medium scenario, 2024, area 001
    assert row["ew_ges_veraenderung_proz"] == pytest.approx((row["ew_ges"] - base) / base * 100)
