"""The attack on suppressed tables, run by the toolkit itself (*Geheimhaltungsprüfung*).

An attacker who holds published tables knows linear equations between their cells:

* the hierarchy — the areas of a municipality add up to its total, the
  municipalities add up to the district;
* the relations declared in the catalogue (``[relations]``), e.g.
  ``ew_ges = ew_0_64 + ew_65plus`` or ``saldo_wanderung = zuzuege - fortzuege``, in
  every area, municipality and district and every year;
* counts are never negative (unless the variable is signed, e.g. a balance), a
  published ``0`` is never suppressed, so a suppressed count is at least 1.

For every suppressed cell the attacker's best knowledge is the interval
``[min x, max x]`` over all tables consistent with what they hold: two linear
programmes (*Intervallangriff*, the audit step of the statistical offices'
cell-suppression tools, e.g. tau-ARGUS). A cell is *recovered* when that interval is
narrower than the protection width (:class:`Protection`). With integer data the
integer interval ``[ceil(min), floor(max)]`` is used; ``integer=True`` solves the
mixed-integer programme instead (exact for the integral attacker, slower).

Attackers: the public (only the published cells) and, with ``known``, each
municipality, which also holds the full values of its own areas and its own total
(the ``kommunal-<AGS>`` package).

The equations are built as one sparse matrix over all cells (all levels, variables
and years at once); the unknown cells are split into connected components and one
small LP pair is solved per suppressed cell of a component. Results are cached per
component (its unknown cells fully determine the programme), so attackers that
differ only far away from a cell share its solution.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from sozialraum._i18n import t
from sozialraum.core.status import PRIMARY, SECONDARY, secret_mask
from sozialraum.errors import InputError
from sozialraum.privacy.lp import solve_lp

__all__ = [
    "LEVELS",
    "PUBLIC",
    "Protection",
    "AuditFinding",
    "AuditResult",
    "CellGrid",
    "BoundsCache",
    "build_grid",
    "intervals",
    "lower_bounds",
    "audit_suppression",
    "municipal_knowledge",
    "rate_rows",
]

#: Levels of the hierarchy, from the finest to the district.
LEVELS = ("areas", "gemeinden", "kreis")
#: Name of the attacker who holds only the public tables.
PUBLIC = "oeffentlich"
#: Codes whose cell is known to be at least 1 (a published zero is never suppressed).
_AT_LEAST_ONE = frozenset({PRIMARY, SECONDARY, "geheim"})

_MSG = {
    "bad_width": {
        "de": "Die Schutzbreite muss eine Zahl ≥ 0 sein (angegeben: {v!r}).",
        "en": "the protection width must be a number ≥ 0 (given: {v!r}).",
    },
    "finding": {
        "de": "{who}: {level} {key}, {var}{year}: Intervall [{lo}, {hi}] schmaler als {w}",
        "en": "{who}: {level} {key}, {var}{year}: interval [{lo}, {hi}] narrower than {w}",
    },
    "ok": {
        "de": "Geheimhaltungsprüfung: {n} gesperrte Zellen gegen {a} Angreifer geprüft, keine "
        "innerhalb der Schutzbreite {w} bestimmbar.",
        "en": "suppression audit: {n} suppressed cells checked against {a} attackers, none "
        "recoverable within the protection width {w}.",
    },
    "bad": {
        "de": "Geheimhaltungsprüfung: {k} von {n} gesperrten Zellen sind innerhalb der "
        "Schutzbreite {w} bestimmbar: {cells}.",
        "en": "suppression audit: {k} of {n} suppressed cells are recoverable within the "
        "protection width {w}: {cells}.",
    },
}


@dataclass(frozen=True)
class Protection:
    """How wide the attacker's interval of a suppressed cell must be.

    Attributes
    ----------
    width
        Absolute width in persons (households …), e.g. 3: the attacker must not pin a
        suppressed count into an interval narrower than 3.
    percent
        Relative width in percent of the cell's value (0 = none); the larger of the
        two applies.
    """

    width: float = 3.0
    percent: float = 0.0

    def __post_init__(self) -> None:
        for v in (self.width, self.percent):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0:
                raise InputError(t(_MSG, "bad_width", None, v=v))

    def required(self, values: np.ndarray) -> np.ndarray:
        """Required width per cell (``values`` may be NaN: the absolute width then)."""
        v = np.abs(np.nan_to_num(np.asarray(values, dtype=float)))
        return np.maximum(float(self.width), float(self.percent) / 100.0 * v)

    @classmethod
    def of(cls, value: Protection | float | int | None, default: float = 3.0) -> Protection:
        """A :class:`Protection` from a number (absolute width) or ``None`` (``default``)."""
        if isinstance(value, Protection):
            return value
        return cls(width=float(default if value is None else value))

    def __str__(self) -> str:
        w = f"{self.width:g}"
        return w if not self.percent else f"max({w}, {self.percent:g} %)"


@dataclass(frozen=True)
class AuditFinding:
    """A suppressed cell the attacker pins into a too narrow interval."""

    attacker: str
    level: str
    key: str
    variable: str
    year: object
    low: float
    high: float
    required: float

    def text(self, lang: str | None = None) -> str:
        """One line naming the cell and its interval."""
        return t(
            _MSG,
            "finding",
            lang,
            who=self.attacker,
            level=self.level,
            key=self.key,
            var=self.variable,
            year="" if self.year is None else f" {self.year}",
            lo=_num(self.low),
            hi=_num(self.high),
            w=_num(self.required),
        )


@dataclass(frozen=True)
class AuditResult:
    """Result of :func:`audit_suppression`.

    Attributes
    ----------
    findings
        Cells recovered within the protection width (empty = protected).
    n_checked
        Suppressed cells checked (summed over attackers).
    attackers
        The attackers considered.
    protection
        The required width.
    intervals
        One row per checked cell and attacker: ``attacker, level, key, variable,
        year, low, high``.
    """

    findings: tuple[AuditFinding, ...]
    n_checked: int
    attackers: tuple[str, ...]
    protection: Protection
    intervals: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        """Whether no suppressed cell is recoverable within the protection width."""
        return not self.findings

    def summary(self, lang: str | None = None) -> str:
        """One sentence (German by default) with the first findings."""
        if self.ok:
            return t(
                _MSG, "ok", lang, n=self.n_checked, a=len(self.attackers), w=str(self.protection)
            )
        cells = "; ".join(f.text(lang) for f in self.findings[:5])
        if len(self.findings) > 5:
            cells += f"; … (+{len(self.findings) - 5})"
        return t(
            _MSG,
            "bad",
            lang,
            k=len(self.findings),
            n=self.n_checked,
            w=str(self.protection),
            cells=cells,
        )


def _num(x: float) -> str:
    if not math.isfinite(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:g}"


# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True, eq=False)
class CellGrid:
    """All cells of the published tables as one vector, and the equations between them.

    Attributes
    ----------
    level, key, variable, year
        Per cell (arrays of equal length).
    muni
        AGS the cell belongs to (areas: their municipality; municipalities: itself;
        district: ``""``).
    value
        Cell values (NaN = no value).
    A
        Sparse equations ``A @ x = 0`` (hierarchy and relations, all years).
    signed
        Per cell: the variable may be negative (a balance), so no bound below.
    group
        Per cell: a component id of variables linked by relations (for the
        complementary suppression's search region), combined with the year.
    B
        Sparse inequalities ``B @ x <= 0`` (published rates: numerator and
        denominator in the ratio the rounded rate allows), or ``None``.
    """

    level: np.ndarray
    key: np.ndarray
    variable: np.ndarray
    year: np.ndarray
    muni: np.ndarray
    value: np.ndarray
    A: sp.csr_matrix
    signed: np.ndarray
    group: np.ndarray
    B: sp.csr_matrix | None = None

    def __len__(self) -> int:
        return len(self.value)

    def frame_positions(self, year, level: str, index: pd.Index, columns: Sequence[str]):
        """Positions of a frame's cells (rows × columns, -1 where not in the grid)."""
        sel = (self.level == level) & (self.year == year) if year is not None else None
        if sel is None:
            sel = self.level == level
        pos = np.flatnonzero(sel)
        lookup = pd.Series(
            pos, index=pd.MultiIndex.from_arrays([self.key[pos], self.variable[pos]])
        )
        want = pd.MultiIndex.from_product([index.astype(str), list(columns)])
        out = lookup.reindex(want).fillna(-1).to_numpy(dtype=np.int64)
        return out.reshape(len(index), len(columns))


def _years(tables) -> list[tuple[object, Mapping[str, pd.DataFrame]]]:
    """``{level: frame}`` or ``{year: {level: frame}}`` as a list of (year, frames)."""
    if not tables:
        return []
    first = next(iter(tables.values()))
    if isinstance(first, pd.DataFrame) or first is None:
        return [(None, tables)]
    return [(y, fr) for y, fr in tables.items()]


def _relation_terms(relations) -> list[tuple[str, tuple[tuple[int, str], ...]]]:
    out = []
    for r in relations or ():
        if hasattr(r, "total"):
            out.append((r.total, tuple(r.terms)))
        else:  # (total, [(coef, var), …])
            out.append((r[0], tuple(r[1])))
    return out


def build_grid(
    tables,
    columns: Sequence[str],
    area_municipality: pd.Series,
    relations: Iterable = (),
    *,
    drop_missing: bool = True,
    signed: Iterable[str] = (),
) -> CellGrid:
    """Cells of all levels (and years) and the equations linking them.

    Parameters
    ----------
    tables
        ``{level: frame}`` (one year) or ``{year: {level: frame}}``; levels
        ``areas``, ``gemeinden``, ``kreis`` (index = key; the district may be absent).
    columns
        The count variables.
    area_municipality
        Area key → AGS of its municipality.
    relations
        :class:`sozialraum.io.catalogue.Relation` objects (or ``(total, terms)``).
    drop_missing
        Cells without a value leave their equations (``True``, for internal data:
        a total then is the sum of the known parts, a relation with a missing member
        is dropped, equations that do not hold are dropped); ``False`` keeps every
        equation (for published data, where NaN means *unknown*).
    signed
        Variables that may be negative (the differences of ``relations`` are added).
    """
    rel = _relation_terms(relations)
    signed_vars = set(signed) | {tot for tot, terms in rel if any(c < 0 for c, _ in terms)}
    amap = pd.Series(area_municipality).astype(str)
    amap.index = amap.index.astype(str)
    parts: dict[str, list] = {k: [] for k in ("level", "key", "var", "year", "muni", "value")}
    blocks = {}
    pos = 0
    for year, frames in _years(tables):
        for level in LEVELS:
            fr = frames.get(level)
            if fr is None or not len(fr):
                continue
            cols = [c for c in columns if c in fr.columns]
            keys = fr.index.astype(str).to_numpy()
            vals = fr[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
            nr, nc = vals.shape
            if level == "areas":
                muni = amap.reindex(keys).fillna("").to_numpy(dtype=object)
            elif level == "gemeinden":
                muni = keys.astype(object)
            else:
                muni = np.full(nr, "", dtype=object)
            parts["level"].append(np.full(nr * nc, level, dtype=object))
            parts["key"].append(np.repeat(keys.astype(object), nc))
            parts["var"].append(np.tile(np.array(cols, dtype=object), nr))
            parts["year"].append(np.full(nr * nc, year, dtype=object))
            parts["muni"].append(np.repeat(muni, nc))
            parts["value"].append(vals.reshape(-1))
            blocks[(year, level)] = (pos, keys, cols)
            pos += nr * nc
    cat = {k: (np.concatenate(v) if v else np.array([], dtype=object)) for k, v in parts.items()}
    value = cat["value"].astype(float) if len(cat["value"]) else np.zeros(0)
    rows, cells, coefs, total_flag, kind = _equations(blocks, amap, rel)
    A = _assemble(rows, cells, coefs, total_flag, kind, value, pos, drop_missing)
    sgn = np.isin(cat["var"], list(signed_vars)) if pos else np.zeros(0, dtype=bool)
    group = _groups(cat["var"], cat["year"], rel)
    return CellGrid(
        level=cat["level"],
        key=cat["key"],
        variable=cat["var"],
        year=cat["year"],
        muni=cat["muni"],
        value=value,
        A=A,
        signed=sgn,
        group=group,
    )


def _equations(blocks, amap, rel):
    """Coordinates of the hierarchy and relation equations (vectorised per block)."""
    rows, cells, coefs, totf, kinds = [], [], [], [], []
    nrow = 0

    def add(r, c, k, is_total, kind):
        rows.append(r.ravel())
        cells.append(c.ravel())
        coefs.append(np.broadcast_to(k, r.shape).ravel().astype(float))
        totf.append(np.broadcast_to(is_total, r.shape).ravel())
        kinds.append(np.full(r.size, kind, dtype=np.int8))

    years = dict.fromkeys(y for y, _ in blocks)
    for year in years:
        for child, parent in (("areas", "gemeinden"), ("gemeinden", "kreis")):
            if (year, child) not in blocks or (year, parent) not in blocks:
                continue
            c_off, c_keys, c_cols = blocks[(year, child)]
            p_off, p_keys, p_cols = blocks[(year, parent)]
            common = [c for c in c_cols if c in p_cols]
            if not common or (parent == "kreis" and len(p_keys) != 1):
                continue
            cj = np.array([c_cols.index(c) for c in common])
            pj = np.array([p_cols.index(c) for c in common])
            if parent == "gemeinden":
                ppos = pd.Series(np.arange(len(p_keys)), index=p_keys)
                owner = ppos.reindex(amap.reindex(c_keys).to_numpy()).to_numpy()
            else:
                owner = np.zeros(len(c_keys))
            ok = ~np.isnan(owner)
            ci = np.flatnonzero(ok)
            own = owner[ok].astype(np.int64)
            r = nrow + own[:, None] * len(common) + np.arange(len(common))[None, :]
            add(r, c_off + ci[:, None] * len(c_cols) + cj[None, :], 1.0, False, 0)
            pr = np.arange(len(p_keys))
            r = nrow + pr[:, None] * len(common) + np.arange(len(common))[None, :]
            add(r, p_off + pr[:, None] * len(p_cols) + pj[None, :], -1.0, True, 0)
            nrow += len(p_keys) * len(common)
    for (_year, _level), (off, keys, cols) in blocks.items():
        for tot, terms in rel:
            names = [tot, *(v for _, v in terms)]
            if not all(v in cols for v in names):
                continue
            r = nrow + np.arange(len(keys))
            add(r, off + np.arange(len(keys)) * len(cols) + cols.index(tot), 1.0, True, 1)
            for c, v in terms:
                add(r, off + np.arange(len(keys)) * len(cols) + cols.index(v), -float(c), False, 1)
            nrow += len(keys)
    if not rows:
        e = np.zeros(0, dtype=np.int64)
        return e, e, np.zeros(0), np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int8)
    return (
        np.concatenate(rows),
        np.concatenate(cells),
        np.concatenate(coefs),
        np.concatenate(totf),
        np.concatenate(kinds),
    )


def _assemble(rows, cells, coefs, total_flag, kind, value, ncells, drop_missing):
    """Sparse ``A`` with missing cells (and rows that do not hold) removed if asked."""
    nrows = int(rows.max()) + 1 if len(rows) else 0
    if drop_missing and len(rows):
        miss = np.isnan(value[cells])
        bad_row = np.zeros(nrows, dtype=bool)
        # a missing total, or any missing member of a relation, drops the equation
        bad_row[rows[miss & (total_flag | (kind == 1))]] = True
        keep = ~miss & ~bad_row[rows]
        rows, cells, coefs = rows[keep], cells[keep], coefs[keep]
    A = sp.csr_matrix((coefs, (rows, cells)), shape=(nrows, ncells))
    if drop_missing and nrows:
        resid = A @ np.nan_to_num(value)
        scale = abs(A) @ np.abs(np.nan_to_num(value)) + 1.0
        nnz = np.diff(A.indptr)
        good = (np.abs(resid) <= 1e-6 * scale) & (nnz >= 2)
        A = A[np.flatnonzero(good)]
    return A.tocsr()


def _groups(var, year, rel) -> np.ndarray:
    """Component id of (variable, year): variables linked by relations share one."""
    names = sorted({str(v) for v in var})
    idx = {v: i for i, v in enumerate(names)}
    parent = list(range(len(names)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for tot, terms in rel:
        if tot not in idx:
            continue
        for _, v in terms:
            if v in idx:
                parent[find(idx[v])] = find(idx[tot])
    root = np.array([find(idx[str(v)]) for v in names], dtype=np.int64)
    vid = pd.Series(root, index=names).reindex(var.astype(str)).to_numpy()
    yid = pd.factorize(pd.Series(year, dtype=object).astype(str))[0]
    return vid * (int(yid.max()) + 1 if len(yid) else 1) + yid


# --------------------------------------------------------------------------- the attack


def lower_bounds(grid: CellGrid, unknown: np.ndarray, at_least_one: np.ndarray) -> np.ndarray:
    """Attacker's lower bound per cell: 1 for suppressed, 0 for hidden, -inf for signed."""
    lb = np.where(at_least_one, 1.0, 0.0)
    lb[grid.signed] = -np.inf
    return np.where(unknown, lb, np.nan)


def _components(grid: CellGrid, unknown: np.ndarray):
    """Connected components of the unknown cells (cells linked by a common equation)."""
    upos = np.flatnonzero(unknown)
    if not len(upos):
        return upos, np.zeros(0, dtype=np.int64)
    M = grid.A if grid.B is None else sp.vstack([grid.A, grid.B]).tocsr()
    M = (M[:, upos] != 0).astype(np.int8)
    C = (M.T @ M).tocsr()
    _, lab = connected_components(C, directed=False)
    return upos, lab


class BoundsCache:
    """LP results per component (the unknown cells and their bounds determine them)."""

    def __init__(self) -> None:
        self._d: dict = {}

    def get(self, k):
        return self._d.get(k)

    def put(self, k, v):
        self._d[k] = v


#: Upper bound of every unknown cell in the programmes (keeps them bounded; reported as ∞).
CAP = 1e7


def intervals(
    grid: CellGrid,
    unknown: np.ndarray,
    lb: np.ndarray,
    targets: np.ndarray,
    *,
    need: np.ndarray | None = None,
    integer: bool = False,
    cache: BoundsCache | None = None,
    screen: bool = False,
    point: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Attacker's ``min``/``max`` of every target cell (NaN for non-targets).

    ``unknown`` cells are variables (bounded below by ``lb``), all others are known at
    ``grid.value``. Bounds are rounded inward to integers (``ceil``/``floor``);
    ``∞`` where the attacker has no upper bound.

    With ``need`` (required width per cell) the search stops early for a cell once
    two feasible tables already differ in it by ``need`` (the interval reported is
    then the part proven so far, at least ``need`` wide); cells below ``need`` always
    get their exact LP minimum and maximum, unless ``screen`` (then the interval of
    a cell not yet proven wide enough is only what is proven: a *possible* finding,
    for the suppression loop, which tests it with its own programme). ``point`` is a
    consistent table known beforehand (the true values, when the caller has them):
    it proves part of every interval for free.
    """
    lo = np.full(len(grid), np.nan)
    hi = np.full(len(grid), np.nan)
    upos, lab = _components(grid, unknown)
    if not len(upos):
        return lo, hi
    tmask = targets[upos]
    xk = np.where(~unknown, np.nan_to_num(grid.value), 0.0)
    rhs_all = -(grid.A @ xk)
    ub_all = None if grid.B is None else -(grid.B @ xk)
    order = np.argsort(lab, kind="stable")
    for comp in np.split(order, np.flatnonzero(np.diff(lab[order])) + 1):
        if not tmask[comp].any():
            continue
        cells = upos[comp]
        nd = None if need is None else need[cells]
        key = (tuple(cells.tolist()), tuple(lb[cells].tolist()), integer, screen)
        key += (None,) if nd is None else (tuple(nd[targets[cells]].tolist()),)
        res = cache.get(key) if cache is not None else None
        if res is None:
            pt = None if point is None else point[cells]
            res = _solve_component(
                grid, cells, lb[cells], targets[cells], (rhs_all, ub_all), integer, nd, screen, pt
            )
            if cache is not None:
                cache.put(key, res)
        lo[cells], hi[cells] = res
    return lo, hi


def _solve_component(grid, cells, lbc, tmask, rhs_all, integer, need, screen=False, point=None):
    """Min/max of the targets of one component (two LPs per target, fewer with ``need``)."""
    rhs_all, ub_all = rhs_all
    sub = grid.A[:, cells].tocsr()
    rows = np.flatnonzero(np.diff(sub.indptr))
    ub = None
    if grid.B is not None:
        bsub = grid.B[:, cells].tocsr()
        brows = np.flatnonzero(np.diff(bsub.indptr))
        ub = (bsub[brows], ub_all[brows]) if len(brows) else None
    n = len(cells)
    lo = np.full(n, np.nan)
    hi = np.full(n, np.nan)
    if not len(rows) and ub is None:  # free cells: only their lower bound
        lo[tmask] = np.where(np.isfinite(lbc[tmask]), lbc[tmask], -np.inf)
        hi[tmask] = np.inf
        return lo, hi
    lp = _LP(sub[rows], rhs_all[rows], np.where(np.isfinite(lbc), lbc, -CAP), integer, ub)
    seen_lo = np.full(n, np.inf)
    seen_hi = np.full(n, -np.inf)

    def note(x):
        if x is not None:
            np.minimum(seen_lo, x, out=seen_lo)
            np.maximum(seen_hi, x, out=seen_hi)

    tj = np.flatnonzero(tmask)
    if point is not None:  # a table known to be consistent (the true one)
        note(point)
    if need is not None and len(tj) >= 4:  # a fixed sign pattern first: proves many cells
        w = np.where(tmask, np.random.default_rng(len(tj)).choice([-1.0, 1.0], size=n), 0.0)
        note(lp.solve(w)[1])
        note(lp.solve(-w)[1])

    def proven(j):
        return need is not None and seen_hi[j] - seen_lo[j] >= need[j] + 1e-6

    for j in tj:
        if proven(j):
            lo[j], hi[j] = seen_lo[j], seen_hi[j]
            continue
        c = np.zeros(n)
        c[j] = 1.0
        f_hi, x_hi = lp.solve(-c)
        note(x_hi)
        hi[j] = -f_hi if np.isfinite(f_hi) else np.nan
        if proven(j) or screen:
            lo[j] = seen_lo[j]
            continue
        f_lo, x_lo = lp.solve(c)
        note(x_lo)
        lo[j] = f_lo
    fin = np.isfinite(lo)
    lo[fin] = np.ceil(lo[fin] - 1e-6)
    lo[lo <= -CAP + 1] = -np.inf
    fin = np.isfinite(hi)
    hi[fin] = np.floor(hi[fin] + 1e-6)
    hi[hi >= CAP - 1] = np.inf
    return lo, hi


class _LP:
    """``min c·x`` s.t. ``A x = b``, ``lb <= x <= CAP`` (LP, or MILP if ``integer``)."""

    def __init__(self, A, b, lb, integer, ub=None):
        self.A, self.b, self.lb, self.integer = A, b, lb, integer
        self.ub = ub  # (B, b_ub): B x <= b_ub
        self.bounds = np.column_stack([lb, np.full(len(lb), CAP)])

    def solve(self, c) -> tuple[float, np.ndarray | None]:
        """Optimal value and solution (``nan, None`` if infeasible)."""
        if self.integer:
            cons = [LinearConstraint(self.A, self.b, self.b)] if self.A.shape[0] else []
            if self.ub is not None:
                cons.append(LinearConstraint(self.ub[0], -np.inf, self.ub[1]))
            r = milp(
                c,
                constraints=cons,
                integrality=np.ones(len(c)),
                bounds=Bounds(self.lb, CAP),
            )
        else:
            eq = {"A_eq": self.A, "b_eq": self.b} if self.A.shape[0] else {}
            if self.ub is not None:
                eq.update(A_ub=self.ub[0], b_ub=self.ub[1])
            r = solve_lp(c, bounds=self.bounds, **eq)
        if r.status != 0 or r.x is None:
            return np.nan, None
        return float(r.fun), np.asarray(r.x)


# --------------------------------------------------------------------------- public API


def municipal_knowledge(
    internal: Mapping[str, pd.DataFrame],
    area_municipality: pd.Series,
    status: Mapping[str, pd.DataFrame] | None = None,
) -> dict[str, dict[str, pd.DataFrame]]:
    """What each municipality holds beyond the public tables: its own areas and total.

    ``internal`` is ``{level: frame}`` (or ``{year: {level: frame}}``) of full values;
    the result maps each AGS to the same shape restricted to its own rows. With
    ``status`` (same shape), cells secret at source stay unknown (a municipality's
    package shows them as ``.`` too).
    """
    amap = pd.Series(area_municipality).astype(str)
    amap.index = amap.index.astype(str)
    if status is not None:
        st_years = dict(_years(status))
        blanked = {}
        for year, frames in _years(internal):
            sy = st_years.get(year, {})
            fy = {}
            for level, fr in frames.items():
                s = sy.get(level)
                if s is None or fr is None:
                    fy[level] = fr
                    continue
                sm = secret_mask(s.reindex(index=fr.index, columns=fr.columns)).to_numpy(dtype=bool)
                fy[level] = fr.mask(sm)
            blanked[year] = fy
        internal = blanked[None] if list(blanked) == [None] else blanked
    out: dict[str, dict] = {}
    for ags in sorted(set(amap)):
        per_year = {}
        for year, frames in _years(internal):
            own = {}
            if frames.get("areas") is not None:
                a = frames["areas"]
                own["areas"] = a[amap.reindex(a.index.astype(str)).to_numpy() == ags]
            if frames.get("gemeinden") is not None:
                g = frames["gemeinden"]
                own["gemeinden"] = g[g.index.astype(str) == ags]
            per_year[year] = own
        out[ags] = per_year[None] if list(per_year) == [None] else per_year
    return out


def _mask_from(grid: CellGrid, tables, fn) -> np.ndarray:
    """Boolean per cell from frames (``fn(frame) -> bool frame``; cells absent: False)."""
    m = np.zeros(len(grid), dtype=bool)
    for year, frames in _years(tables):
        for level, fr in frames.items():
            if fr is None or not len(fr):
                continue
            cols = [c for c in fr.columns if c in set(grid.variable)]
            if not cols:
                continue
            pos = grid.frame_positions(year, level, fr.index, cols)
            val = np.asarray(fn(fr[cols]), dtype=bool)
            ok = pos >= 0
            m[pos[ok]] |= val[ok]
    return m


def audit_suppression(
    values,
    status=None,
    area_municipality: pd.Series | None = None,
    *,
    columns: Sequence[str] | None = None,
    relations: Iterable = (),
    protection: Protection | float | None = None,
    known: Mapping[str, Mapping] | None = None,
    known_status: Mapping[str, Mapping] | None = None,
    include_public: bool = True,
    signed: Iterable[str] = (),
    integer: bool = False,
    rates=None,
    rate_decimals: int | None = None,
    lang: str | None = None,
) -> AuditResult:
    """Run the interval attack on published tables.

    Parameters
    ----------
    values
        Published values, ``{level: frame}`` or ``{year: {level: frame}}``
        (levels ``areas``, ``gemeinden``, ``kreis``; NaN = not shown).
    status
        Status frames of the same shape; a cell with a secret code
        (``geheim``, ``geheim_primaer``, ``geheim_sekundaer``) is *suppressed* (known
        to be ≥ 1) and audited. Without status every NaN cell counts as suppressed.
    area_municipality
        Area key → AGS (default: column ``ags`` of the areas frame).
    columns
        Count variables to audit (default: numeric columns present in every level).
    relations
        Declared relations (``catalogue.relations``).
    protection
        Required interval width (:class:`Protection` or persons; default 3).
    known
        Attacker name (AGS) → the extra tables they hold (same shape as ``values``,
        e.g. from :func:`municipal_knowledge` or read from ``kommunal-<AGS>``).
        Their rows and columns join the audited tables (a count shown only in the
        municipal packages is audited too).
    known_status
        Attacker name (AGS) → status frames of their tables: their secret cells count
        as suppressed as well, except other municipalities' areas (a municipal
        package withholds those whole; they are unknown, not known to be ≥ 1).
    include_public
        Also audit the public attacker (only ``values``).
    signed
        Variables that may be negative (differences in ``relations`` are added).
    integer
        Solve the mixed-integer programme (exact) instead of the LP.
    rates
        Published rates whose numerator and denominator are counts: the catalogue
        (or its ``indicators``) or ``{rate: (numerator, denominator, per)}``. A rate
        shown in ``values`` ties its two counts (within its rounding).
    rate_decimals
        Decimals the rates are rounded to (default: read from the values).

    Returns
    -------
    AuditResult
        ``.ok``, ``.findings`` (attacker, level, key, variable, year, interval).
    """
    prot = Protection.of(protection)
    known = dict(known or {})
    every = [values, *known.values()]
    if columns is None:
        columns = _numeric_columns([yf for tb in every for yf in _years(tb)])
    frames = _skeleton(values, every, columns)
    if area_municipality is None:
        a = next((fr.get("areas") for _, fr in _years(values) if fr.get("areas") is not None), None)
        area_municipality = a["ags"] if a is not None and "ags" in a.columns else pd.Series()
    grid = build_grid(
        frames, columns, area_municipality, relations, drop_missing=False, signed=signed
    )
    if rates is not None:
        grid = replace(grid, B=rate_rows(grid, values, status, rates, rate_decimals))
    published, secret, one, own_secret = _status_masks(grid, status, known_status)
    attackers: list[tuple[str, np.ndarray, np.ndarray]] = []
    if include_public:
        attackers.append((PUBLIC, published.copy(), np.where(published, grid.value, np.nan)))
    for name, extra in known.items():
        have, vals = _holdings(grid, published, extra, columns, own_secret.get(name))
        attackers.append((str(name), have, vals))
    return _run_attack(grid, attackers, secret, one, prot, integer)


def _status_masks(grid: CellGrid, status, known_status):
    """Published, secret and "≥ 1" cells, and each attacker's own secret cells."""
    statuses = [(None, status), *(known_status or {}).items()]
    own_secret: dict = {}
    if not any(st is not None for _, st in statuses):
        published = ~np.isnan(grid.value)
        return published, ~published, ~published, own_secret
    secret = np.zeros(len(grid), dtype=bool)
    one = np.zeros(len(grid), dtype=bool)
    public_secret = np.zeros(len(grid), dtype=bool)
    for name, st in statuses:
        if st is None:
            continue
        sec = _mask_from(grid, st, lambda s: secret_mask(s).to_numpy(dtype=bool))
        if name is None:
            public_secret = sec.copy()
        one_ = _mask_from(grid, st, lambda s: s.isin(list(_AT_LEAST_ONE)).fillna(False))
        if name is not None:
            own_secret[name] = sec.copy()
            mine = (grid.level != "areas") | (grid.muni == str(name))
            sec &= mine  # other municipalities' areas are withheld, not suppressed
            one_ &= mine
        secret |= sec
        one |= one_
    # what the public tables show: a cell suppressed only in some municipal package is
    # still known to everybody who holds the public package
    published = ~np.isnan(grid.value) & ~public_secret
    return published, secret, one, own_secret


def _holdings(grid: CellGrid, published, extra, columns, own_secret):
    """Cells one attacker knows (public ones plus its own tables) and their values."""
    vals = np.where(published, grid.value, np.nan)
    have = published.copy()
    for year, fr_y in _years(extra):
        for level, fr in fr_y.items():
            cols = [c for c in columns if fr is not None and c in fr.columns]
            if not cols or not len(fr):
                continue
            pos = grid.frame_positions(year, level, fr.index, cols)
            v = fr[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
            ok = (pos >= 0) & ~np.isnan(v)
            if own_secret is not None:
                ok[ok] &= ~own_secret[pos[ok]]
            vals[pos[ok]] = v[ok]
            have[pos[ok]] = True
    return have, vals


def _rate_spec(rates) -> dict[str, tuple[str, str, float]]:
    """Rate → (numerator, denominator, per) from a mapping or a catalogue's indicators."""
    if rates is None:
        return {}
    ind = getattr(rates, "indicators", rates)
    if isinstance(ind, pd.DataFrame):
        out = {}
        for rid, row in ind.iterrows():
            num, den = row.get("numerator"), row.get("denominator")
            if isinstance(num, str) and isinstance(den, str):
                out[str(rid)] = (num, den, float(row.get("per") or 100.0))
        return out
    return {str(k): (v[0], v[1], float(v[2])) for k, v in dict(ind).items()}


def _decimals(r: np.ndarray) -> int:
    for d in range(7):
        if np.allclose(r, np.round(r, d), rtol=0, atol=1e-9):
            return d
    return 12


def rate_rows(grid: CellGrid, values, status, rates, decimals: int | None = None):
    """Inequalities ``B x <= 0`` from published rates: ``per·num / den`` within rounding.

    A rate shown as ``r`` with ``d`` decimals says ``|per·num/den − r| <= ½·10⁻ᵈ``,
    i.e. two linear inequalities in its numerator and denominator cells.
    """
    spec = _rate_spec(rates)
    rows, cols, coef = [], [], []
    nrow = 0
    st_years = dict(_years(status)) if status is not None else {}
    for year, frames in _years(values):
        for level, fr in frames.items():
            if fr is None or not len(fr):
                continue
            for rate, (num, den, per) in spec.items():
                if rate not in fr.columns:
                    continue
                r = pd.to_numeric(fr[rate], errors="coerce").to_numpy(dtype=float)
                st = (st_years.get(year) or {}).get(level)
                if st is not None and rate in st.columns:
                    r = np.where(secret_mask(st[rate].reindex(fr.index)).to_numpy(bool), np.nan, r)
                pn = grid.frame_positions(year, level, fr.index, [num])[:, 0]
                pd_ = grid.frame_positions(year, level, fr.index, [den])[:, 0]
                ok = ~np.isnan(r) & (pn >= 0) & (pd_ >= 0)
                if not ok.any():
                    continue
                d = _decimals(r[ok]) if decimals is None else int(decimals)
                e = 0.5 * 10.0**-d + 1e-9
                k = int(ok.sum())
                ri = np.arange(k)
                for sign, shift in ((1.0, e), (-1.0, -e)):
                    rows += [nrow + ri, nrow + ri]
                    cols += [pn[ok], pd_[ok]]
                    coef += [np.full(k, sign * per), -sign * (r[ok] + shift)]
                    nrow += k
    if not nrow:
        return None
    return sp.csr_matrix(
        (np.concatenate(coef), (np.concatenate(rows), np.concatenate(cols))),
        shape=(nrow, len(grid)),
    )


def _skeleton(values, every, columns):
    """``values`` on the union of the rows and columns of all tables (NaN where absent)."""
    shape: dict = {}
    for tables in every:
        for year, frames in _years(tables):
            for level, fr in frames.items():
                if fr is None:
                    continue
                idx, cols = shape.get((year, level), (pd.Index([], dtype=object), []))
                idx = idx.append(fr.index.astype(str)).unique()
                cols = cols + [c for c in columns if c in fr.columns and c not in cols]
                shape[(year, level)] = (idx, cols)
    base = dict(_years(values))
    out: dict = {}
    for (year, level), (idx, cols) in shape.items():
        fr = (base.get(year) or {}).get(level)
        if fr is None:
            fr = pd.DataFrame(index=idx, columns=cols, dtype=float)
        else:
            fr = fr.set_axis(fr.index.astype(str))
            fr = fr.reindex(index=idx, columns=cols)
        out.setdefault(year, {})[level] = fr
    return out[None] if list(out) == [None] else out


def _numeric_columns(years) -> list[str]:
    """Numeric columns of all frames, in order of first appearance."""
    cols: list[str] = []
    for _, frames in years:
        for fr in frames.values():
            if fr is not None:
                cols += [
                    c
                    for c in fr.columns
                    if c not in cols
                    and pd.api.types.is_numeric_dtype(fr[c])
                    and not pd.api.types.is_bool_dtype(fr[c])
                ]
    return cols or []


def _run_attack(grid, attackers, secret, one, prot, integer) -> AuditResult:
    cache = BoundsCache()
    rows = []
    findings = []
    for name, have, vals in attackers:
        g = _with_values(grid, vals)
        unknown = ~have
        targets = unknown & secret
        lb = np.where(unknown, lower_bounds(grid, unknown, one & unknown), 0.0)
        need = prot.required(vals)
        lo, hi = intervals(g, unknown, lb, targets, need=need, integer=integer, cache=cache)
        for i in np.flatnonzero(targets):
            cell = (grid.level[i], grid.key[i], grid.variable[i], grid.year[i])
            rows.append((name, *cell, lo[i], hi[i]))
            if not hi[i] - lo[i] >= need[i] - 1e-9:
                findings.append(
                    AuditFinding(name, *(str(c) for c in cell[:3]), cell[3], lo[i], hi[i], need[i])
                )
    iv = pd.DataFrame(rows, columns=["attacker", "level", "key", "variable", "year", "low", "high"])
    return AuditResult(
        findings=tuple(findings),
        n_checked=len(rows),
        attackers=tuple(a[0] for a in attackers),
        protection=prot,
        intervals=iv,
    )


def _with_values(grid: CellGrid, vals: np.ndarray) -> CellGrid:
    return replace(grid, value=vals)
