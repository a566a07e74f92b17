r"""How sure is the class of a single indicator? Certainty of classified rates.

Maps and reports classify single indicators (SGB-II-Quote, Alleinerziehende …) into
classes (quintiles by default, :func:`sozialraum.core.classify.classify`). For every
classified rate with a denominator this module gives the probability that the area's
*true* rate lies in the class it is shown in, given its count and denominator
(column ``<indicator>_sicherheit``).

**Count model** (the one of :mod:`sozialraum.monitor.certainty`): binomial for shares
(per 100), Poisson otherwise, with the monitor's Empirical Bayes prior (Marshall's
moments); a replicate draws each true rate from the posterior ``Beta(a + x, b + n − x)``
resp. ``Gamma(α + x, β + n)``, whose mean is the EB-smoothed rate. An area shown with
a class whose count is missing or suppressed is drawn from the prior alone (it widens
the uncertainty; it is never counted as 0). Indicators without a denominator, and
balances with negative numerators (net migration), have no count model and get no
certainty column.

**Fixed breaks.** The class an area is shown in is defined by the breaks of the map or
table the planner reads ("über 2,7 bis 4,3"). The question "how sure is this class?"
is therefore: how likely is the true rate inside *these* bounds. The breaks are kept
as published and are not recomputed per replicate: recomputing would measure how
stable a quantile scheme is under noise in all areas at once (a different question,
and the breaks a reader sees would no longer be the ones the probability refers to).
The outermost classes are open (the lowest class holds every rate up to its upper
bound, the highest every rate above its lower bound): their printed outer bounds are
just the smallest and largest observed value.

Vectorised: all indicators and areas of one chunk of replicates are drawn at once
(arrays replicates × indicators × areas).

Limits: only sampling noise of the counts; no error of the model, the boundaries or
the data entry; indicators are drawn independently of each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.classify import classify
from sozialraum.core.doors import knob
from sozialraum.errors import InputError
from sozialraum.monitor.certainty import CertaintyParams, _counts, _draw, _Model, _model
from sozialraum.monitor.monitor import _indicators
from sozialraum.monitor.rates import RatesResult, _blank

__all__ = [
    "IndicatorCertainty",
    "class_bounds",
    "indicator_certainty",
    "indicator_certainty_column",
    "indicator_certainty_labels",
]

_MSG = {
    "replicates": {
        "de": "Zu wenige Bootstrap-Replikate ({n}): bitte {knob} auf mindestens 10 setzen "
        "(üblich: 1000).",
        "en": "too few bootstrap replicates ({n}): set {knob} to at least 10 (usual: 1000).",
    },
    "unknown": {
        "de": "Indikator {ind!r} steht nicht in den Quoten; bekannt sind: {known}.",
        "en": "indicator {ind!r} is not among the rates; known: {known}.",
    },
    "codes": {
        "de": "Klassen von {ind!r}: {n} Klassencodes für {m} Gebiete; bitte einen Code je "
        "Gebiet angeben (in der Reihenfolge der Quoten).",
        "en": "classes of {ind!r}: {n} class codes for {m} areas; give one code per area "
        "(in the order of the rates).",
    },
    "label": {"de": "{name}: Klassensicherheit", "en": "{name}: class certainty"},
}

_SUFFIX = "_sicherheit"


def indicator_certainty_column(indicator: str) -> str:
    """``sgb2_quote`` → ``sgb2_quote_sicherheit`` (the column of its class certainty)."""
    return f"{indicator}{_SUFFIX}"


@dataclass(frozen=True)
class IndicatorCertainty:
    """Certainty of the classes of single indicators.

    Attributes
    ----------
    frame
        One row per area, one column ``<indicator>_sicherheit`` per indicator with a
        count model: probability (0–1) that the true rate lies in the area's class.
        NaN where the area has no class.
    params
        Replicates, seed, unsure_below, count model per indicator, the class bounds
        used (``breaks``: indicator → bins).
    """

    frame: pd.DataFrame
    params: dict = field(default_factory=dict)

    def unsure(self, indicator: str) -> pd.Index:
        """Areas whose class of ``indicator`` is less certain than ``unsure_below``."""
        s = self.frame[indicator_certainty_column(indicator)]
        return s.index[s.notna() & (s < self.params["unsure_below"])]


def class_bounds(codes, bins) -> tuple[np.ndarray, np.ndarray]:
    """Lower (open) and upper (closed) bound of each area's class.

    ``codes``: class per area (``-1`` and below: no class); ``bins``: upper bounds of
    the classes as in :class:`sozialraum.core.classify.Classification`. The lowest
    class is open below, the highest open above; areas without a class get NaN.
    """
    codes = np.asarray(codes, dtype=int)
    b = np.asarray(bins, dtype=float)
    k = len(b)
    lo = np.full(codes.shape, np.nan)
    hi = np.full(codes.shape, np.nan)
    has = (codes >= 0) & (codes < k)
    if k:
        c = np.clip(codes, 0, k - 1)
        inner_lo = np.concatenate([[-np.inf], b[:-1]])[c]
        inner_hi = np.concatenate([b[:-1], [np.inf]])[c]
        lo = np.where(has, inner_lo, np.nan)
        hi = np.where(has, inner_hi, np.nan)
    return lo, hi


def _countable(frame: pd.DataFrame, row) -> bool:
    """A rate with a count model: a denominator and no negative count (a balance such as
    net migration is no count of events and has no binomial or Poisson noise)."""
    if _blank(row.get("denominator")):
        return False
    x = _counts(frame, row.get("numerator"))
    return not bool(np.any(x[~np.isnan(x)] < 0))


def _default_classes(rates: pd.DataFrame, cols, scheme: str, k: int) -> dict:
    """Classes of the rates by the one engine (as a map with the same scheme draws them)."""
    out = {}
    for c in cols:
        v = rates[c]
        if v.notna().sum() < 2:
            continue
        cl = classify(v, scheme, k=k, k_at_most=True, name=c)
        out[c] = (cl.codes, tuple(float(x) for x in cl.bins) if cl.k else ())
    return out


def _with_holes(model: _Model, has_class: np.ndarray) -> _Model:
    """Areas shown with a class but without a usable count: drawn from the prior."""
    a, b, fixed = model.a.copy(), model.b.copy(), model.fixed.copy()
    for j, info in enumerate(model.info.values()):
        if model.kind[j] == "fixed":
            continue
        hole = has_class[j] & np.isnan(a[j])
        a[j, hole], b[j, hole] = info["a0"], info["b0"]
        fixed[j, hole] = np.nan
    return replace(model, a=a, b=b, fixed=fixed)


def _hits(model: _Model, lo, hi, p: CertaintyParams, seed) -> np.ndarray:
    """Share of replicates whose true rate lies in ``(lo, hi]`` (indicators × areas)."""
    rng = np.random.default_rng(seed)
    hits = np.zeros(lo.shape)
    done = 0
    while done < p.replicates:
        r = min(p.chunk, p.replicates - done)
        v = _draw(model, rng, r)
        hits += ((v > lo) & (v <= hi)).sum(axis=0)
        done += r
    return hits / p.replicates


def indicator_certainty(
    counts: pd.DataFrame,
    catalogue,
    rates: RatesResult,
    classes: Mapping[str, tuple] | None = None,
    params: CertaintyParams | None = None,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    **settings,
) -> IndicatorCertainty:
    """Probability that each area's true rate lies in the class it is shown in.

    Parameters
    ----------
    counts
        Counts of one year (areas × variables), as passed to
        :func:`~sozialraum.monitor.compute_rates`.
    catalogue
        ``Catalogue`` or its ``indicators`` DataFrame.
    rates
        The :class:`~sozialraum.monitor.RatesResult` of these counts.
    classes
        Indicator → ``(codes, bins)``: the class of each area (in the order of
        ``rates.rates``; ``-1`` or below: no class) and the class breaks as
        published (upper bounds, :class:`~sozialraum.core.classify.Classification`).
        Default: every indicator classified by
        :func:`~sozialraum.core.classify.classify` with ``scheme`` and ``k``.
    params
        :class:`~sozialraum.monitor.CertaintyParams` (replicates, seed, unsure_below,
        chunk); ``**settings`` replace single fields.
    scheme, k
        Classification of the default ``classes``.

    Returns
    -------
    IndicatorCertainty
        Columns ``<indicator>_sicherheit`` for the indicators with a denominator.
    """
    p = (
        replace(params or CertaintyParams(), **settings)
        if settings
        else (params or CertaintyParams())
    )
    L = get_lang(p.lang)
    if int(p.replicates) < 10:
        raise InputError(
            t(_MSG, "replicates", L, n=p.replicates, knob=knob("certainty_replicates", L))
        )
    cat = _indicators(catalogue)
    idx = rates.rates.index
    frame = counts.reindex(idx)
    if classes is None:
        cols = [c for c in cat.index if c in rates.rates.columns]
        classes = _default_classes(rates.rates, cols, scheme, k)
    for ind, (codes, _) in classes.items():
        if ind not in rates.rates.columns or ind not in cat.index:
            known = ", ".join(map(str, rates.rates.columns))
            raise InputError(t(_MSG, "unknown", L, ind=ind, known=known), column=str(ind))
        if len(codes) != len(idx):
            raise InputError(t(_MSG, "codes", L, ind=ind, n=len(codes), m=len(idx)))
    cols = [c for c in classes if _countable(frame, cat.loc[c])]
    seed = 0 if p.seed is None else p.seed
    out = pd.DataFrame(index=idx)
    info: dict = {"breaks": {}, "models": {}}
    if cols:
        bounds = [class_bounds(classes[c][0], classes[c][1]) for c in cols]
        lo = np.array([b[0] for b in bounds])
        hi = np.array([b[1] for b in bounds])
        has = ~np.isnan(lo)
        model = _with_holes(_model(frame, cat, rates, cols, np.zeros(len(idx), bool)), has)
        share = _hits(model, np.where(has, lo, 0.0), np.where(has, hi, 0.0), p, seed)
        drawn = model.kind != "fixed"
        share = np.where(has & drawn[:, None], share, np.nan)
        for j, c in enumerate(cols):
            if drawn[j]:
                out[indicator_certainty_column(c)] = share[j]
        info["models"] = model.info
        info["breaks"] = {c: tuple(classes[c][1]) for c in cols}
    params_out = {
        "replicates": int(p.replicates),
        "seed": seed,
        "unsure_below": p.unsure_below,
        "classes": "feste Grenzen (wie veröffentlicht)",
        **info,
    }
    return IndicatorCertainty(frame=out, params=params_out)


def indicator_certainty_labels(
    result: IndicatorCertainty | None, catalogue, lang: str | None = None
) -> dict[str, str]:
    """Column → readable header (``sgb2_quote_sicherheit`` → "SGB-II-Quote: Klassensicherheit").

    With ``result=None``: the headers of every indicator with a denominator.
    """
    L = get_lang(lang)
    cat = _indicators(catalogue)
    if result is not None:
        inds = [c[: -len(_SUFFIX)] for c in result.frame.columns]
    else:
        inds = [i for i in cat.index if not _blank(cat.loc[i].get("denominator"))]
    out = {}
    for ind in inds:
        name = ind
        if ind in cat.index:
            row = cat.loc[ind]
            en = row.get("label_en") if "label_en" in cat.columns else None
            name = str(en) if L == "en" and isinstance(en, str) else str(row.get("label", ind))
        out[indicator_certainty_column(ind)] = t(_MSG, "label", L, name=name)
    return out
