"""One call for the yearly monitor: rates → standardisation → indices → classes → types.

:func:`run_monitor` chains the modules of this room; every step and its rule is
documented in ``docs/monitor.md`` and in the step's module.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.numbers import format_number
from sozialraum.errors import InputError, SozialraumWarning, format_ids
from sozialraum.monitor.classify import classify
from sozialraum.monitor.dynamics import change, trend
from sozialraum.monitor.index import composite_index, pca_index
from sozialraum.monitor.mss import (
    DYNAMIC_THRESHOLDS,
    STATUS_THRESHOLDS,
    dynamic_classes,
    mss_index,
    mss_matrix,
    status_classes,
)
from sozialraum.monitor.rates import RatesResult, _blank, compute_rates
from sozialraum.monitor.smoothing import smooth_rates
from sozialraum.monitor.standardize import standardize
from sozialraum.monitor.typology import TypologyResult, typology

__all__ = ["MonitorParams", "MonitorResult", "monitor_params", "run_monitor"]

_MSG = {
    "small_pop": {
        "de": "Einwohner unter {thr}",
        "en": "population below {thr}",
    },
    "no_pop": {
        "de": "keine Einwohnerzahl",
        "en": "no population figure",
    },
    "few_ind": {
        "de": "zu wenige Indikatoren mit Wert",
        "en": "too few indicators with a value",
    },
    "not_rated_warn": {
        "de": "{n} Gebiet(e) nicht bewertet (Einwohner unter {thr} oder ohne Einwohnerzahl): {ids}.",
        "en": "{n} area(s) not rated (population below {thr} or missing): {ids}.",
    },
    "not_rated": {"de": "nicht bewertet", "en": "not rated"},
    "unknown_ind": {
        "de": "Status-Indikatoren nicht im Katalog: {ids}.",
        "en": "status indicators not in the catalogue: {ids}.",
    },
    "reference": {
        "de": "Unbekannte Referenzmenge {ref!r} (rated, reliable).",
        "en": "unknown reference set {ref!r} (rated, reliable).",
    },
    "typ_skipped": {
        "de": "Typisierung übersprungen: {why}",
        "en": "typology skipped: {why}",
    },
}


@dataclass(frozen=True)
class MonitorResult:
    """Everything the monitor computed.

    Attributes
    ----------
    frame
        One row per area: ``idx_<dimension>``, ``idx_gesamt``, ``idx_pca``,
        ``idx_gesamt_klasse``, ``status_index``, ``status_klasse``, ``dynamik_index``,
        ``dynamik_klasse``, ``mss_gruppe``, ``mss_code``, ``typ``, ``typ_beschreibung``,
        ``bewertet``, ``grund``.
    params
        All settings and reference statistics (for the methods annex).
    rates
        :class:`RatesResult` of the current year (raw rates).
    values
        The rates that entered the standardisation (smoothed where smoothing was on).
    z
        Standardised indicators (higher = more need).
    typology
        :class:`TypologyResult` or None.
    change
        Absolute change of the rates between the two years (or None).
    trend
        (slope, direction) DataFrames over ≥ 3 years (or None).
    """

    frame: pd.DataFrame
    params: dict
    rates: RatesResult
    values: pd.DataFrame
    z: pd.DataFrame
    typology: TypologyResult | None = None
    change: pd.DataFrame | None = None
    trend: tuple | None = None
    previous_rates: RatesResult | None = field(default=None, repr=False)
    settings: MonitorParams | None = field(default=None, repr=False)

    def summary(self, lang: str | None = None) -> list[str]:
        """A few readable lines (German by default) for a CLI/report summary."""
        L = get_lang(lang)
        f = self.frame
        n_r = int(f["bewertet"].sum())
        lines = [
            (
                f"Gebiete: {len(f)}, davon bewertet: {n_r}"
                if L == "de"
                else f"areas: {len(f)}, rated: {n_r}"
            ),
        ]
        for col, title in (
            ("status_klasse", "Status"),
            ("dynamik_klasse", "Dynamik" if L == "de" else "Dynamic"),
        ):
            vc = f[col].value_counts()
            lines.append(f"{title}: " + ", ".join(f"{k} {v}" for k, v in vc.items()))
        if self.typology is not None:
            for ty, d in self.typology.descriptions.items():
                n = int(self.typology.profile.loc[ty, "n"])
                lines.append(f"{d} ({n})")
        return lines


def _indicators(catalogue) -> pd.DataFrame:
    return catalogue.indicators if hasattr(catalogue, "indicators") else catalogue


def _split_years(counts, status):
    if isinstance(counts, pd.DataFrame) and isinstance(counts.index, pd.MultiIndex):
        # long table (key, year) as read by sozialraum.io for multi-year files
        years = sorted(counts.index.get_level_values(-1).unique())
        counts = {y: counts.xs(y, level=-1) for y in years}
        if isinstance(status, pd.DataFrame) and isinstance(status.index, pd.MultiIndex):
            status = {y: status.xs(y, level=-1) for y in years}
    if isinstance(counts, Mapping):
        years = sorted(counts)
        st = status if isinstance(status, Mapping) else {}
        return {y: counts[y] for y in years}, {y: st.get(y) for y in years}, years
    return {None: counts}, {None: status}, [None]


def _population(frame: pd.DataFrame, cat: pd.DataFrame, population: str | None) -> pd.Series:
    if population and population in frame.columns:
        return frame[population].astype(float)
    dens = [
        d
        for d in cat.get("denominator", pd.Series(dtype=object))
        if not _blank(d) and d in frame.columns
    ]
    if not dens:
        return pd.Series(np.nan, index=frame.index)
    return frame[list(dict.fromkeys(dens))].astype(float).max(axis=1)


def _rate_values(frame, cat, status, min_denominator, smoothing, w, lang):
    rr = compute_rates(frame, cat, status=status, min_denominator=min_denominator, lang=lang)
    vals = rr.rates
    if smoothing:
        sm = smooth_rates(frame, cat, method=smoothing, w=w, lang=lang).smoothed
        # smoothed where the raw rate is a number (never fill secret/missing cells)
        vals = sm.where(rr.rates.notna())
    return rr, vals


@dataclass(frozen=True)
class MonitorParams:
    """Settings of :func:`run_monitor` (defaults as documented in ``docs/monitor.md``).

    Attributes
    ----------
    years
        Labels of (previous, current) year for messages/params.
    population
        Variable with the population; areas below ``min_denominator`` are
        "nicht bewertet". Missing column: the largest denominator is used.
    min_denominator
        Threshold for rates (``nenner_klein``) and for rating areas (default 300).
    smoothing
        ``None``, ``"global"`` or ``"spatial"`` (EB; ``w`` needed for spatial).
    standardization
        ``"z"`` (default), ``"minmax"`` or ``"rank"`` for the dimension indices. The
        status/dynamic index always uses z-scores (MSS definition).
    reference
        Reference areas for mean/SD: ``"rated"`` (population ≥ threshold, default)
        or ``"reliable"`` (additionally the rate's own denominator ≥ threshold).
    index_method, restandardize, min_share
        See :func:`sozialraum.monitor.index.composite_index`; ``min_share`` (default
        0.5) also applies to the status and dynamic index (share of their indicators
        that must be numbers); 1.0 gives the strict complete-case MSS rule.
    status_indicators
        Indicators of the status/dynamic index; default: a boolean ``status`` column
        of the catalogue if present, else all indicators.
    status_thresholds, dynamic_thresholds
        Class thresholds (see :mod:`sozialraum.monitor.mss`).
    scheme, k
        Classification of ``idx_gesamt`` (verbal labels "sehr niedrig" … "sehr hoch").
    n_types, typology_method, seed
        Typology on the dimension indices (see :func:`typology`).
    lang
        Language of labels and messages.
    """

    years: Sequence | None = None
    population: str | None = "ew_ges"
    min_denominator: float = 300
    smoothing: str | None = None
    standardization: str = "z"
    reference: str = "rated"
    index_method: str = "mean"
    restandardize: bool = True
    min_share: float = 0.5
    status_indicators: Sequence[str] | None = None
    status_thresholds: Sequence[float] = STATUS_THRESHOLDS
    dynamic_thresholds: Sequence[float] = DYNAMIC_THRESHOLDS
    scheme: str = "quantiles"
    k: int = 5
    n_types: int = 4
    typology_method: str = "kmeans"
    seed: int = 0
    lang: str | None = None


_SETTINGS = frozenset(f.name for f in fields(MonitorParams))


@dataclass
class _Years:
    """The years of one monitor run: frames/status per year, current and previous."""

    frames: dict
    stats: dict
    keys: list
    current: pd.DataFrame
    previous: pd.DataFrame | None
    previous_status: pd.DataFrame | None
    prev_year: object
    cur_year: object


def _years_of(counts, status, previous, previous_status, years) -> _Years:
    """Split the counts into years and pick the current and the previous one."""
    frames, stats, yrs = _split_years(counts, status)
    cur_year = yrs[-1]
    if previous is None and len(yrs) >= 2:
        prev_year = yrs[0]
        previous, previous_status = frames[prev_year], stats[prev_year]
    else:
        prev_year = years[0] if years else None
    if years:
        prev_year, cur_year = years[0], years[-1]
    return _Years(
        frames, stats, yrs, frames[yrs[-1]], previous, previous_status, prev_year, cur_year
    )


class _RateCache:
    """Rates (raw, and smoothed where smoothing is on) computed once per year."""

    def __init__(self, cat, p: MonitorParams, w, lang: str):
        self._cat, self._p, self._w, self._lang = cat, p, w, lang
        self._cache: dict = {}

    def __call__(self, key, frame, st):
        if key not in self._cache:
            self._cache[key] = _rate_values(
                frame,
                self._cat,
                st,
                self._p.min_denominator,
                self._p.smoothing,
                self._w,
                self._lang,
            )
        return self._cache[key]


def _rated_areas(cur, cat, p: MonitorParams, L: str) -> tuple[pd.Series, pd.Series]:
    """Areas with enough inhabitants to be rated, and the reason for the others."""
    pop = _population(cur, cat, p.population)
    rated = (pop >= p.min_denominator).fillna(False)
    thr = format_number(p.min_denominator, 0, L)
    reason = pd.Series("", index=cur.index, dtype=object)
    reason[pop.isna()] = t(_MSG, "no_pop", L)
    reason[pop.notna() & ~rated] = t(_MSG, "small_pop", L, thr=thr)
    if (~rated).any():
        ids = [str(i) for i in cur.index[~rated]]
        warnings.warn(
            t(_MSG, "not_rated_warn", L, n=len(ids), thr=thr, ids=format_ids(ids)),
            SozialraumWarning,
            stacklevel=3,
        )
    return rated, reason


@dataclass
class _Indices:
    """Standardised values and the dimension/overall/PCA indices."""

    std: object
    z: pd.DataFrame
    idx: object
    out: pd.DataFrame
    pca_params: dict


def _index_indicators(columns, cat) -> list:
    """The indicators an index is built from: those with a dimension (descriptive indicators
    without one enter no index); all of them when the catalogue names no dimension at all."""
    dims = cat["dimension"] if "dimension" in cat else pd.Series(dtype=object)
    with_dim = [c for c in columns if isinstance(dims.get(c), str) and dims.get(c)]
    return with_dim if with_dim else list(columns)


def _indices(vals, rr, rated, cat, p: MonitorParams, L: str) -> _Indices:
    """Standardise the rates and build dimension indices, overall index and PCA index."""
    ref_mask = pd.DataFrame({c: rated for c in vals.columns}, index=vals.index)
    if p.reference == "reliable":
        ref_mask &= rr.reliable
    std = standardize(vals, method=p.standardization, direction=cat, valid=ref_mask, lang=L)
    z = std.values
    idx = composite_index(
        z,
        cat,
        method=p.index_method,
        restandardize=p.restandardize,
        min_share=p.min_share,
        valid=rated,
    )
    out = idx.frame.copy()
    if p.standardization == "z":
        zz = z
    else:
        zz = standardize(vals, method="z", direction=cat, valid=ref_mask, warn=False).values
    pca, pca_params = pca_index(zz[_index_indicators(zz.columns, cat)], valid=rated)
    if p.restandardize:
        pca = standardize(pca.to_frame("p"), method="z", valid=rated, warn=False).values["p"]
    out["idx_pca"] = pca
    return _Indices(std, z, idx, out, pca_params)


def _overall_classes(out, rated, reason, p: MonitorParams, L: str):
    """Areas rated in the end (enough indicators) and the classes of ``idx_gesamt``."""
    few = out["idx_gesamt"].isna() & rated
    reason[few] = t(_MSG, "few_ind", L)
    bewertet = rated & ~few
    cls = classify(out["idx_gesamt"], scheme=p.scheme, k=p.k, verbal=True, rated=bewertet, lang=L)
    lab = cls.labels.astype(object)
    lab[~bewertet] = t(_MSG, "not_rated", L)
    out["idx_gesamt_klasse"] = lab
    return bewertet, cls


def _status_indicators(cat, vals, bewertet, p: MonitorParams, L: str) -> list[str]:
    """Indicators of the status/dynamic index that have a value in a rated area."""
    chosen = p.status_indicators
    if chosen is None:
        if "status" in cat.columns and cat["status"].dropna().astype(bool).any():
            chosen = cat.index[cat["status"].fillna(False).astype(bool)].tolist()
        else:
            chosen = list(cat.index)
    unknown = [s for s in chosen if s not in vals.columns]
    if unknown:
        raise InputError(t(_MSG, "unknown_ind", L, ids=format_ids(unknown)), ids=unknown)
    return [s for s in chosen if vals[s][bewertet].notna().any()]


def _status(out, vals, s_inds, cat, bewertet, p: MonitorParams, L: str) -> None:
    """MSS status index and status classes (columns of ``out``)."""
    s_idx, _ = mss_index(vals[s_inds], direction=cat, rated=bewertet, min_share=p.min_share)
    out["status_index"] = s_idx
    out["status_klasse"] = status_classes(
        s_idx, thresholds=p.status_thresholds, rated=bewertet, lang=L
    )


def _dynamics(out, vals, s_inds, cat, bewertet, yr: _Years, rates_of, p: MonitorParams, L: str):
    """MSS dynamic index and classes from the change since the previous year.

    Returns the absolute change of the rates and the previous year's rates (or None).
    """
    if yr.previous is None:
        out["dynamik_index"] = np.nan
        out["dynamik_klasse"] = dynamic_classes(out["dynamik_index"], rated=bewertet, lang=L)
        return None, None
    yrs = yr.keys
    first = len(yrs) >= 2 and yr.previous is yr.frames[yrs[0]]
    prev_key = yrs[0] if first else "__previous__"
    prev_rr, prev_vals = rates_of(prev_key, yr.previous, yr.previous_status)
    ch = change(prev_vals, vals, years=(yr.prev_year, yr.cur_year), lang=L)
    cur = yr.current
    chg = ch.absolute.reindex(cur.index)
    d_rated = bewertet & pd.Series(cur.index.isin(yr.previous.index), index=cur.index)
    d_inds = [s for s in s_inds if chg[s][d_rated].notna().any()]
    d_idx, _ = mss_index(chg[d_inds], direction=cat, rated=d_rated, min_share=p.min_share)
    out["dynamik_index"] = d_idx
    out["dynamik_klasse"] = dynamic_classes(
        d_idx, thresholds=p.dynamic_thresholds, rated=bewertet, lang=L
    )
    return chg, prev_rr


def _types(out, idx, bewertet, connectivity, p: MonitorParams, L: str):
    """Typology on the dimension indices (columns ``typ``, ``typ_beschreibung``)."""
    dim_cols = [c for c in idx.frame.columns if c != "idx_gesamt"]
    out["typ"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["typ_beschreibung"] = pd.Series(None, index=out.index, dtype=object)
    if not (p.n_types and dim_cols):
        return None
    names = {f"idx_{s}": d for s, d in idx.params["dimensions"].items()}
    try:
        typ_res = typology(
            out[dim_cols],
            k=p.n_types,
            method=p.typology_method,
            seed=p.seed,
            rated=bewertet,
            connectivity=connectivity,
            names=names,
            need_wording=True,
            lang=L,
        )
    except InputError as exc:
        warnings.warn(t(_MSG, "typ_skipped", L, why=str(exc)), SozialraumWarning, stacklevel=3)
        return None
    out["typ"] = typ_res.types
    out["typ_beschreibung"] = typ_res.labels
    return typ_res


def _params_record(p: MonitorParams, yr: _Years, ix: _Indices, s_inds, cls, typ_res, bewertet):
    """All settings and reference statistics (for the methods annex)."""
    return {
        "years": (yr.prev_year, yr.cur_year) if yr.previous is not None else (yr.cur_year,),
        "min_denominator": float(p.min_denominator),
        "population": p.population,
        "smoothing": p.smoothing,
        "standardization": ix.std.params,
        "reference": p.reference,
        "index": ix.idx.params,
        "pca": ix.pca_params,
        "status_indicators": s_inds,
        "status_thresholds": tuple(p.status_thresholds),
        "dynamic_thresholds": tuple(p.dynamic_thresholds),
        "classification": cls.params | {"bins": cls.bins.tolist()},
        "typology": typ_res.params if typ_res is not None else None,
        "n_rated": int(bewertet.sum()),
        "seed": p.seed,
    }


def monitor_params(params: MonitorParams | None = None, **settings) -> MonitorParams:
    """``params`` (default: :class:`MonitorParams`) with the given settings replaced.

    Raises
    ------
    TypeError
        For a setting that :class:`MonitorParams` does not have.
    """
    unknown = sorted(set(settings) - _SETTINGS)
    if unknown:
        raise TypeError(f"run_monitor() got unexpected keyword argument(s): {', '.join(unknown)}")
    base = params if params is not None else MonitorParams()
    return replace(base, **settings) if settings else base


def run_monitor(
    counts,
    catalogue,
    params: MonitorParams | None = None,
    *,
    status=None,
    previous: pd.DataFrame | None = None,
    previous_status: pd.DataFrame | None = None,
    w=None,
    connectivity=None,
    **settings,
) -> MonitorResult:
    """Run the whole monitor on counts of one year (optionally an earlier year / many years).

    Steps: rates → smoothing → standardisation → indices → classes → MSS status →
    dynamics → trend → typology.

    Parameters
    ----------
    counts
        Counts of the current year (index = area key, columns = variable ids), a
        mapping ``{year: counts}`` or a long frame with a (key, year) MultiIndex: the
        latest year is current, the earliest is the base of the dynamic index, and
        ≥ 3 years also give a trend.
    catalogue
        ``Catalogue`` or its ``indicators`` DataFrame.
    params
        :class:`MonitorParams` (default settings when omitted).
    status
        Status codes of ``counts`` (a frame, or a mapping ``{year: frame}``).
    previous, previous_status
        Counts (and status) of the earlier year for the dynamic index (when
        ``counts`` is a single frame).
    w
        Spatial weights for ``smoothing="spatial"``.
    connectivity
        Contiguity for a spatially constrained typology (see :func:`typology`).
    **settings
        Any field of :class:`MonitorParams` (``min_denominator=300``, ``seed=1`` …);
        replaces the value in ``params``.
    """
    p = monitor_params(params, **settings)
    L = get_lang(p.lang)
    cat = _indicators(catalogue)
    if p.reference not in ("rated", "reliable"):
        raise InputError(t(_MSG, "reference", L, ref=p.reference))
    yr = _years_of(counts, status, previous, previous_status, p.years)
    rates_of = _RateCache(cat, p, w, L)
    rr, vals = rates_of(yr.keys[-1], yr.current, yr.stats[yr.keys[-1]])

    rated, reason = _rated_areas(yr.current, cat, p, L)
    ix = _indices(vals, rr, rated, cat, p, L)
    out = ix.out
    bewertet, cls = _overall_classes(out, rated, reason, p, L)
    s_inds = _status_indicators(cat, vals, bewertet, p, L)
    _status(out, vals, s_inds, cat, bewertet, p, L)
    chg, prev_rr = _dynamics(out, vals, s_inds, cat, bewertet, yr, rates_of, p, L)
    out = out.join(mss_matrix(out["status_klasse"], out["dynamik_klasse"], lang=L))
    tr = None
    if len(yr.keys) >= 3:
        panel = {y: rates_of(y, yr.frames[y], yr.stats[y])[1] for y in yr.keys}
        tr = trend(panel, lang=L)
    typ_res = _types(out, ix.idx, bewertet, connectivity, p, L)

    out["bewertet"] = bewertet.astype(bool)
    out["grund"] = reason.where(~bewertet, "")
    out.index.name = yr.current.index.name
    return MonitorResult(
        frame=out,
        params=_params_record(p, yr, ix, s_inds, cls, typ_res, bewertet),
        rates=rr,
        values=vals,
        z=ix.z,
        typology=typ_res,
        change=chg,
        trend=tr,
        previous_rates=prev_rr,
        settings=p,
    )
