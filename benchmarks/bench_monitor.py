"""Benchmarks of the monitor room.

* ``monitor_full``: ``run_monitor`` on 600 areas × 80 indicators × 3 years (rates with
  status rules, z-scores, 8 dimension indices, PCA, status/dynamic index and classes,
  quantile classes, trend over 3 years, k-means typology) against a plain
  pandas/scipy/mapclassify/sklearn implementation of the same numbers without status
  handling, NaN rules or labels.
* ``monitor_rates``: ``compute_rates`` (with status propagation) vs plain pandas division.
* ``classify``: ``classify`` (NaN class + German labels) on 80 columns vs
  ``mapclassify.Quantiles`` directly.
* ``eb_global``: ``smooth_rates`` (global EB, 80 indicators) vs ``esda.smoothing.Empirical_Bayes`` directly.
* ``certainty-450x1000`` / ``certainty-80x1000``: ``certainty`` (1,000 bootstrap
  replicates of the whole chain, two years, 20 indicators) for a city of 450 areas and
  a district of 80 (targets ≤ 5 s and ≤ 1 s) vs the plain loop of ``run_monitor`` over
  replicate count tables (timed on 20 replicates, scaled to 1,000).
* ``indicator-certainty-450x1000`` / ``indicator-certainty-80x1000``:
  ``indicator_certainty`` (class certainty of 20 quintile-classified rates, 1,000
  replicates; targets ≤ 5 s and ≤ 1 s) vs the exact posterior probability from
  ``scipy.stats.beta.cdf`` per indicator (the reference the tests compare with).
"""

from __future__ import annotations

import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

N_AREAS, N_IND, YEARS = 600, 80, (2022, 2023, 2024)
DIMS = [
    "Demografie",
    "Arbeit & Einkommen",
    "Bildung",
    "Kinder, Jugend & Familie",
    "Gesundheit & Pflege",
    "Wohnen",
    "Teilhabe",
    "Umwelt",
]


def make_data(seed: int = 0):
    rng = np.random.default_rng(seed)
    keys = [f"07999{i:06d}" for i in range(N_AREAS)]
    pop = rng.integers(150, 8000, N_AREAS).astype(float)
    dens = {f"den{d}": np.round(pop * rng.uniform(0.1, 0.9)) for d in range(10)}
    p = rng.uniform(0.01, 0.4, (N_AREAS, N_IND))
    frames = {}
    for y, yr in enumerate(YEARS):
        data = {"ew_ges": pop + y * 10}
        data.update({k: v + y * 5 for k, v in dens.items()})
        for j in range(N_IND):
            d = data[f"den{j % 10}"]
            data[f"num{j}"] = rng.binomial(
                d.astype(int), np.clip(p[:, j] * (1 + 0.05 * y), 0, 1)
            ).astype(float)
        frames[yr] = pd.DataFrame(data, index=pd.Index(keys, name="key"))
    cat = pd.DataFrame(
        {
            "numerator": [f"num{j}" for j in range(N_IND)],
            "denominator": [f"den{j % 10}" for j in range(N_IND)],
            "per": [100.0] * N_IND,
            "direction": ["resource" if j % 5 == 0 else "need" for j in range(N_IND)],
            "dimension": [DIMS[j % len(DIMS)] for j in range(N_IND)],
            "weight": [1.0] * N_IND,
            "min_denominator": [np.nan] * N_IND,
        },
        index=[f"ind{j}" for j in range(N_IND)],
    )
    status = {
        y: pd.DataFrame(pd.NA, index=f.index, columns=f.columns, dtype="string")
        for y, f in frames.items()
    }
    return frames, status, cat


def _time(fn, repeat=3):
    best = np.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def peer_full(frames, cat):
    """Plain pandas/scipy/mapclassify/sklearn: the same numbers, no rules or labels."""
    import mapclassify as mc
    from scipy.stats import zscore
    from sklearn.cluster import KMeans

    def rates(f):
        num = f[cat["numerator"]].to_numpy()
        den = f[cat["denominator"]].to_numpy()
        return pd.DataFrame(num / den * 100, index=f.index, columns=cat.index)

    rs = {y: rates(f) for y, f in frames.items()}
    cur, first = rs[YEARS[-1]], rs[YEARS[0]]
    f = frames[YEARS[-1]]
    rated = (f["ew_ges"] >= 300).to_numpy()
    sign = np.where(cat["direction"] == "resource", -1.0, 1.0)
    z = pd.DataFrame(zscore(cur[rated], ddof=0) * sign, index=cur.index[rated], columns=cur.columns)
    dims = z.T.groupby(cat["dimension"].to_numpy()).mean().T
    dims = (dims - dims.mean()) / dims.std(ddof=0)
    total = dims.mean(axis=1)
    total = (total - total.mean()) / total.std(ddof=0)
    st = zscore(z.sum(axis=1), ddof=0)
    dz = zscore((cur - first)[rated], ddof=0) * sign
    dyn = zscore(dz.sum(axis=1), ddof=0)
    s_cls = np.select([st < -1, st <= 1, st <= 1.5], ["hoch", "mittel", "niedrig"], "sehr niedrig")
    d_cls = np.select([dyn < -1, dyn <= 1], ["positiv", "stabil"], "negativ")
    q = mc.Quantiles(total.to_numpy(), k=5)
    u, s, vt = np.linalg.svd(z.to_numpy() - z.to_numpy().mean(axis=0), full_matrices=False)
    yrs = np.array(YEARS, dtype=float)
    stack = np.stack([rs[y].to_numpy() for y in YEARS])
    xc = yrs - yrs.mean()
    slope = np.tensordot(xc, stack - stack.mean(axis=0), axes=(0, 0)) / (xc**2).sum()
    typ = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(dims.to_numpy())
    return total, s_cls, d_cls, q.yb, u[:, 0], slope, typ


def main() -> None:
    from sozialraum.errors import SozialraumWarning
    from sozialraum.monitor import classify, compute_rates, run_monitor, smooth_rates

    warnings.simplefilter("ignore", SozialraumWarning)
    frames, status, cat = make_data()

    ours, res = _time(lambda: run_monitor(frames, cat, status=status, n_types=5, seed=0), repeat=2)
    peer, ref = _time(lambda: peer_full(frames, cat), repeat=2)
    # same numbers (sanity): overall index of the rated areas
    got = res.frame.loc[res.frame["bewertet"], "idx_gesamt"].to_numpy()
    assert np.allclose(got, ref[0].to_numpy()), "monitor and peer disagree"
    print(
        f"bench monitor_full: ours {ours:.3f} s, pandas_scipy {peer:.3f} s, ratio {peer / ours:.3g}"
    )
    tracemalloc.start()
    run_monitor(frames, cat, status=status, n_types=5, seed=0)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"bench monitor_full: peak memory {peak:.1f} MB")

    f, st = frames[YEARS[-1]], status[YEARS[-1]]
    ours, _ = _time(lambda: compute_rates(f, cat, status=st))
    peer, _ = _time(
        lambda: pd.DataFrame(
            f[cat["numerator"]].to_numpy() / f[cat["denominator"]].to_numpy() * 100,
            index=f.index,
            columns=cat.index,
        )
    )
    print(f"bench monitor_rates: ours {ours:.3f} s, pandas {peer:.3f} s, ratio {peer / ours:.3g}")

    import mapclassify as mc

    r = res.rates.rates
    ours, _ = _time(lambda: [classify(r[c], scheme="quantiles", k=5) for c in r.columns])
    peer, _ = _time(lambda: [mc.Quantiles(r[c].dropna().to_numpy(), k=5) for c in r.columns])
    print(f"bench classify: ours {ours:.3f} s, mapclassify {peer:.3f} s, ratio {peer / ours:.3g}")

    from esda.smoothing import Empirical_Bayes

    ours, _ = _time(lambda: smooth_rates(f, cat, method="global"))
    peer, _ = _time(
        lambda: [
            Empirical_Bayes(
                f[cat.loc[i, "numerator"]].to_numpy(), f[cat.loc[i, "denominator"]].to_numpy()
            ).r
            for i in cat.index
        ]
    )
    print(f"bench eb_global: ours {ours:.3f} s, esda {peer:.3f} s, ratio {peer / ours:.3g}")
    bench_certainty()
    bench_indicator_certainty()


def bench_indicator_certainty() -> None:
    """Class certainty of 20 classified rates, 450 and 80 areas × 1,000 replicates."""
    from scipy import stats

    from sozialraum.core.classify import classify
    from sozialraum.monitor import compute_rates
    from sozialraum.monitor.certainty_indicators import class_bounds, indicator_certainty

    cat = make_data()[2].iloc[:20]
    for n in (450, 80):
        rng = np.random.default_rng(n)
        keys = pd.Index([f"07999{i:06d}" for i in range(n)], name="key")
        pop = rng.integers(300, 3000, n).astype(float)
        data = {f"den{d}": np.round(pop * (0.1 + 0.08 * d)) for d in range(10)}
        for j in range(20):
            p = rng.uniform(0.02, 0.3, n)
            data[f"num{j}"] = rng.binomial(data[f"den{j % 10}"].astype(int), p).astype(float)
        frame = pd.DataFrame(data, index=keys)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rr = compute_rates(frame, cat)
        ours, res = _time(lambda f=frame, r=rr: indicator_certainty(f, cat, r, replicates=1000))

        def exact(f=frame, r=rr, m=res.params["models"]):
            for ind in cat.index:
                cl = classify(r.rates[ind], "quantiles", k=5, k_at_most=True)
                lo, hi = class_bounds(cl.codes, cl.bins)
                x, d = f[cat.at[ind, "numerator"]], f[cat.at[ind, "denominator"]]
                dist = stats.beta(m[ind]["a0"] + x, m[ind]["b0"] + d - x)
                dist.cdf(np.minimum(hi / 100, 1)) - dist.cdf(np.maximum(lo / 100, 0))

        peer, _ = _time(exact)
        print(
            f"bench indicator-certainty-{n}x1000: ours {ours:.3f} s, scipy_exact_cdf "
            f"{peer:.3f} s, ratio {peer / ours:.3g}"
        )


def bench_certainty() -> None:
    """Bootstrap certainty of 450 and 80 areas × 1,000 replicates vs a loop of run_monitor."""
    from sozialraum.monitor import certainty, run_monitor

    cat = make_data()[2].iloc[:20]
    for n in (450, 80):
        rng = np.random.default_rng(n)
        keys = pd.Index([f"07999{i:06d}" for i in range(n)], name="key")
        pop = rng.integers(300, 3000, n).astype(float)
        p = rng.uniform(0.02, 0.3, (n, 20))
        frames = {}
        for y in (2023, 2024):
            data = {"ew_ges": pop}
            data |= {f"den{d}": np.round(pop * (0.1 + 0.08 * d)) for d in range(10)}
            for j in range(20):
                den = data[f"den{j % 10}"]
                data[f"num{j}"] = rng.binomial(den.astype(int), p[:, j]).astype(float)
            frames[y] = pd.DataFrame(data, index=keys)
        res = run_monitor(frames, cat, n_types=0)
        ours, _ = _time(lambda f=frames, r=res: certainty(f, cat, r, replicates=1000), repeat=2)

        def loop(f=frames, g=rng, reps=20):
            for _ in range(reps):
                draw = {
                    y: fr.assign(
                        **{
                            f"num{j}": g.binomial(
                                fr[f"den{j % 10}"].astype(int), fr[f"num{j}"] / fr[f"den{j % 10}"]
                            )
                            for j in range(20)
                        }
                    )
                    for y, fr in f.items()
                }
                run_monitor(draw, cat, n_types=0)

        peer, _ = _time(loop, repeat=1)
        peer *= 1000 / 20
        print(
            f"bench certainty-{n}x1000: ours {ours:.3f} s, loop_run_monitor {peer:.3f} s, "
            f"ratio {peer / ours:.3g}"
        )


if __name__ == "__main__":
    main()
