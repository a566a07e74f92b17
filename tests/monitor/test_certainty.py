"""Certainty of classes: calibration on synthetic truth, hand cases, determinism, arrays = frames."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sozialraum.core.classify import classify, classify_rows
from sozialraum.core.text import slugify
from sozialraum.monitor import (
    certainty,
    certainty_text,
    mss_index,
    rank_text,
    run_monitor,
    threshold_classes,
)
from sozialraum.monitor.certainty import _draw, _model
from sozialraum.monitor.classify import threshold_codes
from sozialraum.monitor.mss import mss_index_array
from sozialraum.monitor.smoothing import eb_global

CAT = pd.DataFrame(
    {
        "numerator": ["a_x", "b_x", "c_x", "d_x", "e_x", "f_x"],
        "denominator": ["a_n", "b_n", "c_n", "d_n", "e_n", "f_n"],
        "per": [100.0, 100.0, 100.0, 100.0, 1000.0, 100.0],
        "direction": ["need", "need", "resource", "need", "need", "need"],
        "dimension": ["Arbeit", "Arbeit", "Teilhabe", "Teilhabe", "Gesundheit", "Gesundheit"],
        "weight": 1.0,
    },
    index=["a", "b", "c", "d", "e", "f"],
)
MEAN = np.array([0.10, 0.20, 0.55, 0.05, 0.03, 0.15])
SHARE = np.array([0.8, 0.15, 0.7, 0.5, 0.8, 0.2])  # denominator / population


def _truth(rng, n, rho=0.7):
    """True rates: logit-normal around MEAN, correlated through one latent need."""
    lat = rng.normal(size=n)
    p = np.empty((n, len(MEAN)))
    for j, mu in enumerate(MEAN):
        e = rho * lat + np.sqrt(1 - rho**2) * rng.normal(size=n)
        p[:, j] = 1 / (1 + np.exp(-(np.log(mu / (1 - mu)) + 0.45 * e)))
    return p


def _frames(rng, p, ew, keys):
    """Observed counts (binomial) and 'infinite' counts that give the true rates exactly."""
    obs, tru = {"ew_ges": ew}, {"ew_ges": ew}
    for j, c in enumerate("abcdef"):
        den = np.round(ew * SHARE[j])
        obs[f"{c}_n"] = den
        obs[f"{c}_x"] = rng.binomial(den.astype(int), p[:, j]).astype(float)
        tru[f"{c}_n"] = np.full(len(ew), 1e12)
        tru[f"{c}_x"] = p[:, j] * 1e12
    return pd.DataFrame(obs, index=keys), pd.DataFrame(tru, index=keys)


def _simulate(seed, n, replicates=300):
    """One synthetic district over two years: stated certainty and the true class."""
    rng = np.random.default_rng(seed)
    keys = pd.Index([f"k{i:04d}" for i in range(n)], name="key")
    ew = rng.uniform(300, 3000, n).round()
    p1 = _truth(rng, n)
    p2 = np.clip(p1 * np.exp(rng.normal(0, 0.15, p1.shape)), 1e-4, 0.95)
    o1, t1 = _frames(rng, p1, ew, keys)
    o2, t2 = _frames(rng, p2, ew, keys)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = run_monitor({1: o1, 2: o2}, CAT, n_types=0)
        mt = run_monitor({1: t1, 2: t2}, CAT, n_types=0)
        c = certainty({1: o1, 2: o2}, CAT, m, replicates=replicates, seed=seed)
    ok = m.frame["bewertet"]
    parts = []
    for var, col in (
        ("status", "status_klasse"),
        ("dynamik", "dynamik_klasse"),
        ("idx_gesamt", "idx_gesamt_klasse"),
    ):
        hit = (m.frame[col] == mt.frame[col])[ok]
        parts.append(pd.DataFrame({"p": c.frame[f"{var}_sicherheit"][ok], "hit": hit, "var": var}))
    return pd.concat(parts)


def _calibration_errors(res: pd.DataFrame, min_n: int = 150) -> tuple[list, int]:
    """Bins (10 %) whose share of true classes lies outside the bin ± 5 points."""
    bad, checked = [], 0
    edges = np.linspace(0, 1, 11)
    for var, sub in res.groupby("var"):
        b = np.clip(np.digitize(sub["p"], edges[1:-1]), 0, 9)
        for k in range(10):
            sel = sub["hit"][b == k]
            if len(sel) < min_n:
                continue
            checked += 1
            share = sel.mean()
            if not edges[k] - 0.05 <= share <= edges[k + 1] + 0.05:
                bad.append((var, f"{edges[k]:.1f}–{edges[k + 1]:.1f}", len(sel), round(share, 3)))
    return bad, checked


@pytest.fixture(scope="module")
def calibration():
    """Pooled simulations at Musterland size (80 areas) and city size (450 areas)."""
    runs = [_simulate(s, 80) for s in range(24)] + [_simulate(100 + s, 450) for s in range(4)]
    return pd.concat(runs, ignore_index=True)


def test_stated_certainty_is_calibrated_on_synthetic_truth(calibration):
    bad, checked = _calibration_errors(calibration)
    assert checked >= 12, "too few populated bins for a meaningful test"
    assert not bad, bad


def test_calibration_check_rejects_overconfident_probabilities(calibration):
    # the same check must fail for probabilities that claim more than they know
    over = calibration.assign(p=calibration["p"] ** 0.25)
    bad, _ = _calibration_errors(over)
    assert bad


# ----------------------------------------------------------------- hand cases


@pytest.fixture(scope="module")
def district():
    rng = np.random.default_rng(7)
    keys = pd.Index([f"k{i:03d}" for i in range(80)], name="key")
    ew = rng.uniform(300, 3000, 80).round()
    p1 = _truth(rng, 80)
    p2 = np.clip(p1 * np.exp(rng.normal(0, 0.15, p1.shape)), 1e-4, 0.95)
    o1, _ = _frames(rng, p1, ew, keys)
    o2, _ = _frames(rng, p2, ew, keys)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = run_monitor({2023: o1, 2024: o2}, CAT, n_types=0)
    return {2023: o1, 2024: o2}, m


def test_reported_class_is_the_monitors_class(district):
    counts, m = district
    c = certainty(counts, CAT, m, replicates=200)
    for var, col in (("status", "status_klasse"), ("dynamik", "dynamik_klasse")):
        for key, cls in m.frame[col].items():
            p = c.frame.loc[key, f"{var}_sicherheit"]
            if m.frame.loc[key, "bewertet"]:
                assert p == c.frame.loc[key, f"{var}_p_{slugify(cls)}"]
                assert p == c.probabilities[var].loc[key, cls]
    probs = c.probabilities["idx_gesamt"]
    top = probs.idxmax(axis=1)
    # the reported overall class is the most likely one for most areas
    assert (top == m.frame["idx_gesamt_klasse"]).mean() > 0.8
    assert np.allclose(probs.sum(axis=1), 1.0)


def test_seeded_bootstrap_is_deterministic(district):
    counts, m = district
    a = certainty(counts, CAT, m, replicates=100, seed=3)
    b = certainty(counts, CAT, m, replicates=100, seed=3)
    c = certainty(counts, CAT, m, replicates=100, seed=4)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not a.frame["status_index_lo"].equals(c.frame["status_index_lo"])


def test_huge_counts_give_certainty_near_one(district):
    counts, m = district
    big = {y: f.copy() for y, f in counts.items()}
    k = "k005"
    for f in big.values():
        for c in "abcdef":
            n = f.loc[k, f"{c}_n"]
            f.loc[k, f"{c}_x"] = round(f.loc[k, f"{c}_x"] / n * 1e8)
            f.loc[k, f"{c}_n"] = 1e8
    # every other count 10,000 times larger too: sampling noise vanishes everywhere
    huge = {y: f * np.where(f.index == k, 1, 10_000)[:, None] for y, f in big.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mh = run_monitor(huge, CAT, n_types=0)
    ch = certainty(huge, CAT, mh, replicates=200)
    assert ch.frame.loc[k, "status_sicherheit"] > 0.99
    assert (ch.frame["status_sicherheit"] > 0.95).mean() > 0.95
    c = certainty(counts, CAT, m, replicates=200)
    assert c.frame["status_sicherheit"].mean() < ch.frame["status_sicherheit"].mean()
    w_small = (c.frame["idx_gesamt_hi"] - c.frame["idx_gesamt_lo"]).median()
    w_huge = (ch.frame["idx_gesamt_hi"] - ch.frame["idx_gesamt_lo"]).median()
    assert w_huge < w_small / 10


def test_suppressed_cell_widens_the_interval_instead_of_counting_zero(district):
    counts, m = district
    k = "k010"
    cur = counts[2024].copy()
    st = pd.DataFrame(pd.NA, index=cur.index, columns=cur.columns, dtype="string")
    cur.loc[k, ["a_x", "b_x"]] = np.nan
    st.loc[k, ["a_x", "b_x"]] = "geheim"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ms = run_monitor({2023: counts[2023], 2024: cur}, CAT, n_types=0, status={2024: st})
    full = certainty(counts, CAT, m, replicates=400)
    sup = certainty({2023: counts[2023], 2024: cur}, CAT, ms, replicates=400)
    width = lambda r: r.frame.loc[k, "idx_arbeit_hi"] - r.frame.loc[k, "idx_arbeit_lo"]  # noqa: E731
    assert np.isfinite(sup.frame.loc[k, "status_sicherheit"])
    assert width(sup) > 1.5 * width(full)
    assert sup.params["models"]["a"]["gefuellt"] == 1


def test_posterior_mean_is_the_eb_smoothed_rate():
    rng = np.random.default_rng(1)
    n = rng.integers(50, 2000, 60).astype(float)
    x = rng.binomial(n.astype(int), rng.uniform(0.02, 0.3, 60)).astype(float)
    f = pd.DataFrame({"x": x, "n": n})
    cat = pd.DataFrame({"numerator": ["x"], "denominator": ["n"], "per": [1000.0]}, index=["q"])
    from sozialraum.monitor import compute_rates

    rr = compute_rates(f, cat, min_denominator=0)
    model = _model(f, cat, rr, ["q"], np.ones(60, bool))
    assert model.kind[0] == "poisson"
    draws = _draw(model, np.random.default_rng(0), 20_000)[:, 0]
    # Gamma posterior mean = Marshall's global EB rate (esda), in the catalogue unit
    np.testing.assert_allclose(draws.mean(axis=0), eb_global(x, n) * 1000, rtol=0.02)


def test_rank_interval_contains_the_rank_and_texts(district):
    counts, m = district
    c = certainty(counts, CAT, m, replicates=300)
    f = c.frame.dropna(subset=["rang"])
    assert ((f["rang_lo"] <= f["rang"]) & (f["rang"] <= f["rang_hi"])).mean() > 0.95
    assert f["rang"].min() == 1
    assert rank_text(3, 2, 9) == "Rang 3 (2–9)"
    assert rank_text(3, 2, 9, lang="en") == "rank 3 (2–9)"
    assert certainty_text(0.62) == "Klasse zu 62 % sicher"
    assert certainty_text(float("nan")) == ""


def test_unsure_lists_areas_below_the_threshold(district):
    counts, m = district
    c = certainty(counts, CAT, m, replicates=200, unsure_below=0.9)
    u = c.unsure("status")
    assert (c.frame.loc[u, "status_sicherheit"] < 0.9).all()
    rest = c.frame["status_sicherheit"].drop(u).dropna()
    assert (rest >= 0.9).all()


# ----------------------------------------------------------------- arrays = frames


def test_threshold_codes_keep_the_boundary_rule():
    v = np.array([-1.5, -1.0, 0.0, 1.0, 1.2, 1.5, 2.0, np.nan])
    assert threshold_codes(v, (-1, 1, 1.5), 1).tolist() == [0, 1, 1, 1, 2, 2, 3, -1]
    names = ("hoch", "mittel", "niedrig", "sehr niedrig")
    got = threshold_classes(pd.Series(v), (-1, 1, 1.5), names, middle=1)
    assert got.tolist()[:7] == ["hoch", "mittel", "mittel", "mittel", "niedrig", "niedrig"] + [
        "sehr niedrig"
    ]


def test_mss_index_array_equals_the_frame_formula():
    rng = np.random.default_rng(2)
    x = pd.DataFrame(rng.normal(size=(30, 3)), columns=["p", "q", "r"])
    x.iloc[3, 1] = np.nan
    rated = pd.Series(rng.random(30) > 0.2)
    idx, _ = mss_index(x, direction={"q": "resource"}, rated=rated, min_share=0.5)
    arr, _ = mss_index_array(
        np.stack([x.to_numpy().T] * 2), np.array([False, True, False]), rated.to_numpy(), 0.5
    )
    np.testing.assert_allclose(arr[1], idx.to_numpy(), equal_nan=True)


def test_classify_rows_equals_classify_per_row():
    y = np.random.default_rng(3).normal(size=(40, 80))
    codes = classify_rows(y, "quantiles", 5)
    for i in range(40):
        assert (codes[i] == classify(y[i], "quantiles", 5).codes).all()
    nb = classify_rows(y[:3], "natural_breaks", 4)
    for i in range(3):
        assert (nb[i] == classify(y[i], "natural_breaks", 4).codes).all()


def test_too_few_replicates_names_the_setting_of_the_door(district):
    from sozialraum.core.doors import using_door
    from sozialraum.errors import InputError

    counts, m = district
    with pytest.raises(InputError, match="replicates="):
        certainty(counts, CAT, m, replicates=5)
    with using_door("config"), pytest.raises(InputError, match=r"replikate \(in \[monitor\]\)"):
        certainty(counts, CAT, m, replicates=5)


def test_table_headers_of_the_certainty_columns(district):
    from sozialraum.monitor import certainty_labels

    counts, m = district
    c = certainty(counts, CAT, m, replicates=50)
    lab = certainty_labels(c)
    assert lab["status_sicherheit"] == "Statusklasse: Sicherheit"
    assert lab["status_p_sehr_niedrig"] == "Statusklasse: Wahrscheinlichkeit „sehr niedrig“"
    assert lab["idx_gesamt_lo"] == "Gesamtindex: untere Grenze (90 %)"
    assert lab["rang_hi"] == "Rang: obere Grenze (90 %)"
    assert set(lab) == set(c.frame.columns)


@pytest.mark.parametrize("settings", [{"standardization": "minmax"}, {"smoothing": "global"}])
def test_other_monitor_settings_run_through_the_same_chain(district, settings):
    counts, _ = district
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = run_monitor(counts, CAT, n_types=0, **settings)
    c = certainty(counts, CAT, m, replicates=30)
    ok = m.frame["bewertet"]
    assert np.allclose(c.probabilities["idx_gesamt"][ok].sum(axis=1), 1.0)
    assert c.frame.loc[ok, "idx_gesamt_sicherheit"].between(0, 1).all()
