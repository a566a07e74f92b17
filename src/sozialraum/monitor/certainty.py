r"""How sure is a class? Certainty of classes, ranks and changes from small counts.

A seeded parametric bootstrap over the monitor's whole chain (``docs/methoden.md``
explains it for planners):

1. **Count model.** For every rate with a denominator, the true rate of area ``i`` is
   uncertain given its count ``x_i`` and denominator ``n_i``: binomial for shares
   (per 100, numerator never above the denominator), Poisson otherwise (e.g. per
   1,000). The prior is the monitor's Empirical Bayes prior (Marshall's moment
   estimates :func:`sozialraum.monitor.smoothing.eb_prior`: mean ``m``, between-area
   variance ``s²``), as a Beta (shares) or Gamma (Poisson) distribution. A replicate
   draws each true rate from the posterior ``Beta(a + x, b + n − x)`` resp.
   ``Gamma(α + x, β + n)``; their means are exactly the EB-smoothed rates. ``s²`` is
   kept at least ``(m / 100)²`` (a negative estimate would claim all areas equal).
2. **Missing and suppressed cells** (``geheim``, ``fehlt`` …) of rated areas are not
   zero and not left out: the replicate draws them from the prior alone, so they
   widen the uncertainty. A denominator of 0 (``nenner_null``) stays empty; values
   without a denominator have no sampling noise and stay fixed.
3. **Whole chain per replicate, all replicates at once** (arrays replicates × indicators
   × areas, in chunks): standardisation over the same reference areas
   (:func:`~sozialraum.monitor.standardize.z_array`) → dimension and overall index
   (:func:`~sozialraum.monitor.index.composite_array`) → MSS status and dynamic index
   (:func:`~sozialraum.monitor.mss.mss_index_array`; both years are drawn) → classes
   (:func:`~sozialraum.monitor.classify.threshold_codes`,
   :func:`sozialraum.core.classify.classify_rows`) and ranks. These are the functions
   the monitor itself calls, so there is one formula.

Results per area and class variable (``status``, ``dynamik``, ``idx_gesamt``): the
probability of the class the monitor reported (*Klassensicherheit*), of every class,
an interval of the index (default 90 %), the rank of the overall index with its
interval, and whether a dynamic class beyond "stabil" is larger than the noise.
The classes of single classified indicators (``<indicator>_sicherheit``) use the same
count model against the breaks as published:
:mod:`sozialraum.monitor.certainty_indicators`.

Limits: only sampling noise of the counts; no error of the model, the boundaries or
the data entry; indicators are drawn independently of each other.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.classify import classify, classify_rows
from sozialraum.core.doors import knob
from sozialraum.core.numbers import format_number
from sozialraum.core.text import slugify
from sozialraum.errors import InputError
from sozialraum.monitor.classify import threshold_codes
from sozialraum.monitor.index import composite_array
from sozialraum.monitor.monitor import (
    MonitorParams,
    MonitorResult,
    _indicators,
    _population,
    _years_of,
)
from sozialraum.monitor.mss import _DYN_NAMES, _STATUS_NAMES, mss_index_array
from sozialraum.monitor.rates import RatesResult, _blank
from sozialraum.monitor.smoothing import eb_prior
from sozialraum.monitor.standardize import _directions, standardize, z_array

__all__ = [
    "CLASS_VARIABLES",
    "CertaintyParams",
    "CertaintyResult",
    "certainty",
    "certainty_labels",
    "certainty_text",
    "rank_text",
]

#: Class variables with certainty: stem of the result columns → monitor class column.
CLASS_VARIABLES = {
    "status": "status_klasse",
    "dynamik": "dynamik_klasse",
    "idx_gesamt": "idx_gesamt_klasse",
}

_MSG = {
    "no_settings": {
        "de": "Das Monitorergebnis enthält seine Einstellungen nicht; bitte mit "
        "run_monitor() neu berechnen.",
        "en": "the monitor result does not carry its settings; recompute it with run_monitor().",
    },
    "replicates": {
        "de": "Zu wenige Bootstrap-Replikate ({n}): bitte {knob} auf mindestens 10 setzen "
        "(üblich: 1000).",
        "en": "too few bootstrap replicates ({n}): set {knob} to at least 10 (usual: 1000).",
    },
    "level": {
        "de": "Intervall-Niveau muss zwischen 0 und 1 liegen (angegeben: {x}).",
        "en": "the interval level must lie between 0 and 1 (given: {x}).",
    },
    "sure": {"de": "Klasse zu {p} % sicher", "en": "class {p} % certain"},
    "rank": {"de": "Rang {r} ({lo}–{hi})", "en": "rank {r} ({lo}–{hi})"},
}

_FLOOR = 0.01  # s² is kept at least (m · _FLOOR)²


@dataclass(frozen=True)
class CertaintyParams:
    """Settings of :func:`certainty`.

    Attributes
    ----------
    replicates
        Number of bootstrap replicates (default 1,000).
    seed
        Seed of the ``numpy.random.Generator`` (default: the monitor's seed).
    level
        Coverage of the index and rank intervals (default 0.9 = 90 %).
    unsure_below
        A class given with less certainty than this counts as unsure (default 0.8);
        used by the map, profiles and report.
    chunk
        Replicates computed together (memory ≈ chunk × indicators × areas × 8 bytes
        per array).
    lang
        Language of class names in :attr:`CertaintyResult.probabilities`.
    """

    replicates: int = 1000
    seed: int | None = None
    level: float = 0.9
    unsure_below: float = 0.8
    chunk: int = 250
    lang: str | None = None


@dataclass(frozen=True)
class CertaintyResult:
    """Certainty of the monitor's classes, indices and ranks.

    Attributes
    ----------
    frame
        One row per area: ``<var>_sicherheit`` (probability of the reported class,
        ``var`` in :data:`CLASS_VARIABLES`), ``<var>_p_<klasse>`` (probability of every
        class), ``status_index_lo/hi``, ``dynamik_index_lo/hi``, ``idx_gesamt_lo/hi``,
        ``idx_<dimension>_lo/hi`` (interval at ``level``), ``rang`` (1 = highest
        overall index), ``rang_lo/hi``, ``dynamik_gesichert`` (the dynamic class is
        positive/negative beyond the noise: its whole interval lies outside the
        stable band). NaN / <NA> where an area has no class.
    probabilities
        Class variable → DataFrame areas × class names (in ``lang``).
    params
        Replicates, seed, level, unsure_below, count model per indicator, priors.
    """

    frame: pd.DataFrame
    probabilities: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)

    def unsure(self, var: str = "status") -> pd.Index:
        """Areas whose ``var`` class is less certain than ``params["unsure_below"]``."""
        s = self.frame[f"{var}_sicherheit"]
        return s.index[s.notna() & (s < self.params["unsure_below"])]


def certainty_text(p: float, lang: str | None = None) -> str:
    """``"Klasse zu 62 % sicher"`` (English ``"class 62 % certain"``); ``""`` for NaN."""
    if p is None or not np.isfinite(p):
        return ""
    return t(_MSG, "sure", lang, p=format_number(100 * p, 0, get_lang(lang)))


def rank_text(rank, lo, hi, lang: str | None = None) -> str:
    """``"Rang 3 (2–9)"``; ``""`` where the area has no rank."""
    if any(v is None or pd.isna(v) for v in (rank, lo, hi)):
        return ""
    return t(_MSG, "rank", lang, r=int(rank), lo=int(lo), hi=int(hi))


_WHAT = {
    "status": ("Statusklasse", "status class"),
    "dynamik": ("Dynamikklasse", "dynamic class"),
    "idx_gesamt": ("Gesamtindex-Klasse", "overall index class"),
}
_INDEX = {
    "status_index": ("Statusindex", "status index"),
    "dynamik_index": ("Dynamikindex", "dynamic index"),
    "idx_gesamt": ("Gesamtindex", "overall index"),
    "rang": ("Rang", "rank"),
}


def certainty_labels(result: CertaintyResult, lang: str | None = None) -> dict[str, str]:
    """Column → readable header for tables (``status_sicherheit`` → "Statusklasse: Sicherheit")."""
    de = get_lang(lang) == "de"
    pct = format_number(100 * result.params["level"], 0, "de" if de else "en")
    out = {}
    for col in result.frame.columns:
        stem = next((v for v in _WHAT if col.startswith(f"{v}_")), None)
        rest = col[len(stem) + 1 :] if stem else ""
        if stem and rest == "sicherheit":
            out[col] = f"{_WHAT[stem][0 if de else 1]}: " + ("Sicherheit" if de else "certainty")
        elif stem and rest.startswith("p_"):
            cls = rest[2:].replace("_", " ")
            word = "Wahrscheinlichkeit" if de else "probability"
            out[col] = f"{_WHAT[stem][0 if de else 1]}: {word} „{cls}“"
        elif col.endswith(("_lo", "_hi")):
            base = col[:-3]
            name = _INDEX.get(base, (base, base))[0 if de else 1]
            side = ("untere" if col.endswith("_lo") else "obere") if de else col[-2:]
            out[col] = f"{name}: {side} Grenze ({pct} %)" if de else f"{name}: {side} ({pct} %)"
        elif col == "dynamik_gesichert":
            out[col] = "Veränderung gesichert" if de else "change assured"
        elif col == "rang":
            out[col] = "Rang (Gesamtindex)" if de else "rank (overall index)"
    return out


# ----------------------------------------------------------------- count model


@dataclass(frozen=True)
class _Model:
    """Posterior of the true rates of one year (indicators × areas)."""

    kind: np.ndarray  # per indicator: "fixed", "binomial", "poisson"
    a: np.ndarray  # Beta a / Gamma shape (NaN: not drawn)
    b: np.ndarray  # Beta b / Gamma rate
    fixed: np.ndarray  # values of fixed cells (NaN elsewhere or empty)
    per: np.ndarray
    info: dict


def _counts(frame: pd.DataFrame, var) -> np.ndarray:
    if _blank(var) or var not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[var], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _prior(x, n, binomial: bool) -> tuple[float, float, float]:
    """(m, a0, b0) of the Beta or Gamma prior with Marshall's moments."""
    m, s2 = eb_prior(x, n)
    if not np.isfinite(m) or m <= 0 or (binomial and m >= 1):
        return m, np.nan, np.nan
    s2 = max(s2, (m * _FLOOR) ** 2)
    if binomial:
        s2 = min(s2, 0.99 * m * (1 - m))
        ab = m * (1 - m) / s2 - 1
        return m, m * ab, (1 - m) * ab
    return m, m * m / s2, m / s2


def _indicator_model(frame, row, rates: RatesResult, ind, fill):
    """Posterior parameters of one indicator (see the module docstring)."""
    n_areas = len(frame)
    nan = np.full(n_areas, np.nan)
    obs = rates.rates[ind].reindex(frame.index).to_numpy(dtype=float, na_value=np.nan)
    per = float(rates.params["per"].get(ind, 1.0))
    if _blank(row.get("denominator")):
        return "fixed", nan, nan, obs, per, {"modell": "fest"}
    x, n = _counts(frame, row.get("numerator")), _counts(frame, row.get("denominator"))
    ok = ~np.isnan(obs) & ~np.isnan(x) & ~np.isnan(n) & (n > 0)
    st = rates.status[ind].reindex(frame.index).astype("string")
    hole = fill & np.isnan(obs) & (st != "nenner_null").fillna(True).to_numpy(bool)
    binomial = per == 100.0 and bool(np.all(x[ok] <= n[ok]))
    m, a0, b0 = _prior(x[ok], n[ok], binomial)
    kind = "binomial" if binomial else "poisson"
    if not np.isfinite(a0):  # no events anywhere (or no data): no noise to draw
        return "fixed", nan, nan, obs, per, {"modell": "fest", "m": m}
    if binomial:
        a = np.where(ok, a0 + x, np.where(hole, a0, np.nan))
        b = np.where(ok, b0 + n - x, np.where(hole, b0, np.nan))
    else:
        a = np.where(ok, a0 + x, np.where(hole, a0, np.nan))
        b = np.where(ok, b0 + n, np.where(hole, b0, np.nan))
    info = {"modell": kind, "m": m, "a0": a0, "b0": b0, "gefuellt": int((hole & ~ok).sum())}
    return kind, a, b, np.where(np.isnan(a), obs, np.nan), per, info


def _model(frame, cat, rates: RatesResult, cols, fill) -> _Model:
    parts = [_indicator_model(frame, cat.loc[c], rates, c, fill) for c in cols]
    return _Model(
        kind=np.array([p[0] for p in parts]),
        a=np.array([p[1] for p in parts]).reshape(len(cols), len(frame)),
        b=np.array([p[2] for p in parts]).reshape(len(cols), len(frame)),
        fixed=np.array([p[3] for p in parts]).reshape(len(cols), len(frame)),
        per=np.array([p[4] for p in parts], dtype=float),
        info={c: p[5] for c, p in zip(cols, parts, strict=True)},
    )


def _draw(model: _Model, rng: np.random.Generator, r: int) -> np.ndarray:
    """``r`` replicates of the true rates, shape (r, indicators, areas), catalogue unit."""
    out = np.broadcast_to(model.fixed, (r, *model.fixed.shape)).copy()
    for kind in ("binomial", "poisson"):
        j = np.flatnonzero(model.kind == kind)
        if not j.size:
            continue
        a, b = model.a[j], model.b[j]
        drawn = ~np.isnan(a)
        a1, b1 = np.where(drawn, a, 1.0), np.where(drawn, b, 1.0)
        if kind == "binomial":
            v = rng.beta(a1, b1, size=(r, *a1.shape))
        else:
            v = rng.gamma(a1, size=(r, *a1.shape)) / b1
        v = v * model.per[j][:, None]
        out[:, j] = np.where(drawn, v, out[:, j])
    return out


# ----------------------------------------------------------------- the chain


@dataclass(frozen=True)
class _Chain:
    """Everything of the monitor's chain that stays fixed across replicates."""

    mp: MonitorParams
    cols: list  # indicators of the standardisation (catalogue order)
    flip: np.ndarray
    ref: np.ndarray  # (indicators, areas) reference mask of the standardisation
    rated: np.ndarray  # population-rated areas (reference of the indices)
    bewertet: np.ndarray
    members: list
    weights: np.ndarray
    dims: list
    s_pos: list
    d_pos: list
    d_rated: np.ndarray | None


def _standardised(v: np.ndarray, ch: _Chain) -> np.ndarray:
    """Standardised replicates (higher = more need) by the monitor's method."""
    if ch.mp.standardization == "z":
        z = z_array(v, ch.ref)[0]
        return np.where(ch.flip[:, None], -z, z)
    out = np.empty_like(v)
    direction = {c: ("resource" if f else "need") for c, f in zip(ch.cols, ch.flip, strict=True)}
    valid = pd.DataFrame(ch.ref.T, columns=ch.cols)
    for i in range(v.shape[0]):
        frame = pd.DataFrame(v[i].T, columns=ch.cols)
        res = standardize(
            frame, method=ch.mp.standardization, direction=direction, valid=valid, warn=False
        )
        out[i] = res.values.to_numpy().T
    return out


def _replicate(v: np.ndarray, dv: np.ndarray | None, ch: _Chain) -> dict:
    """The chain on replicates ``v`` of the rates (and ``dv`` of their change)."""
    z = _standardised(v, ch)
    dims, tot, _, _ = composite_array(
        z,
        ch.members,
        ch.weights,
        method=ch.mp.index_method,
        restandardize=ch.mp.restandardize,
        min_share=ch.mp.min_share,
        valid=ch.rated,
    )
    s_flip = ch.flip[ch.s_pos]
    status, _ = mss_index_array(v[:, ch.s_pos], s_flip, ch.bewertet, ch.mp.min_share)
    out = {"dims": dims, "idx_gesamt": tot, "status": status}
    if dv is not None and ch.d_pos:
        d, _ = mss_index_array(dv[:, ch.d_pos], ch.flip[ch.d_pos], ch.d_rated, ch.mp.min_share)
        out["dynamik"] = d
    return out


def _chain(result: MonitorResult, cur, cat, mp: MonitorParams) -> _Chain:
    cols = [c for c in cat.index if c in result.z.columns and result.z[c].notna().any()]
    dirs = _directions(cols, cat, None)
    flip = np.array([dirs[c] == "resource" for c in cols], dtype=bool)
    rated = (_population(cur, cat, mp.population) >= mp.min_denominator).fillna(False)
    rated = rated.to_numpy(bool)
    ref = np.broadcast_to(rated, (len(cols), len(cur))).copy()
    if mp.reference == "reliable":
        ref &= result.rates.reliable[cols].reindex(cur.index).fillna(False).to_numpy(bool).T
    fr = result.frame
    bewertet = fr["bewertet"].reindex(cur.index).fillna(False).to_numpy(bool)
    ip = result.params["index"]
    pos = {c: i for i, c in enumerate(cols)}
    members = [[pos[c] for c in ids] for ids in ip["indicators"].values()]
    weights = np.array([float(ip["weights"].get(c, 1.0)) for c in cols])
    s_inds = list(result.params["status_indicators"])
    s_pos = [pos[c] for c in s_inds if c in pos]
    d_pos, d_rated = [], None
    if result.change is not None:
        chg = result.change.reindex(cur.index)
        d_rated = bewertet & chg.notna().any(axis=1).to_numpy(bool)
        d_pos = [pos[s] for s in s_inds if s in pos and chg[s][d_rated].notna().any()]
    return _Chain(
        mp, cols, flip, ref, rated, bewertet, members, weights, list(ip["indicators"]),
        s_pos, d_pos, d_rated,
    )  # fmt: skip


@dataclass(frozen=True)
class _ChangeModel:
    """Normal EB posterior of the true change per indicator and area (catalogue unit)."""

    mean: np.ndarray  # (indicators, areas); NaN: no change to draw
    sd: np.ndarray
    info: dict


def _change_model(cur, prev, cat, rr_cur: RatesResult, rr_prev: RatesResult, cols, fill):
    """Posterior of the change: shrink the observed change by its sampling noise.

    Observed change ``d_i = r2_i − r1_i``; its sampling variance ``v_i`` from the
    pooled rate of both years (binomial or Poisson); between-area variance of the true
    change ``τ² = Var(d) − mean(v)`` (at least ``(sd(d) / 100)²``); posterior
    ``N(m + B_i (d_i − m), B_i v_i)`` with ``B_i = τ² / (τ² + v_i)``: Marshall's EB
    shrinkage on the change. Missing changes of rated areas: the prior ``N(m, τ²)``.
    """
    n_a = len(cur)
    mean, sd, info = np.full((len(cols), n_a), np.nan), np.full((len(cols), n_a), np.nan), {}
    for j, ind in enumerate(cols):
        row = cat.loc[ind]
        r1 = rr_prev.rates[ind].to_numpy(dtype=float, na_value=np.nan)
        r2 = rr_cur.rates[ind].to_numpy(dtype=float, na_value=np.nan)
        d = r2 - r1
        ok = ~np.isnan(d)
        if _blank(row.get("denominator")) or ok.sum() < 2:
            mean[j] = d  # no count model: the change is taken as it is
            sd[j] = np.where(ok, 0.0, np.nan)
            info[ind] = {"modell": "fest"}
            continue
        per = float(rr_cur.params["per"].get(ind, 1.0))
        x1, n1 = _counts(prev, row["numerator"]), _counts(prev, row["denominator"])
        x2, n2 = _counts(cur, row["numerator"]), _counts(cur, row["denominator"])
        with np.errstate(invalid="ignore", divide="ignore"):
            q = (x1 + x2) / (n1 + n2)
            binomial = per == 100.0 and bool(np.all(q[ok] <= 1))
            unit = q * (1 - q) if binomial else q
            v = per**2 * unit * (1 / n1 + 1 / n2)
        ok &= np.isfinite(v)
        m = float(np.mean(d[ok]))
        tau2 = max(float(np.var(d[ok])) - float(np.mean(v[ok])), (float(np.std(d[ok])) / 100) ** 2)
        b = tau2 / (tau2 + np.where(ok, v, 0.0))
        hole = fill & ~ok
        hole &= (rr_cur.status[ind].astype("string") != "nenner_null").fillna(True).to_numpy(bool)
        mean[j] = np.where(ok, m + b * (d - m), np.where(hole, m, np.nan))
        sd[j] = np.where(
            ok, np.sqrt(b * np.where(ok, v, 0.0)), np.where(hole, np.sqrt(tau2), np.nan)
        )
        info[ind] = {"modell": "normal", "m": m, "tau2": tau2, "gefuellt": int((hole & ~ok).sum())}
    return _ChangeModel(mean, sd, info)


def _run_replicates(result, cur, prev, cat, ch: _Chain, p: CertaintyParams, seed) -> tuple:
    rng = np.random.default_rng(seed)
    fill = ch.rated
    model = _model(cur, cat, result.rates, ch.cols, fill)
    cmodel = None
    if prev is not None and ch.d_pos and result.previous_rates is not None:
        prev = prev.reindex(cur.index)
        fill_d = ch.d_rated if ch.d_rated is not None else fill
        rr_prev = _reindexed(result.previous_rates, cur.index)
        cmodel = _change_model(cur, prev, cat, result.rates, rr_prev, ch.cols, fill_d)
    parts: dict[str, list] = {}
    done = 0
    while done < p.replicates:
        r = min(p.chunk, p.replicates - done)
        v = _draw(model, rng, r)
        dv = None
        if cmodel is not None:
            dv = cmodel.mean + cmodel.sd * rng.standard_normal((r, *cmodel.mean.shape))
        for k, arr in _replicate(v, dv, ch).items():
            parts.setdefault(k, []).append(arr)
        done += r
    return {k: np.concatenate(a, axis=0) for k, a in parts.items()}, model, cmodel


def _reindexed(rr: RatesResult, index) -> RatesResult:
    return RatesResult(
        rates=rr.rates.reindex(index),
        reliable=rr.reliable.reindex(index).fillna(False),
        status=rr.status.reindex(index),
        params=rr.params,
    )


# ----------------------------------------------------------------- summaries


def _class_probs(codes, reported, names, index, stem, de_names) -> tuple[dict, pd.DataFrame]:
    """Columns ``<stem>_sicherheit``, ``<stem>_p_<klasse>`` and the probability table."""
    has = reported >= 0
    probs = np.stack([(codes == j).mean(axis=0) for j in range(len(names))], axis=1)
    probs[~has] = np.nan
    sure = np.full(len(index), np.nan)
    sure[has] = probs[has, reported[has]]
    cols = {f"{stem}_sicherheit": sure}
    for j, nm in enumerate(de_names):
        cols[f"{stem}_p_{slugify(nm)}"] = probs[:, j]
    return cols, pd.DataFrame(probs, index=index, columns=list(names))


def _interval(arr, level, ok=None) -> tuple[np.ndarray, np.ndarray]:
    q = (1 - level) / 2
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # areas without a value: NaN
        lo, hi = np.nanquantile(arr, [q, 1 - q], axis=0) if arr.size else (arr, arr)
    if ok is not None:
        lo, hi = np.where(ok, lo, np.nan), np.where(ok, hi, np.nan)
    return lo, hi


def _ranks(tot: np.ndarray, obs: pd.Series, ok: np.ndarray, level: float) -> dict:
    """Rank of the overall index (1 = highest) and its interval, among the rated areas."""
    n = len(obs)
    rank, lo, hi = (np.full(n, np.nan) for _ in range(3))
    if ok.any():
        sub = np.nan_to_num(tot[:, ok], nan=-np.inf)
        order = np.argsort(-sub, axis=1, kind="stable")
        rk = np.empty_like(order)
        rows = np.arange(sub.shape[0])[:, None]
        rk[rows, order] = np.arange(1, sub.shape[1] + 1)
        q = (1 - level) / 2
        lo[ok] = np.quantile(rk, q, axis=0, method="lower")
        hi[ok] = np.quantile(rk, 1 - q, axis=0, method="higher")
        rank[ok] = obs[ok].rank(ascending=False, method="min").to_numpy()
    as_int = lambda a: pd.array(np.where(np.isnan(a), None, a), dtype="Int64")  # noqa: E731
    return {"rang": as_int(rank), "rang_lo": as_int(lo), "rang_hi": as_int(hi)}


def _summaries(rep: dict, result: MonitorResult, ch: _Chain, p: CertaintyParams, L: str):
    fr = result.frame
    mp = ch.mp
    cols: dict = {}
    probs: dict = {}
    st_obs = fr["status_index"].to_numpy(dtype=float)
    rep_st = np.where(ch.bewertet, threshold_codes(st_obs, mp.status_thresholds, 1), -1)
    c, probs["status"] = _class_probs(
        threshold_codes(rep["status"], mp.status_thresholds, 1),
        rep_st, _STATUS_NAMES[L], fr.index, "status", _STATUS_NAMES["de"],
    )  # fmt: skip
    cols |= c
    cols["status_index_lo"], cols["status_index_hi"] = _interval(
        rep["status"], p.level, rep_st >= 0
    )
    cols |= _dynamic(rep, fr, ch, p, L, probs)
    tot_obs = fr["idx_gesamt"]
    ok = ch.bewertet & tot_obs.notna().to_numpy()
    if ok.any():
        obs_cls = classify(tot_obs, scheme=mp.scheme, k=mp.k, verbal=True, rated=ok, lang=L)
        de_cls = classify(tot_obs, scheme=mp.scheme, k=mp.k, verbal=True, rated=ok, lang="de")
        sub = np.where(
            np.isnan(rep["idx_gesamt"][:, ok]), tot_obs.to_numpy()[ok], rep["idx_gesamt"][:, ok]
        )
        codes = np.full(rep["idx_gesamt"].shape, -1)
        codes[:, ok] = classify_rows(sub, obs_cls.scheme, obs_cls.k, multiples=(-2, -1, 1, 2))
        c, probs["idx_gesamt"] = _class_probs(
            codes, np.where(ok, obs_cls.codes, -1), obs_cls.class_labels, fr.index,
            "idx_gesamt", de_cls.class_labels,
        )  # fmt: skip
        cols |= c
    cols["idx_gesamt_lo"], cols["idx_gesamt_hi"] = _interval(rep["idx_gesamt"], p.level, ok)
    for i, slug in enumerate(ch.dims):
        cols[f"idx_{slug}_lo"], cols[f"idx_{slug}_hi"] = _interval(
            rep["dims"][:, i], p.level, ch.bewertet
        )
    cols |= _ranks(rep["idx_gesamt"], tot_obs, ok, p.level)
    return pd.DataFrame(cols, index=fr.index), probs


def _dynamic(rep, fr, ch: _Chain, p: CertaintyParams, L: str, probs: dict) -> dict:
    """Certainty of the dynamic class and whether a change is larger than the noise."""
    n = len(fr)
    if "dynamik" not in rep:
        cols = {"dynamik_sicherheit": np.full(n, np.nan)}
        cols |= {f"dynamik_p_{slugify(x)}": np.full(n, np.nan) for x in _DYN_NAMES["de"]}
        cols |= {"dynamik_index_lo": np.full(n, np.nan), "dynamik_index_hi": np.full(n, np.nan)}
        cols["dynamik_gesichert"] = pd.array([pd.NA] * n, dtype="boolean")
        return cols
    th = ch.mp.dynamic_thresholds
    d_obs = fr["dynamik_index"].to_numpy(dtype=float)
    reported = np.where(ch.bewertet, threshold_codes(d_obs, th, 1), -1)
    cols, probs["dynamik"] = _class_probs(
        threshold_codes(rep["dynamik"], th, 1), reported, _DYN_NAMES[L], fr.index, "dynamik",
        _DYN_NAMES["de"],
    )  # fmt: skip
    lo, hi = _interval(rep["dynamik"], p.level, reported >= 0)
    cols["dynamik_index_lo"], cols["dynamik_index_hi"] = lo, hi
    # a change beyond the noise: the whole interval outside the stable band, on one side
    sure = (hi < th[0]) | (lo > th[-1])
    cols["dynamik_gesichert"] = pd.array(np.where(reported >= 0, sure, None), dtype="boolean")
    return cols


def certainty(
    counts,
    catalogue,
    result: MonitorResult,
    params: CertaintyParams | None = None,
    *,
    previous: pd.DataFrame | None = None,
    **settings,
) -> CertaintyResult:
    """Certainty of the monitor's classes, indices and ranks (seeded parametric bootstrap).

    Parameters
    ----------
    counts
        The counts the monitor was run on (a frame, a mapping ``{year: frame}`` or a long
        frame with (key, year) index), as passed to
        :func:`~sozialraum.monitor.run_monitor`.
    catalogue
        ``Catalogue`` or its ``indicators`` DataFrame.
    result
        The :class:`~sozialraum.monitor.MonitorResult` of these counts.
    params
        :class:`CertaintyParams`; ``**settings`` replace single fields
        (``replicates=500``, ``seed=1`` …).
    previous
        Counts of the earlier year when ``counts`` is one frame and the monitor got
        ``previous=`` (for the dynamic class).

    Returns
    -------
    CertaintyResult
    """
    p = (
        replace(params or CertaintyParams(), **settings)
        if settings
        else (params or CertaintyParams())
    )
    L = get_lang(p.lang)
    mp = result.settings
    if mp is None:
        raise InputError(t(_MSG, "no_settings", L))
    if int(p.replicates) < 10:
        raise InputError(
            t(_MSG, "replicates", L, n=p.replicates, knob=knob("certainty_replicates", L))
        )
    if not 0 < p.level < 1:
        raise InputError(t(_MSG, "level", L, x=p.level))
    cat = _indicators(catalogue)
    yr = _years_of(counts, None, previous, None, mp.years)
    cur = yr.current.reindex(result.frame.index)
    seed = mp.seed if p.seed is None else p.seed
    ch = _chain(result, cur, cat, mp)
    rep, model, pmodel = _run_replicates(result, cur, yr.previous, cat, ch, p, seed)
    frame, probs = _summaries(rep, result, ch, p, L)
    params = {
        "replicates": int(p.replicates),
        "seed": seed,
        "level": p.level,
        "unsure_below": p.unsure_below,
        "models": model.info,
        "previous_models": pmodel.info if pmodel is not None else None,
        "prior": "EB (Marshall) global"
        + (", also for spatial smoothing" if mp.smoothing == "spatial" else ""),
    }
    return CertaintyResult(frame=frame, probabilities=probs, params=params)
