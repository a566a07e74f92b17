"""Rates from counts per the indicator catalogue, with reliability and status.

``rate = numerator / denominator * per`` (``per`` = 100 for %, 1000 for ‰).
An indicator without denominator *is* its numerator variable (no scaling).

Status rules (one code per area and rate, first matching rule wins):

=========================================  ===========  =============================
situation                                  rate         status
=========================================  ===========  =============================
numerator or denominator ``geheim``        NaN          ``geheim``
denominator 0 (or ``nichts_vorhanden``)    NaN          ``nenner_null``
another missing code, value NaN            NaN          that code (numerator first)
value NaN without a code                   NaN          ``fehlt``
numerator ``nichts_vorhanden``             0            ``<NA>`` (a true zero)
``teilsumme_geheim`` in num. or den.       kept         ``teilsumme_geheim``
``teilsumme_unvollstaendig``               kept         ``teilsumme_unvollstaendig``
denominator < threshold                    kept         ``nenner_klein``
``unsicher`` / ``vorlaeufig`` in inputs    kept         that code
otherwise                                  kept         ``<NA>``
=========================================  ===========  =============================

``reliable`` is True only where the rate is a number, the denominator reaches the
threshold (per-indicator ``min_denominator`` of the catalogue, else the global
``min_denominator``), and no input is a partial sum (``teilsumme_*``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.numbers import is_missing
from sozialraum.errors import InputError, SozialraumWarning

__all__ = ["RatesResult", "compute_rates", "indicator_threshold"]

_MSG = {
    "missing_var": {
        "de": "Indikator {ind!r}: Variable {var!r} fehlt in der Tabelle; der Indikator bleibt leer "
        "(Status 'fehlt'). Bitte die Spalte ergänzen oder den Katalog prüfen.",
        "en": "indicator {ind!r}: variable {var!r} is missing from the table; the indicator stays empty "
        "(status 'fehlt'). Add the column or check the catalogue.",
    },
    "no_numerator": {
        "de": "Indikator {ind!r}: im Katalog ist kein Zähler (numerator) angegeben.",
        "en": "indicator {ind!r}: the catalogue gives no numerator.",
    },
    "bad_per": {
        "de": "Indikator {ind!r}: 'per' muss eine positive Zahl sein (100 oder 1000), nicht {per!r}.",
        "en": "indicator {ind!r}: 'per' must be a positive number (100 or 1000), not {per!r}.",
    },
    "dup_index": {
        "de": "Die Gebietsschlüssel sind nicht eindeutig: {ids}.",
        "en": "the area keys are not unique: {ids}.",
    },
}

_SECRET = "geheim"
_ZERO = "nichts_vorhanden"
_PARTIAL = ("teilsumme_geheim", "teilsumme_unvollstaendig")
_KEPT = ("unsicher", "vorlaeufig")


@dataclass(frozen=True)
class RatesResult:
    """Rates per area and indicator.

    Attributes
    ----------
    rates
        Float DataFrame, index = areas, columns = indicator ids.
    reliable
        Bool DataFrame of the same shape.
    status
        Status codes (pandas ``string``; ``<NA>`` = fine), same shape.
    params
        ``min_denominator`` (global), ``thresholds`` (indicator → threshold used),
        ``missing_variables`` (indicator → variable), ``per`` (indicator → factor).
    """

    rates: pd.DataFrame
    reliable: pd.DataFrame
    status: pd.DataFrame
    params: dict = field(default_factory=dict)


def _blank(v) -> bool:
    return is_missing(v, blank_text=True)


def indicator_threshold(row: pd.Series, min_denominator: float) -> float:
    """Threshold for one catalogue row: its ``min_denominator`` if set, else the global one."""
    v = row.get("min_denominator", np.nan)
    return float(min_denominator) if _blank(v) else float(v)


def _col(frame, status, var, n):
    vals = (
        frame[var].to_numpy(dtype=float, na_value=np.nan)
        if var in frame.columns
        else np.full(n, np.nan)
    )
    if status is not None and var in status and var in frame.columns:
        st = status[var]
    else:
        st = np.full(n, None, dtype=object)
    return vals, st


def _status_arrays(status: pd.DataFrame, index) -> dict:
    """Status columns as object arrays with ``None`` for <NA> (once per call)."""
    st = status.reindex(index=index)
    out = {}
    for c in st.columns:
        col = st[c]
        if not col.notna().any():
            out[c] = np.full(len(st), None, dtype=object)
        else:
            out[c] = col.astype("string").to_numpy(dtype=object, na_value=None)
    return out


def compute_rates(
    frame: pd.DataFrame,
    catalogue: pd.DataFrame,
    *,
    status: pd.DataFrame | None = None,
    min_denominator: float = 300,
    lang: str | None = None,
) -> RatesResult:
    """Compute the catalogue's rates from counts.

    Parameters
    ----------
    frame
        Counts (index = area key, columns = variable ids).
    catalogue
        Indicator table (``Catalogue.indicators``): index = indicator id, columns
        ``numerator``, ``denominator`` (None/NaN = none), ``per``; optional
        ``min_denominator``.
    status
        Status codes of ``frame`` (same index/columns; missing columns = fine).
    min_denominator
        Global reliability threshold for the denominator (default 300, as in the
        Berlin and Hamburg monitors); a catalogue ``min_denominator`` overrides it.
    lang
        Message language.

    Returns
    -------
    RatesResult
        See the module docstring for the status rules.
    """
    if frame.index.has_duplicates:
        dup = frame.index[frame.index.duplicated()].astype(str).unique().tolist()
        from sozialraum.errors import format_ids

        raise InputError(t(_MSG, "dup_index", lang, ids=format_ids(dup)), ids=dup)
    if status is not None:
        status = _status_arrays(status, frame.index)
    n = len(frame)
    rates, rel, sts = {}, {}, {}
    thresholds, missing_vars, pers = {}, {}, {}
    for ind, row in catalogue.iterrows():
        num_var = row.get("numerator")
        if _blank(num_var):
            raise InputError(t(_MSG, "no_numerator", lang, ind=ind), column=str(ind))
        den_var = row.get("denominator")
        has_den = not _blank(den_var)
        per = row.get("per", 100.0)
        per = 1.0 if not has_den else (100.0 if _blank(per) else per)
        try:
            per = float(per)
        except (TypeError, ValueError):
            per = -1.0
        if not per > 0:
            raise InputError(t(_MSG, "bad_per", lang, ind=ind, per=row.get("per")), column=str(ind))
        thr = indicator_threshold(row, min_denominator) if has_den else 0.0
        thresholds[ind], pers[ind] = thr, per
        for var in [num_var] + ([den_var] if has_den else []):
            if var not in frame.columns:
                missing_vars[ind] = var
                warnings.warn(
                    t(_MSG, "missing_var", lang, ind=ind, var=var), SozialraumWarning, stacklevel=2
                )
        num, sn = _col(frame, status, num_var, n)
        if has_den:
            den, sd = _col(frame, status, den_var, n)
        else:
            den, sd = np.ones(n), np.full(n, None, dtype=object)
        has_sn = any(x is not None for x in sn)
        has_sd = any(x is not None for x in sd)
        none = np.zeros(n, dtype=bool)
        sn_eq = lambda code, s=sn, h=has_sn, z=none: (s == code).astype(bool) if h else z  # noqa: E731
        sd_eq = lambda code, s=sd, h=has_sd, z=none: (s == code).astype(bool) if h else z  # noqa: E731
        # a "-" (nothing there) is a true zero
        num = np.where(np.isnan(num) & sn_eq(_ZERO), 0.0, num)
        den = np.where(np.isnan(den) & sd_eq(_ZERO), 0.0, den)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = num / den * per
        zero_den = den == 0
        r = np.where(zero_den, np.nan, r)
        out = np.full(n, None, dtype=object)
        # lowest priority first; later assignments override
        for code in _KEPT:
            out = np.where(sd_eq(code) | sn_eq(code), code, out)
        small = ~np.isnan(den) & (den < thr) & ~zero_den
        out = np.where(small, "nenner_klein", out)
        for code in reversed(_PARTIAL):
            out = np.where(sd_eq(code) | sn_eq(code), code, out)
        nan_r = np.isnan(r)
        out = np.where(nan_r, "fehlt", out)
        for s_arr, vals in ((sd, den), (sn, num)):  # numerator's code wins
            code_here = np.not_equal(s_arr, None).astype(bool) & np.isnan(vals)
            out = np.where(nan_r & code_here, s_arr, out)
        out = np.where(zero_den, "nenner_null", out)
        secret = sn_eq(_SECRET) | sd_eq(_SECRET)
        r = np.where(secret, np.nan, r)
        out = np.where(secret, _SECRET, out)
        partial = np.zeros(n, dtype=bool)
        for code in _PARTIAL:
            partial |= sn_eq(code) | sd_eq(code)
        rates[ind] = r.astype(float)
        rel[ind] = ~np.isnan(r) & ~small & ~partial
        sts[ind] = out
    cols = list(catalogue.index)
    rates_df = pd.DataFrame(rates, index=frame.index, columns=cols, dtype=float)
    rel_df = pd.DataFrame(rel, index=frame.index, columns=cols, dtype=bool)
    st_df = pd.DataFrame(sts, index=frame.index, columns=cols, dtype=object)
    st_df = st_df.where(st_df.notna(), pd.NA).astype("string")
    params = {
        "min_denominator": float(min_denominator),
        "thresholds": thresholds,
        "missing_variables": missing_vars,
        "per": pers,
    }
    return RatesResult(rates=rates_df, reliable=rel_df, status=st_df, params=params)
