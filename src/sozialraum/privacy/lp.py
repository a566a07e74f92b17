"""Small linear programmes of the privacy step, solved by HiGHS as ``linprog`` would.

The suppression (protection LPs) and the audit (attacker intervals) solve a few
thousand small programmes per run. :func:`scipy.optimize.linprog` with
``method="highs"`` spends about two thirds of the time of such a programme in
Python around the solver: it validates every option by name and builds the
marginals of every column in a Python loop, neither of which these callers use.
:func:`solve_lp` hands the same model with the same options to the same solver —
the HiGHS that SciPy ships — and applies ``linprog``'s feasibility check to the
result, so its status, solution and objective are exactly those of ``linprog``
(tested on the programmes of a run). Where that solver module is not there (a
SciPy before 1.15, e.g. in an older QGIS), it calls ``linprog`` itself.

Example
-------
>>> import numpy as np
>>> r = solve_lp(np.array([1.0, 2.0]), A_eq=np.array([[1.0, 1.0]]), b_eq=np.array([3.0]),
...              bounds=np.array([[0.0, np.inf], [1.0, np.inf]]))
>>> r.status, r.x.tolist(), r.fun
(0, [2.0, 1.0], 4.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

try:  # SciPy's own build of HiGHS (SciPy >= 1.15), as linprog uses it
    from scipy.optimize._highspy import _core as _highs
    from scipy.optimize._highspy._core import simplex_constants as _simplex
except ImportError:  # pragma: no cover - older SciPy: linprog itself
    _highs = None

__all__ = ["LPResult", "solve_lp"]

#: linprog's feasibility tolerance for a reported optimum (``sqrt(tol) * 10``, ``tol=1e-9``)
_FEASIBLE = np.sqrt(1e-9) * 10


@dataclass(frozen=True)
class LPResult:
    """``status`` as :func:`scipy.optimize.linprog` gives it (0: optimal), ``x`` and ``fun``."""

    status: int
    x: np.ndarray | None
    fun: float | None


def solve_lp(c, *, bounds, A_eq=None, b_eq=None, A_ub=None, b_ub=None) -> LPResult:
    """``min c·x`` s.t. ``A_ub x <= b_ub``, ``A_eq x = b_eq``, ``bounds[:, 0] <= x <= bounds[:, 1]``.

    The result equals ``linprog(c, A_ub=…, b_ub=…, A_eq=…, b_eq=…, bounds=bounds,
    method="highs")`` in ``status``, ``x`` and ``fun``.
    """
    c = np.asarray(c, dtype=float)
    bounds = np.asarray(bounds, dtype=float).reshape(-1, 2)
    if _highs is None:  # pragma: no cover - older SciPy
        return _linprog(c, bounds, A_eq, b_eq, A_ub, b_ub)
    A, lhs, rhs, n_ub = _rows(c.size, A_eq, b_eq, A_ub, b_ub)
    lb, ub = bounds[:, 0].copy(), bounds[:, 1].copy()
    h = _highs._Highs()
    h.passOptions(_options())
    if h.passModel(_model(c, A, lhs, rhs, lb, ub)) == _highs.HighsStatus.kError:
        return LPResult(2, None, None)  # as linprog: a model HiGHS refuses
    h.run()
    if h.getModelStatus() != _highs.HighsModelStatus.kOptimal:
        return LPResult(_STATUS.get(h.getModelStatus(), 4), None, None)
    sol = h.getSolution()
    x = np.array(sol.col_value)
    fun = h.getInfo().objective_function_value
    row = np.array(sol.row_value)
    ok = _feasible(x, fun, bounds, rhs[:n_ub] - row[:n_ub], rhs[n_ub:] - row[n_ub:])
    return LPResult(0 if ok else 4, x, fun)


def _rows(n: int, A_eq, b_eq, A_ub, b_ub):
    """The constraint matrix (CSC, inequalities first, as linprog) and its row bounds."""
    mats, lhs, rhs = [], [], []
    if A_ub is not None and np.size(b_ub):
        b = np.asarray(b_ub, dtype=float).ravel()
        mats.append(sp.csr_array(A_ub))
        lhs.append(np.full(b.size, -np.inf))
        rhs.append(b)
    n_ub = sum(len(r) for r in rhs)
    if A_eq is not None and np.size(b_eq):
        b = np.asarray(b_eq, dtype=float).ravel()
        mats.append(sp.csr_array(A_eq))
        lhs.append(b)
        rhs.append(b)
    if not mats:
        return sp.csc_array((0, n)), np.zeros(0), np.zeros(0), 0
    A = sp.csc_array(sp.vstack(mats)) if len(mats) > 1 else mats[0].tocsc()
    return A, np.concatenate(lhs), np.concatenate(rhs), n_ub


def _model(c, A, lhs, rhs, lb, ub):
    lp = _highs.HighsLp()
    lp.num_col_ = lp.a_matrix_.num_col_ = c.size
    lp.num_row_ = lp.a_matrix_.num_row_ = rhs.size
    lp.a_matrix_.format_ = _highs.MatrixFormat.kColwise
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = c, lb, ub
    lp.row_lower_, lp.row_upper_ = lhs, rhs
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    return lp


def _options():
    """The options ``linprog(method="highs")`` sets (the rest are HiGHS's defaults)."""
    o = _highs.HighsOptions()
    o.presolve = "on"
    o.highs_debug_level = _highs.HighsDebugLevel.kHighsDebugLevelNone
    o.log_to_console = False
    o.output_flag = False
    o.simplex_strategy = _simplex.SimplexStrategy.kSimplexStrategyDual
    return o


def _feasible(x, fun, bounds, slack, con) -> bool:
    """linprog's check of a reported optimum (``scipy.optimize._linprog_util._check_result``)."""
    if np.isnan(x).any() or np.isnan(fun) or np.isnan(slack).any() or np.isnan(con).any():
        return False
    tol = _FEASIBLE
    inside = np.all((x >= bounds[:, 0] - tol) & (x <= bounds[:, 1] + tol))
    return bool(inside and not (slack < -tol).any() and not (np.abs(con) > tol).any())


def _linprog(c, bounds, A_eq, b_eq, A_ub, b_ub) -> LPResult:  # pragma: no cover - older SciPy
    from scipy.optimize import linprog

    r = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=bounds, method="highs")
    return LPResult(int(r.status), r.x, r.fun)


#: HiGHS model status → linprog status (1 limit, 2 infeasible, 3 unbounded, else 4)
_STATUS = (
    {}
    if _highs is None
    else {
        _highs.HighsModelStatus.kModelError: 2,
        _highs.HighsModelStatus.kInfeasible: 2,
        _highs.HighsModelStatus.kUnbounded: 3,
        _highs.HighsModelStatus.kIterationLimit: 1,
        _highs.HighsModelStatus.kTimeLimit: 1,
    }
)
