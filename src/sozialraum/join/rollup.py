"""Rolling values up the area hierarchy (Sozialraum → Gemeinde → Kreis).

Each column follows its rule in the catalogue (:mod:`sozialraum.core.aggregation`):
counts are summed; rates are *recomputed* from the summed numerators and
denominators (never averaged); shares, rates and means given as values are
weighted by the population variable the catalogue names
(``aggregation_weight``); a share without such a weight is refused with an
error that says what to add — never summed; ``aggregation = "none"`` leaves the
upper level empty (status ``nicht_sinnvoll``). Without a catalogue every column
is taken for a count. The status of each sum tells how complete it is:

============================  ==================================================
status of the parts           value and status of the sum
============================  ==================================================
all plain numbers             sum, ``<NA>``
some ``nichts_vorhanden``     they count as 0 (Destatis "–" = genau null), ``<NA>``
all ``nichts_vorhanden``      0, ``nichts_vorhanden``
any ``geheim``                sum of the known parts, ``teilsumme_geheim``
any other missing value       sum of the known parts, ``teilsumme_unvollstaendig``
no known part                 NaN, ``geheim`` if any part was secret, else ``fehlt``
============================  ==================================================

A flagged sum is a lower bound. Rates computed from a flagged count carry the flag.
A weighted mean uses the parts whose value and weight are known; it is flagged the
same way when a part with a weight above zero has no value (secret or missing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.aggregation import (
    AggregationRule,
    refuse_rate_part,
    refuse_unweighted,
    rules_from_frames,
    weight_missing,
    weighted_means,
)
from sozialraum.errors import InputError, format_ids
from sozialraum.monitor.rates import compute_rates

__all__ = ["RollupResult", "rollup", "rollup_hierarchy"]

_MSG = {
    "no_by": {
        "de": "Spalte {by!r} für die Zuordnung zur höheren Ebene fehlt.",
        "en": "column {by!r} assigning areas to the upper level is missing.",
    },
    "unassigned": {
        "de": "Gebiete ohne Zuordnung zur höheren Ebene: {ids}.",
        "en": "areas not assigned to an upper level: {ids}.",
    },
    "not_numeric": {
        "de": "Spalte {col!r} ist keine Zahl und kann nicht summiert werden.",
        "en": "column {col!r} is not numeric and cannot be summed.",
    },
}

_SECRET = "geheim"
_ZERO = "nichts_vorhanden"
_NONE = "nicht_sinnvoll"
_SUM = AggregationRule("sum")


@dataclass(frozen=True)
class RollupResult:
    """Sums (and recomputed rates) per upper-level unit.

    Attributes
    ----------
    frame
        One row per unit (index = unit key), summed counts, ``n_gebiete`` (number of
        parts), rates if a catalogue was given; a GeoDataFrame (dissolved geometry)
        when the input had geometries and ``geometry=True``.
    status
        Status codes of the summed counts and rates (``<NA>`` = complete).
    """

    frame: pd.DataFrame
    status: pd.DataFrame


def _group_keys(frame: pd.DataFrame, by: str | pd.Series | Mapping | None, total_key: str, lang):
    if by is None:
        return pd.Series(total_key, index=frame.index)
    if isinstance(by, str):
        if by not in frame.columns:
            raise InputError(t(_MSG, "no_by", lang, by=by), column=by)
        keys = frame[by]
    elif isinstance(by, Mapping):
        keys = pd.Series([by.get(k) for k in frame.index], index=frame.index)
    else:
        keys = pd.Series(by).reindex(frame.index)
    missing = keys.isna()
    if missing.any():
        ids = frame.index[missing].astype(str).tolist()
        raise InputError(t(_MSG, "unassigned", lang, ids=format_ids(ids)), ids=ids)
    return keys.astype(str)


def _default_columns(frame, by, status) -> list[str]:
    if status is not None:
        return [c for c in status.columns if c in frame.columns]
    return [
        c for c in frame.select_dtypes("number").columns if not (isinstance(by, str) and c == by)
    ]


def _catalogue_frames(catalogue):
    """``(variables, indicators)`` of a Catalogue or of its indicator table."""
    if catalogue is None:
        return None, None
    if isinstance(catalogue, pd.DataFrame):
        return None, catalogue
    return getattr(catalogue, "variables", None), catalogue.indicators


def _column_rules(columns, variables, indicators, lang) -> dict[str, AggregationRule]:
    if indicators is None:
        return {c: _SUM for c in columns}
    vrules, irules = rules_from_frames(variables, indicators, lang=lang)
    return {c: vrules.get(c) or irules.get(c) or _SUM for c in columns}


def _check_rules(rules, frame, indicators, level, lang) -> None:
    """Refuse shares without weight, missing weights and rates of non-counts."""
    src = indicators.attrs.get("source") if indicators is not None else None
    population = next((c for c in frame.columns if str(c).startswith("ew")), "ew_ges")
    pass_through = {}
    if indicators is not None and "denominator" in indicators:
        for iid, row in indicators.iterrows():
            if not isinstance(row["denominator"], str) and isinstance(row["numerator"], str):
                pass_through.setdefault(row["numerator"], str(iid))
    for col, rule in rules.items():
        if rule.method != "weighted_mean":
            continue
        if rule.weight is None:
            where = f"[variables.{col}]"
            if col in pass_through:
                where += f" {'oder' if lang != 'en' else 'or'} [indicators.{pass_through[col]}]"
            raise refuse_unweighted(
                col, rule, level=level, where=where, example=population, source=src, lang=lang
            )
        if rule.weight not in frame.columns:
            raise weight_missing(col, rule.weight, lang=lang)


def _check_rate_parts(indicators, rules, level, lang) -> None:
    if indicators is None or "denominator" not in indicators:
        return
    for iid, row in indicators.iterrows():
        if not isinstance(row["denominator"], str):
            continue
        for role in ("numerator", "denominator"):
            rule = rules.get(row[role])
            if rule is not None and rule.method != "sum":
                raise refuse_rate_part(
                    str(iid), role, row[role], rule.method, level=level, lang=lang
                )


def _masks(values, st):
    """Bool arrays (rows × columns): known value, ``nichts_vorhanden``, secret, other missing."""
    known = values.notna().to_numpy(dtype=bool)
    codes = st.to_numpy(dtype=object, na_value="")
    zero = (codes == _ZERO) & ~known
    secret = (codes == _SECRET) & ~known
    return known, zero, secret, ~known & ~zero & ~secret


def _part_status(index, columns, n_known, n_zero, n_secret, n_other):
    """Status of the upper-level values from the counts of part kinds (module table).

    The counts are arrays (units × columns); returns the status frame and the bool
    array of units without any known part.
    """
    n_known, n_zero, n_secret, n_other = (
        np.asarray(a) for a in (n_known, n_zero, n_secret, n_other)
    )
    nothing_known = (n_known == 0) & (n_zero == 0)
    all_zero = (n_known == 0) & (n_zero > 0) & (n_secret == 0) & (n_other == 0)
    codes = np.select(  # the first that applies (the table's later rows win)
        [
            nothing_known & (n_secret == 0),
            nothing_known & (n_secret > 0),
            ~nothing_known & (n_secret > 0),
            ~nothing_known & (n_other > 0),
            all_zero,
        ],
        ["fehlt", _SECRET, "teilsumme_geheim", "teilsumme_unvollstaendig", _ZERO],
        default=None,
    ).astype(object)
    out = pd.DataFrame(codes, index=index, columns=columns, dtype="string")
    return out, nothing_known


def _sum_columns(values, st, g):
    """Sums and part counts of all columns in one grouping (not one per column and kind)."""
    known, zero, secret, other = _masks(values, st)
    k = values.shape[1]
    stacked = np.hstack(
        [values.fillna(0.0).to_numpy(dtype=float), known, zero, secret, other], dtype=float
    )
    grouped = pd.DataFrame(stacked, index=values.index).groupby(g).sum()
    arr = grouped.to_numpy()
    sums = pd.DataFrame(arr[:, :k], index=grouped.index, columns=values.columns)
    n = [arr[:, k * (i + 1) : k * (i + 2)] for i in range(4)]
    status, nothing = _part_status(sums.index, sums.columns, *n)
    return sums.mask(nothing), status


def _mean_columns(values, st, g, frame, rules):
    """Weighted means; a part counts as missing only if its weight is above zero."""
    weights = pd.DataFrame(
        {c: frame[rules[c].weight].astype(float) for c in values.columns}, index=values.index
    )
    known, zero, secret, other = _masks(values, st)
    filled = values.mask(zero, 0.0)
    means, used = weighted_means(filled, weights, g)
    used = used.to_numpy(dtype=bool)
    relevant = weights.fillna(1.0).ne(0.0).to_numpy(dtype=bool)
    unused = ~used & relevant

    def count(mask):
        return pd.DataFrame(mask, index=values.index).groupby(g).sum().to_numpy()

    n_known = count(used & known)
    n_zero = count(used & zero)
    n_secret = count(unused & secret)
    n_other = count(unused & ~secret)
    status, nothing = _part_status(means.index, means.columns, n_known, n_zero, n_secret, n_other)
    return means.mask(nothing), status


def _combine(values, st, g, frame, rules):
    by_method = {
        m: [c for c in values.columns if rules[c].method == m]
        for m in ("sum", "weighted_mean", "none")
    }
    sums, status = _sum_columns(values[by_method["sum"]], st[by_method["sum"]], g)
    parts = [(sums, status)]
    if by_method["weighted_mean"]:
        cols = by_method["weighted_mean"]
        parts.append(_mean_columns(values[cols], st[cols], g, frame, rules))
    if by_method["none"]:
        idx = sums.index
        cols = by_method["none"]
        parts.append(
            (
                pd.DataFrame(float("nan"), index=idx, columns=cols),
                pd.DataFrame(_NONE, index=idx, columns=cols, dtype="string"),
            )
        )
    out = pd.concat([p[0] for p in parts], axis=1)[list(values.columns)]
    out_status = pd.concat([p[1] for p in parts], axis=1)[list(values.columns)]
    return out, out_status


def _add_rates(result, out_status, sums, indicators, lang):
    rates = compute_rates(sums, indicators, status=out_status, min_denominator=0, lang=lang)
    # pass-through indicators (id == variable, no denominator) are already there
    new = [c for c in rates.rates.columns if c not in result.columns]
    values, status = rates.rates[new], rates.status[new].astype("string")
    if "aggregation" in indicators:
        off = [c for c in new if indicators.at[c, "aggregation"] == "none"]
        values, status = values.copy(), status.copy()
        values[off] = float("nan")
        status[off] = _NONE
    return result.join(values), out_status.join(status)


def rollup(
    frame: pd.DataFrame,
    *,
    by: str | pd.Series | Mapping | None,
    columns: Sequence[str] | None = None,
    status: pd.DataFrame | None = None,
    catalogue=None,
    geometry: bool = True,
    total_key: str = "gesamt",
    keep: Sequence[str] = (),
    lang: str | None = None,
    level: str | None = None,
) -> RollupResult:
    """Combine the areas per upper-level unit, each column by its catalogue rule.

    Parameters
    ----------
    frame
        Areas (index = area key) with count columns (and shares/means with the
        population columns that weight them).
    by
        Column with the upper-level key (e.g. ``"ags"``), a mapping area key → unit
        key, or ``None`` for one total over all areas (key ``total_key``).
    columns
        Columns to combine; default: those of ``status`` if given, else all numeric
        columns except ``by``.
    status
        Status codes of ``frame``'s columns (see module docstring for the rules).
    catalogue
        A :class:`~sozialraum.io.Catalogue` or its ``indicators`` table. Gives each
        column's rule (:mod:`sozialraum.core.aggregation`); rates are recomputed
        from the summed numerators and denominators with
        :func:`sozialraum.monitor.compute_rates`. ``None``: every column is a count.
    geometry
        Dissolve geometries per unit when ``frame`` is a GeoDataFrame.
    total_key
        Key of the single unit when ``by`` is ``None``.
    keep
        Columns constant within a unit to carry over (e.g. the municipality name).
    lang
        Message language.
    level
        Name of the upper level for messages (default: ``by`` or ``total_key``).

    Raises
    ------
    InputError
        Upper-level keys missing; a non-numeric column; a share or mean without
        ``aggregation_weight`` (the message names it and says what to add to the
        catalogue); a weight column absent from ``frame``; a rate whose numerator
        or denominator is not a count.
    """
    keys = _group_keys(frame, by, total_key, lang)
    level = level or (by if isinstance(by, str) else total_key)
    columns = list(columns) if columns is not None else _default_columns(frame, by, status)
    for col in columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):
            raise InputError(t(_MSG, "not_numeric", lang, col=col), column=col)
    variables, indicators = _catalogue_frames(catalogue)
    rules = _column_rules(columns, variables, indicators, lang)
    _check_rules(rules, frame, indicators, level, lang)
    _check_rate_parts(indicators, rules, level, lang)
    values = frame[columns].astype(float)
    if status is None:
        st = pd.DataFrame(pd.NA, index=frame.index, columns=columns, dtype="string")
    else:
        st = status.reindex(index=frame.index, columns=columns).astype("string")
    g = keys.to_numpy()
    sums, out_status = _combine(values, st, g, frame, rules)
    result = sums.copy()
    result.insert(0, "n_gebiete", keys.groupby(g).size().astype(int))
    for col in keep:
        result[col] = frame[col].groupby(g).first()
    if indicators is not None:
        result, out_status = _add_rates(result, out_status, sums, indicators, lang)
    result.index.name = by if isinstance(by, str) else "key"
    out_status.index.name = result.index.name
    if geometry and isinstance(frame, gpd.GeoDataFrame):
        geoms = frame.geometry.groupby(g).agg(lambda s: s.union_all())
        result = gpd.GeoDataFrame(
            result,
            geometry=gpd.GeoSeries(geoms, crs=frame.crs).reindex(result.index),
            crs=frame.crs,
        )
    return RollupResult(frame=result, status=out_status)


def rollup_hierarchy(
    frame: pd.DataFrame,
    levels: Mapping[str, str | pd.Series | Mapping | None],
    *,
    columns: Sequence[str] | None = None,
    status: pd.DataFrame | None = None,
    catalogue=None,
    geometry: bool = True,
    lang: str | None = None,
) -> dict[str, RollupResult]:
    """Roll up to several levels at once, each directly from the areas.

    Parameters
    ----------
    levels
        Level name → ``by`` argument of :func:`rollup`, e.g.
        ``{"gemeinde": "ags", "kreis": None}``.

    Returns
    -------
    dict
        Level name → :class:`RollupResult`. Summing each level from the areas (not
        from the level below) gives the same totals and keeps the status rules exact.
    """
    return {
        name: rollup(
            frame,
            by=by,
            columns=columns,
            status=status,
            catalogue=catalogue,
            geometry=geometry,
            total_key=name,
            lang=lang,
            level=name,
        )
        for name, by in levels.items()
    }
