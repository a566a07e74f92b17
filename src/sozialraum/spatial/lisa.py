"""Local Moran's I (LISA), univariate and bivariate, with planner-safe categories.

What this adds to :class:`esda.Moran_Local`:

* **two-sided p-values by default**, computed here from the kept conditional
  permutations (:func:`sozialraum.spatial._common.two_sided_p`), so results are
  the same with esda 2.9 (no ``alternative``; its ``p_sim`` is one-sided,
  nearer tail) and esda >= 2.10;
* areas **without a value** (NaN) are never passed to esda: they are removed,
  the weights are rebuilt for the remaining areas, and they get the category
  "kein Wert";
* **islands** (no neighbours among the computed areas) are removed as well and
  get "ohne Nachbarn" — esda would label them significant "High-Low";
* multiple-testing correction (none / FDR (Benjamini–Hochberg) / Bonferroni);
* German/English labels and GeoDa's standard colours.

Permutation engine
------------------
The conditional randomisation is esda's (same seed → the same draws, the same
simulated values, identical p-values and categories as ``esda.Moran_Local`` /
``Moran_Local_BV``, which the tests check), run by our own numba kernels in
:mod:`sozialraum.spatial._kernels`: they are compiled once per machine (numba's
on-disk cache) instead of once per process, and count the two-sided (and
one-sided) p-values while simulating. Without numba, esda computes the same.
:func:`warm_up` / :func:`~sozialraum.spatial.warm_kernels` load the kernels
ahead of the first call. ``permutations=0`` (analytical inference) uses esda.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core import palettes
from sozialraum.core.numbers import format_number
from sozialraum.spatial._common import (
    ALT_LABELS,
    adjust_p,
    check_common,
    esda_kwargs,
    esda_version,
    normal_p,
    perm_p,
    prepare,
    quiet_esda,
    row_standardised_w,
    simulations,
)

__all__ = [
    "LISA_CODES",
    "LISA_COLORS",
    "LISA_RGB",
    "LisaResult",
    "lisa_label",
    "local_moran",
    "local_moran_bv",
    "warm_up",
]

#: Language-independent category codes, in legend order (from :mod:`sozialraum.core.palettes`).
LISA_CODES = palettes.LISA_CODES
#: GeoDa's standard LISA colours (RGB 0–255) and as hex strings.
LISA_RGB = palettes.LISA_RGB
LISA_COLORS = palettes.LISA_COLORS

_MSG = {
    "summary": {
        "de": "{what} für {column!r}: {n_used} von {n} Gebieten berechnet; {perm}, "
        "{alt}, alpha = {alpha}, Korrektur: {corr}. Globales Moran's I = {I}.",
        "en": "{what} for {column!r}: {n_used} of {n} areas computed; {perm}, "
        "{alt}, alpha = {alpha}, correction: {corr}. Global Moran's I = {I}.",
    },
    "perm": {
        "de": "{p} Permutationen (Startwert {seed})",
        "en": "{p} permutations (seed {seed})",
    },
    "analytic": {"de": "analytische Inferenz", "en": "analytical inference"},
    "counts": {"de": "Kategorien: {c}.", "en": "Categories: {c}."},
    "lisa": {"de": "Lokales Moran's I (LISA)", "en": "Local Moran's I (LISA)"},
    "bv": {"de": "Bivariates LISA", "en": "Bivariate LISA"},
    "bv_perm": {
        "de": "Bivariates LISA braucht Permutationen (permutations >= 99).",
        "en": "Bivariate LISA needs permutations (permutations >= 99).",
    },
    "none": {"de": "keine", "en": "none"},
    "fdr": {"de": "FDR (Benjamini-Hochberg)", "en": "FDR (Benjamini-Hochberg)"},
    "bonferroni": {"de": "Bonferroni", "en": "Bonferroni"},
}


def lisa_label(code: str, lang: str | None = None) -> str:
    """German (default) or English label of a category code (see :data:`LISA_CODES`)."""
    return palettes.code_label("lisa", code, lang)


@dataclass(frozen=True)
class LisaResult:
    """Result of :func:`local_moran` / :func:`local_moran_bv`.

    Attributes
    ----------
    frame
        Copy of the input with the columns (``prefix`` default ``lisa_``):
        ``I`` (local Moran's I_i), ``z`` (pseudo z from the permutations, or
        analytical z), ``p`` (two-sided p), ``p_adj`` (after correction),
        ``q`` (quadrant as in esda: 1 HH, 2 LH, 3 LL, 4 HL; 0 excluded),
        ``sig`` (bool: ``p_adj <= alpha``), ``code`` (``HH``/``LL``/``LH``/
        ``HL``/``ns``/``island``/``nan``), ``cat`` (label in ``lang``),
        ``color`` (GeoDa hex colour), ``std`` (standardised value) and
        ``lag`` (spatial lag of the standardised (second) variable).
    params
        Everything needed to state the method in a report.
    """

    frame: pd.DataFrame
    params: dict = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return self.params["prefix"]

    def counts(self) -> pd.Series:
        """Number of areas per category code (all codes, legend order)."""
        return (
            self.frame[self.prefix + "code"].value_counts().reindex(list(LISA_CODES), fill_value=0)
        )

    def summary(self, lang: str | None = None) -> str:
        """Method statement and category counts (German by default)."""
        lang = get_lang(lang)
        p = self.params
        perm = (
            t(_MSG, "perm", lang, p=p["permutations"], seed=p["seed"])
            if p["permutations"]
            else t(_MSG, "analytic", lang)
        )
        col = p["column"] if isinstance(p["column"], str) else " / ".join(p["column"])
        head = t(
            _MSG,
            "summary",
            lang,
            what=t(_MSG, "bv" if p["bivariate"] else "lisa", lang),
            column=col,
            n_used=p["n_used"],
            n=p["n"],
            perm=perm,
            alt=ALT_LABELS[p["alternative"]][lang],
            alpha=format_number(p["alpha"], 2, lang),
            corr=t(_MSG, p["correction"], lang),
            I=format_number(p["moran_I"], 3, lang),
        )
        c = self.counts()
        counts = ", ".join(f"{lisa_label(k, lang)} {int(v)}" for k, v in c.items())
        return head + "\n" + t(_MSG, "counts", lang, c=counts)


def warm_up() -> None:
    """Load the permutation kernels now instead of at the first LISA/Gi* call.

    They are compiled once per machine and kept in numba's on-disk cache; in
    a later process loading takes a fraction of a second. See
    :func:`sozialraum.spatial.warm_kernels` for loading them in the background.
    """
    from sozialraum.spatial._kernels import warm_kernels

    warm_kernels(wait=True)


def _moran_parts(x: np.ndarray, y: np.ndarray, wr) -> tuple:
    """Standardised values, lag, local Moran's I and quadrants exactly as esda computes them."""
    n = len(x)
    zx = x - x.mean()
    zy = y - y.mean()
    with np.errstate(all="ignore"):
        zx /= x.std()
        zy /= y.std()
    matrix = wr.sparse
    lag = matrix @ zy
    I = (n - 1) * zx * lag / (zx * zx).sum()  # noqa: E741
    zp = zx > 0
    lp = lag > 0
    q = 1 * (zp * lp) + 2 * ((1 - zp) * lp) + 3 * ((1 - zp) * (1 - lp)) + 4 * (zp * (1 - lp))
    return zx, zy, lag, I, q, matrix


def _kernel_lisa(
    x: np.ndarray, y: np.ndarray, wr, permutations: int, seed, alternative: str, lang: str
) -> tuple | None:
    """(I, z, p, q, std, lag) from the cached kernels; ``None`` if they are not usable."""
    from sozialraum.spatial import _kernels

    if not _kernels.available(lang):
        return None
    zx, zy, lag, I, q, matrix = _moran_parts(x, y, wr)  # noqa: E741
    try:
        cr = _kernels.crand(
            zx,
            zy,
            I,
            matrix,
            permutations=permutations,
            seed=seed,
            scaling=(len(x) - 1) / (zx * zx).sum(),
        )
    except _kernels.KernelUnavailable:
        _kernels.available(lang)
        return None
    return I, cr.z(I), cr.p(alternative), q, zx, lag


def _esda_lisa(
    x: np.ndarray, y: np.ndarray | None, wr, permutations: int, seed, alternative: str
) -> tuple:
    """(I, z, p, q, std, lag) from esda (analytical inference, or without numba)."""
    from esda.moran import Moran_Local, Moran_Local_BV

    cls = Moran_Local if y is None else Moran_Local_BV
    args = (x, wr) if y is None else (x, y, wr)
    with quiet_esda():
        lm = cls(
            *args,
            transformation="r",
            permutations=permutations,
            seed=seed,
            keep_simulations=True,
            **esda_kwargs(cls),
        )
    I = np.asarray(lm.Is, dtype=float)  # noqa: E741
    if permutations:
        p = perm_p(I, simulations(lm, len(x)), alternative)
        z = np.asarray(lm.z_sim, dtype=float)
    else:
        z = (I - lm.EIc) / np.sqrt(lm.VIc)
        p = normal_p(z, alternative)
    std = np.asarray(lm.z if y is None else lm.zx, dtype=float)
    lag = np.asarray(wr.sparse @ (std if y is None else lm.zy)).ravel()
    return I, z, p, np.asarray(lm.q), std, lag


def _codes(q: np.ndarray, sig: np.ndarray) -> np.ndarray:
    quad = np.array(["ns", "HH", "LH", "LL", "HL"], dtype=object)
    out = quad[np.asarray(q, dtype=int)]
    out[~sig] = "ns"
    return out


def _assemble(
    data: pd.DataFrame,
    prep,
    *,
    column: str | tuple[str, str],
    permutations: int,
    seed: int | None,
    I: np.ndarray,  # noqa: E741
    z: np.ndarray,
    p: np.ndarray,
    q: np.ndarray,
    std: np.ndarray,
    lag: np.ndarray,
    alpha: float,
    correction: str,
    prefix: str,
    lang: str,
    alternative: str,
) -> LisaResult:
    """Build the result frame and the parameters shared by both LISA variants."""
    p_adj = adjust_p(p, correction)
    sig = p_adj <= alpha
    codes_used = _codes(q, sig)
    n = len(prep.ids)
    pos = prep.ids.get_indexer(prep.used)

    def full(vals, fill=np.nan, dtype=float):
        out = np.full(n, fill, dtype=dtype)
        out[pos] = vals
        return out

    codes = np.full(n, "nan", dtype=object)
    codes[pos] = codes_used
    isl = prep.ids.get_indexer(pd.Index(prep.islands))
    codes[isl] = "island"
    codes = palettes.mark_not_rated(codes, data)
    frame = data.copy()
    frame[prefix + "I"] = full(I)
    frame[prefix + "z"] = full(z)
    frame[prefix + "p"] = full(p)
    frame[prefix + "p_adj"] = full(p_adj)
    frame[prefix + "q"] = full(q, 0, int)
    frame[prefix + "sig"] = full(sig, False, bool)
    frame[prefix + "code"] = codes.astype(str)
    labels = [lisa_label(c, lang) for c in LISA_CODES]
    frame[prefix + "cat"] = pd.Categorical([lisa_label(c, lang) for c in codes], categories=labels)
    frame[prefix + "color"] = [LISA_COLORS[c] for c in codes]
    frame[prefix + "std"] = full(std)
    frame[prefix + "lag"] = full(lag)
    params = {
        "alpha": float(alpha),
        "correction": correction,
        "alternative": alternative,
        "n": n,
        "n_used": len(prep.used),
        "no_value_ids": prep.no_value,
        "island_ids": prep.islands,
        "weights": prep.weights_full.kind,
        "weights_params": dict(prep.weights_full.params),
        "prefix": prefix,
        "lang": lang,
        "esda_version": esda_version(),
        "p_value_rule": "p = min(1, 2*(min(#sim>=obs, #sim<=obs)+1)/(permutations+1))",
        "column": column,
        "bivariate": not isinstance(column, str),
        "permutations": int(permutations),
        "seed": seed,
        "moran_I": float(I.sum() / (len(prep.used) - 1)),
    }
    return LisaResult(frame=frame, params=params)


def local_moran(
    data: pd.DataFrame,
    column: str,
    w: Any = None,
    *,
    permutations: int = 999,
    seed: int | None = 12345,
    alpha: float = 0.05,
    correction: Literal["none", "fdr", "bonferroni"] = "none",
    alternative: Literal["two-sided", "greater", "lesser"] = "two-sided",
    prefix: str = "lisa_",
    lang: str | None = None,
) -> LisaResult:
    """Local Moran's I with two-sided permutation inference and safe categories.

    Parameters
    ----------
    data
        (Geo)DataFrame indexed by area key. Without ``w`` it must be a
        GeoDataFrame (queen weights are built).
    column
        Numeric column; NaN = no value ("kein Wert", excluded).
    w
        :class:`~sozialraum.spatial.weights.WeightsResult`, libpysal ``W``, or
        ``None`` (queen). Rows are row-standardised for the statistic.
    permutations
        Conditional permutations (default 999); ``0`` uses the analytical
        conditional-randomisation moments (Sokal et al. 1998) with a normal
        approximation instead.
    seed
        Seed of the permutations (same seed → same labels).
    alpha
        Significance level applied to the (adjusted) two-sided p-value.
    correction
        ``"none"``, ``"fdr"`` (Benjamini–Hochberg) or ``"bonferroni"``,
        over the areas computed.
    alternative
        ``"two-sided"`` (default; see :func:`~sozialraum.spatial._common.two_sided_p`),
        ``"greater"`` (clusters: I_i larger than under randomness) or
        ``"lesser"`` (outliers).
    prefix
        Prefix of the result columns.
    lang
        Language of labels and messages.

    Returns
    -------
    LisaResult
    """
    lang = get_lang(lang)
    check_common(alpha, correction, permutations, lang, alternative)
    prep = prepare(data, [column], w, what="LISA", lang=lang)
    y = prep.values[column]
    wr = row_standardised_w(prep.weights)
    st = None
    if permutations:
        st = _kernel_lisa(y, y, wr, int(permutations), seed, alternative, lang)
    if st is None:
        st = _esda_lisa(y, None, wr, int(permutations), seed, alternative)
    I, z, p, q, std, lag = st  # noqa: E741
    return _assemble(
        data,
        prep,
        column=column,
        permutations=permutations,
        seed=seed,
        I=I,
        z=z,
        p=p,
        q=q,
        std=std,
        lag=lag,
        alpha=alpha,
        correction=correction,
        prefix=prefix,
        lang=lang,
        alternative=alternative,
    )


def local_moran_bv(
    data: pd.DataFrame,
    x: str,
    y: str,
    w: Any = None,
    *,
    permutations: int = 999,
    seed: int | None = 12345,
    alpha: float = 0.05,
    correction: Literal["none", "fdr", "bonferroni"] = "none",
    alternative: Literal["two-sided", "greater", "lesser"] = "two-sided",
    prefix: str = "bilisa_",
    lang: str | None = None,
) -> LisaResult:
    """Bivariate local Moran: ``x`` in an area against the neighbours' ``y``.

    ``I_i = zx_i * sum_j w_ij zy_j * (n-1) / sum(zx^2)`` (esda's
    ``Moran_Local_BV``); "Hoch-Niedrig" means high ``x`` surrounded by low
    ``y`` (e.g. high child poverty next to few Kita places per child).
    Areas with NaN in ``x`` or ``y`` get "kein Wert"; other rules and
    parameters as in :func:`local_moran`.
    """
    lang = get_lang(lang)
    check_common(alpha, correction, permutations, lang, alternative)
    if not permutations:
        from sozialraum.errors import InputError

        raise InputError(t(_MSG, "bv_perm", lang))
    prep = prepare(data, [x, y], w, what="LISA", lang=lang)
    xv, yv = prep.values[x], prep.values[y]
    wr = row_standardised_w(prep.weights)
    st = _kernel_lisa(xv, yv, wr, int(permutations), seed, alternative, lang)
    if st is None:
        st = _esda_lisa(xv, yv, wr, int(permutations), seed, alternative)
    I, z, p, q, std, lag = st  # noqa: E741
    return _assemble(
        data,
        prep,
        column=(x, y),
        permutations=permutations,
        seed=seed,
        I=I,
        z=z,
        p=p,
        q=q,
        std=std,
        lag=lag,
        alpha=alpha,
        correction=correction,
        prefix=prefix,
        lang=lang,
        alternative=alternative,
    )
