"""Certainty of single-indicator classes: exact posterior reference, calibration, edge cases."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sozialraum.core.classify import classify
from sozialraum.errors import InputError
from sozialraum.monitor import compute_rates
from sozialraum.monitor.certainty_indicators import (
    class_bounds,
    indicator_certainty,
    indicator_certainty_labels,
)

CAT = pd.DataFrame(
    {
        "numerator": ["a_x", "b_x", "c_x", "e_x", "g"],
        "denominator": ["a_n", "b_n", "c_n", "e_n", None],
        "per": [100.0, 100.0, 100.0, 1000.0, 1.0],
        "label": ["Quote A", "Quote B", "Quote C", "Rate E", "Wert G"],
    },
    index=["a", "b", "c", "e", "g"],
)
MEAN = np.array([0.10, 0.20, 0.55, 0.03])
SHARE = np.array([0.8, 0.15, 0.7, 0.8])  # denominator / population


def _district(rng, n):
    """True rates (logit-normal) and observed counts of one synthetic district."""
    keys = pd.Index([f"k{i:04d}" for i in range(n)], name="key")
    ew = rng.uniform(300, 3000, n).round()
    truth, data = {}, {"ew_ges": ew}
    for j, c in enumerate("abce"):
        mu = MEAN[j]
        p = 1 / (1 + np.exp(-(np.log(mu / (1 - mu)) + 0.45 * rng.normal(size=n))))
        den = np.round(ew * SHARE[j])
        data[f"{c}_n"] = den
        data[f"{c}_x"] = rng.binomial(den.astype(int), p).astype(float)
        truth[c] = p * CAT.loc[c, "per"]
    data["g"] = rng.uniform(1, 5, n)
    return pd.DataFrame(data, index=keys), pd.DataFrame(truth, index=keys)


def _rates(frame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compute_rates(frame, CAT)


def _simulate(seed, n, replicates=300):
    rng = np.random.default_rng(seed)
    obs, truth = _district(rng, n)
    rr = _rates(obs)
    res = indicator_certainty(obs, CAT, rr, replicates=replicates, seed=seed)
    parts = []
    for c in "abce":
        cl = classify(rr.rates[c], "quantiles", k=5, k_at_most=True)
        lo, hi = class_bounds(cl.codes, cl.bins)
        hit = (truth[c].to_numpy() > lo) & (truth[c].to_numpy() <= hi)
        ok = cl.codes >= 0
        parts.append(
            pd.DataFrame({"p": res.frame[f"{c}_sicherheit"][ok], "hit": hit[ok], "var": c})
        )
    return pd.concat(parts)


def _calibration_errors(res: pd.DataFrame, min_n: int = 150) -> tuple[list, int]:
    """Bins (10 %) whose share of true classes lies outside the bin ± 5 points."""
    bad, checked = [], 0
    edges = np.linspace(0, 1, 11)
    b = np.clip(np.digitize(res["p"], edges[1:-1]), 0, 9)
    for k in range(10):
        sel = res["hit"][b == k]
        if len(sel) < min_n:
            continue
        checked += 1
        share = sel.mean()
        if not edges[k] - 0.05 <= share <= edges[k + 1] + 0.05:
            bad.append((f"{edges[k]:.1f}–{edges[k + 1]:.1f}", len(sel), round(share, 3)))
    return bad, checked


@pytest.fixture(scope="module")
def calibration():
    """Pooled simulations at Musterland size (80 areas) and city size (450 areas)."""
    runs = [_simulate(s, 80) for s in range(20)] + [_simulate(100 + s, 450) for s in range(4)]
    return pd.concat(runs, ignore_index=True)


def test_stated_indicator_class_certainty_is_calibrated_on_synthetic_truth(calibration):
    bad, checked = _calibration_errors(calibration)
    assert checked >= 7, "too few populated bins for a meaningful test"
    assert not bad, bad


def test_calibration_check_rejects_overconfident_indicator_probabilities(calibration):
    over = calibration.assign(p=calibration["p"] ** 0.25)
    bad, _ = _calibration_errors(over)
    assert bad


# ----------------------------------------------------------------- hand cases


@pytest.fixture(scope="module")
def district():
    obs, truth = _district(np.random.default_rng(3), 80)
    return obs, _rates(obs)


def test_bootstrap_equals_the_exact_posterior_probability(district):
    # independent reference: P(lo < R ≤ hi) from the Beta / Gamma posterior's CDF
    obs, rr = district
    res = indicator_certainty(obs, CAT, rr, replicates=4000, seed=1)
    for c in "abce":
        per = CAT.loc[c, "per"]
        m = res.params["models"][c]
        x, n = obs[f"{c}_x"].to_numpy(), obs[f"{c}_n"].to_numpy()
        cl = classify(rr.rates[c], "quantiles", k=5, k_at_most=True)
        lo, hi = class_bounds(cl.codes, cl.bins)
        if m["modell"] == "binomial":
            dist = stats.beta(m["a0"] + x, m["b0"] + n - x)
        else:
            dist = stats.gamma(m["a0"] + x, scale=1 / (m["b0"] + n))
        exact = dist.cdf(np.minimum(hi / per, 1e9)) - dist.cdf(np.maximum(lo / per, -1e9))
        got = res.frame[f"{c}_sicherheit"].to_numpy()
        assert np.nanmax(np.abs(got - exact)) < 0.035, c
        assert m["modell"] == ("poisson" if c == "e" else "binomial")


def test_class_bounds_open_at_both_ends():
    lo, hi = class_bounds([0, 1, 2, -1, -2], [1.0, 2.0, 3.0])
    assert lo.tolist()[:3] == [-np.inf, 1.0, 2.0]
    assert hi.tolist()[:3] == [1.0, 2.0, np.inf]
    assert np.isnan(lo[3:]).all() and np.isnan(hi[3:]).all()


def test_value_on_a_break_is_half_in_and_a_wrong_class_is_certainly_out():
    # closed above (b_{j-1} < x ≤ b_j): a posterior centred on the break is in half the time
    idx = pd.Index(["u", "v", "w"], name="key")
    big = 1e9
    obs = pd.DataFrame({"a_x": [0.1 * big, 0.2 * big, 0.3 * big], "a_n": big}, index=idx)
    cat = CAT.loc[["a"]]
    rr = _rates(obs)
    codes = np.array([0, 1, 0])  # bins 20 | 30: w (30 %) shown one class too low
    res = indicator_certainty(obs, cat, rr, {"a": (codes, (20.0, 30.0))}, replicates=400)
    p = res.frame["a_sicherheit"]
    assert p["u"] == 1.0
    assert p["v"] == pytest.approx(0.5, abs=0.1)
    assert p["w"] == 0.0


def test_huge_counts_give_certainty_near_one_off_the_breaks(district):
    obs, _ = district
    big = obs.copy()
    for c in "abce":
        big[f"{c}_x"] *= 10_000
        big[f"{c}_n"] *= 10_000
    rr = _rates(big)
    res = indicator_certainty(big, CAT, rr, replicates=200, seed=2)
    p = res.frame["a_sicherheit"]
    assert (p > 0.99).mean() > 0.9


def test_missing_count_of_a_shown_class_widens_instead_of_counting_zero(district):
    obs, rr = district
    cl = classify(rr.rates["a"], "quantiles", k=5, k_at_most=True)
    key = rr.rates.index[5]
    res = indicator_certainty(obs, CAT, rr, {"a": (cl.codes, cl.bins)}, replicates=2000)
    gone = obs.copy()
    gone.loc[key, ["a_x"]] = np.nan  # the class is shown (e.g. from the delivered rate)
    res2 = indicator_certainty(gone, CAT, rr, {"a": (cl.codes, cl.bins)}, replicates=2000)
    p_prior = res2.frame.at[key, "a_sicherheit"]
    assert 0.02 < p_prior < 0.9  # drawn from the prior: neither 0 nor certain
    assert p_prior < res.frame.at[key, "a_sicherheit"] or res.frame.at[key, "a_sicherheit"] < 0.5


def test_indicator_without_denominator_gets_no_certainty(district):
    obs, rr = district
    res = indicator_certainty(obs, CAT, rr, replicates=50)
    assert "g_sicherheit" not in res.frame.columns
    assert {"a_sicherheit", "b_sicherheit", "c_sicherheit", "e_sicherheit"} <= set(
        res.frame.columns
    )


def test_area_without_class_has_no_certainty(district):
    obs, rr = district
    cl = classify(rr.rates["b"], "quantiles", k=5, k_at_most=True)
    codes = cl.codes.copy()
    codes[:3] = -2  # suppressed in the map
    res = indicator_certainty(obs, CAT, rr, {"b": (codes, cl.bins)}, replicates=50)
    assert res.frame["b_sicherheit"].iloc[:3].isna().all()
    assert res.frame["b_sicherheit"].iloc[3:].notna().all()


def test_seeded_indicator_certainty_is_deterministic(district):
    obs, rr = district
    one = indicator_certainty(obs, CAT, rr, replicates=100, seed=5).frame
    two = indicator_certainty(obs, CAT, rr, replicates=100, seed=5).frame
    pd.testing.assert_frame_equal(one, two)


def test_unsure_and_labels(district):
    obs, rr = district
    res = indicator_certainty(obs, CAT, rr, replicates=200, unsure_below=0.8)
    s = res.frame["a_sicherheit"]
    assert list(res.unsure("a")) == list(s.index[s < 0.8])
    assert indicator_certainty_labels(res, CAT)["a_sicherheit"] == "Quote A: Klassensicherheit"
    assert indicator_certainty_labels(res, CAT, "en")["a_sicherheit"] == "Quote A: class certainty"


def test_wrong_number_of_codes_names_the_indicator(district):
    obs, rr = district
    with pytest.raises(InputError, match="'a'"):
        indicator_certainty(obs, CAT, rr, {"a": (np.zeros(3, int), (1.0,))})
    with pytest.raises(InputError, match="zz"):
        indicator_certainty(obs, CAT, rr, {"zz": (np.zeros(80, int), (1.0,))})


def test_headers_without_a_result_name_every_indicator_with_a_denominator():
    h = indicator_certainty_labels(None, CAT)
    assert h == {
        "a_sicherheit": "Quote A: Klassensicherheit",
        "b_sicherheit": "Quote B: Klassensicherheit",
        "c_sicherheit": "Quote C: Klassensicherheit",
        "e_sicherheit": "Rate E: Klassensicherheit",
    }


def test_balance_with_negative_counts_gets_no_certainty(district):
    # net migration per 1,000: a signed balance, no count of events (no Poisson noise)
    obs, _ = district
    cat = pd.concat(
        [CAT, pd.DataFrame({"numerator": ["s_x"], "denominator": ["a_n"], "per": [1000.0],
                            "label": ["Saldo"]}, index=["s"])]
    )  # fmt: skip
    bal = obs.assign(s_x=np.random.default_rng(0).integers(-20, 20, len(obs)).astype(float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rr = compute_rates(bal, cat)
    res = indicator_certainty(bal, cat, rr, replicates=50)
    assert "s_sicherheit" not in res.frame.columns
    assert "a_sicherheit" in res.frame.columns
