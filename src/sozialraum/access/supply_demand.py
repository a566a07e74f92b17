"""Bestand–Bedarf (supply against need) per planning area.

Bedarf (need) = target population × care rate × norm, e.g. Kita places =
children 1–5 × Betreuungsquote 0.9 × 1 place per child. The arithmetic is the one of
:func:`sozialraum.access.deficit.balance`; the run and the QGIS tool use
:func:`sozialraum.access.deficit.supply_need`, which also computes the catchment supply. Bestand (supply) per area is
counted in one of two ways — the method is stated in the result:

``"standort"``
    Places count in the area where the facility is (column ``area_col`` of the
    facilities, e.g. ``sr_id``). Simple and what statistics report, but children
    attending Kitas in neighbouring areas are ignored.
``"einzugsbereich"``
    Places are allotted by a 2SFCA result (:func:`sozialraum.access.fca.two_step_fca`)
    to the demand points in reach, across area and municipal borders, and summed per
    area (Σ Pᵢ·Aᵢ). Catchments crossing borders are thus counted where the users live.

Missing target population (NaN) gives NaN need with status ``fehlt``; an area with
need 0 has coverage NaN with status ``nenner_null``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.access._common import require_column
from sozialraum.access.deficit import balance
from sozialraum.access.fca import FcaResult, area_ratio
from sozialraum.errors import InputError, SozialraumWarning, format_ids

__all__ = ["BedarfResult", "bestand_bedarf"]

_MSG = {
    "unassigned": {
        "de": "{n} Einrichtung(en) mit {p:g} Plätzen liegen in keinem der Gebiete (Schlüssel in "
        "{col!r}): {ids}. Sie sind in result.unassigned aufgeführt und nicht im Bestand enthalten.",
        "en": "{n} facilit(y/ies) with {p:g} places lie in none of the areas (key in {col!r}): {ids}. "
        "They are listed in result.unassigned and not included in the supply.",
    },
    "no_supply": {
        "de": "Bestand fehlt: bitte facilities= (mit Kapazität und Gebietsschlüssel) oder fca= übergeben.",
        "en": "supply is missing: please pass facilities= (with capacity and area key) or fca=.",
    },
    "bad_rate": {
        "de": "{what} muss eine nicht-negative Zahl sein, erhalten: {v!r}.",
        "en": "{what} must be a non-negative number, got: {v!r}.",
    },
}


@dataclass(frozen=True)
class BedarfResult:
    """Bestand–Bedarf per area.

    Attributes
    ----------
    frame
        Per area: ``zielgruppe``, ``bedarf``, ``bestand``, ``saldo`` (bestand − bedarf),
        ``defizit`` (places missing, ≥ 0), ``deckungsgrad`` (% of need covered),
        ``versorgung_je_100`` (places per 100 of the target group), ``soll_je_100``.
    status
        Same shape as ``frame``: status codes (``fehlt``, ``nenner_null``), ``<NA>`` = fine.
    unassigned
        Facilities not in any area (``standort`` method).
    params
        rate, norm, method, per.
    """

    frame: pd.DataFrame
    status: pd.DataFrame
    unassigned: pd.DataFrame
    params: dict = field(default_factory=dict)


def bestand_bedarf(
    areas: pd.DataFrame,
    target_col: str,
    *,
    rate: float = 1.0,
    norm: float = 1.0,
    facilities: pd.DataFrame | None = None,
    capacity_col: str = "kapazitaet",
    area_col: str = "sr_id",
    fca: FcaResult | None = None,
    fca_area: pd.Series | None = None,
    per: float = 100.0,
    lang: str | None = None,
) -> BedarfResult:
    """Supply against need per planning area.

    Parameters
    ----------
    areas
        One row per planning area (index = key) with the target population ``target_col``.
    rate
        Share of the target group needing a place (e.g. Betreuungsquote 0.9).
    norm
        Places per person needing one (e.g. 1).
    facilities
        Facilities with ``capacity_col`` and their area key ``area_col`` (method ``standort``).
    fca, fca_area
        Alternatively a 2SFCA result and the area key per demand point (method
        ``einzugsbereich``).
    per
        Basis of ``versorgung_je_100``.
    """
    require_column(areas, target_col, "Gebiete", lang)
    for what, v in (("rate", rate), ("norm", norm)):
        if not np.isscalar(v) or not np.isfinite(float(v)) or float(v) < 0:
            raise InputError(t(_MSG, "bad_rate", lang, what=what, v=v))
    idx = areas.index.astype(str)
    target = pd.to_numeric(
        pd.Series(areas[target_col].to_numpy(), index=idx), errors="coerce"
    ).astype(float)
    unassigned = pd.DataFrame()
    if fca is not None:
        if fca_area is None:
            raise InputError(t(_MSG, "no_supply", lang))
        ar = area_ratio(fca, fca_area)
        supply = ar["plaetze_zugeordnet"].reindex(idx).fillna(0.0)
        method = "einzugsbereich"
    elif facilities is not None:
        require_column(facilities, capacity_col, "Einrichtungen", lang)
        require_column(facilities, area_col, "Einrichtungen", lang)
        cap = pd.to_numeric(facilities[capacity_col], errors="coerce").astype(float)
        key = facilities[area_col].astype("string")
        inside = key.isin(list(idx)).fillna(False).to_numpy()
        if (~inside).any():
            unassigned = facilities.loc[~inside]
            ids = [str(i) for i in unassigned.index]
            warnings.warn(
                t(
                    _MSG,
                    "unassigned",
                    lang,
                    n=len(ids),
                    p=float(np.nansum(cap[~inside])),
                    col=area_col,
                    ids=format_ids(ids),
                ),
                SozialraumWarning,
                stacklevel=2,
            )
        supply = cap[inside].groupby(key[inside].to_numpy()).sum().reindex(idx).fillna(0.0)
        method = "standort"
    else:
        raise InputError(t(_MSG, "no_supply", lang))
    frame, status = balance(target, supply, float(rate) * float(norm) * 100.0)
    if per != 100.0:
        frame["versorgung_je_100"] *= per / 100.0
        frame["soll_je_100"] *= per / 100.0
    params = {
        "rate": float(rate),
        "norm": float(norm),
        "method": method,
        "per": per,
        "target_col": target_col,
    }
    return BedarfResult(frame=frame, status=status, unassigned=unassigned, params=params)
