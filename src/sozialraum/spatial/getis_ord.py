"""Getis-Ord Gi* hot and cold spots with 90/95/99 % confidence classes.

Gi* (Getis & Ord 1992; Ord & Getis 1995) with binary weights that include the
area itself (``w_ii = 1``)::

    Gi*_z = (sum_j w_ij x_j - xbar * W_i) / (S * sqrt((n * S1_i - W_i^2) / (n - 1)))

with ``W_i = sum_j w_ij``, ``S1_i = sum_j w_ij^2``, ``xbar`` the mean and
``S`` the (population) standard deviation of ``x`` over the areas computed.
The analytical z (vectorised here; equals ``esda.G_Local(star=True,
transform="B").Zs``) is the default inference, as in ArcGIS' Hot Spot
Analysis; ``inference="permutation"`` uses esda's conditional randomisation
with two-sided p-values counted from the kept simulations.

Classes (on the two-sided, optionally corrected p): p <= 0.01 → 99 %,
p <= 0.05 → 95 %, p <= 0.10 → 90 %; sign of z → hot (+) or cold (−).
Areas without value or without neighbours are left out (rules of
:func:`sozialraum.spatial._common.prepare`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from sozialraum._i18n import get_lang, t
from sozialraum.core import palettes
from sozialraum.errors import InputError, format_ids
from sozialraum.spatial._common import (
    adjust_p,
    check_common,
    esda_kwargs,
    esda_version,
    normal_p,
    prepare,
    quiet_esda,
    simulations,
    two_sided_p,
)
from sozialraum.spatial.weights import _w_from_csr

__all__ = [
    "GI_CODES",
    "GI_COLORS",
    "GiResult",
    "getis_ord",
    "gi_label",
    "gi_not_applicable",
    "gi_star_z",
]

#: Gi* class codes in legend order, labels and colours (from :mod:`sozialraum.core.palettes`).
GI_CODES = palettes.GI_CODES
GI_COLORS = palettes.GI_COLORS

_MSG = {
    "inference": {
        "de": "Unbekannte Inferenz {i!r}; erlaubt: 'analytical', 'permutation'.",
        "en": "Unknown inference {i!r}; allowed: 'analytical', 'permutation'.",
    },
    "summary": {
        "de": "Getis-Ord Gi* für {column!r}: {n_used} von {n} Gebieten; {inf}, zweiseitig, "
        "Korrektur: {corr}.",
        "en": "Getis-Ord Gi* for {column!r}: {n_used} of {n} areas; {inf}, two-sided, "
        "correction: {corr}.",
    },
    "analytical": {"de": "analytische z-Werte", "en": "analytical z-scores"},
    "permutation": {
        "de": "{p} Permutationen (Startwert {seed})",
        "en": "{p} permutations (seed {seed})",
    },
    "negative": {
        "de": "Getis-Ord Gi* setzt nicht-negative Werte voraus (Summen von Werten im Umkreis); "
        "Spalte {column!r} hat negative Werte bei den Gebieten {ids}. Für Indizes oder "
        "z-Werte, die negativ sein können, bitte LISA (lokales Moran's I) verwenden.",
        "en": "Getis-Ord Gi* needs non-negative values (sums of values around an area); "
        "column {column!r} has negative values for areas {ids}. For indices or z-scores "
        "that can be negative please use LISA (local Moran's I).",
    },
    "perm_ignored": {
        "de": "{p}={v!r} gilt nur für inference='permutation' und würde bei analytischen "
        "z-Werten ignoriert. Bitte weglassen oder inference='permutation' wählen.",
        "en": "{p}={v!r} applies only to inference='permutation' and would be ignored with "
        "analytical z-scores. Please leave it out or choose inference='permutation'.",
    },
    "skipped": {
        "de": "Hot-Spots (Gi*) für {column!r} nicht berechnet: {why} Für diese Spalte gibt es "
        "nur LISA-Cluster.",
        "en": "Hot spots (Gi*) for {column!r} not computed: {why} This column has LISA "
        "clusters only.",
    },
    "why_index": {
        "de": "ein Index (z-Werte) kann negativ sein, Gi* setzt nicht-negative Werte voraus.",
        "en": "an index (z-scores) can be negative, Gi* needs non-negative values.",
    },
    "why_negative": {
        "de": "die Spalte hat negative Werte, Gi* setzt nicht-negative Werte voraus.",
        "en": "the column has negative values, Gi* needs non-negative values.",
    },
    "counts": {"de": "Klassen: {c}.", "en": "Classes: {c}."},
    "none": {"de": "keine", "en": "none"},
    "fdr": {"de": "FDR (Benjamini-Hochberg)", "en": "FDR (Benjamini-Hochberg)"},
    "bonferroni": {"de": "Bonferroni", "en": "Bonferroni"},
}


def gi_label(code: str, lang: str | None = None) -> str:
    """Label of a Gi* class code (see :data:`GI_CODES`)."""
    return palettes.code_label("gi", code, lang)


@dataclass(frozen=True)
class GiResult:
    """Result of :func:`getis_ord`.

    ``frame`` has (prefix ``gi_``): ``z`` (Gi* z-score), ``p`` (two-sided),
    ``p_adj``, ``code`` (``hot99`` … ``cold99``, ``ns``, ``island``, ``nan``),
    ``cat`` (label), ``color``; ``params`` the parameters used.
    """

    frame: pd.DataFrame
    params: dict = field(default_factory=dict)

    def counts(self) -> pd.Series:
        pre = self.params["prefix"]
        return self.frame[pre + "code"].value_counts().reindex(list(GI_CODES), fill_value=0)

    def summary(self, lang: str | None = None) -> str:
        lang = get_lang(lang)
        p = self.params
        inf = (
            t(_MSG, "permutation", lang, p=p["permutations"], seed=p["seed"])
            if p["inference"] == "permutation"
            else t(_MSG, "analytical", lang)
        )
        head = t(
            _MSG,
            "summary",
            lang,
            column=p["column"],
            n_used=p["n_used"],
            n=p["n"],
            inf=inf,
            corr=t(_MSG, p["correction"], lang),
        )
        c = ", ".join(f"{gi_label(k, lang)} {int(v)}" for k, v in self.counts().items())
        return head + "\n" + t(_MSG, "counts", lang, c=c)


def _binary_star(m: sparse.csr_matrix) -> sparse.csr_matrix:
    b = (m != 0).astype(float).tolil()
    b.setdiag(1.0)
    return b.tocsr()


def gi_not_applicable(
    data: pd.DataFrame, column: str, *, index: bool = False, lang: str | None = None
) -> str | None:
    """Why Gi* does not apply to ``column`` (a note for the run), or ``None`` if it does.

    ``index=True`` marks a column that can be negative by construction (a z-score
    index), whatever its present values.
    """
    lang = get_lang(lang)
    if index:
        why = t(_MSG, "why_index", lang)
    elif (pd.to_numeric(data[column], errors="coerce") < 0).any():
        why = t(_MSG, "why_negative", lang)
    else:
        return None
    return t(_MSG, "skipped", lang, column=column, why=why)


def _refuse_negative(x: np.ndarray, ids: pd.Index, column: str, lang: str) -> None:
    """Gi*/G are ratios of local to global sums: defined for non-negative values only."""
    neg = x < 0
    if neg.any():
        bad = [str(i) for i in ids[neg]]
        raise InputError(
            t(_MSG, "negative", lang, column=column, ids=format_ids(bad)), column=column, ids=bad
        )


def gi_star_z(x: np.ndarray, wstar: sparse.csr_matrix) -> np.ndarray:
    """Analytical Gi* z-scores for weights ``wstar`` that include the diagonal."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    xbar = x.mean()
    s = np.sqrt((x**2).mean() - xbar**2)
    Wi = np.asarray(wstar.sum(axis=1)).ravel()
    S1 = np.asarray(wstar.multiply(wstar).sum(axis=1)).ravel()
    num = np.asarray(wstar @ x).ravel() - xbar * Wi
    den = s * np.sqrt((n * S1 - Wi**2) / (n - 1))
    return num / den


def _esda_star_w(wstar: sparse.csr_matrix, ids: tuple[str, ...]):
    """The binary Gi* weights (self-weight 1) as esda's ``G_Local(star=True, transform="B")``
    builds them: off-diagonal links as a libpysal ``W``, diagonal filled by libpysal."""
    from libpysal.weights import fill_diagonal

    off = wstar.tolil()
    off.setdiag(0)
    off = off.tocsr()
    off.eliminate_zeros()
    with quiet_esda():
        w = fill_diagonal(_w_from_csr(off, ids, "B"), 1)
        w.transform = "B"
    return w, off


def _permutation_p(
    x: np.ndarray, wstar: sparse.csr_matrix, ids: tuple[str, ...], permutations: int, seed, lang
) -> np.ndarray:
    """Two-sided permutation p of Gi* (esda's conditional randomisation, same draws)."""
    from sozialraum.spatial import _kernels

    w, off = _esda_star_w(wstar, ids)
    if _kernels.available(lang):
        matrix = w.sparse
        observed = (matrix @ x) / (x.sum() - x * False)  # esda's G_Local.Gs, term by term
        try:
            cr = _kernels.crand(
                x,
                x,
                observed,
                matrix,
                permutations=permutations,
                seed=seed,
                scaling=x.sum(),
                kind=_kernels.KIND_G_STAR,
                keep=False,
            )
            return cr.p("two-sided")
        except _kernels.KernelUnavailable:
            _kernels.available(lang)
    from esda.getisord import G_Local

    wb = _w_from_csr(off, ids, "B")
    with quiet_esda():
        g = G_Local(
            x,
            wb,
            transform="B",
            permutations=permutations,
            star=True,
            keep_simulations=True,
            seed=seed,
            **esda_kwargs(G_Local),
        )
    return two_sided_p(np.asarray(g.Gs, dtype=float), simulations(g, len(x)))


def getis_ord(
    data: pd.DataFrame,
    column: str,
    w: Any = None,
    *,
    inference: Literal["analytical", "permutation"] = "analytical",
    permutations: int = 999,
    seed: int | None = 12345,
    correction: Literal["none", "fdr", "bonferroni"] = "none",
    prefix: str = "gi_",
    lang: str | None = None,
) -> GiResult:
    """Gi* hot and cold spots of ``column``.

    Parameters
    ----------
    data
        (Geo)DataFrame indexed by area key (GeoDataFrame if ``w`` is None).
    column
        Numeric column with non-negative values (counts, rates, shares); NaN =
        "kein Wert" (left out). Negative values (an index, z-scores) are refused
        with an :class:`~sozialraum.errors.InputError`: use LISA for those.
    w
        WeightsResult, libpysal ``W`` or None (queen); used as binary links
        plus the area itself.
    inference
        ``"analytical"`` (normal z, default) or ``"permutation"``.
    permutations, seed
        For ``inference="permutation"``.
    correction
        Multiple-testing correction of the p-values before classing.
    prefix, lang
        Column prefix; language of labels.
    """
    lang = get_lang(lang)
    if inference not in ("analytical", "permutation"):
        raise InputError(t(_MSG, "inference", lang, i=inference))
    if inference == "analytical":
        for p, v, default in (("permutations", permutations, 999), ("seed", seed, 12345)):
            if v != default:
                raise InputError(t(_MSG, "perm_ignored", lang, p=p, v=v), column=p)
    check_common(0.05, correction, permutations if inference == "permutation" else 0, lang)
    prep = prepare(data, [column], w, what="Gi*", lang=lang)
    x = prep.values[column]
    _refuse_negative(x, prep.used, column, lang)
    wstar = _binary_star(prep.weights.matrix)
    z = gi_star_z(x, wstar)
    G = np.asarray(wstar @ x).ravel() / x.sum() if x.sum() != 0 else np.full(len(x), np.nan)
    if inference == "permutation":
        p = _permutation_p(x, wstar, prep.weights.ids, int(permutations), seed, lang)
    else:
        p = normal_p(z)
    p_adj = adjust_p(p, correction)
    codes_used = np.full(len(x), "ns", dtype=object)
    for level, suffix in ((0.10, "90"), (0.05, "95"), (0.01, "99")):
        hit = p_adj <= level
        codes_used[hit & (z > 0)] = "hot" + suffix
        codes_used[hit & (z < 0)] = "cold" + suffix

    n = len(prep.ids)
    pos = prep.ids.get_indexer(prep.used)

    def full(v):
        out = np.full(n, np.nan)
        out[pos] = v
        return out

    codes = np.full(n, "nan", dtype=object)
    codes[pos] = codes_used
    codes[prep.ids.get_indexer(pd.Index(prep.islands))] = "island"
    codes = palettes.mark_not_rated(codes, data)
    frame = data.copy()
    frame[prefix + "G"] = full(G)
    frame[prefix + "z"] = full(z)
    frame[prefix + "p"] = full(p)
    frame[prefix + "p_adj"] = full(p_adj)
    frame[prefix + "code"] = codes.astype(str)
    labels = [gi_label(c, lang) for c in GI_CODES]
    frame[prefix + "cat"] = pd.Categorical([gi_label(c, lang) for c in codes], categories=labels)
    frame[prefix + "color"] = [GI_COLORS[c] for c in codes]
    params = {
        "column": column,
        "star": True,
        "inference": inference,
        "permutations": int(permutations) if inference == "permutation" else 0,
        "seed": seed if inference == "permutation" else None,
        "correction": correction,
        "alternative": "two-sided",
        "levels": (0.90, 0.95, 0.99),
        "n": n,
        "n_used": len(prep.used),
        "no_value_ids": prep.no_value,
        "island_ids": prep.islands,
        "weights": prep.weights_full.kind,
        "weights_form": "binary incl. self (w_ii = 1)",
        "prefix": prefix,
        "lang": lang,
        "esda_version": esda_version(),
    }
    return GiResult(frame=frame, params=params)
