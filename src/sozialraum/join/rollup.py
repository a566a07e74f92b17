"""Rolling counts up the area hierarchy (Sozialraum → Gemeinde → Kreis).

Counts are summed; rates are *recomputed* from the summed numerators and
denominators (never averaged). The status of each sum tells how complete it is:

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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import InputError, format_ids

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


def rollup(
    frame: pd.DataFrame,
    *,
    by: str | pd.Series | Mapping | None,
    columns: Sequence[str] | None = None,
    status: pd.DataFrame | None = None,
    catalogue: pd.DataFrame | None = None,
    geometry: bool = True,
    total_key: str = "gesamt",
    keep: Sequence[str] = (),
    lang: str | None = None,
) -> RollupResult:
    """Sum counts of areas per upper-level unit and recompute rates.

    Parameters
    ----------
    frame
        Areas (index = area key) with count columns.
    by
        Column with the upper-level key (e.g. ``"ags"``), a mapping area key → unit
        key, or ``None`` for one total over all areas (key ``total_key``).
    columns
        Count columns to sum; default: those of ``status`` if given, else all numeric
        columns except ``by``.
    status
        Status codes of ``frame``'s columns (see module docstring for the rules).
    catalogue
        Indicator catalogue (``Catalogue.indicators``); rates are recomputed from the
        summed numerators and denominators with :func:`sozialraum.monitor.compute_rates`.
    geometry
        Dissolve geometries per unit when ``frame`` is a GeoDataFrame.
    total_key
        Key of the single unit when ``by`` is ``None``.
    keep
        Columns constant within a unit to carry over (e.g. the municipality name).
    lang
        Message language.
    """
    keys = _group_keys(frame, by, total_key, lang)
    if columns is None:
        if status is not None:
            columns = [c for c in status.columns if c in frame.columns]
        else:
            columns = [
                c
                for c in frame.select_dtypes("number").columns
                if not (isinstance(by, str) and c == by)
            ]
    for col in columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):
            raise InputError(t(_MSG, "not_numeric", lang, col=col), column=col)
    values = frame[list(columns)].astype(float)
    if status is None:
        st = pd.DataFrame(pd.NA, index=frame.index, columns=list(columns), dtype="string")
    else:
        st = status.reindex(index=frame.index, columns=list(columns)).astype("string")
    known = values.notna()
    zero = st.eq(_ZERO).fillna(False) & ~known
    secret = st.eq(_SECRET).fillna(False) & ~known
    other_missing = ~known & ~zero & ~secret

    g = keys.to_numpy()
    sums = values.fillna(0.0).groupby(g).sum()
    n_known = known.groupby(g).sum()
    n_zero = zero.groupby(g).sum()
    n_secret = secret.groupby(g).sum()
    n_other = other_missing.groupby(g).sum()
    n_parts = keys.groupby(g).size()

    out_status = pd.DataFrame(pd.NA, index=sums.index, columns=sums.columns, dtype="string")
    nothing_known = (n_known == 0) & (n_zero == 0)
    all_zero = (n_known == 0) & (n_zero > 0) & (n_secret == 0) & (n_other == 0)
    out_status = out_status.mask(all_zero, _ZERO)
    out_status = out_status.mask(~nothing_known & (n_other > 0), "teilsumme_unvollstaendig")
    out_status = out_status.mask(~nothing_known & (n_secret > 0), "teilsumme_geheim")
    out_status = out_status.mask(nothing_known & (n_secret > 0), _SECRET)
    out_status = out_status.mask(nothing_known & (n_secret == 0), "fehlt")
    sums = sums.mask(nothing_known)

    result = sums.copy()
    result.insert(0, "n_gebiete", n_parts.astype(int))
    for col in keep:
        result[col] = frame[col].groupby(g).first()
    if catalogue is not None:
        from sozialraum.monitor import compute_rates

        rates = compute_rates(sums, catalogue, status=out_status, min_denominator=0, lang=lang)
        # pass-through indicators (id == variable, no denominator) are already there as sums
        new = [c for c in rates.rates.columns if c not in result.columns]
        result = result.join(rates.rates[new])
        out_status = out_status.join(rates.status[new].astype("string"))
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
    catalogue: pd.DataFrame | None = None,
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
        )
        for name, by in levels.items()
    }
