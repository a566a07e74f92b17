"""Classification of indicator values for maps and tables (over ``mapclassify``).

``classify(values, scheme, k, bins)`` returns per area a class number (0-based,
``<NA>`` for missing values), a label and the legend. Missing values (NaN) get
their own class **"kein Wert"** / "no value" — they are removed before mapclassify
sees the data (mapclassify would bin NaN silently) and are never binned.

Boundaries and labels:

* Data-driven schemes (``quantiles``, ``equal_interval``, ``natural_breaks``,
  ``fisher_jenks``, ``std_mean``, ``head_tail``) use mapclassify's bins unchanged;
  mapclassify's classes are closed on the right (``b_{j-1} < x ≤ b_j``), so the labels
  say so: ``"bis 5,0"``, ``"über 5,0 bis 7,5"``, ``"über 7,5 bis 9,8"``.
* ``fixed`` (user-defined breaks, e.g. planning thresholds) uses breaks as lower
  bounds of the next class (closed on the left, ``b_{j-1} ≤ x < b_j``), the usual
  convention in planning reports: ``bins=[5, 7.5]`` → ``"unter 5,0"``,
  ``"5,0 bis unter 7,5"``, ``"7,5 und mehr"``.

Verbal labels (``verbal=True``): 5 classes "sehr niedrig", "niedrig", "mittel",
"hoch", "sehr hoch"; 3: "niedrig", "mittel", "hoch"; 4: "sehr niedrig", "niedrig",
"hoch", "sehr hoch"; other k: "Klasse 1" …

Also here: :func:`threshold_classes` (MSS-style status/dynamic classes) and
:func:`compare` (deviation from mean/median/reference, rank).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.numbers import format_number
from sozialraum.errors import InputError

__all__ = ["Classification", "classify", "compare", "threshold_classes", "SCHEMES"]

SCHEMES = (
    "quantiles",
    "equal_interval",
    "natural_breaks",
    "fisher_jenks",
    "std_mean",
    "head_tail",
    "fixed",
)

_MSG = {
    "no_value": {"de": "kein Wert", "en": "no value"},
    "not_rated": {"de": "nicht bewertet", "en": "not rated"},
    "below": {"de": "unter {a}", "en": "under {a}"},
    "from_to": {"de": "{a} bis unter {b}", "en": "{a} to under {b}"},
    "and_more": {"de": "{a} und mehr", "en": "{a} and more"},
    "upto": {"de": "bis {b}", "en": "up to {b}"},
    "over_to": {"de": "über {a} bis {b}", "en": "over {a} to {b}"},
    "class_n": {"de": "Klasse {n}", "en": "class {n}"},
    "scheme": {
        "de": "Unbekanntes Klassifizierungsverfahren {scheme!r}; möglich: {all}.",
        "en": "unknown classification scheme {scheme!r}; possible: {all}.",
    },
    "no_bins": {
        "de": "Für das Verfahren 'fixed' müssen Klassengrenzen (bins) angegeben werden.",
        "en": "the scheme 'fixed' needs class breaks (bins).",
    },
    "bins_order": {
        "de": "Die Klassengrenzen müssen aufsteigend sortiert sein: {bins}.",
        "en": "the class breaks must be increasing: {bins}.",
    },
    "labels_len": {
        "de": "{n} Klassennamen angegeben, aber {k} Klassen.",
        "en": "{n} class names given, but {k} classes.",
    },
}

_VERBAL = {
    "de": {
        3: ["niedrig", "mittel", "hoch"],
        4: ["sehr niedrig", "niedrig", "hoch", "sehr hoch"],
        5: ["sehr niedrig", "niedrig", "mittel", "hoch", "sehr hoch"],
    },
    "en": {
        3: ["low", "medium", "high"],
        4: ["very low", "low", "high", "very high"],
        5: ["very low", "low", "medium", "high", "very high"],
    },
}


@dataclass(frozen=True)
class Classification:
    """Result of :func:`classify`.

    Attributes
    ----------
    classes
        ``Int64`` Series: class number 0 … k−1, ``<NA>`` for missing values.
    labels
        Categorical Series of labels; missing values have the label "kein Wert"
        (the last category).
    legend
        List of labels in class order (ending with "kein Wert" if any value is missing).
    bins
        Upper bounds (data-driven schemes, as mapclassify) or the user's breaks (fixed).
    counts
        Areas per class (same order as ``legend``).
    params
        ``scheme``, ``k``, ``closed`` (``"right"``/``"left"``), ``n_missing``.
    """

    classes: pd.Series
    labels: pd.Series
    legend: list
    bins: np.ndarray
    counts: list
    params: dict = field(default_factory=dict)


def _mc_bins(y: np.ndarray, scheme: str, k: int, seed: int, multiples):
    import mapclassify as mc

    if scheme == "quantiles":
        c = mc.Quantiles(y, k=k)
    elif scheme == "equal_interval":
        c = mc.EqualInterval(y, k=k)
    elif scheme == "fisher_jenks":
        with warnings.catch_warnings():  # "Numba not installed": not the planner's concern
            warnings.filterwarnings("ignore", message="Numba not installed")
            c = mc.FisherJenks(y, k=k)
    elif scheme == "std_mean":
        c = mc.StdMean(y, multiples=list(multiples))
    elif scheme == "head_tail":
        c = mc.HeadTailBreaks(y)
    else:  # natural_breaks: k-means, random starts from numpy's global generator
        state = np.random.get_state()  # noqa: NPY002 (mapclassify uses the global generator)
        try:
            np.random.seed(seed)  # noqa: NPY002
            c = mc.NaturalBreaks(y, k=k)
        finally:
            np.random.set_state(state)  # noqa: NPY002
    return np.asarray(c.bins, dtype=float), np.asarray(c.yb, dtype=int)


def classify(
    values,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    *,
    decimals: int = 1,
    verbal: bool = False,
    labels: Sequence[str] | None = None,
    multiples: Sequence[float] = (-2, -1, 1, 2),
    seed: int = 0,
    lang: str | None = None,
) -> Classification:
    """Classify values with NaN as their own class and German/English labels.

    Parameters
    ----------
    values
        Series (index kept) or array-like of numbers; NaN = missing.
    scheme
        One of ``SCHEMES``.
    k
        Number of classes (ignored by ``std_mean``, ``head_tail``, ``fixed``).
    bins
        Breaks for ``scheme="fixed"``: ``[b1, …, bm]`` gives m+1 classes
        ``x < b1``, ``b1 ≤ x < b2``, …, ``x ≥ bm``.
    decimals
        Decimals in range labels.
    verbal
        Use "sehr niedrig" … "sehr hoch" instead of ranges.
    labels
        Own class names (one per class).
    multiples
        SD multiples for ``std_mean``.
    seed
        Seed for ``natural_breaks`` (k-means starts).
    lang
        Label language.
    """
    L = get_lang(lang)
    if scheme not in SCHEMES:
        raise InputError(t(_MSG, "scheme", L, scheme=scheme, all=", ".join(SCHEMES)))
    s = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=float))
    y_all = s.to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(y_all)
    y = y_all[ok]
    fmt = lambda v: format_number(v, decimals, L)  # noqa: E731
    if scheme == "fixed":
        if bins is None or len(bins) == 0:
            raise InputError(t(_MSG, "no_bins", L))
        b = np.asarray(bins, dtype=float)
        if np.any(np.diff(b) <= 0):
            raise InputError(t(_MSG, "bins_order", L, bins=list(bins)))
        yb = np.searchsorted(b, y, side="right")
        nclass = b.size + 1
        rng = [t(_MSG, "below", L, a=fmt(b[0]))]
        rng += [t(_MSG, "from_to", L, a=fmt(b[j - 1]), b=fmt(b[j])) for j in range(1, b.size)]
        rng += [t(_MSG, "and_more", L, a=fmt(b[-1]))]
        closed = "left"
    else:
        if y.size == 0:
            b, yb = np.array([], dtype=float), np.array([], dtype=int)
        else:
            b, yb = _mc_bins(y, scheme, k, seed, multiples)
        nclass = b.size
        rng = []
        for j in range(nclass):
            if j == 0:
                rng.append(t(_MSG, "upto", L, b=fmt(b[0])))
            else:
                rng.append(t(_MSG, "over_to", L, a=fmt(b[j - 1]), b=fmt(b[j])))
        closed = "right"
    if labels is not None:
        if len(labels) != nclass:
            raise InputError(t(_MSG, "labels_len", L, n=len(labels), k=nclass))
        names = list(labels)
    elif verbal:
        names = _VERBAL[L].get(nclass) or [t(_MSG, "class_n", L, n=j + 1) for j in range(nclass)]
    else:
        names = rng
    none = t(_MSG, "no_value", L)
    codes = np.full(y_all.shape, -1, dtype=int)
    codes[ok] = yb
    classes = pd.Series(pd.array(np.where(ok, codes, 0), dtype="Int64"), index=s.index, name=s.name)
    classes[~ok] = pd.NA
    legend = list(names) + ([none] if (~ok).any() else [])
    cats = list(dict.fromkeys(list(names) + [none]))
    lab = [names[c] if c >= 0 else none for c in codes]
    labels_s = pd.Series(
        pd.Categorical(lab, categories=cats, ordered=True), index=s.index, name=s.name
    )
    counts = [int((codes == j).sum()) for j in range(nclass)] + (
        [int((~ok).sum())] if (~ok).any() else []
    )
    params = {
        "scheme": scheme,
        "k": nclass,
        "closed": closed,
        "n_missing": int((~ok).sum()),
        "ranges": rng,
    }
    return Classification(
        classes=classes, labels=labels_s, legend=legend, bins=b, counts=counts, params=params
    )


def threshold_classes(
    values: pd.Series,
    thresholds: Sequence[float],
    names: Sequence[str],
    *,
    middle: int,
    rated: pd.Series | None = None,
    lang: str | None = None,
) -> pd.Series:
    """Classes by thresholds where a boundary value belongs to the class nearer the middle.

    For thresholds ``t_1 < … < t_m`` and ``m+1`` names: a value equal to a threshold
    goes to the neighbouring class with the index closer to ``middle`` (the "normal"
    class). E.g. MSS status with thresholds (−1, 1, 1.5) and middle 1
    ("mittel"): ``z < −1`` hoch, ``−1 ≤ z ≤ 1`` mittel, ``1 < z ≤ 1.5`` niedrig,
    ``z > 1.5`` sehr niedrig.

    Missing values → "kein Wert"; areas with ``rated`` False → "nicht bewertet".
    """
    th = np.asarray(thresholds, dtype=float)
    v = values.to_numpy(dtype=float, na_value=np.nan)
    idx = np.empty(v.shape, dtype=int)
    for i, x in enumerate(v):
        if np.isnan(x):
            idx[i] = -1
            continue
        j = int(np.searchsorted(th, x, side="left"))  # number of thresholds < x
        if j < th.size and x == th[j]:
            # boundary: between class j and j+1; pick the one nearer the middle
            j = j + 1 if abs(j + 1 - middle) < abs(j - middle) else j
        idx[i] = j
    out = [names[j] if j >= 0 else t(_MSG, "no_value", lang) for j in idx]
    res = pd.Series(out, index=values.index, dtype=object)
    if rated is not None:
        r = rated.reindex(values.index).fillna(False).astype(bool)
        res[~r] = t(_MSG, "not_rated", lang)
    return res


def compare(
    values: pd.Series,
    *,
    reference: float | None = None,
    ascending: bool = False,
    prefix: str | None = None,
) -> pd.DataFrame:
    """Comparison columns for one indicator.

    Returns a DataFrame with ``abw_mittel`` (value − unweighted mean of the areas),
    ``abw_median``, ``abw_referenz`` (value − ``reference``, e.g. the Land average;
    only when given) and ``rang`` (1 = highest value unless ``ascending``; ties get
    the minimum rank; NaN stays without rank). Column names get ``prefix + "_"``.
    """
    x = values.astype(float)
    out = pd.DataFrame(index=values.index)
    out["abw_mittel"] = x - x.mean()
    out["abw_median"] = x - x.median()
    if reference is not None:
        out["abw_referenz"] = x - float(reference)
    out["rang"] = x.rank(ascending=ascending, method="min").astype("Int64")
    if prefix:
        out.columns = [f"{prefix}_{c}" for c in out.columns]
    return out
