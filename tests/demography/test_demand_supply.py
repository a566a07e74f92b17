"""The demography's future need and comparison use the access module's one supply–need model."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sozialraum.access import SupplyNeedParams, balance, supply_need
from sozialraum.demography import kita_supply
from sozialraum.demography.demand import future_need, supply_comparison


def _pop() -> pd.DataFrame:
    """Two areas, two years; per area and year: ages 0–2, 3–5 and 80+ with known sums."""
    rows = []
    counts = {("A", 2024): (6, 12, 42), ("A", 2035): (12, 24, 84), ("B", 2024): (0, 6, 0)}
    counts[("B", 2035)] = (6, 6, 21)
    for (key, year), (u3, k35, old) in counts.items():
        for a in range(101):
            for s in "mw":
                n = 1.0
                if a <= 2:
                    n = u3 / 6
                elif a <= 5:
                    n = k35 / 6
                elif a >= 80:
                    n = old / 42
                rows.append({"key": key, "year": year, "alter": a, "geschlecht": s, "anzahl": n})
    return pd.DataFrame(rows)


def test_future_need_sums_the_age_groups_of_the_target_group():
    need = future_need(_pop(), ["ew_0_2", "ew_3_5"], year=2035)
    assert need.to_dict() == pytest.approx({"A": 36.0, "B": 12.0})
    old = future_need(_pop(), ["ew_80plus"], year=2035)
    assert old.to_dict() == pytest.approx({"A": 84.0, "B": 21.0})
    assert future_need(_pop(), ["ew_0_2", "sgb2_pers"], year=2035) is None


def test_kita_supply_uses_the_one_balance():
    vals, _ = kita_supply(_pop(), pd.Series({"A": 10.0, "B": 0.0}), target_rate=70.0)
    kids = vals["kinder"].to_numpy()
    ref, _ = balance(pd.Series(kids), pd.Series(vals["plaetze"].to_numpy()), 70.0)
    np.testing.assert_allclose(vals["defizit"], ref["defizit"])
    np.testing.assert_allclose(vals["quote"], ref["versorgung_je_100"], equal_nan=True)
    # A 2024: 18 children, need 12.6, 10 places -> 2.6 missing
    assert vals.loc[("A", 2024), "defizit"] == pytest.approx(2.6)


def test_supply_comparison_today_and_future_same_model():
    areas = gpd.GeoDataFrame(
        geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
        crs="EPSG:25832",
        index=["A", "B"],
    )
    kitas = gpd.GeoDataFrame(
        {"kapazitaet": [30.0]}, geometry=shapely.points([(500, 500)]), crs=areas.crs, index=["k"]
    )
    p = SupplyNeedParams("2sfca", 70.0, max_cost=3000.0)
    today = supply_need(pd.Series({"A": 18.0, "B": 6.0}), kitas, areas, p)
    fut = supply_need(future_need(_pop(), ["ew_0_2", "ew_3_5"], year=2035), kitas, areas, p)
    comp = supply_comparison(
        today.frame, fut.frame, base_year=2024, year=2035, method=today.method_label()
    )
    # today R = 30/24: A 22.5, B 7.5 places; 2035 R = 30/48: A 22.5, B 7.5 again
    np.testing.assert_allclose(comp["bestand_2024"], [22.5, 7.5])
    np.testing.assert_allclose(comp["defizit_2035"], [36 * 0.7 - 22.5, 12 * 0.7 - 7.5])
    np.testing.assert_allclose(comp["defizit_2024"], today.frame["defizit"])
    assert comp["veraenderung_zielgruppe"].tolist() == [18.0, 6.0]
    assert set(comp["methode"]) == {"2SFCA (Plätze im Einzugsbereich von 3.000 m)"}
