"""Global Moran's I (values and rates) with analytical and permutation inference.

* Analytical moments (normality and randomisation assumptions, Cliff & Ord
  1981) are computed from the sparse matrix (equal to :class:`esda.Moran`'s,
  tested, without libpysal's slow per-area ``s1`` loop).
* The permutation test is our own vectorised numpy code: esda's global
  ``Moran`` draws from numpy's global random state and has no ``seed``; here
  ``numpy.random.default_rng(seed)`` permutes the values in blocks of
  permutations, and the lags of a whole block are one sparse-times-dense
  product (10,997 areas × 999 permutations ≈ 0.3–0.4 s here). p-values are two-sided:
  ``min(1, 2 * (min(#{I_sim >= I}, #{I_sim <= I}) + 1) / (P + 1))``.
* :func:`moran_rate` standardises rates with the Empirical Bayes method of
  Assunção & Reis (1999) (``esda.smoothing.assuncao_rate``), as
  ``esda.Moran_Rate`` does, before the same computation.

Areas without a value and areas without neighbours are left out with the
same rules as the local statistics (see :func:`sozialraum.spatial._common.prepare`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.core.numbers import MISSING, format_number
from sozialraum.spatial._common import (
    check_common,
    esda_version,
    numeric_column,
    prepare,
    quiet_esda,
    row_standardised_w,
    two_sided_p,
)

__all__ = ["MoranResult", "moran", "moran_rate"]

_MSG = {
    "summary": {
        "de": "Globales Moran's I für {column!r}: I = {I} (Erwartungswert {EI}); "
        "{n_used} von {n} Gebieten. Permutationstest ({perm}, Startwert {seed}, zweiseitig): "
        "p = {p_sim}; analytisch (Randomisierung): z = {z_rand}, p = {p_rand}.",
        "en": "Global Moran's I for {column!r}: I = {I} (expected {EI}); "
        "{n_used} of {n} areas. Permutation test ({perm}, seed {seed}, two-sided): "
        "p = {p_sim}; analytical (randomisation): z = {z_rand}, p = {p_rand}.",
    },
    "rate_head": {
        "de": "Raten mit Empirical-Bayes-Standardisierung (Assunção & Reis) aus {e!r} / {b!r}. ",
        "en": "Rates with Empirical Bayes standardisation (Assunção & Reis) from {e!r} / {b!r}. ",
    },
    "nonpos_pop": {
        "de": "Bezugsgröße {b!r} ist 0 oder negativ bei den Gebieten {ids}; sie werden als "
        "'kein Wert' behandelt.",
        "en": "Base {b!r} is zero or negative for areas {ids}; they are treated as 'no value'.",
    },
}


def _num(x: float, lang: str, digits: int = 4) -> str:
    if x is None or not np.isfinite(x):
        return MISSING
    return format_number(x, digits, lang)


@dataclass(frozen=True)
class MoranResult:
    """Global Moran's I and its inference.

    Attributes
    ----------
    I, EI
        Moran's I and its expectation ``-1/(n-1)``.
    z_norm, p_norm
        Analytical z and two-sided p under normality.
    z_rand, p_rand
        Analytical z and two-sided p under randomisation.
    z_sim, p_sim
        Pseudo z (against the permutation mean and sd) and two-sided
        permutation p (NaN when ``permutations=0``).
    sims
        The permuted I values (empty when ``permutations=0``).
    params
        Column, n, n_used, excluded ids, permutations, seed, weights ...
    """

    I: float  # noqa: E741
    EI: float
    z_norm: float
    p_norm: float
    z_rand: float
    p_rand: float
    z_sim: float
    p_sim: float
    sims: np.ndarray
    params: dict = field(default_factory=dict)

    def summary(self, lang: str | None = None) -> str:
        lang = get_lang(lang)
        p = self.params
        head = ""
        if p.get("rate"):
            head = t(_MSG, "rate_head", lang, e=p["events"], b=p["base"])
        return head + t(
            _MSG,
            "summary",
            lang,
            column=p["column"],
            I=_num(self.I, lang),
            EI=_num(self.EI, lang),
            n_used=p["n_used"],
            n=p["n"],
            perm=p["permutations"],
            seed=p["seed"],
            p_sim=_num(self.p_sim, lang),
            z_rand=_num(self.z_rand, lang, 2),
            p_rand=_num(self.p_rand, lang),
        )


def permuted_moran(
    z: np.ndarray, wsparse, permutations: int, seed: int | None, block: int = 100
) -> np.ndarray:
    """Moran's I of ``permutations`` random permutations of ``z`` (vectorised, seeded).

    ``I = (n / S0) * z' W z / z' z`` for each permuted ``z``; a block of
    permutations is one ``(n, block)`` matrix, so the lags are one sparse
    product per block.
    """
    rng = np.random.default_rng(seed)
    n = len(z)
    W = wsparse.tocsr()
    s0 = W.sum()
    zz = float(z @ z)
    out = np.empty(permutations)
    done = 0
    while done < permutations:
        b = min(block, permutations - done)
        Z = np.empty((b, n))
        for j in range(b):
            Z[j] = z[rng.permutation(n)]
        lag = W @ Z.T  # (n, b)
        out[done : done + b] = (n / s0) * np.einsum("ji,ij->j", Z, lag) / zz
        done += b
    return out


def _global(y: np.ndarray, wr, permutations: int, seed: int | None) -> dict[str, Any]:
    """Moran's I with analytical moments (Cliff & Ord 1981) and a seeded permutation test.

    The moments use the sparse matrix directly (``S1``, ``S2`` without
    libpysal's per-area loops); they equal ``esda.Moran``'s (tested).
    """
    from scipy import stats

    W = wr.sparse.tocsr().astype(float)
    n = len(y)
    z = y - y.mean()
    zz = float(z @ z)
    s0 = float(W.sum())
    I = n / s0 * float(z @ (W @ z)) / zz  # noqa: E741
    EI = -1.0 / (n - 1)
    WW = W + W.T
    s1 = 0.5 * float(WW.multiply(WW).sum())
    s2 = float(((np.asarray(W.sum(axis=1)).ravel() + np.asarray(W.sum(axis=0)).ravel()) ** 2).sum())
    n2, s02 = n * n, s0 * s0
    VI_norm = (n2 * s1 - n * s2 + 3 * s02) / ((n2 - 1) * s02) - EI**2
    k = (np.sum(z**4) / n) / (zz / n) ** 2
    VI_rand = (
        n * ((n2 - 3 * n + 3) * s1 - n * s2 + 3 * s02)
        - k * (n * (n - 1) * s1 - 2 * n * s2 + 6 * s02)
    ) / ((n - 1) * (n - 2) * (n - 3) * s02) - EI**2
    z_norm = (I - EI) / np.sqrt(VI_norm)
    z_rand = (I - EI) / np.sqrt(VI_rand) if VI_rand > 0 else np.nan
    res = {
        "I": I,
        "EI": EI,
        "z_norm": float(z_norm),
        "p_norm": float(2 * stats.norm.sf(abs(z_norm))),
        "z_rand": float(z_rand),
        "p_rand": float(2 * stats.norm.sf(abs(z_rand))),
        "z_sim": np.nan,
        "p_sim": np.nan,
        "sims": np.empty(0),
    }
    if permutations:
        sims = permuted_moran(z, W, permutations, seed)
        res["sims"] = sims
        res["p_sim"] = float(two_sided_p(np.array([I]), sims[None, :])[0])
        res["z_sim"] = float((I - sims.mean()) / sims.std())
    return res


def moran(
    data: pd.DataFrame,
    column: str,
    w: Any = None,
    *,
    permutations: int = 999,
    seed: int | None = 12345,
    lang: str | None = None,
) -> MoranResult:
    """Global Moran's I of ``column`` with row-standardised weights.

    Parameters
    ----------
    data
        (Geo)DataFrame indexed by area key (GeoDataFrame if ``w`` is None).
    column
        Numeric column; NaN areas are left out (weights rebuilt).
    w
        WeightsResult, libpysal ``W`` or None (queen).
    permutations, seed
        Permutation test (0 = analytical only).
    lang
        Language of messages.
    """
    lang = get_lang(lang)
    check_common(0.05, "none", permutations, lang)
    prep = prepare(data, [column], w, what="Moran's I", lang=lang)
    wr = row_standardised_w(prep.weights)
    r = _global(prep.values[column], wr, int(permutations), seed)
    params = {
        "column": column,
        "n": len(prep.ids),
        "n_used": len(prep.used),
        "no_value_ids": prep.no_value,
        "island_ids": prep.islands,
        "permutations": int(permutations),
        "seed": seed,
        "alternative": "two-sided",
        "weights": prep.weights_full.kind,
        "esda_version": esda_version(),
        "rate": False,
    }
    return MoranResult(**r, params=params)


def moran_rate(
    data: pd.DataFrame,
    events: str,
    base: str,
    w: Any = None,
    *,
    permutations: int = 999,
    seed: int | None = 12345,
    lang: str | None = None,
) -> MoranResult:
    """Global Moran's I of rates ``events / base`` after Empirical Bayes standardisation.

    Equivalent to ``esda.Moran_Rate(e, b, w, adjusted=True)`` on the areas
    used, with a seeded two-sided permutation test. Areas with NaN events or
    base, or base <= 0, are "kein Wert" (left out, reported).
    """
    import warnings

    from esda.smoothing import assuncao_rate

    from sozialraum.errors import SozialraumWarning, format_ids

    lang = get_lang(lang)
    check_common(0.05, "none", permutations, lang)
    ids = pd.Index([str(i) for i in data.index])
    b = numeric_column(data, base, ids, lang)
    nonpos = ~np.isnan(b) & (b <= 0)
    if nonpos.any():
        warnings.warn(
            t(_MSG, "nonpos_pop", lang, b=base, ids=format_ids(ids[nonpos].tolist())),
            SozialraumWarning,
            stacklevel=2,
        )
    prep = prepare(data, [events, base], w, what="Moran's I", lang=lang, valid_extra=~nonpos)
    with quiet_esda():
        y = np.asarray(assuncao_rate(prep.values[events], prep.values[base]), dtype=float).ravel()
    wr = row_standardised_w(prep.weights)
    r = _global(y, wr, int(permutations), seed)
    params = {
        "column": f"{events}/{base}",
        "events": events,
        "base": base,
        "n": len(prep.ids),
        "n_used": len(prep.used),
        "no_value_ids": prep.no_value,
        "island_ids": prep.islands,
        "permutations": int(permutations),
        "seed": seed,
        "alternative": "two-sided",
        "weights": prep.weights_full.kind,
        "esda_version": esda_version(),
        "rate": True,
        "standardisation": "Empirical Bayes (Assunção & Reis 1999)",
    }
    return MoranResult(**r, params=params)
