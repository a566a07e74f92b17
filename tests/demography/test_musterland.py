"""Smoke test on the shipped Musterland population files (skipped when absent)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum.demography import (
    age_groups,
    dependency_ratios,
    kita_comparison,
    population_pyramid,
    project,
    read_population,
)


@pytest.fixture(scope="module")
def musterland_pop(musterland):
    files = sorted(musterland["examples"].glob("bevoelkerung_alter_*.csv"))
    if len(files) < 2:
        pytest.skip("Musterland population files (bevoelkerung_alter_<year>.csv) not present")
    return read_population(files)


def test_musterland_projection_2035(musterland_pop):
    pop = musterland_pop
    assert pop["key"].str.len().eq(11).all()
    res = project(pop, end_year=2035)
    assert res.years[0] == pop["year"].max() and res.years[-1] == 2035
    assert (res.values >= 0).all()
    tot = res.values.sum(axis=(2, 3, 4))
    i = {s: j for j, s in enumerate(res.scenarios)}
    assert tot[i["niedrig"], -1] < tot[i["mittel"], -1] < tot[i["hoch"], -1]
    # start year reproduces the observed stock
    obs = pop[pop["year"] == res.years[0]]["anzahl"].sum()
    assert tot[0, 0] == obs
    # plausible: medium scenario changes the district by less than 25 % in 11 years
    assert abs(tot[i["mittel"], -1] / obs - 1) < 0.25
    g = age_groups(res.population)
    assert {"ew_0_2", "ew_3_5", "ew_80plus"} <= set(g.columns)
    d = dependency_ratios(pop)
    assert d["medianalter"].between(20, 70).all()
    places = pd.Series(30.0, index=list(res.keys))
    comp = kita_comparison(res, places, year=2035)
    assert len(comp) == len(res.keys) and np.isfinite(comp["kinder_2035"]).all()
    fig = population_pyramid(res, year=2035, key=res.keys[0], compare_year=res.years[0])
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_musterland_with_shipped_rates(musterland_pop, musterland):
    from sozialraum.demography import read_district_rates

    path = musterland["examples"] / "demografie_raten.csv"
    if not path.exists():
        pytest.skip("demografie_raten.csv not present")
    rates = read_district_rates(path)
    res = project(
        musterland_pop,
        end_year=2035,
        life_table=rates.life_table,
        fertility=rates.fertility,
        scenarios=None,
    )
    assert res.params.tfr == pytest.approx(rates.fertility.sum())
    assert (res.values >= 0).all()
