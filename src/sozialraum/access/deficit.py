"""One supply–need model (Bestand–Bedarf) per facility type and planning area.

Every product that prints places, need or missing places of a facility type —
result tables, profiles, the report, the web map, the demography comparison and
the QGIS tool — takes them from :func:`supply_need`, so that one area has one
deficit per year and facility type, labelled with the method that produced it.

For area *a* with need population :math:`N_a` (e.g. children 0–5) and the target
rate :math:`q` (places per 100 of the need population):

.. math::

    \\text{need}_a = N_a \\cdot q / 100, \\qquad
    \\text{balance}_a = \\text{supply}_a - \\text{need}_a,

    \\text{deficit}_a = \\max(-\\text{balance}_a, 0), \\qquad
    \\text{surplus}_a = \\max(\\text{balance}_a, 0), \\qquad
    \\text{coverage}_a = \\text{supply}_a / N_a \\cdot 100.

The supply available to the area depends on the method:

``"standort"`` (by location)
    :math:`\\text{supply}_a = \\sum_{j \\in a} S_j`, the places of the facilities
    that stand in the area. Children attending a Kita next door count nowhere.
``"2sfca"`` / ``"e2sfca"`` (catchment)
    :math:`\\text{supply}_a = \\sum_{i \\in a} P_i A_i`, the 2SFCA/E2SFCA supply
    ratio :math:`A_i` of each demand point times its need population
    (:func:`sozialraum.access.fca.two_step_fca`, :func:`~sozialraum.access.fca.area_ratio`).
    The coverage per 100 is then the area's catchment supply ratio. With the step
    weight (2SFCA) the supply of all areas adds up to the places of all facilities
    with demand in reach; with a distance decay (E2SFCA) it does not (the weight
    enters both steps).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.access._common import numeric_column, require_column
from sozialraum.access.fca import area_ratio, two_step_fca
from sozialraum.errors import InputError, SozialraumWarning, format_ids

__all__ = [
    "BALANCE_COLUMNS",
    "SUPPLY_METHODS",
    "SupplyNeed",
    "SupplyNeedParams",
    "balance",
    "in_crs_of",
    "need_points",
    "supply_method",
    "supply_need",
]

#: Methods of :func:`supply_need`.
SUPPLY_METHODS = ("standort", "2sfca", "e2sfca")

#: The per-area columns of every supply–need result, in this order.
BALANCE_COLUMNS = (
    "zielgruppe",
    "bestand",
    "bedarf",
    "saldo",
    "defizit",
    "ueberhang",
    "versorgung_je_100",
    "soll_je_100",
    "deckungsgrad",
)

_LABELS = {
    "standort": {
        "de": "nach Standort (Plätze der Einrichtungen im Gebiet)",
        "en": "by location (places of the facilities in the area)",
    },
    "2sfca": {
        "de": "2SFCA (Plätze im Einzugsbereich von {r} m)",
        "en": "2SFCA (places within a catchment of {r} m)",
    },
    "e2sfca": {
        "de": "E2SFCA (Plätze im Einzugsbereich von {r} m, Distanzabschlag {d})",
        "en": "E2SFCA (places within a catchment of {r} m, distance decay {d})",
    },
}
_SHORT = {
    "standort": {"de": "nach Standort", "en": "by location"},
    "2sfca": {"de": "2SFCA {r} m", "en": "2SFCA {r} m"},
    "e2sfca": {"de": "E2SFCA {r} m", "en": "E2SFCA {r} m"},
}

_MSG = {
    "bad_method": {
        "de": "Unbekannte Methode für Bestand–Bedarf {m!r}. Möglich: {ms}.",
        "en": "unknown supply–need method {m!r}. Possible: {ms}.",
    },
    "bad_target": {
        "de": "Der Sollwert target_per_100 (Plätze je 100 der Zielgruppe) muss eine "
        "nicht-negative Zahl sein, erhalten: {v!r}.",
        "en": "the target target_per_100 (places per 100 of the target group) must be a "
        "non-negative number, got: {v!r}.",
    },
    "need_max_cost": {
        "de": "Die Methode {m!r} braucht den Einzugsbereich max_cost (Meter, > 0), erhalten: {v!r}.",
        "en": "method {m!r} needs the catchment max_cost (metres, > 0), got: {v!r}.",
    },
    "ignored": {
        "de": "Der Parameter {p!r} gilt nicht für die Methode {m!r} und würde ignoriert. "
        "Bitte weglassen{hint}.",
        "en": "the parameter {p!r} does not apply to method {m!r} and would be ignored. "
        "Please leave it out{hint}.",
    },
    "hint_decay": {
        "de": " oder method='e2sfca' wählen (Distanzabschlag)",
        "en": " or choose method='e2sfca' (distance decay)",
    },
    "hint_sigma": {
        "de": " oder decay='gaussian' wählen",
        "en": " or choose decay='gaussian'",
    },
    "need_index": {
        "de": "Zielgruppe: Schlüssel ohne Planungsraum: {ids}.",
        "en": "target group: keys without a planning area: {ids}.",
    },
    "unassigned": {
        "de": "{what}: {n} Einrichtung(en) mit {p:g} Plätzen liegen in keinem Planungsraum "
        "und zählen nach Standort nirgends: {ids}.",
        "en": "{what}: {n} facilit(y/ies) with {p:g} places lie in no planning area and count "
        "nowhere by location: {ids}.",
    },
    "bad_supply": {
        "de": "Bestand: negative Platzzahlen für die Gebiete {ids}.",
        "en": "supply: negative numbers of places for areas {ids}.",
    },
}


@dataclass(frozen=True)
class SupplyNeedParams:
    """How supply is counted and what is needed.

    Attributes
    ----------
    method
        ``"standort"`` (by location), ``"2sfca"`` or ``"e2sfca"`` (catchment).
    target_per_100
        Target rate: places per 100 persons of the need population (e.g. 70 Kita
        places per 100 children 0–5).
    max_cost
        Catchment in metres (straight line); 2SFCA/E2SFCA only.
    decay, sigma
        Distance decay of E2SFCA (default ``"luo_qi"``); ``sigma`` only with
        ``decay="gaussian"``; see :func:`sozialraum.access.fca.decay_weights`.
    capacity_col
        Column of the facilities with their places.
    area_col
        By location only: column of the facilities with the key of their planning
        area; ``None`` locates them by geometry (point within area).
    """

    method: str = "standort"
    target_per_100: float = 100.0
    max_cost: float | None = None
    decay: str | Mapping[float, float] | Callable[[np.ndarray], np.ndarray] | None = None
    sigma: float | None = None
    capacity_col: str = "kapazitaet"
    area_col: str | None = None

    def check(self, lang: str | None = None) -> SupplyNeedParams:
        """Refuse unknown methods, bad targets and parameters the method ignores."""
        m = self.method
        if m not in SUPPLY_METHODS:
            raise InputError(t(_MSG, "bad_method", lang, m=m, ms=", ".join(SUPPLY_METHODS)))
        v = self.target_per_100
        if (
            isinstance(v, bool)
            or not isinstance(v, (int, float, np.number))
            or not np.isfinite(v)
            or v < 0
        ):
            raise InputError(t(_MSG, "bad_target", lang, v=v))
        ignored: list[tuple[str, str]] = []
        if m == "standort":
            ignored += [
                (p, "") for p in ("max_cost", "decay", "sigma") if getattr(self, p) is not None
            ]
        else:
            mc = self.max_cost
            if mc is None or not np.isfinite(float(mc)) or float(mc) <= 0:
                raise InputError(t(_MSG, "need_max_cost", lang, m=m, v=mc), column="max_cost")
            if self.area_col is not None:
                ignored.append(("area_col", ""))
            if m == "2sfca" and self.decay not in (None, "step"):
                ignored.append(("decay", t(_MSG, "hint_decay", lang)))
            if self.sigma is not None and (m == "2sfca" or self.decay != "gaussian"):
                ignored.append(("sigma", t(_MSG, "hint_sigma", lang)))
        if ignored:
            p, hint = ignored[0]
            raise InputError(t(_MSG, "ignored", lang, p=p, m=m, hint=hint), column=p)
        return self

    @property
    def effective_decay(self):
        """The decay used: ``None`` (step) for 2SFCA, ``"luo_qi"`` by default for E2SFCA."""
        if self.method == "e2sfca":
            return self.decay if self.decay is not None else "luo_qi"
        return None


@dataclass(frozen=True)
class SupplyNeed:
    """Supply against need of one facility type, one row per planning area.

    Attributes
    ----------
    frame
        Columns :data:`BALANCE_COLUMNS`: ``zielgruppe`` (need population), ``bestand``
        (places available to the area by the method), ``bedarf`` (target × need
        population / 100), ``saldo`` (bestand − bedarf), ``defizit`` (places missing,
        ≥ 0), ``ueberhang`` (surplus, ≥ 0), ``versorgung_je_100`` (coverage: places per
        100 of the need population), ``soll_je_100`` (the target) and ``deckungsgrad``
        (% of need covered).
    status
        Same shape: ``fehlt`` (need population missing), ``nenner_null`` (no need
        population / no need), ``<NA>`` = fine.
    params
        The :class:`SupplyNeedParams` used.
    facility_type
        E.g. ``"Kita"`` (free text, shown in titles).
    unassigned
        Facilities in no planning area (by location; empty otherwise).
    fca
        Per demand point / facility result of the catchment methods (else None).
    """

    frame: pd.DataFrame
    status: pd.DataFrame
    params: SupplyNeedParams
    facility_type: str = ""
    unassigned: pd.DataFrame = field(default_factory=pd.DataFrame)
    fca: object | None = None

    @property
    def method(self) -> str:
        return self.params.method

    def method_label(self, lang: str | None = None, *, short: bool = False) -> str:
        """The method in words (German by default), e.g. ``"2SFCA (Plätze im Einzugsbereich von 3.000 m)"``."""
        lg = get_lang(lang)
        p = self.params
        r = ""
        if p.max_cost is not None:
            r = f"{p.max_cost:,.0f}"
            r = r.replace(",", ".") if lg == "de" else r
        d = p.effective_decay
        d = (
            d
            if isinstance(d, str) or d is None
            else ("benutzerdefiniert" if lg == "de" else "custom")
        )
        table = _SHORT if short else _LABELS
        return table[p.method][lg].format(r=r, d=d)

    def totals(self) -> dict[str, float]:
        """District sums of need population, supply, need, deficit and surplus."""
        f = self.frame
        return {
            c: float(np.nansum(f[c]))
            for c in ("zielgruppe", "bestand", "bedarf", "defizit", "ueberhang")
        }


def supply_method(config_method: str) -> str:
    """The supply–need method for an access method of the run config or :func:`~sozialraum.access.measure`.

    ``2sfca``/``e2sfca`` count supply by catchment; every other method (nearest
    facility, network distance) gives no allotment of places and counts by location.
    """
    return config_method if config_method in ("2sfca", "e2sfca") else "standort"


def balance(
    need_population: pd.Series, supply: pd.Series, target_per_100: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The one supply–need arithmetic (see the module docstring) on aligned Series.

    ``need_population`` NaN gives NaN need, deficit and coverage (status ``fehlt``);
    supply NaN (unknown places) gives NaN balance (status ``fehlt``).
    """
    n = pd.to_numeric(need_population, errors="coerce").astype(float)
    s = pd.to_numeric(supply, errors="coerce").astype(float).reindex(n.index)
    need = n * float(target_per_100) / 100.0
    saldo = s - need
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(need > 0, s / need.where(need > 0, 1.0) * 100.0, np.nan)
        per100 = np.where(n > 0, s / n.where(n > 0, 1.0) * 100.0, np.nan)
    frame = pd.DataFrame(
        {
            "zielgruppe": n,
            "bestand": s,
            "bedarf": need,
            "saldo": saldo,
            "defizit": (-saldo).clip(lower=0.0),
            "ueberhang": saldo.clip(lower=0.0),
            "versorgung_je_100": per100,
            "soll_je_100": float(target_per_100),
            "deckungsgrad": cover,
        },
        index=n.index,
    )
    return frame, _balance_status(n.isna().to_numpy(), s.isna().to_numpy(), n, need)


def _balance_status(miss_n, miss_s, n: pd.Series, need: pd.Series) -> pd.DataFrame:
    """The status of :func:`balance`: ``fehlt`` where an input is missing, ``nenner_null``
    where a share has no denominator (later rules win), else NA; filled as one array."""
    col = {c: i for i, c in enumerate(BALANCE_COLUMNS)}
    out = np.full((len(n), len(col)), pd.NA, dtype=object)
    rules = [
        (miss_n, ("zielgruppe", "bedarf", "saldo", "defizit", "ueberhang"), "fehlt"),
        (miss_n | miss_s, ("versorgung_je_100", "deckungsgrad"), "fehlt"),
        (miss_s, ("bestand", "saldo", "defizit", "ueberhang"), "fehlt"),
        ((n == 0).to_numpy(), ("versorgung_je_100",), "nenner_null"),
        ((need == 0).to_numpy(), ("deckungsgrad",), "nenner_null"),
    ]
    for rows, cols, code in rules:
        out[np.ix_(rows, [col[c] for c in cols])] = code
    return pd.DataFrame(out, index=n.index, columns=list(BALANCE_COLUMNS), dtype="string")


def _need_series(need_population: pd.Series, areas: gpd.GeoDataFrame, lang) -> pd.Series:
    idx = areas.index.astype(str)
    n = pd.Series(
        pd.to_numeric(pd.Series(need_population), errors="coerce").to_numpy(dtype=float),
        index=pd.Index(need_population.index).astype(str),
    )
    extra = n.index.difference(idx)
    if len(extra):
        raise InputError(t(_MSG, "need_index", lang, ids=format_ids(list(extra))), ids=list(extra))
    return n.reindex(idx)


def _supply_by_location(
    areas: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame, p: SupplyNeedParams, what: str, lang
) -> tuple[pd.Series, pd.DataFrame]:
    idx = areas.index.astype(str)
    cap = pd.Series(
        numeric_column(facilities, p.capacity_col, "Einrichtungen", lang), index=facilities.index
    )
    if p.area_col is not None:
        require_column(facilities, p.area_col, "Einrichtungen", lang)
        key = facilities[p.area_col].astype("string")
    else:
        zones = gpd.GeoDataFrame({"_sr": idx}, geometry=areas.geometry.to_numpy(), crs=areas.crs)
        pts = gpd.GeoDataFrame(geometry=facilities.geometry.to_numpy(), crs=facilities.crs).to_crs(
            areas.crs
        )
        pts["_pos"] = np.arange(len(pts))
        hit = gpd.sjoin(pts, zones, how="left", predicate="within").drop_duplicates("_pos")
        key = pd.Series(
            hit.sort_values("_pos")["_sr"].to_numpy(), index=facilities.index, dtype="string"
        )
    inside = key.isin(list(idx)).fillna(False).to_numpy()
    unassigned = facilities.loc[~inside]
    if len(unassigned):
        ids = [str(i) for i in unassigned.index]
        warnings.warn(
            t(
                _MSG,
                "unassigned",
                lang,
                what=what,
                n=len(ids),
                p=float(cap[~inside].sum()),
                ids=format_ids(ids),
            ),
            SozialraumWarning,
            stacklevel=3,
        )
    supply = cap[inside].groupby(key[inside].to_numpy()).sum().reindex(idx).fillna(0.0)
    return supply, pd.DataFrame(unassigned)


def in_crs_of(points: gpd.GeoDataFrame | None, areas: gpd.GeoDataFrame):
    """``points`` in the CRS of ``areas`` (as :func:`need_points` uses them); None stays None.

    For callers that pass the same demand points to many :func:`supply_need`
    calls (groups, years): transformed once, each call finds them in place.
    """
    if points is None or points.crs is None or areas.crs is None:
        return points
    return points.to_crs(areas.crs)


def need_points(
    areas: gpd.GeoDataFrame, need: pd.Series, demand_points: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame:
    """Demand points with ``key`` and ``nachfrage``: need spread by ``anteil`` where given.

    ``need`` is indexed by the (string) area keys of ``areas``.

    Areas with need but no demand point (or shares summing to 0) get their
    representative point, so that no person of the need group is lost.
    """
    n0 = need.fillna(0.0)
    parts = []
    covered: set[str] = set()
    if demand_points is not None and len(demand_points):
        dp = demand_points.to_crs(areas.crs)
        keys = dp["key"].astype(str)
        share = pd.to_numeric(dp["anteil"], errors="coerce").fillna(0.0).to_numpy()
        ok = keys.isin(list(need.index)).to_numpy()
        tot = pd.Series(share[ok]).groupby(keys[ok].to_numpy()).sum()
        covered = set(tot.index[tot > 0])
        sel = ok & keys.isin(list(covered)).to_numpy()
        parts.append(
            gpd.GeoDataFrame(
                {
                    "key": keys[sel].to_numpy(),
                    "nachfrage": share[sel] * n0.reindex(keys[sel]).to_numpy(),
                },
                geometry=dp.geometry[sel].to_numpy(),
                crs=areas.crs,
            )
        )
    rest = [k for k in need.index if k not in covered]
    if rest:
        a = areas.set_axis(areas.index.astype(str)).loc[rest]
        parts.append(
            gpd.GeoDataFrame(
                {"key": rest, "nachfrage": n0.reindex(rest).to_numpy()},
                geometry=a.geometry.representative_point().to_numpy(),
                crs=areas.crs,
            )
        )
    dem = pd.concat(parts, ignore_index=True)
    dem.index = [f"d{i}" for i in range(len(dem))]
    return gpd.GeoDataFrame(dem, geometry="geometry", crs=areas.crs)


def supply_need(
    need_population: pd.Series,
    facilities: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame,
    params: SupplyNeedParams,
    *,
    demand_points: gpd.GeoDataFrame | None = None,
    facility_type: str = "",
    lang: str | None = None,
) -> SupplyNeed:
    """Supply against need per planning area by the configured method.

    Parameters
    ----------
    need_population
        Persons of the need group per area key (e.g. children 0–5).
    facilities
        Facility points of this type with the places ``params.capacity_col``.
    areas
        Planning areas (index = key, polygons): where facilities stand (by
        location) and where demand is (catchment methods).
    params
        Method, target rate and catchment, see :class:`SupplyNeedParams`.
    demand_points
        Catchment methods: points with ``key`` (area) and ``anteil`` (share of the
        area's need population at the point, e.g. from a population raster);
        default one representative point per area.
    facility_type
        Name of the facility type for titles and messages.

    Returns
    -------
    SupplyNeed
    """
    params.check(lang)
    need = _need_series(need_population, areas, lang)
    what = facility_type or "Bestand–Bedarf"
    fca = None
    unassigned = pd.DataFrame()
    if params.method == "standort":
        supply, unassigned = _supply_by_location(areas, facilities, params, what, lang)
    else:
        dem = need_points(areas, need, demand_points)
        fca = two_step_fca(
            dem,
            facilities,
            "nachfrage",
            params.capacity_col,
            float(params.max_cost),
            decay=params.effective_decay,
            sigma=params.sigma,
            lang=lang,
        )
        ar = area_ratio(fca, dem["key"])
        supply = ar["plaetze_zugeordnet"].reindex(need.index).fillna(0.0)
    frame, status = balance(need, supply, params.target_per_100)
    return SupplyNeed(
        frame=frame,
        status=status,
        params=params,
        facility_type=facility_type,
        unassigned=unassigned,
        fca=fca,
    )
