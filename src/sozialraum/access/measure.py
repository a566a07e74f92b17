"""One entry point for accessibility measures: :func:`measure`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.access._common import numeric_column, require_column
from sozialraum.access.fca import area_ratio, two_step_fca
from sozialraum.access.nearest import count_within, nearest
from sozialraum.access.network import RoadNetwork, network_nearest
from sozialraum.errors import InputError

__all__ = ["METHODS", "AccessResult", "measure", "share_within"]

METHODS = ("nearest", "2sfca", "e2sfca", "network")

_MSG = {
    "bad_method": {
        "de": "Unbekannte Methode {method!r}. Möglich: {methods}.",
        "en": "unknown method {method!r}. Possible: {methods}.",
    },
    "need": {
        "de": "Die Methode {method!r} braucht {what}.",
        "en": "method {method!r} needs {what}.",
    },
    "ignored": {
        "de": "Der Parameter {p}={v!r} gilt nicht für die Methode {method!r} und würde ignoriert. "
        "{hint}",
        "en": "the parameter {p}={v!r} does not apply to method {method!r} and would be ignored. "
        "{hint}",
    },
    "hint_leave": {"de": "Bitte weglassen.", "en": "Please leave it out."},
    "hint_decay": {
        "de": "Bitte weglassen oder method='e2sfca' wählen (2SFCA rechnet ohne Distanzabschlag).",
        "en": "Please leave it out or choose method='e2sfca' (2SFCA has no distance decay).",
    },
    "hint_sigma": {
        "de": "sigma gilt nur mit decay='gaussian'.",
        "en": "sigma applies only with decay='gaussian'.",
    },
    "hint_network": {
        "de": "Bitte weglassen oder network= übergeben (Straßennetz).",
        "en": "Please leave it out or pass network= (road network).",
    },
    "hint_area": {
        "de": "Die Schwelle braucht area= (Gebietsschlüssel je Nachfragepunkt).",
        "en": "the threshold needs area= (area key per demand point).",
    },
    "hint_radius": {
        "de": "Die Kapazität zählt nur mit radius= (Plätze im Umkreis).",
        "en": "the capacity counts only with radius= (places within the radius).",
    },
}

#: Default value of every method parameter of :func:`measure` (a different value = given).
_DEFAULTS = {
    "supply_col": None,
    "max_cost": None,
    "decay": None,
    "sigma": None,
    "network": None,
    "mode": "walking",
    "speeds": None,
    "k": 1,
    "category": None,
    "radius": None,
    "threshold": None,
    "per": 100.0,
    "max_snap": None,
    "target_crs": None,
    "reproject": True,
}
_FCA = {
    "supply_col",
    "max_cost",
    "network",
    "mode",
    "speeds",
    "max_snap",
    "per",
    "target_crs",
    "reproject",
}
#: Parameters each method uses (``demand_col`` and ``area`` describe the data and apply to all).
_APPLIES = {
    "nearest": {"supply_col", "k", "category", "radius", "threshold", "target_crs", "reproject"},
    "network": {"network", "mode", "speeds", "category", "max_snap", "threshold"},
    "2sfca": _FCA,
    "e2sfca": _FCA | {"decay", "sigma"},
}


def _refuse_ignored(method: str, given: dict, has_area: bool, lang: str | None) -> None:
    """Raise :class:`InputError` for the first parameter the method would silently ignore."""

    def bad(p: str, hint: str = "hint_leave") -> None:
        raise InputError(
            t(_MSG, "ignored", lang, p=p, v=given[p], method=method, hint=t(_MSG, hint, lang)),
            column=p,
        )

    for p, default in _DEFAULTS.items():
        v = given[p]
        if (
            v is None
            and default is None
            or (v is not None and default is not None and v == default)
        ):
            continue
        if p not in _APPLIES[method]:
            bad(p, "hint_decay" if p in ("decay", "sigma") and method == "2sfca" else "hint_leave")
    if method in ("2sfca", "e2sfca") and given["network"] is None:
        for p in ("mode", "speeds", "max_snap"):
            if given[p] != _DEFAULTS[p]:
                bad(p, "hint_network")
    if given["sigma"] is not None and given["decay"] != "gaussian":
        bad("sigma", "hint_sigma")
    if given["threshold"] is not None and not has_area:
        bad("threshold", "hint_area")
    if method == "nearest" and given["supply_col"] is not None and given["radius"] is None:
        bad("supply_col", "hint_radius")


@dataclass(frozen=True)
class AccessResult:
    """Result of :func:`measure`.

    Attributes
    ----------
    frame
        Per demand point (index = demand keys).
    supply
        Per facility (2SFCA: ratio, catchment demand, status), else empty.
    areas
        Per planning area (if ``area`` was given), else empty.
    params
        Method and parameters (for reports).
    """

    frame: pd.DataFrame
    supply: pd.DataFrame = field(default_factory=pd.DataFrame)
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)
    params: dict = field(default_factory=dict)


def share_within(
    value: pd.Series, population: pd.Series, area: pd.Series, threshold: float
) -> pd.DataFrame:
    """Per area: population-weighted mean of ``value`` and share of the population with ``value <= threshold``.

    Demand points with NaN ``value`` (unreachable) count as *not* within the threshold;
    their population is reported in ``bev_nicht_erreichbar`` and left out of the mean.
    """
    v = value.astype(float)
    p = population.astype(float).reindex(v.index)
    k = area.astype(str).reindex(v.index)
    within = (v <= threshold).astype(float) * p
    ok = v.notna()
    df = pd.DataFrame(
        {
            "bev": p,
            "bev_innerhalb": within,
            "bev_nicht_erreichbar": p.where(~ok, 0.0),
            "wsum": (v * p).where(ok, 0.0),
            "pok": p.where(ok, 0.0),
            "key": k,
        }
    )
    g = df.groupby("key", sort=True).sum(numeric_only=True)
    out = pd.DataFrame(index=g.index)
    out["bevoelkerung"] = g["bev"]
    out["anteil_innerhalb"] = np.where(
        g["bev"] > 0, g["bev_innerhalb"] / g["bev"].where(g["bev"] > 0, 1) * 100.0, np.nan
    )
    out["mittel_gewichtet"] = np.where(
        g["pok"] > 0, g["wsum"] / g["pok"].where(g["pok"] > 0, 1), np.nan
    )
    out["bev_nicht_erreichbar"] = g["bev_nicht_erreichbar"]
    out.index.name = None
    return out


def measure(
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    method: str = "nearest",
    *,
    demand_col: str | None = None,
    supply_col: str | None = None,
    max_cost: float | None = None,
    decay: str | Mapping[float, float] | Callable[[np.ndarray], np.ndarray] | None = None,
    sigma: float | None = None,
    network: RoadNetwork | None = None,
    mode: str | None = "walking",
    speeds: Mapping[str, Mapping[str, float]] | None = None,
    k: int = 1,
    category: str | None = None,
    radius: float | list[float] | None = None,
    threshold: float | None = None,
    area: str | pd.Series | None = None,
    per: float = 100.0,
    max_snap: float | None = None,
    target_crs: object | None = None,
    reproject: bool = True,
    lang: str | None = None,
) -> AccessResult:
    """Accessibility of ``supply`` for ``demand`` by one of four methods.

    Parameters
    ----------
    method
        ``"nearest"`` (straight line, k nearest, counts within ``radius``), ``"network"``
        (nearest over ``network``, distance and travel time by ``mode``), ``"2sfca"``,
        ``"e2sfca"`` (supply ratio per ``per`` persons; with ``network``: catchment
        ``max_cost`` in metres, or minutes when ``mode`` is given).
    demand_col, supply_col
        Population (target group) of demand points; capacity of facilities.
    max_cost
        Catchment for (E)2SFCA.
    decay, sigma
        Distance decay for E2SFCA (default ``"luo_qi"``), see
        :func:`sozialraum.access.fca.decay_weights`; ``sigma`` only with ``"gaussian"``.

    A parameter the chosen method does not use (e.g. ``decay`` with ``"2sfca"``,
    ``max_cost`` with ``"nearest"``, ``mode`` without ``network``) is refused with an
    :class:`~sozialraum.errors.InputError` naming it, never silently dropped.
    threshold
        Nearest/network: per-area share of the population within this distance
        (metres) or travel time (minutes, ``network`` with ``mode``).
    area
        Area key per demand point (column of ``demand`` or Series) for per-area results.
    """
    if method not in METHODS:
        raise InputError(t(_MSG, "bad_method", lang, method=method, methods=", ".join(METHODS)))
    given = {p: v for p, v in locals().items() if p in _DEFAULTS}
    _refuse_ignored(method, given, area is not None, lang)
    area_keys: pd.Series | None = None
    if isinstance(area, str):
        require_column(demand, area, "Nachfrage", lang)
        area_keys = pd.Series(demand[area].astype(str).to_numpy(), index=demand.index.astype(str))
    elif area is not None:
        area_keys = pd.Series(area.astype(str).to_numpy(), index=area.index.astype(str))
    params: dict = {"method": method, "per": per}
    if method in ("2sfca", "e2sfca"):
        for what, v in (
            ("demand_col", demand_col),
            ("supply_col", supply_col),
            ("max_cost", max_cost),
        ):
            if v is None:
                raise InputError(t(_MSG, "need", lang, method=method, what=what))
        if method == "e2sfca" and decay is None:
            decay = "luo_qi"
        res = two_step_fca(
            demand,
            supply,
            demand_col,
            supply_col,
            float(max_cost),
            decay=None if method == "2sfca" else decay,
            sigma=sigma,
            per=per,
            cost=network,
            mode=mode if network is not None else None,
            speeds=speeds,
            max_snap=max_snap,
            target_crs=target_crs,
            reproject=reproject,
            lang=lang,
        )
        areas = area_ratio(res, area_keys) if area_keys is not None else pd.DataFrame()
        params.update(res.params)
        params["method"] = method
        return AccessResult(frame=res.frame, supply=res.supply, areas=areas, params=params)
    return _distance_measure(
        demand,
        supply,
        method,
        area_keys,
        params,
        dict(
            demand_col=demand_col,
            supply_col=supply_col,
            network=network,
            mode=mode,
            speeds=speeds,
            k=k,
            category=category,
            radius=radius,
            threshold=threshold,
            max_snap=max_snap,
            target_crs=target_crs,
            reproject=reproject,
        ),
        lang,
    )


def _distance_measure(
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    method: str,
    area_keys: pd.Series | None,
    params: dict,
    kw: dict,
    lang: str | None,
) -> AccessResult:
    """``nearest`` / ``network``: distances per point and, with a threshold, shares per area."""
    demand_col, supply_col, network, mode = (
        kw[k] for k in ("demand_col", "supply_col", "network", "mode")
    )
    speeds, k, category, radius = (kw[x] for x in ("speeds", "k", "category", "radius"))
    threshold, max_snap, target_crs, reproject = (
        kw[x] for x in ("threshold", "max_snap", "target_crs", "reproject")
    )
    if method == "network":
        if network is None:
            raise InputError(t(_MSG, "need", lang, method=method, what="network"))
        frame = network_nearest(
            network,
            demand,
            supply,
            mode=mode,
            speeds=speeds,
            category=category,
            max_snap=max_snap,
            lang=lang,
        )
        value_col = "travel_time_min" if mode is not None else "distance_m"
        params.update({"mode": mode, "max_snap": max_snap, "value": value_col})
    else:
        frame = nearest(
            demand,
            supply,
            k=k,
            category=category,
            target_crs=target_crs,
            reproject=reproject,
            lang=lang,
        )
        if radius is not None:
            cnt = count_within(
                demand,
                supply,
                radius,
                capacity=supply_col,
                category=category,
                target_crs=target_crs,
                reproject=reproject,
                lang=lang,
            )
            frame = frame.join(cnt)
        value_col = "distance_1"
        params.update({"k": k, "radius": radius, "value": value_col})
    areas = pd.DataFrame()
    if area_keys is not None and threshold is not None:
        pop = (
            pd.Series(numeric_column(demand, demand_col, "Nachfrage", lang), index=frame.index)
            if demand_col is not None
            else pd.Series(1.0, index=frame.index)
        )
        cols = [
            c
            for c in frame.columns
            if c == value_col or (category is not None and c.startswith(value_col + "_"))
        ]
        parts = []
        for c in cols:
            part = share_within(frame[c], pop, area_keys, float(threshold))
            base = part[["bevoelkerung"]]
            part = part.drop(columns=["bevoelkerung"])
            if c != value_col:
                part = part.add_suffix(c[len(value_col) :])
            parts.append(part if parts else pd.concat([base, part], axis=1))
        areas = pd.concat(parts, axis=1)
        params["threshold"] = threshold
    return AccessResult(frame=frame, areas=areas, params=params)
