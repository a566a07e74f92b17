"""Shared machinery of the spatial statistics: input checks, exclusion of areas
without value or neighbours, two-sided permutation p-values, multiple-testing
correction, and calling esda so that it works with esda 2.9 and 2.10+.
"""

from __future__ import annotations

import contextlib
import inspect
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.errors import InputError, SozialraumWarning, format_ids
from sozialraum.spatial.weights import WeightsResult, _w_from_csr, as_weights

_MSG = {
    "not_frame": {
        "de": "Erwartet wird ein (Geo)DataFrame mit einer Zeile je Gebiet (erhalten: {typ}).",
        "en": "Expected a (Geo)DataFrame with one row per area (got: {typ}).",
    },
    "no_column": {
        "de": "Spalte {column!r} fehlt. Vorhandene Spalten: {cols}.",
        "en": "Column {column!r} is missing. Available columns: {cols}.",
    },
    "not_numeric": {
        "de": "Spalte {column!r} enthält Einträge, die keine Zahlen sind, bei den Gebieten {ids}. "
        "Bitte als Zahl eintragen oder leer lassen (dann 'kein Wert').",
        "en": "Column {column!r} has entries that are not numbers for areas {ids}. "
        "Please enter numbers or leave them empty (then 'no value').",
    },
    "infinite": {
        "de": "Spalte {column!r} enthält unendliche Werte (z. B. Division durch 0) bei den "
        "Gebieten {ids}. Bitte die Berechnung prüfen oder die Werte leeren.",
        "en": "Column {column!r} has infinite values (e.g. division by zero) for areas {ids}. "
        "Please check the computation or blank these values.",
    },
    "dup_index": {
        "de": "Gebietsschlüssel doppelt im Index: {ids}.",
        "en": "Duplicate area keys in the index: {ids}.",
    },
    "not_in_w": {
        "de": "Die Gebiete {ids} fehlen in den Nachbarschaftsgewichten. Bitte die Gewichte aus "
        "denselben Gebieten bilden (build_weights).",
        "en": "Areas {ids} are missing from the spatial weights. Please build the weights from "
        "the same areas (build_weights).",
    },
    "extra_in_w": {
        "de": "Die Nachbarschaftsgewichte enthalten {n} Gebiete, die in den Daten fehlen ({ids}); "
        "sie werden nicht berücksichtigt (Gewichte neu gebildet).",
        "en": "The spatial weights contain {n} areas missing from the data ({ids}); "
        "they are left out (weights rebuilt).",
    },
    "excluded_nan": {
        "de": "{n} Gebiet(e) ohne Wert in {column!r} wurden aus der Berechnung genommen "
        "(Kategorie 'kein Wert'): {ids}.",
        "en": "{n} area(s) without a value in {column!r} were left out of the computation "
        "(category 'no value'): {ids}.",
    },
    "excluded_islands": {
        "de": "{n} Gebiet(e) ohne Nachbarn wurden aus der Berechnung genommen "
        "(Kategorie 'ohne Nachbarn'): {ids}.",
        "en": "{n} area(s) without neighbours were left out of the computation "
        "(category 'no neighbours'): {ids}.",
    },
    "too_few": {
        "de": "Zu wenige Gebiete mit Wert und Nachbarn ({n}) für {what}; mindestens {m} nötig.",
        "en": "Too few areas with a value and neighbours ({n}) for {what}; at least {m} needed.",
    },
    "constant": {
        "de": "Spalte {column!r} hat in allen berechneten Gebieten denselben Wert; "
        "räumliche Autokorrelation ist nicht definiert.",
        "en": "Column {column!r} has the same value in every computed area; "
        "spatial autocorrelation is undefined.",
    },
    "correction": {
        "de": "Unbekannte Korrektur {c!r}; erlaubt: 'none', 'fdr', 'bonferroni'.",
        "en": "Unknown correction {c!r}; allowed: 'none', 'fdr', 'bonferroni'.",
    },
    "alpha": {
        "de": "Signifikanzniveau alpha = {a} ist ungültig; es muss zwischen 0 und 1 liegen.",
        "en": "Significance level alpha = {a} is invalid; it must lie between 0 and 1.",
    },
    "alternative": {
        "de": "Unbekannte Alternative {a!r}; erlaubt: 'two-sided', 'greater', 'lesser'.",
        "en": "Unknown alternative {a!r}; allowed: 'two-sided', 'greater', 'lesser'.",
    },
    "permutations": {
        "de": "permutations = {p} ist ungültig; erlaubt sind 0 (nur analytisch) oder 99 bis 99999.",
        "en": "permutations = {p} is invalid; use 0 (analytical only) or 99 to 99999.",
    },
}

CORRECTIONS = ("none", "fdr", "bonferroni")
ALTERNATIVES = ("two-sided", "greater", "lesser")

#: Labels of the alternatives for method statements.
ALT_LABELS = {
    "two-sided": {"de": "zweiseitig", "en": "two-sided"},
    "greater": {"de": "einseitig (größer)", "en": "one-sided (greater)"},
    "lesser": {"de": "einseitig (kleiner)", "en": "one-sided (lesser)"},
}


@dataclass(frozen=True)
class Prepared:
    """Input aligned to the weights, with exclusions."""

    ids: pd.Index  # all area keys (str), in data order
    used: pd.Index  # keys used in the computation (weights order)
    no_value: tuple[str, ...]
    islands: tuple[str, ...]
    values: dict[str, np.ndarray]  # column -> values of the used areas
    weights: WeightsResult  # weights on the used areas
    weights_full: WeightsResult


def check_common(
    alpha: float, correction: str, permutations: int, lang: str, alternative: str = "two-sided"
) -> None:
    if alternative not in ALTERNATIVES:
        raise InputError(t(_MSG, "alternative", lang, a=alternative))
    if not 0 < alpha < 1:
        raise InputError(t(_MSG, "alpha", lang, a=alpha))
    if correction not in CORRECTIONS:
        raise InputError(t(_MSG, "correction", lang, c=correction))
    if permutations != 0 and not 99 <= int(permutations) <= 99999:
        raise InputError(t(_MSG, "permutations", lang, p=permutations))


def numeric_column(frame: pd.DataFrame, column: str, ids: pd.Index, lang: str) -> np.ndarray:
    """Column as float array; NaN stays NaN, text and inf raise InputError."""
    if column not in frame.columns:
        cols = ", ".join(repr(str(c)) for c in list(frame.columns)[:20])
        raise InputError(t(_MSG, "no_column", lang, column=column, cols=cols), column=column)
    s = frame[column]
    if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
        conv = pd.to_numeric(s, errors="coerce")
        bad = s.notna().to_numpy() & conv.isna().to_numpy()
        if bad.any():
            bad_ids = ids[bad].tolist()
            raise InputError(
                t(_MSG, "not_numeric", lang, column=column, ids=format_ids(bad_ids)),
                column=column,
                ids=bad_ids,
            )
        s = conv
    arr = s.to_numpy(dtype=float, na_value=np.nan)
    inf = np.isinf(arr)
    if inf.any():
        bad_ids = ids[inf].tolist()
        raise InputError(
            t(_MSG, "infinite", lang, column=column, ids=format_ids(bad_ids)),
            column=column,
            ids=bad_ids,
        )
    return arr


def prepare(
    data: Any,
    columns: list[str],
    w: Any,
    *,
    what: str,
    min_n: int = 3,
    lang: str | None = None,
    valid_extra: np.ndarray | None = None,
) -> Prepared:
    """Align ``data[columns]`` to the weights; exclude areas without value or neighbours.

    Rules (documented in docs/spatial.md):

    1. An area with NaN in any of ``columns`` (or ``valid_extra`` False) gets
       "kein Wert" and is removed; the weights are rebuilt on the rest
       (links to removed areas dropped, rows re-standardised).
    2. An area without neighbours *among the remaining areas* gets
       "ohne Nachbarn" and is removed as well (removing islands creates no
       new islands).
    3. The statistic is computed on what is left; nothing NaN reaches esda.
    """
    lang = get_lang(lang)
    if not isinstance(data, pd.DataFrame):
        raise InputError(t(_MSG, "not_frame", lang, typ=type(data).__name__))
    ids = pd.Index([str(i) for i in data.index])
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique().tolist()
        raise InputError(t(_MSG, "dup_index", lang, ids=format_ids(dup)), ids=dup)
    cols = {c: numeric_column(data, c, ids, lang) for c in columns}
    wres = as_weights(w, data, lang=lang)
    wids = pd.Index(wres.ids)
    missing = ids.difference(wids, sort=False)
    if len(missing):
        raise InputError(
            t(_MSG, "not_in_w", lang, ids=format_ids(missing.tolist())), ids=missing.tolist()
        )
    extra = wids.difference(ids, sort=False)
    if len(extra):
        warnings.warn(
            t(_MSG, "extra_in_w", lang, n=len(extra), ids=format_ids(extra.tolist())),
            SozialraumWarning,
            stacklevel=3,
        )
    valid = np.ones(len(ids), dtype=bool)
    for arr in cols.values():
        valid &= ~np.isnan(arr)
    if valid_extra is not None:
        valid &= np.asarray(valid_extra, dtype=bool)
    no_value = tuple(ids[~valid])
    # weights order, restricted to valid data ids
    pos_in_data = ids.get_indexer(wids)
    keep_w = (pos_in_data >= 0) & wids.isin(ids[valid])  # hash lookup (np.isin on str is slow)
    used_ids = wids[keep_w]
    # islands among the remaining areas, found on the sparse matrix (one subset only)
    wpos = np.flatnonzero(keep_w)
    subm = wres.matrix[wpos][:, wpos].tocsr()
    subm.eliminate_zeros()
    offdiag = np.diff(subm.indptr) - (subm.diagonal() != 0)
    islands = tuple(used_ids[offdiag == 0])
    if islands:
        used_ids = used_ids[offdiag > 0]
    if len(used_ids) < min_n:
        raise InputError(t(_MSG, "too_few", lang, n=len(used_ids), what=what, m=min_n))
    if len(used_ids) == len(wids):
        sub = wres
    else:
        sub = wres.subset(tuple(used_ids))
    pos = ids.get_indexer(used_ids)
    values = {c: arr[pos] for c, arr in cols.items()}
    for c, v in values.items():
        if np.ptp(v) == 0:
            raise InputError(t(_MSG, "constant", lang, column=c), column=c)
    if no_value:
        warnings.warn(
            t(
                _MSG,
                "excluded_nan",
                lang,
                n=len(no_value),
                column=", ".join(columns),
                ids=format_ids(no_value),
            ),
            SozialraumWarning,
            stacklevel=3,
        )
    if islands:
        warnings.warn(
            t(_MSG, "excluded_islands", lang, n=len(islands), ids=format_ids(islands)),
            SozialraumWarning,
            stacklevel=3,
        )
    return Prepared(
        ids=ids,
        used=used_ids,
        no_value=no_value,
        islands=tuple(islands),
        values=values,
        weights=sub,
        weights_full=wres,
    )


def row_standardised_w(wres: WeightsResult):
    """A row-standardised libpysal W for esda (never mutates the caller's object)."""
    if str(wres.w.transform).upper() == "R":
        return wres.w
    return _w_from_csr(wres.matrix, wres.ids, "R")


def two_sided_p(observed: np.ndarray, sims: np.ndarray) -> np.ndarray:
    """Two-sided permutation p-value: twice the smaller tail, capped at 1.

    ``p_i = min(1, 2 * (min(#{sim >= obs}, #{sim <= obs}) + 1) / (P + 1))``
    with ``P`` permutations per row of ``sims`` (shape ``(n, P)``). This is
    the doubled one-sided pseudo p-value (Davison & Hinkley 1997, Hope 1968);
    for continuous statistics it is exactly twice esda 2.9's folded
    ``p_sim``. Smallest possible value with 999 permutations: 0.002.
    """
    sims = np.atleast_2d(sims)
    obs = np.asarray(observed, dtype=float).reshape(-1, 1)
    perm = sims.shape[1]
    ge = (sims >= obs).sum(axis=1)
    le = (sims <= obs).sum(axis=1)
    return np.minimum(1.0, 2.0 * (np.minimum(ge, le) + 1.0) / (perm + 1.0))


def perm_p(observed: np.ndarray, sims: np.ndarray, alternative: str = "two-sided") -> np.ndarray:
    """Permutation p-value: :func:`two_sided_p`, or one-sided
    ``(#{sim >= obs} + 1)/(P + 1)`` (``"greater"``) / ``(#{sim <= obs} + 1)/(P + 1)`` (``"lesser"``).
    """
    if alternative == "two-sided":
        return two_sided_p(observed, sims)
    sims = np.atleast_2d(sims)
    obs = np.asarray(observed, dtype=float).reshape(-1, 1)
    count = (sims >= obs).sum(axis=1) if alternative == "greater" else (sims <= obs).sum(axis=1)
    return (count + 1.0) / (sims.shape[1] + 1.0)


def normal_p(z: np.ndarray, alternative: str = "two-sided") -> np.ndarray:
    """p-value of a standard-normal z: ``2 sf(|z|)``, ``sf(z)`` or ``cdf(z)``."""
    from scipy import stats

    z = np.asarray(z, dtype=float)
    if alternative == "two-sided":
        return 2.0 * stats.norm.sf(np.abs(z))
    return stats.norm.sf(z) if alternative == "greater" else stats.norm.cdf(z)


def adjust_p(p: np.ndarray, correction: str) -> np.ndarray:
    """Adjust p-values for multiple testing (NaN ignored, m = number of non-NaN p).

    ``"none"``: unchanged. ``"bonferroni"``: ``min(1, m p)``.
    ``"fdr"``: Benjamini–Hochberg adjusted p-values
    ``p_(i) * m / i`` made monotone from the largest rank down, capped at 1;
    ``p_adj <= alpha`` is exactly the BH step-up rejection at level ``alpha``.
    """
    p = np.asarray(p, dtype=float)
    out = p.copy()
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if correction == "none" or m == 0:
        return out
    if correction == "bonferroni":
        out[ok] = np.minimum(1.0, p[ok] * m)
        return out
    if correction == "fdr":
        pv = p[ok]
        order = np.argsort(pv, kind="mergesort")
        ranked = pv[order] * m / np.arange(1, m + 1)
        ranked = np.minimum.accumulate(ranked[::-1])[::-1]
        adj = np.empty(m)
        adj[order] = np.minimum(1.0, ranked)
        out[ok] = adj
        return out
    raise ValueError(correction)


def esda_kwargs(cls) -> dict[str, Any]:
    """Extra keyword arguments for esda classes that differ between versions.

    esda >= 2.10 has ``alternative``; we pass ``"two-sided"`` there (only to
    avoid its deprecation warning: our p-values are always computed from the
    kept simulations with :func:`two_sided_p`, identically in 2.9 and 2.10).
    """
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return {}
    kw: dict[str, Any] = {}
    if "alternative" in params:
        kw["alternative"] = "two-sided"
    if "n_jobs" in params:
        kw["n_jobs"] = 1  # n_jobs=2 is slower on the 2-core machines measured
    return kw


def simulations(obj, n: int) -> np.ndarray:
    """The kept simulations of an esda local statistic as ``(n, permutations)``."""
    r = getattr(obj, "rlisas", None)
    if r is None:
        r = getattr(obj, "rGs", None)
    if r is not None:
        r = np.asarray(r)
        if r.shape[0] == n:
            return r
    sim = np.asarray(obj.sim)
    return sim.T if sim.shape[1] == n and sim.shape[0] != n else sim


@contextlib.contextmanager
def quiet_esda():
    """Silence esda's version-specific warnings that we handle ourselves."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        warnings.filterwarnings("ignore", category=FutureWarning)
        warnings.filterwarnings("ignore", message=".*island.*")
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        yield


def esda_version() -> str:
    """Installed esda version (from the package metadata: importing esda takes seconds)."""
    from importlib import metadata

    try:
        return metadata.version("esda")
    except Exception:  # pragma: no cover
        try:
            import esda

            return str(esda.__version__)
        except Exception:
            return "?"
