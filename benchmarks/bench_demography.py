"""Benchmarks of the demography room.

Data: 600 synthetic areas (population 200–5,000 each, single years of age 0..100 and
sex), default life table, standard fertility schedule (TFR 1.4), area fertility factors
and area-specific net migration rates (district profile + area level), control total
per year (raking), 15 projection years, one scenario.

Lines:
* ``projection-600x15y``: :func:`sozialraum.demography.project_array` (numpy over the
  whole (area, age, sex) array per year) vs a straightforward implementation of the
  **same model** that loops in Python over the areas (peer "per-area-loop"): for each
  year and each area it ages the cohorts with a Python loop over the ages, computes the
  births from the women of that area and the net migration, then rakes all areas to
  the control total. Both results are checked to agree (rtol 1e-9) before timing.
  Timings: best of 3 (ours) / best of 2 (peer).
* ``project-musterland-like-80x11y-3scen``: the full :func:`project` (reading from a frame,
  estimating fertility and migration from 5 years, 3 scenarios, rounding) — only ours;
  the peer column repeats the per-area loop for the projection part alone, ×3 scenarios.
* peak memory of ``projection-600x15y``.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

from sozialraum.demography import (
    FEMALE_BIRTH_SHARE,
    default_life_table,
    from_array,
    project,
    project_array,
    standard_fertility_schedule,
)

N = 101


def peer_project(
    p0,
    steps,
    survival,
    birth_survival,
    fertility,
    migration,
    area_fertility,
    control,
    female_share=FEMALE_BIRTH_SHARE,
):
    """Same cohort-component model with plain Python loops over areas and ages."""
    na = p0.shape[0]
    out = [p0.copy()]
    for step in range(steps):
        p = out[-1]
        nxt = np.zeros_like(p)
        for i in range(na):
            r = migration[i]
            for s in range(2):
                for x in range(1, 100):
                    fac = survival[x - 1, s] + r[x, s]
                    nxt[i, x, s] = p[i, x - 1, s] * max(fac, 0.0)
                fac = survival[99, s] + r[100, s]
                nxt[i, 100, s] = (p[i, 99, s] + p[i, 100, s]) * max(fac, 0.0)
            births = 0.0
            for a in range(15, 50):
                births += fertility[a] * (p[i, a, 1] + nxt[i, a, 1]) / 2.0
            births *= area_fertility[i]
            nxt[i, 0, 0] = births * (1 - female_share) * max(birth_survival[0] + r[0, 0], 0.0)
            nxt[i, 0, 1] = births * female_share * max(birth_survival[1] + r[0, 1], 0.0)
        total = nxt.sum()
        nxt *= control[step] / total
        out.append(nxt)
    return np.stack(out)


def _data(na=600, seed=11):
    rng = np.random.default_rng(seed)
    size = rng.uniform(200, 5000, na)
    shape = np.exp(-np.arange(N) / 45.0)
    p0 = (
        size[:, None, None]
        * (shape / shape.sum() / 2)[None, :, None]
        * rng.uniform(0.7, 1.3, (na, N, 2))
    )
    lt = default_life_table()
    f = standard_fertility_schedule(1.4)
    prof = 0.01 * np.exp(-(((np.arange(N) - 24) / 8.0) ** 2)) - 0.002
    r = prof[None, :, None] + rng.normal(0, 0.004, (na, 1, 1)) + np.zeros((na, N, 2))
    c = rng.uniform(0.8, 1.2, na)
    return p0, lt, f, r, c


def _best(fn, repeat):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    p0, lt, f, r, c = _data()
    steps = 15
    control = p0.sum() * (1 - 0.003 * np.arange(1, steps + 1))
    cell = np.zeros((N, 2), dtype=np.int64)
    ctrl = [(cell, control[:, None])]

    def ours():
        return project_array(
            p0,
            steps,
            survival=lt.survival,
            birth_survival=lt.birth_survival,
            fertility=f,
            migration=r,
            area_fertility=c,
            control=ctrl,
        )

    def peer():
        return peer_project(p0, steps, lt.survival, lt.birth_survival, f, r, c, control)

    a, b = ours(), peer()
    np.testing.assert_allclose(a, b, rtol=1e-9)
    t_ours = _best(ours, 3)
    t_peer = _best(peer, 2)
    print(
        f"bench projection-600x15y: ours {t_ours:.4f} s, per-area-loop {t_peer:.4f} s, ratio {t_peer / t_ours:.1f}"
    )
    tracemalloc.start()
    ours()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"bench projection-600x15y: peak memory {peak:.1f} MB")

    # full pipeline on a Musterland-sized district: 80 areas, 5 observed years, 11 projected, 3 scenarios
    p80, lt, f, r80, c80 = _data(na=80, seed=5)
    hist = project_array(
        p80,
        4,
        survival=lt.survival,
        birth_survival=lt.birth_survival,
        fertility=f,
        migration=r80,
        area_fertility=c80,
    )
    frame = from_array(
        np.round(hist), [f"07999{i:06d}" for i in range(80)], list(range(2020, 2025))
    )

    def ours_full():
        return project(frame, end_year=2035)

    def peer_part():
        for _ in range(3):
            peer_project(
                hist[-1],
                11,
                lt.survival,
                lt.birth_survival,
                f,
                r80,
                c80,
                np.full(11, hist[-1].sum()),
            )

    t_o = _best(ours_full, 3)
    t_p = _best(peer_part, 2)
    print(
        f"bench project-musterland-like-80x11y-3scen: ours {t_o:.4f} s, per-area-loop {t_p:.4f} s, "
        f"ratio {t_p / t_o:.1f}"
    )


if __name__ == "__main__":
    main()
