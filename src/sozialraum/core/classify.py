"""Classification of indicator values into classes: the one engine (over ``mapclassify``).

Every door — the monitor, the web map, the static maps, the report and the QGIS
styles — classifies through :func:`classify`, so the same values give the same
breaks and the same class per area everywhere.

Schemes (:data:`SCHEMES`)
-------------------------
``quantiles``, ``equal_interval``
    mapclassify ``Quantiles`` / ``EqualInterval`` with ``k`` classes.
``natural_breaks`` (alias ``fisher_jenks``)
    mapclassify ``FisherJenks``: the exact optimum of Jenks' natural breaks
    (minimal within-class variance), deterministic. mapclassify's ``NaturalBreaks``
    (k-means with random starts) is *not* used: it can give other breaks on the
    same data.
``std_mean``
    mapclassify ``StdMean`` (mean ± ``multiples`` standard deviations).
``head_tail``
    mapclassify ``HeadTailBreaks`` (for heavy-tailed values; the number of classes
    follows from the data).
``fixed`` (alias ``user_defined``)
    the planner's own breaks ``[b1, …, bm]`` → ``m + 1`` classes.

One interval rule
-----------------
Classes are closed at the **upper** bound, as in mapclassify: a class is
``(a, b]``, the first one everything up to its bound. A value equal to a break
belongs to the class *below* the break — with break 5, the value 5,0 is in
"bis 5,0", never in "über 5,0 …". The labels say so in the same words in every
output: ``"bis 5,0"``, ``"über 5,0 bis 7,5"``, and for the last ``fixed`` class
``"über 7,5"`` (English ``"up to 5.0"``, ``"over 5.0 to 7.5"``, ``"over 7.5"``).

Areas that get no class
-----------------------
Missing values (NaN) and areas *not rated* (``rated`` False, e.g. fewer than the
monitor's minimum population) are removed **before** the breaks are computed
(mapclassify itself has no NaN handling) and get the classes "kein Wert" /
"no value" and "nicht bewertet" / "not rated" (codes :data:`MISSING` and
:data:`NOT_RATED`).

The MSS status and dynamic classes (named classes by fixed z thresholds with the
Berlin boundary rule) are a different concept and live in
:mod:`sozialraum.monitor.mss`.
"""

from __future__ import annotations

import math
import sys
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.errors import InputError, SozialraumWarning

__all__ = [
    "ALIASES",
    "HIDDEN",
    "MISSING",
    "NOT_RATED",
    "RATED_COLUMN",
    "SCHEMES",
    "Classification",
    "class_ranges",
    "classify",
    "classify_rows",
    "format_value",
    "is_index_column",
    "range_labels",
    "rated_mask",
    "scheme_name",
    "without_not_rated",
]

#: Every classification scheme, in the order the doors offer them.
SCHEMES: tuple[str, ...] = (
    "quantiles",
    "equal_interval",
    "natural_breaks",
    "fisher_jenks",
    "std_mean",
    "head_tail",
    "fixed",
)
#: Other spellings accepted for a scheme.
ALIASES = {
    "user_defined": "fixed",
    "userdefined": "fixed",
    "headtail_breaks": "head_tail",
    "jenks": "natural_breaks",
}
_K_SCHEMES = {"quantiles", "equal_interval", "natural_breaks", "fisher_jenks"}

#: Class code of an area without value.
MISSING = -1
#: Class code of an area whose value may not be shown (set by outputs, not here).
HIDDEN = -2
#: Class code of an area that is not rated.
NOT_RATED = -3

#: Column in which the monitor marks rated areas (True) and areas not rated (False).
RATED_COLUMN = "bewertet"

_MSG = {
    "no_value": {"de": "kein Wert", "en": "no value"},
    "not_rated": {"de": "nicht bewertet", "en": "not rated"},
    "upto": {"de": "bis {b}", "en": "up to {b}"},
    "over_to": {"de": "über {a} bis {b}", "en": "over {a} to {b}"},
    "over": {"de": "über {a}", "en": "over {a}"},
    "class_n": {"de": "Klasse {n}", "en": "class {n}"},
    "scheme": {
        "de": "{what}: unbekanntes Klassifizierungsverfahren {scheme!r}. Bitte eines von {all} wählen.",
        "en": "{what}: unknown classification scheme {scheme!r}. Please choose one of {all}.",
    },
    "no_breaks": {
        "de": "{what}: Für das Verfahren 'fixed' müssen Klassengrenzen (breaks) angegeben werden, "
        "z. B. [5, 10, 15].",
        "en": "{what}: the scheme 'fixed' needs class breaks, e.g. [5, 10, 15].",
    },
    "breaks_num": {
        "de": "{what}: Die Klassengrenzen müssen Zahlen sein: {breaks}. Bitte Zahlen angeben.",
        "en": "{what}: the class breaks must be numbers: {breaks}. Please give numbers.",
    },
    "breaks_order": {
        "de": "{what}: Die Klassengrenzen müssen streng aufsteigend sein: {breaks}. "
        "Bitte aufsteigend sortieren und doppelte Grenzen entfernen.",
        "en": "{what}: the class breaks must be strictly increasing: {breaks}. "
        "Please sort them and remove duplicates.",
    },
    "k_small": {
        "de": "{what}: Anzahl der Klassen muss mindestens 1 sein (angegeben: {k}).",
        "en": "{what}: the number of classes must be at least 1 (given: {k}).",
    },
    "k_fewer": {
        "de": "{what}: nur {n} verschiedene Werte, daher {n} statt {k} Klassen.",
        "en": "{what}: only {n} distinct values, so {n} instead of {k} classes.",
    },
    "k_large": {
        "de": "{what}: {k} Klassen verlangt, aber nur {n} verschiedene Werte vorhanden. "
        "Bitte höchstens {n} Klassen wählen.",
        "en": "{what}: {k} classes requested but only {n} distinct values. "
        "Please choose at most {n} classes.",
    },
    "labels_len": {
        "de": "{what}: {n} Klassennamen angegeben, aber {k} Klassen.",
        "en": "{what}: {n} class names given, but {k} classes.",
    },
    "values": {"de": "Werte", "en": "values"},
    # scheme names for legends and dialogs
    "quantiles": {"de": "Quantile", "en": "quantiles"},
    "equal_interval": {"de": "gleiche Intervalle", "en": "equal intervals"},
    "natural_breaks": {
        "de": "natürliche Unterbrechungen (Fisher-Jenks)",
        "en": "natural breaks (Fisher-Jenks)",
    },
    "fisher_jenks": {
        "de": "natürliche Unterbrechungen (Fisher-Jenks)",
        "en": "natural breaks (Fisher-Jenks)",
    },
    "std_mean": {"de": "Mittelwert ± Standardabweichungen", "en": "mean ± standard deviations"},
    "head_tail": {"de": "Head/Tail", "en": "head/tail"},
    "fixed": {"de": "feste Grenzen", "en": "fixed breaks"},
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
    scheme
        The scheme used (aliases resolved: ``natural_breaks``, ``fixed`` …).
    bins
        Upper bounds of the classes, closed above: class ``j`` is
        ``(bins[j-1], bins[j]]``, class 0 everything up to ``bins[0]``. For ``fixed``
        the last bound is ``inf`` (the class "über b_m").
    codes
        Class per area as ``int``: ``0 … k−1``, :data:`MISSING` (−1) for no value,
        :data:`NOT_RATED` (−3) for areas not rated.
    classes
        The same as an ``Int64`` Series on the input index, ``<NA>`` where no class.
    labels
        Label per area (ordered categorical), including "kein Wert" and
        "nicht bewertet".
    class_labels
        Labels of the ``k`` classes in order.
    legend
        ``class_labels`` followed by "nicht bewertet" and "kein Wert" where such
        areas exist.
    counts
        Areas per legend entry.
    ranges
        Range labels of the classes (``"bis 5,0"`` …), also when ``class_labels``
        are verbal or given.
    params
        ``k`` (requested), ``breaks``, ``multiples``, ``closed`` (always ``"right"``),
        ``n_missing``, ``n_not_rated``, ``minimum``, ``maximum``.
    """

    scheme: str
    bins: np.ndarray
    codes: np.ndarray
    classes: pd.Series
    labels: pd.Series
    class_labels: tuple[str, ...]
    legend: list
    counts: list
    ranges: tuple[str, ...]
    params: dict = field(default_factory=dict)

    @property
    def k(self) -> int:
        """Number of classes (without "kein Wert" / "nicht bewertet")."""
        return len(self.class_labels)

    @property
    def n_missing(self) -> int:
        """Areas without value."""
        return int((self.codes == MISSING).sum())

    @property
    def n_not_rated(self) -> int:
        """Areas not rated."""
        return int((self.codes == NOT_RATED).sum())


def scheme_name(scheme: str, lang: str | None = None) -> str:
    """Readable name of a scheme (German/English) for legends and dialogs."""
    key = ALIASES.get(scheme, scheme)
    return t(_MSG, key, lang) if key in SCHEMES else str(scheme)


def format_value(x: float, decimals: int = 1, lang: str | None = None) -> str:
    """A class bound as text: German ``1.234,5`` (default) or English ``1,234.5``.

    The same format as :func:`sozialraum.core.numbers.format_number` (no ``-0,0``).
    """
    x = float(x)
    if math.isinf(x):
        return ("-" if x < 0 else "") + "\u221e"
    text = f"{x:,.{max(0, int(decimals))}f}"
    if text.lstrip("+-").strip("0,.") == "":  # avoid "-0,0"
        text = text.replace("-", "")
    if get_lang(lang) == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def range_labels(bins: Sequence[float], decimals: int = 1, lang: str | None = None) -> list[str]:
    """Labels of the upper-closed classes that ``bins`` define (the one wording).

    ``[5, 7.5, 9.8]`` → ``"bis 5,0"``, ``"über 5,0 bis 7,5"``, ``"über 7,5 bis 9,8"``;
    a last bound ``inf`` gives ``"über 7,5"``.
    """
    L = get_lang(lang)
    out = []
    for j, b in enumerate(bins):
        if j == 0:
            out.append(t(_MSG, "upto", L, b=format_value(b, decimals, L)))
        elif math.isinf(b):
            out.append(t(_MSG, "over", L, a=format_value(bins[j - 1], decimals, L)))
        else:
            a = format_value(bins[j - 1], decimals, L)
            out.append(t(_MSG, "over_to", L, a=a, b=format_value(b, decimals, L)))
    return out


def class_ranges(
    bins: Sequence[float], labels: Sequence[str], minimum: float, maximum: float
) -> list[tuple[float, float, str]]:
    """``(lower, upper, label)`` per class for renderers with ranges ``lower < x ≤ upper``.

    The upper-closed classes map exactly onto such ranges (QGIS' graduated
    renderer; its first range also includes its lower bound). The first range
    starts at the smaller of ``minimum`` and the first bound; an open last class
    (``inf``) ends at the larger of ``maximum`` and its lower bound.
    """
    bins = [float(b) for b in bins]
    if not bins:
        return []
    out = []
    lower = min(float(minimum), bins[0])
    for j, b in enumerate(bins):
        upper = b
        if j == len(bins) - 1:
            upper = max(float(maximum), bins[j - 1] if math.isinf(b) and j else b)
        out.append((lower, upper, str(labels[j])))
        lower = b
    return out


def is_index_column(column: object) -> bool:
    """Whether a column holds a monitor index (``idx_*``, ``status_index``, ``dynamik_index``).

    These are the values an area that is not rated does not have.
    """
    c = str(column)
    return c.startswith("idx_") or c in ("status_index", "dynamik_index")


def rated_mask(frame: pd.DataFrame, column: str = RATED_COLUMN) -> pd.Series | None:
    """Which areas are rated (``True``), from the monitor's ``bewertet`` column.

    ``None`` when the frame has no such column (then every area counts as rated).
    Missing entries count as not rated.
    """
    if column not in frame.columns:
        return None
    r = frame[column]
    if r.dtype == object:
        r = r.map(lambda v: str(v).strip().lower() in ("1", "true", "wahr", "ja", "yes"))
    return r.fillna(False).astype(bool)


def without_not_rated(
    frame: pd.DataFrame, columns: Sequence[str] | None = None, *, rated: pd.Series | None = None
) -> pd.DataFrame:
    """A copy of ``frame`` whose ``columns`` are NaN for areas not rated.

    Areas not rated must not enter breaks, clusters (LISA) or hot spots (Gi*):
    this is the one place that removes their values. ``rated`` defaults to the
    frame's ``bewertet`` column; ``columns`` default to every float column that
    holds an index (``idx_*``, ``status_index``, ``dynamik_index``).
    """
    r = rated_mask(frame) if rated is None else rated.reindex(frame.index).fillna(False)
    if r is None:
        return frame
    if columns is None:
        columns = [c for c in frame.columns if is_index_column(c) and frame[c].dtype.kind == "f"]
    out = frame.copy()
    r = r.astype(bool).to_numpy()
    for c in columns:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
        out.loc[~r, c] = np.nan
    return out


def _what(name, L) -> str:
    return str(name) if name not in (None, "") else t(_MSG, "values", L)


def _check_breaks(breaks, what: str, L: str) -> np.ndarray:
    if breaks is None or len(breaks) == 0:
        raise InputError(t(_MSG, "no_breaks", L, what=what), column=what)
    try:
        b = np.asarray([float(x) for x in breaks], dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            t(_MSG, "breaks_num", L, what=what, breaks=list(breaks)), column=what
        ) from None
    if np.isnan(b).any():
        raise InputError(t(_MSG, "breaks_num", L, what=what, breaks=list(breaks)), column=what)
    if np.any(np.diff(b) <= 0):
        raise InputError(t(_MSG, "breaks_order", L, what=what, breaks=list(breaks)), column=what)
    return b


_MC_IMPORT = threading.Lock()


def _mapclassify():
    """mapclassify, imported with its Fisher–Jenks kernel kept in numba's disk cache.

    mapclassify compiles ``_fisher_jenks_means`` while it is imported (an ``njit``
    with a signature compiles at once; mapclassify ≥ 2.6 keeps no disk cache of it),
    about 1 s in every new process, natural breaks used or not. Imported here,
    ``cache=True`` is added to mapclassify's own ``njit`` decorations, so a
    process loads the same machine code (same signature, same source) from
    numba's cache instead — the cache our own kernels use (see
    ``sozialraum.spatial._kernels``). Where no cache folder is writable, or numba
    is missing, mapclassify is imported as it is.
    """
    mc = sys.modules.get("mapclassify")
    if mc is not None:
        return mc
    with _MC_IMPORT:
        try:
            import numba
        except Exception:  # no numba: mapclassify uses its pure-Python code
            import mapclassify

            return mapclassify
        plain = numba.njit

        def njit(*args, **kw):
            if not (args and isinstance(args[0], str)) or "cache" in kw:
                return plain(*args, **kw)

            def decorate(fn):
                if getattr(fn, "__module__", "").startswith("mapclassify."):
                    try:
                        return plain(*args, cache=True, **kw)(fn)
                    except RuntimeError:  # no writable cache folder at all
                        pass
                return plain(*args, **kw)(fn)

            return decorate

        numba.njit = njit
        try:
            import mapclassify
        finally:
            numba.njit = plain
    return mapclassify


def _mc_bins(y: np.ndarray, scheme: str, k: int, multiples) -> tuple[np.ndarray, np.ndarray]:
    """Bins and class per value from mapclassify (``y`` without NaN)."""
    mc = _mapclassify()

    with warnings.catch_warnings():  # "Numba not installed", "not enough unique values"
        warnings.simplefilter("ignore")
        if scheme == "quantiles":
            c = mc.Quantiles(y, k=k)
        elif scheme == "equal_interval":
            c = mc.EqualInterval(y, k=k)
        elif scheme in ("natural_breaks", "fisher_jenks"):
            c = mc.FisherJenks(y, k=k)
        elif scheme == "std_mean":
            c = mc.StdMean(y, multiples=list(multiples))
        else:  # head_tail
            c = mc.HeadTailBreaks(y)
    return np.asarray(c.bins, dtype=float), np.asarray(c.yb, dtype=int)


def _fixed_bins(y: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """User breaks, closed above: ``x ≤ b1`` → 0, ``b1 < x ≤ b2`` → 1, …, ``x > bm`` → m."""
    bins = np.append(b, np.inf)
    return bins, np.searchsorted(b, y, side="left").astype(int)


def _names(nclass, ranges, verbal, labels, what, L) -> list[str]:
    if labels is not None:
        if len(labels) != nclass:
            raise InputError(
                t(_MSG, "labels_len", L, what=what, n=len(labels), k=nclass), column=what
            )
        return [str(x) for x in labels]
    if verbal:
        return _VERBAL[L].get(nclass) or [t(_MSG, "class_n", L, n=j + 1) for j in range(nclass)]
    return list(ranges)


def classify(
    values,
    scheme: str = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    *,
    rated=None,
    decimals: int = 1,
    verbal: bool = False,
    labels: Sequence[str] | None = None,
    multiples: Sequence[float] = (-2, -1, 1, 2),
    name: str | None = None,
    lang: str | None = None,
    bins: Sequence[float] | None = None,
    k_at_most: bool = False,
) -> Classification:
    """Classify values: breaks from rated, non-missing values; one closure rule.

    Parameters
    ----------
    values
        Series (index kept) or array-like of numbers; NaN = no value.
    scheme
        One of :data:`SCHEMES` (or an alias in :data:`ALIASES`).
    k
        Number of classes for ``quantiles``, ``equal_interval``, ``natural_breaks``;
        must not exceed the number of distinct values.
    breaks
        Class breaks for ``fixed`` (``bins`` is accepted as an older name).
        Giving breaks with another scheme means ``fixed``.
    rated
        Boolean per area (Series aligned on the index, or array); ``False`` areas
        are "nicht bewertet" and do not enter the breaks.
    decimals
        Decimals of the range labels.
    verbal, labels
        "sehr niedrig" … "sehr hoch" or own names instead of ranges.
    multiples
        Standard-deviation multiples for ``std_mean``.
    name
        Indicator or column named in error messages (default: the Series' name).
    k_at_most
        Treat ``k`` as the largest number of classes: with fewer distinct values,
        use one class per value and warn (:class:`~sozialraum.errors.SozialraumWarning`)
        instead of raising. For maps made automatically over many indicators and
        subsets (e.g. one municipality's areas, with suppressed values left out).
    lang
        ``"de"`` (default) or ``"en"`` for labels and errors.

    Raises
    ------
    InputError
        Unknown scheme; ``k`` below 1 or above the number of distinct values;
        breaks missing, not numbers or not increasing; wrong number of labels.
    """
    L = get_lang(lang)
    s = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=float))
    what = _what(name if name is not None else s.name, L)
    if breaks is None:
        breaks = bins
    scheme = "fixed" if (breaks is not None and scheme != "fixed") else scheme
    scheme = ALIASES.get(scheme, scheme)
    if scheme not in SCHEMES:
        raise InputError(
            t(_MSG, "scheme", L, what=what, scheme=scheme, all=", ".join(SCHEMES)), column=what
        )
    y_all = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if rated is None:
        ok_rated = np.ones(y_all.shape, dtype=bool)
    elif isinstance(rated, pd.Series):
        ok_rated = rated.reindex(s.index).fillna(False).astype(bool).to_numpy()
    else:
        ok_rated = np.asarray(rated, dtype=bool)
    ok = ~np.isnan(y_all) & ok_rated
    y = y_all[ok]
    if scheme == "fixed":
        b, yb = _fixed_bins(y, _check_breaks(breaks, what, L))
    else:
        if scheme in _K_SCHEMES:
            if int(k) < 1:
                raise InputError(t(_MSG, "k_small", L, what=what, k=k), column=what)
            n_unique = int(np.unique(y).size)
            if y.size and int(k) > n_unique:
                if not k_at_most:
                    raise InputError(t(_MSG, "k_large", L, what=what, k=k, n=n_unique), column=what)
                warnings.warn(
                    t(_MSG, "k_fewer", L, what=what, k=k, n=n_unique),
                    SozialraumWarning,
                    stacklevel=2,
                )
                k = n_unique
        if y.size == 0:
            b, yb = np.array([], dtype=float), np.array([], dtype=int)
        else:
            b, yb = _mc_bins(y, scheme, int(k), multiples)
    ranges = range_labels(b, decimals, L)
    names = _names(b.size, ranges, verbal, labels, what, L)
    codes = np.where(ok_rated, MISSING, NOT_RATED).astype(int)
    codes[ok] = yb
    return _result(s, scheme, b, codes, names, ranges, L, k, breaks, multiples, y)


def classify_rows(
    values: np.ndarray,
    scheme: str = "quantiles",
    k: int = 5,
    breaks: Sequence[float] | None = None,
    multiples: Sequence[float] = (-2, -1, 1, 2),
) -> np.ndarray:
    """Class codes of :func:`classify` for every row of a 2-D array, breaks per row.

    For many versions of the same values at once (e.g. bootstrap replicates): each row
    gets its own breaks by the same scheme and the same closure rule as
    :func:`classify`. ``values`` hold numbers only (the caller leaves out missing and
    not rated areas). Quantiles are computed for all rows at once (as mapclassify:
    linear percentiles, classes closed above); the other schemes call the same
    mapclassify classifiers row by row.
    """
    y = np.atleast_2d(np.asarray(values, dtype=float))
    scheme = ALIASES.get(scheme, scheme)
    if breaks is not None or scheme == "fixed":
        return np.searchsorted(np.asarray(breaks, dtype=float), y, side="left").astype(int)
    if scheme == "quantiles":
        w = 100.0 / k
        pct = np.minimum(np.arange(w, 100 + w, w)[:k], 100.0)
        bins = np.percentile(y, pct, axis=1).T  # (rows, k)
        codes = (y[:, :, None] > bins[:, None, :]).sum(axis=-1)
        return np.minimum(codes, k - 1).astype(int)
    out = np.empty(y.shape, dtype=int)
    for i, row in enumerate(y):
        out[i] = _mc_bins(row, scheme, int(k), multiples)[1]
    return out


def _result(s, scheme, b, codes, names, ranges, L, k, breaks, multiples, y) -> Classification:
    none, nr = t(_MSG, "no_value", L), t(_MSG, "not_rated", L)
    extra = [(NOT_RATED, nr), (MISSING, none)]
    legend = list(names) + [lab for c, lab in extra if (codes == c).any()]
    counts = [int((codes == j).sum()) for j in range(len(names))]
    counts += [int((codes == c).sum()) for c, _ in extra if (codes == c).any()]
    lookup = dict(enumerate(names)) | {NOT_RATED: nr, MISSING: none}
    cats = list(dict.fromkeys(list(names) + [nr, none]))
    labels_s = pd.Series(
        pd.Categorical([lookup[c] for c in codes], categories=cats, ordered=True),
        index=s.index,
        name=s.name,
    )
    classes = pd.Series(
        pd.array([int(c) if c >= 0 else pd.NA for c in codes], dtype="Int64"),
        index=s.index,
        name=s.name,
    )
    params = {
        "k": int(k),
        "breaks": None if breaks is None else [float(x) for x in breaks],
        "multiples": list(multiples) if scheme == "std_mean" else None,
        "closed": "right",
        "n_missing": int((codes == MISSING).sum()),
        "n_not_rated": int((codes == NOT_RATED).sum()),
        "minimum": float(y.min()) if y.size else None,
        "maximum": float(y.max()) if y.size else None,
        "ranges": list(ranges),
    }
    return Classification(
        scheme=scheme,
        bins=b,
        codes=codes,
        classes=classes,
        labels=labels_s,
        class_labels=tuple(names),
        legend=legend,
        counts=counts,
        ranges=tuple(ranges),
        params=params,
    )
