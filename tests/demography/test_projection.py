"""Cohort-component projection against hand computations and a textbook Leslie matrix."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sozialraum.demography import (
    FEMALE_BIRTH_SHARE,
    LifeTable,
    Scenario,
    default_life_table,
    estimate_migration,
    from_array,
    project,
    project_array,
    rake,
    standard_fertility_schedule,
)
from sozialraum.errors import InputError, SozialraumWarning

N = 101


def _zeros(na: int = 1) -> np.ndarray:
    return np.zeros((na, N, 2))


# ------------------------------------------------------------------ hand-computed step


def test_one_area_three_age_classes_hand_computed():
    """Population only at ages 0..2; every number below is worked out by hand."""
    p = _zeros()
    p[0, :3, 0] = [90, 70, 50]  # men aged 0, 1, 2
    p[0, :3, 1] = [100, 80, 60]  # women
    s = np.ones((N, 2))
    s[:3, 0] = [0.9, 0.8, 0.7]
    s[:3, 1] = [0.95, 0.85, 0.75]
    sb = np.array([0.99, 0.995])
    f = np.zeros(N)
    f[1] = 0.5  # only women aged 1 give birth (toy)
    r = np.zeros((N, 2))
    r[1] = [0.05, -0.05]  # net migration into age 1 (per person of the source cohort)
    r[2] = [0.0, 0.10]
    r[0] = [0.01, 0.0]
    out = project_array(
        p, 1, survival=s, birth_survival=sb, fertility=f, migration=r, female_share=0.5
    )[1, 0]
    # ageing: P'(x) = P(x-1) (S(x-1) + r(x))
    assert out[1, 0] == pytest.approx(90 * (0.9 + 0.05))  # 85.5
    assert out[1, 1] == pytest.approx(100 * (0.95 - 0.05))  # 90
    assert out[2, 0] == pytest.approx(70 * 0.8)  # 56
    assert out[2, 1] == pytest.approx(80 * (0.85 + 0.10))  # 76
    assert out[3, 0] == pytest.approx(50 * 0.7)  # 35
    assert out[3, 1] == pytest.approx(60 * 0.75)  # 45
    # births: f_1 * (W_1(t) + W_1(t+1)) / 2 = 0.5 * (80 + 90) / 2 = 42.5, half girls
    births = 42.5
    assert out[0, 0] == pytest.approx(births * 0.5 * (0.99 + 0.01))  # 21.25
    assert out[0, 1] == pytest.approx(births * 0.5 * 0.995)  # 21.14375
    assert out[4:].sum() == 0


# ------------------------------------------------------------------ closed populations


def test_no_births_deaths_migration_everybody_ages():
    rng = np.random.default_rng(1)
    p = rng.integers(0, 50, size=(4, N, 2)).astype(float)
    lt = LifeTable(q=np.zeros((N, 2)))
    out = project_array(
        p, 3, survival=lt.survival, birth_survival=lt.birth_survival, fertility=np.zeros(N)
    )
    exp = p.copy()
    for _ in range(3):
        nxt = np.zeros_like(exp)
        nxt[:, 1:100] = exp[:, :99]
        nxt[:, 100] = exp[:, 99] + exp[:, 100]
        exp = nxt
    np.testing.assert_allclose(out[3], exp, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(out[3].sum(), p.sum(), rtol=1e-9)


def _hand_life_table(q: np.ndarray):
    """l_x, L_x, T_100 with plain Python loops (independent of LifeTable)."""
    lx = [1.0]
    for x in range(100):
        lx.append(lx[-1] * (1 - q[x]))
    big_l = [(lx[x] + lx[x + 1]) / 2 for x in range(100)]
    t100 = lx[100] / (-np.log(1 - q[100]))
    return lx, big_l, t100


def test_closed_population_equals_leslie_matrix():
    """Textbook (Preston, Heuveline & Guillot 2001, ch. 6) two-sex Leslie matrix, built by hand."""
    lt = default_life_table()
    f = standard_fertility_schedule(1.5)
    pf = FEMALE_BIRTH_SHARE
    surv = []
    for sex in (0, 1):
        _lx, big_l, t100 = _hand_life_table(lt.q[:, sex])
        s = [big_l[x + 1] / big_l[x] for x in range(99)]
        s_open = t100 / (big_l[99] + t100)
        surv.append((s, s_open, big_l[0]))
    # state vector: women ages 0..100, then men ages 0..100
    leslie = np.zeros((2 * N, 2 * N))
    for sex, off in ((1, 0), (0, N)):
        s, s_open, _ = surv[sex]
        for x in range(99):
            leslie[off + x + 1, off + x] = s[x]
        leslie[off + 100, off + 99] = s_open
        leslie[off + 100, off + 100] = s_open
    # births from women: B = sum_x W_x (f_x + f_{x+1} S_x) / 2
    s_w, s_open_w, _ = surv[1]
    bcoef = np.zeros(N)
    for x in range(N):
        nxt = 0.0
        if x < 99:
            nxt = f[x + 1] * s_w[x]
        elif x <= 100:
            nxt = f[100] * s_open_w
        bcoef[x] = (f[x] + nxt) / 2
    leslie[0, :N] += surv[1][2] * pf * bcoef
    leslie[N, :N] += surv[0][2] * (1 - pf) * bcoef
    rng = np.random.default_rng(7)
    p = rng.uniform(0, 100, size=(1, N, 2))
    vec = np.concatenate([p[0, :, 1], p[0, :, 0]])
    for _ in range(5):
        vec = leslie @ vec
    ours = project_array(p, 5, survival=lt.survival, birth_survival=lt.birth_survival, fertility=f)[
        5, 0
    ]
    np.testing.assert_allclose(ours[:, 1], vec[:N], rtol=1e-10)
    np.testing.assert_allclose(ours[:, 0], vec[N:], rtol=1e-10)


def test_survivors_equal_hand_product():
    q = np.zeros(N)
    q[:3] = [0.1, 0.2, 0.3]
    q[3:] = 0.3
    lt = LifeTable(q=np.column_stack([q, q]))
    # l = 1, .9, .72, .504 ; L0 = .95, L1 = .81, L2 = .612
    assert lt.survival[0, 0] == pytest.approx(0.81 / 0.95)
    assert lt.survival[1, 1] == pytest.approx(0.612 / 0.81)
    p = _zeros()
    p[0, 0, :] = 1000
    out = project_array(
        p, 2, survival=lt.survival, birth_survival=lt.birth_survival, fertility=np.zeros(N)
    )
    assert out[2, 0, 2, 0] == pytest.approx(1000 * 0.612 / 0.95)  # 644.2105...
    assert out[2, 0].sum() == pytest.approx(1000 * 0.612 / 0.95 * 2)
    assert lt.birth_survival[0] == pytest.approx(0.95)


def test_default_life_table_matches_destatis_e0():
    lt = default_life_table()
    e0 = lt.life_expectancy
    # Sterbetafel 2020/22: 78.33 (m), 83.18 (w); e0 recomputed here from l_x by hand
    _lx, big_l, t100 = _hand_life_table(lt.q[:, 0])
    assert sum(big_l) + t100 == pytest.approx(78.33, abs=0.01)
    assert e0[1] == pytest.approx(83.18, abs=0.01)
    assert 0.005 < lt.q[60, 0] < 0.015 and 0.03 < lt.q[80, 0] < 0.09
    assert (lt.q[:, 0] >= lt.q[:, 1]).all()


# ------------------------------------------------------------------ migration estimation


def _synthetic(seed: int = 3, na: int = 40, years: int = 5, level: np.ndarray | None = None):
    rng = np.random.default_rng(seed)
    lt = default_life_table()
    f = standard_fertility_schedule(1.4)
    p0 = rng.uniform(20, 60, size=(na, N, 2))
    planted = np.zeros((N, 2))
    planted[:, 0] = 0.02 * np.sin(np.arange(N) / 9.0)
    planted[:, 1] = -0.01 + 0.0002 * np.arange(N)
    r = np.broadcast_to(planted, (na, N, 2)).copy()
    if level is not None:
        r += level[:, None, None]
    arr = project_array(
        p0,
        years - 1,
        survival=lt.survival,
        birth_survival=lt.birth_survival,
        fertility=f,
        migration=r,
    )
    return arr, r, planted, f, lt


def test_migration_residual_recovers_planted_district_rate():
    arr, r, planted, f, lt = _synthetic()
    mig = estimate_migration(
        arr,
        life_table=lt,
        fertility=f,
        area_fertility=np.ones(arr.shape[1]),
        years=range(2020, 2025),
    )
    np.testing.assert_allclose(mig.district, planted, atol=1e-10)
    np.testing.assert_allclose(
        mig.rates, r, atol=1e-10
    )  # identical areas: shrinkage changes nothing
    assert mig.transitions == 4


def test_migration_residual_recovers_area_rates_without_shrinkage():
    level = np.linspace(-0.01, 0.01, 40)
    arr, r, planted, f, lt = _synthetic(level=level)
    mig = estimate_migration(
        arr,
        life_table=lt,
        fertility=f,
        area_fertility=np.ones(40),
        years=range(2020, 2025),
        k_cell=0.0,
        k_area=0.0,
    )
    np.testing.assert_allclose(mig.rates, r, atol=1e-10)


def test_shrinkage_weight_formula():
    level = np.linspace(-0.01, 0.01, 40)
    arr, r, planted, f, lt = _synthetic(level=level)
    k = 37.0
    mig = estimate_migration(
        arr,
        life_table=lt,
        fertility=f,
        area_fertility=np.ones(40),
        years=range(2020, 2025),
        k_cell=k,
        k_area=float("inf"),
    )
    raw = r  # the raw area rates equal the planted ones (see test above)
    w = mig.exposure / (mig.exposure + k)
    np.testing.assert_allclose(mig.rates, w * raw + (1 - w) * mig.district[None], atol=1e-10)


def test_auto_shrinkage_is_finite_and_between():
    rng = np.random.default_rng(5)
    arr, r, planted, f, lt = _synthetic(level=np.linspace(-0.02, 0.02, 40))
    arr = arr + rng.normal(0, 2, size=arr.shape).clip(-5, 5)  # noise
    arr = np.clip(arr, 0, None)
    mig = estimate_migration(
        arr, life_table=lt, fertility=f, area_fertility=np.ones(40), years=range(2020, 2025)
    )
    assert mig.k_area >= 0 and mig.k_cell >= 0
    # the planted between-area differences in level are partly kept
    lvl = (mig.rates - mig.district[None]).mean(axis=(1, 2))
    assert np.corrcoef(lvl, np.linspace(-0.02, 0.02, 40))[0, 1] > 0.9


# ------------------------------------------------------------------ raking and scenarios


def test_rake_single_and_ipf():
    rng = np.random.default_rng(2)
    p = rng.uniform(0, 10, size=(6, N, 2))
    cell_total = np.zeros((N, 2), dtype=np.int64)
    out = rake(p, [(cell_total, np.array([5000.0]))])
    assert out.sum() == pytest.approx(5000.0)
    np.testing.assert_allclose(out / p, 5000.0 / p.sum())  # proportional
    cell_age = np.repeat(np.arange(N)[:, None], 2, axis=1)
    cell_sex = np.tile(np.array([0, 1]), (N, 1))
    age_t = rng.uniform(50, 60, N)
    sex_t = np.array([0.48, 0.52]) * age_t.sum()
    out = rake(p, [(cell_age, age_t), (cell_sex, sex_t)])
    np.testing.assert_allclose(out.sum(axis=(0, 2)), age_t, rtol=1e-8)
    np.testing.assert_allclose(out.sum(axis=(0, 1)), sex_t, rtol=1e-8)


def _frame(arr: np.ndarray, years) -> pd.DataFrame:
    return from_array(arr, [f"0799900100{i}" for i in range(arr.shape[1])], list(years))


def test_project_with_control_totals_sums_equal():
    arr, *_ = _synthetic(na=8)
    pop = _frame(np.round(arr), range(2020, 2025))
    ctrl = pd.DataFrame({"year": range(2025, 2031), "anzahl": np.linspace(30000, 27000, 6).round()})
    res = project(pop, end_year=2030, control=ctrl)
    for j in range(3):
        tot = res.exact[j].sum(axis=(1, 2, 3))[1:]
        np.testing.assert_allclose(tot, ctrl["anzahl"], rtol=1e-10)
        np.testing.assert_array_equal(
            res.values[j].sum(axis=(1, 2, 3))[1:], ctrl["anzahl"]
        )  # after rounding


def test_project_control_by_age_and_sex():
    arr, *_ = _synthetic(na=5)
    pop = _frame(np.round(arr), range(2020, 2025))
    pa = arr[-1].sum(axis=0)
    rows = [
        {
            "year": 2025,
            "alter": a,
            "geschlecht": s,
            "anzahl": float(round(pa[a - 1 if a else 0, j] * 1.1)),
        }
        for a in range(N)
        for j, s in enumerate("mw")
    ]
    ctrl = pd.DataFrame(rows)
    res = project(pop, end_year=2025, control=ctrl, scenarios=[Scenario("mittel")], rounding=False)
    got = res.values[0, 1].sum(axis=0)
    exp = ctrl.pivot(index="alter", columns="geschlecht", values="anzahl")[["m", "w"]].to_numpy()
    np.testing.assert_allclose(got, exp, rtol=1e-10)


def test_scenarios_ordered_and_rounding_preserves_totals():
    arr, *_ = _synthetic(na=10)
    pop = _frame(np.round(arr), range(2020, 2025))
    res = project(pop, end_year=2035)
    tot = res.values.sum(axis=(2, 3, 4))  # scen, years
    i = {s: j for j, s in enumerate(res.scenarios)}
    assert (tot[i["niedrig"], 1:] < tot[i["mittel"], 1:]).all()
    assert (tot[i["mittel"], 1:] < tot[i["hoch"], 1:]).all()
    assert np.array_equal(res.values, np.round(res.values))
    assert (res.values >= 0).all()
    exact_area = res.exact.sum(axis=(3, 4))
    round_area = res.values.sum(axis=(3, 4))
    assert np.abs(exact_area - round_area).max() < 1.0
    np.testing.assert_array_equal(round_area.sum(axis=2), np.round(res.exact.sum(axis=(2, 3, 4))))
    pf = res.population
    assert set(pf["szenario"]) == {"niedrig", "mittel", "hoch"}
    assert pf["anzahl"].dtype == np.int64
    # the start year is the observed population
    np.testing.assert_array_equal(res.values[1, 0], np.round(arr[-1]))


def test_negative_populations_never_occur():
    p = _zeros(2)
    p[:, 20:40, :] = 10
    lt = default_life_table()
    r = np.full((2, N, 2), -2.0)  # absurd out-migration
    out, clipped = project_array(
        p,
        3,
        survival=lt.survival,
        birth_survival=lt.birth_survival,
        fertility=standard_fertility_schedule(),
        migration=r,
        return_clipped=True,
    )
    assert (out >= 0).all()
    assert out[1:].sum() == 0
    assert clipped.sum() > 0
    pop = _frame(np.concatenate([p[None], p[None]]), [2023, 2024])
    from sozialraum.demography.projection import MigrationRates

    mig = MigrationRates(
        keys=tuple(pop["key"].unique()),
        rates=r,
        district=r[0],
        exposure=np.ones_like(r),
        k_cell=0,
        k_area=0,
        transitions=1,
    )
    with pytest.warns(SozialraumWarning, match="Abwanderungsrate"):
        res = project(pop, horizon=2, migration=mig)
    assert (res.values >= 0).all()


def test_one_year_needs_migration_or_zero():
    arr, *_ = _synthetic(na=3)
    pop = _frame(np.round(arr[-1:]), [2024])
    with pytest.raises(InputError, match="zwei"):
        project(pop, horizon=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = project(pop, horizon=2, migration=0.0)
    assert res.params.tfr == pytest.approx(1.35)


def test_english_message():
    arr, *_ = _synthetic(na=3)
    pop = _frame(np.round(arr[-1:]), [2024])
    with pytest.raises(InputError, match="two consecutive"):
        project(pop, horizon=2, lang="en")


def test_project_control_by_age_groups():
    arr, *_ = _synthetic(na=6)
    pop = _frame(np.round(arr), range(2020, 2025))
    ctrl = pd.DataFrame(
        {
            "year": [2026, 2026, 2026],
            "alter_von": [0, 6, 65],
            "alter_bis": [5, 64, None],
            "anzahl": [1500.0, 12000.0, 2500.0],
        }
    )
    res = project(pop, end_year=2027, control=ctrl, scenarios=[Scenario("mittel")], rounding=False)
    got = res.values[0, 2].sum(axis=(0, 2))  # 2026: persons by age
    assert got[:6].sum() == pytest.approx(1500.0)
    assert got[6:65].sum() == pytest.approx(12000.0)
    assert got[65:].sum() == pytest.approx(2500.0)
    free = project(pop, end_year=2027, scenarios=[Scenario("mittel")], rounding=False)
    np.testing.assert_allclose(res.values[0, 1], free.values[0, 1])  # 2025 has no control row
    bad = ctrl.assign(alter_bis=[10, 64, None])
    with pytest.raises(InputError, match="überschneidet"):
        project(pop, end_year=2027, control=bad)
