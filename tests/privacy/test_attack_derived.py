"""Attacks on released packages through derived values: index and LISA lag inversion.

The attacker is a careful municipal employee: they hold the public package, or their
own municipal package (``kommunal-<AGS>``) in which their own areas show every value.
Everything here uses only what a package ships plus the internal truth to score the
attack — the attacker never sees the truth.

A *recovery* is a withheld value (present internally, absent or secret in the package)
that the attacker computes to within ``tol`` of the truth.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest


@dataclass(frozen=True)
class Recovery:
    """One withheld value an attack got back."""

    attack: str
    key: str
    column: str
    truth: float
    estimate: float


def read_areas(package: Path) -> pd.DataFrame:
    """The Sozialraum layer of the package's GeoPackage (keys as text, index = key)."""
    gpkgs = sorted(package.glob("*.gpkg"))
    assert gpkgs, f"no GeoPackage in {package}"
    frame = pyogrio.read_dataframe(gpkgs[0], layer="sozialraeume")
    key = next(c for c in ("sr_id", "key", "schluessel") if c in frame.columns)
    frame[key] = frame[key].astype(str)
    return frame.set_index(key)


def _numeric(frame: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(frame[col], errors="coerce") if col in frame.columns else None


def _own(package: pd.DataFrame) -> pd.Series:
    """Areas whose every value the attacker sees (the municipal package's own areas)."""
    counts = [c for c in package.columns if c.endswith("_status")]
    if not counts:
        return pd.Series(False, index=package.index)
    value_cols = [c[: -len("_status")] for c in counts if c[: -len("_status")] in package.columns]
    return package[value_cols].notna().sum(axis=1) > len(value_cols) // 2


def index_inversion(
    package: pd.DataFrame, truth: pd.DataFrame, rate_columns: list[str], tol: float = 1e-6
) -> list[Recovery]:
    """Regress each withheld rate on the package's public numeric columns.

    Training rows: areas where the package shows the rate (the attacker's own areas,
    or everything public). Targets: areas where the package withholds it but the
    internal results have a number. A target predicted within ``tol`` (relative to
    ``max(1, |truth|)``) of the truth is a recovery.
    """
    public_cols = [
        c
        for c in package.columns
        if c not in rate_columns
        and c != "geometry"
        and pd.api.types.is_numeric_dtype(package[c])
        and package[c].notna().sum() > 2
        and package[c].notna().sum() > package[c].notna().groupby(_own(package)).sum().get(True, 0)
    ]
    found: list[Recovery] = []
    subsets = [[c] for c in public_cols] + [
        [a, b] for i, a in enumerate(public_cols) for b in public_cols[i + 1 :]
    ]
    for col in rate_columns:
        if col not in truth.columns:
            continue
        shown = _numeric(package, col)
        shown = shown if shown is not None else pd.Series(np.nan, index=package.index)
        true = pd.to_numeric(truth[col], errors="coerce").reindex(package.index)
        hits: dict[str, float] = {}
        for cols in subsets:
            X_all = package[cols].astype(float)
            train = shown.notna() & X_all.notna().all(axis=1)
            target = shown.isna() & true.notna() & X_all.notna().all(axis=1)
            if train.sum() < len(cols) + 2 or not target.any():
                continue
            if (X_all[train].nunique() < 3).any():
                # a 0/1 flag (prio_pruefen) only splits the rows in two: it "fits" a share
                # that is 0 or 100 in four tiny areas by chance, which is no relation
                continue
            X = np.column_stack([np.ones(int(train.sum())), X_all[train].to_numpy()])
            y = shown[train].to_numpy(float)
            if np.ptp(y) == 0:
                continue  # a constant teaches the attacker nothing about other areas
            coef, *_ = np.linalg.lstsq(X, y, rcond=None)
            if np.abs(X @ coef - y).max() > tol * max(1.0, np.abs(y).max()):
                continue  # no exact relation on the attacker's own rows
            Xt = np.column_stack([np.ones(int(target.sum())), X_all[target].to_numpy()])
            pred = Xt @ coef
            t = true[target].to_numpy(float)
            ok = np.abs(pred - t) <= tol * np.maximum(1.0, np.abs(t))
            for key, pv in zip(true[target].index[ok], pred[ok], strict=True):
                hits.setdefault(str(key), float(pv))
        for key, pv in hits.items():
            found.append(Recovery("index_inversion", key, col, float(true[key]), pv))
    return found


def lag_inversion(
    package: pd.DataFrame,
    truth: pd.DataFrame,
    rate_columns: list[str],
    neighbours: dict[str, list[str]],
    tol: float = 1e-6,
) -> list[Recovery]:
    """Solve the LISA equations (standardised value, spatial lag) for withheld values.

    For a column ``c`` the package may ship ``lisa_std_c`` (z-value) and ``lisa_lag_c``
    (row-standardised lag of z). The attacker learns mean and standard deviation from
    two areas with both the value and its z-value, then writes one linear equation per
    published lag and solves for the unknown z-values of withheld areas. A withheld
    area whose value is determined uniquely (outside the null space) and equals the
    truth within ``tol`` is a recovery.
    """
    found: list[Recovery] = []
    keys = list(package.index)
    pos = {k: i for i, k in enumerate(keys)}
    for col in rate_columns:
        std, lag = _numeric(package, f"lisa_std_{col}"), _numeric(package, f"lisa_lag_{col}")
        if std is None and lag is None or col not in truth.columns:
            continue
        shown = _numeric(package, col)
        true = pd.to_numeric(truth[col], errors="coerce").reindex(package.index)
        rows, rhs = [], []
        n = len(keys)
        if std is not None:
            for k in std.index[std.notna()]:
                r = np.zeros(n)
                r[pos[k]] = 1.0
                rows.append(r)
                rhs.append(float(std[k]))
        if lag is not None:
            for k in lag.index[lag.notna()]:
                nb = [j for j in neighbours.get(k, []) if j in pos]
                if not nb:
                    continue
                r = np.zeros(n)
                r[[pos[j] for j in nb]] = 1.0 / len(nb)
                rows.append(r)
                rhs.append(float(lag[k]))
        if not rows:
            continue
        A, b = np.vstack(rows), np.asarray(rhs)
        z, *_ = np.linalg.lstsq(A, b, rcond=None)
        # which unknowns are determined: zero component in the null space of A
        _, s, vt = np.linalg.svd(A)
        rank = int((s > 1e-9 * s.max()).sum())
        null = vt[rank:]
        determined = np.all(np.abs(null) < 1e-9, axis=0) if len(null) else np.ones(n, bool)
        # z → value via two areas where the attacker sees both
        both = shown.notna() & std.notna() if (shown is not None and std is not None) else None
        if both is None or both.sum() < 2:
            continue
        a, b2 = np.polyfit(std[both].to_numpy(float), shown[both].to_numpy(float), 1)
        est = a * z + b2
        withheld = (shown.isna() & true.notna()).to_numpy()
        t = true.to_numpy(float)
        hit = withheld & determined & (np.abs(est - t) <= tol * np.maximum(1.0, np.abs(t)))
        for i in np.flatnonzero(hit):
            found.append(Recovery("lag_inversion", keys[i], col, float(t[i]), float(est[i])))
    return found


# --------------------------------------------------------------------------------------
# the attacks against every package of the yearly run


def _truth_and_neighbours(out: Path):
    from libpysal.weights import Queen

    truth = pyogrio.read_dataframe(out / "intern" / "ergebnisse.gpkg", layer="sozialraeume")
    truth["sr_id"] = truth["sr_id"].astype(str)
    truth = truth.set_index("sr_id")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(truth, use_index=True)
    neighbours = {str(k): [str(j) for j in v] for k, v in w.neighbors.items()}
    return truth, neighbours


def _packages(out: Path) -> list[Path]:
    return [p for p in sorted(out.iterdir()) if p.is_dir() and p.name != "intern"]


@pytest.fixture(scope="module")
def attacked(demo_run, musterland):
    from sozialraum.io import read_catalogue

    out = demo_run.out_dir
    truth, neighbours = _truth_and_neighbours(out)
    cat = read_catalogue(musterland["examples"] / "katalog.toml")
    rates = [str(c) for c in cat.indicators.index]
    return out, truth, neighbours, rates


def test_attack_helpers_find_a_planted_leak():
    """The attacks are able to fail: an index that is a rate's z-value is inverted."""
    rng = np.random.default_rng(1)
    keys = [f"k{i}" for i in range(12)]
    rate = pd.Series(rng.uniform(1, 20, 12), index=keys)
    truth = pd.DataFrame({"quote": rate})
    pkg = pd.DataFrame(
        {"quote": rate.where(rate.index.isin(keys[:5])), "idx_x": (rate - rate.mean()) / rate.std()}
    )
    found = index_inversion(pkg, truth, ["quote"])
    assert {r.key for r in found} == set(keys[5:])
    # lag inversion: a chain a-b-c, the value of b withheld, lag of a published
    truth = pd.DataFrame({"q": [1.0, 4.0, 7.0]}, index=["a", "b", "c"])
    z = (truth["q"] - truth["q"].mean()) / truth["q"].std(ddof=0)
    pkg = pd.DataFrame(
        {
            "q": [1.0, np.nan, 7.0],
            "lisa_std_q": [z["a"], np.nan, z["c"]],
            "lisa_lag_q": [z["b"], np.nan, np.nan],
        },
        index=["a", "b", "c"],
    )
    found = lag_inversion(pkg, truth, ["q"], {"a": ["b"], "b": ["a", "c"], "c": ["b"]})
    assert [(r.key, round(r.estimate, 9)) for r in found] == [("b", 4.0)]


def test_no_withheld_rate_recovered_from_public_indices(attacked):
    """Index inversion: no withheld rate follows exactly from the indices a package shows."""
    out, truth, _, rates = attacked
    found = {p.name: index_inversion(read_areas(p), truth, rates) for p in _packages(out)}
    leaks = {k: v[:3] for k, v in found.items() if v}
    assert not leaks, leaks


def test_no_withheld_rate_recovered_from_lisa_lags(attacked):
    """LISA lag inversion: published z-values and spatial lags reveal no neighbour's rate."""
    out, truth, neighbours, rates = attacked
    found = {
        p.name: lag_inversion(read_areas(p), truth, [*rates, "idx_gesamt"], neighbours)
        for p in _packages(out)
    }
    leaks = {k: v[:3] for k, v in found.items() if v}
    assert not leaks, leaks
