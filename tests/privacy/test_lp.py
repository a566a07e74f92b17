"""solve_lp gives exactly what linprog(method="highs") gives: status, solution, objective."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linprog

from sozialraum.privacy import lp as lp_mod
from sozialraum.privacy.lp import solve_lp


def _random_programmes(seed: int, count: int):
    rng = np.random.default_rng(seed)
    for i in range(count):
        n, m = int(rng.integers(2, 14)), int(rng.integers(0, 7))
        A = rng.integers(-2, 3, size=(m, n)).astype(float)
        b = rng.integers(-3, 4, size=m).astype(float)
        lo = rng.choice([0.0, -np.inf, 1.0], size=n)
        hi = np.where(rng.random(n) < 0.5, np.inf, lo + rng.integers(0, 5, size=n))
        kw = {"bounds": np.column_stack([lo, hi])}
        if m and i % 3 == 0:
            kw.update(A_eq=sp.csr_matrix(A), b_eq=b)
        elif m and i % 3 == 1:
            kw.update(A_ub=A, b_ub=b)
        elif m:
            kw.update(
                A_eq=A[: m // 2 + 1], b_eq=b[: m // 2 + 1], A_ub=A[m // 2 :], b_ub=b[m // 2 :]
            )
        yield rng.integers(-3, 4, size=n).astype(float), kw


def _same(c, kw):
    ref = linprog(c, method="highs", **kw)
    got = solve_lp(c, **kw)
    assert got.status == ref.status
    if ref.status == 0:
        assert np.array_equal(got.x, ref.x) and got.fun == ref.fun
    else:
        assert got.x is None
    return ref.status


def test_equal_to_linprog_on_random_programmes_of_every_outcome():
    statuses = [_same(c, kw) for c, kw in _random_programmes(7, 400)]
    # optimal, infeasible and unbounded programmes all occur (the test covers each)
    assert {0, 2, 3} <= set(statuses)


def test_equal_to_linprog_on_a_protection_programme():
    """The shape the suppression solves: ``[A, -A] (p, q) = 0`` with one cell pinned to move."""
    rng = np.random.default_rng(3)
    n = 60
    A = sp.random(25, n, density=0.15, random_state=4, data_rvs=lambda k: np.ones(k)).tocsr()
    x = rng.integers(0, 40, size=n).astype(float)
    pmax = np.where(rng.random(n) < 0.7, np.inf, 0.0)
    pb = np.column_stack([np.zeros(n), pmax])
    qb = np.column_stack([np.zeros(n), np.where(pmax > 0, x, 0.0)])
    pb[5] = (3.0, 3.0)
    cost = 1.0 + x
    kw = {
        "A_eq": sp.hstack([A, -A]).tocsr(),
        "b_eq": np.zeros(A.shape[0]),
        "bounds": np.vstack([pb, qb]),
    }
    _same(np.concatenate([cost, cost]), kw)


def test_hand_case():
    # min x + 2y, x + y = 3, y >= 1  →  x = 2, y = 1, objective 4
    r = solve_lp(
        np.array([1.0, 2.0]),
        A_eq=np.array([[1.0, 1.0]]),
        b_eq=np.array([3.0]),
        bounds=np.array([[0.0, np.inf], [1.0, np.inf]]),
    )
    assert (r.status, r.x.tolist(), r.fun) == (0, [2.0, 1.0], 4.0)


def test_without_scipys_highs_module_it_asks_linprog(monkeypatch):
    monkeypatch.setattr(lp_mod, "_highs", None)
    for c, kw in _random_programmes(11, 40):
        _same(c, kw)


@pytest.mark.parametrize("bad", [np.array([[0.0, -1.0]])])
def test_an_empty_box_is_infeasible(bad):
    r = solve_lp(np.array([1.0]), bounds=bad)
    assert r.status == linprog(np.array([1.0]), bounds=bad, method="highs").status == 2
