"""Age groups, median age and dependency ratios against hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum.demography import age_groups, change_rates, dependency_ratios, mean_age, median_age
from sozialraum.errors import InputError


def _pop(rows: dict[tuple[str, int], dict[int, float]]) -> pd.DataFrame:
    """rows: (key, year) -> {age: persons}; persons split m = all, w = 0 unless negative key."""
    out = []
    for (key, year), ages in rows.items():
        for a, n in ages.items():
            out.append(
                {"key": key, "year": year, "alter": a, "geschlecht": "m", "anzahl": float(n)}
            )
            out.append({"key": key, "year": year, "alter": a, "geschlecht": "w", "anzahl": 0.0})
    return pd.DataFrame(out)


def test_median_age_hand_computed():
    pop = _pop(
        {
            ("a", 2024): {30: 10, 31: 10, 40: 5},  # N=25, half 12.5 -> 31 + (12.5-10)/10
            ("b", 2024): {0: 2, 1: 2, 2: 4},  # N=8, half 4 -> 1 + (4-2)/2 = 2.0
            ("c", 2024): {5: 0},  # empty
            ("d", 2024): {100: 3},
        }
    )  # 100 + 1.5/3
    med = median_age(pop)
    assert med[("a", 2024)] == pytest.approx(31.25)
    assert med[("b", 2024)] == pytest.approx(2.0)
    assert np.isnan(med[("c", 2024)])
    assert med[("d", 2024)] == pytest.approx(100.5)
    # mean age with mid-year ages: (10*30.5 + 10*31.5 + 5*40.5) / 25
    assert mean_age(pop)[("a", 2024)] == pytest.approx((305 + 315 + 202.5) / 25)


def test_median_both_sexes_counted():
    pop = pd.DataFrame(
        {
            "key": "x",
            "year": 2020,
            "alter": [10, 10, 20, 20],
            "geschlecht": ["m", "w", "m", "w"],
            "anzahl": [1.0, 1.0, 1.0, 1.0],
        }
    )
    assert median_age(pop).iloc[0] == pytest.approx(11.0)  # N=4, half=2, age 10 holds 2 -> 10 + 2/2


def test_dependency_ratios_hand_computed():
    pop = _pop(
        {("a", 2024): {5: 10, 19: 20, 20: 30, 64: 30, 65: 10, 90: 5}, ("z", 2024): {10: 4, 70: 2}}
    )
    d, st = dependency_ratios(pop, with_status=True)
    assert d.loc[("a", 2024), "jugendquotient"] == pytest.approx(50.0)  # 30 / 60
    assert d.loc[("a", 2024), "altenquotient"] == pytest.approx(25.0)  # 15 / 60
    assert d.loc[("a", 2024), "gesamtquotient"] == pytest.approx(75.0)
    assert np.isnan(d.loc[("z", 2024), "altenquotient"])
    assert st.loc[("z", 2024), "altenquotient"] == "nenner_null"
    assert pd.isna(st.loc[("a", 2024), "altenquotient"])


def test_age_groups_hand_counts_and_custom():
    pop = _pop(
        {
            ("a", 2024): {
                0: 1,
                2: 2,
                3: 4,
                5: 8,
                6: 16,
                9: 32,
                10: 64,
                18: 128,
                19: 256,
                80: 512,
                100: 1024,
            }
        }
    )
    g = age_groups(pop).loc[("a", 2024)]
    assert g["ew_0_2"] == 3 and g["ew_3_5"] == 12 and g["ew_6_9"] == 48
    assert g["ew_10_15"] == 64 and g["ew_16_18"] == 128 and g["ew_19_64"] == 256
    assert g["ew_65_79"] == 0 and g["ew_80plus"] == 1536 and g["ew_ges"] == 2047
    c = age_groups(pop, [("u6", 0, 5), ("alt", 65, None)], total=False, by_sex=True).loc[
        ("a", 2024)
    ]
    assert c["u6"] == 15 and c["alt"] == 1536 and c["u6_m"] == 15 and c["u6_w"] == 0
    with pytest.raises(InputError):
        age_groups(pop, [("bad", 10, 5)])


def test_change_rates():
    pop = _pop(
        {("a", 2020): {1: 10}, ("a", 2024): {1: 15}, ("b", 2020): {70: 0}, ("b", 2024): {70: 4}}
    )
    tab = age_groups(pop)
    ch = change_rates(tab, annual=True)
    assert ch.loc["a", "ew_0_2_abs"] == 5
    assert ch.loc["a", "ew_0_2_proz"] == pytest.approx(50.0)
    assert ch.loc["a", "ew_0_2_proz_jahr"] == pytest.approx((1.5**0.25 - 1) * 100)
    assert np.isnan(ch.loc["b", "ew_65_79_proz"])
    with pytest.raises(InputError, match="2019"):
        change_rates(tab, base_year=2019)


def _age_matrix_by_groupby(pop, sex=None):
    """The age matrix as pandas' grouping writes it (the reference of ``_age_matrix``)."""
    from sozialraum.demography.groups import _by
    from sozialraum.demography.population import N_AGES

    data = pop if sex is None else pop[pop["geschlecht"] == sex]
    by = _by(pop)
    cube = data.groupby(by + ["alter"], sort=True)["anzahl"].sum().unstack("alter")
    cube = cube.reindex(columns=range(N_AGES), fill_value=0.0).fillna(0.0)
    if sex is not None:
        cube = cube.reindex(pop.groupby(by, sort=True).size().index, fill_value=0.0)
    return cube.index, cube.to_numpy(dtype=float)


@pytest.mark.parametrize("scenarios", [True, False])
@pytest.mark.parametrize("sex", [None, "m", "w"])
def test_age_matrix_equals_pandas_grouping(scenarios, sex):
    """Sorted rows, ages 0..100 only, gaps 0, missing counts skipped, rows of the whole
    frame also for one sex: as ``groupby(...).sum().unstack()`` gives them."""
    from sozialraum.demography.groups import _age_matrix

    rng = np.random.default_rng(7)
    n = 20000
    pop = pd.DataFrame(
        {
            "szenario": rng.choice(["mittel", "hoch", "niedrig"], n),
            "key": rng.choice([f"07999{i:03d}" for i in (3, 1, 20, 7)], n),
            "year": rng.integers(2020, 2030, n),
            "alter": rng.integers(0, 104, n),  # 101..103 lie outside the matrix
            "geschlecht": rng.choice(["m", "w"], n),
            "anzahl": rng.poisson(4, n).astype(float),
        }
    )
    pop.loc[rng.choice(n, 40, replace=False), "anzahl"] = np.nan
    pop["alter"] = pop["alter"].astype(float)
    pop.loc[rng.choice(n, 10, replace=False), "alter"] = 12.5  # no single year of age
    # one area without men: its rows stay (as zeros) in the men's matrix
    pop = pop[~((pop["key"] == "07999020") & (pop["geschlecht"] == "m"))]
    if not scenarios:
        pop = pop.drop(columns="szenario")
    want_index, want = _age_matrix_by_groupby(pop, sex)
    index, got = _age_matrix(pop, sex)
    assert index.equals(want_index) and list(index.names) == list(want_index.names)
    np.testing.assert_array_equal(got, want)
