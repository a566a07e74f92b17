"""Kita planning: need by age group, places by type, deficit today and in the projection years.

Three age groups tile the ages from birth to the end of primary school:

``krippe``
    under 3 (default 0–2), served by Krippe places and Kindertagespflege;
``kindergarten``
    3 to school entry (default 3–5), served by Kindergarten places;
``hort``
    school children in the Hort (default 6–9), served by Hort places.

For each group *g*, area *a* and year *t* (and projection scenario *s*)::

    zielgruppe = children aged lo_g..hi_g          (population / projection)
    bedarf     = zielgruppe × quote_g / 100        (quote = demand rate in %, e.g. 45 under 3)
    bestand    = places of the types serving g     (by location or catchment, see below)
    defizit    = max(bedarf − bestand, 0)

This is the one supply–need model of the toolkit: every number comes from
:func:`sozialraum.access.supply_need` (arithmetic :func:`sozialraum.access.balance`)
with ``target_per_100 = quote_g`` and the configured method (``standort`` = places of
the Kitas in the area, ``2sfca``/``e2sfca`` = places in the catchment). A
municipality's figures are the same balance on the sums of its areas' need
population and supply (so its deficit is the places missing in the municipality as a
whole, not the sum of its areas' deficits).

Places are held constant over the projection; the what-if
(:func:`kita_what_if`) changes them (new, extended, closed Kitas) and compares the
deficits of every year before and after.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import get_lang, t
from sozialraum.access.deficit import (
    BALANCE_COLUMNS,
    SupplyNeedParams,
    balance,
    in_crs_of,
    supply_need,
)
from sozialraum.access.whatif import apply_changes
from sozialraum.core.doors import knob
from sozialraum.demography.groups import age_groups
from sozialraum.errors import InputError, format_ids

__all__ = [
    "KITA_GROUPS",
    "PLACE_TYPES",
    "KitaGroup",
    "KitaParams",
    "KitaChange",
    "KitaPlanning",
    "KitaWhatIf",
    "DEFAULT_KITA_GROUPS",
    "change_records",
    "check_groups",
    "kita_places",
    "kita_need",
    "kita_planning",
    "kita_changes",
    "kita_what_if",
    "kita_column",
    "GROUP_ALIASES",
    "LONG_HEADERS",
    "parse_kita_groups",
    "parse_place_columns",
    "parse_kita_changes",
    "kita_facilities",
    "kita_labels",
    "KitaInputs",
    "KitaResult",
    "plan_kitas",
    "kita_projection",
    "write_kita_workbook",
]

#: The age groups of Kita planning, in age order.
KITA_GROUPS = ("krippe", "kindergarten", "hort")

#: Place types → the age group they serve (Kindertagespflege serves the under-3s).
PLACE_TYPES = {
    "krippe": "krippe",
    "kindergarten": "kindergarten",
    "hort": "hort",
    "tagespflege": "krippe",
}

#: Words of the groups and place types for planners.
LABELS = {
    "krippe": {
        "de": "unter 3 Jahren (Krippe, Tagespflege)",
        "en": "under 3 (crèche, childminders)",
    },
    "kindergarten": {
        "de": "3 Jahre bis Schuleintritt (Kindergarten)",
        "en": "3 years to school entry (kindergarten)",
    },
    "hort": {"de": "Schulkinder im Hort", "en": "school children in after-school care"},
    "tagespflege": {"de": "Kindertagespflege", "en": "childminders"},
}

SHORT = {
    "krippe": {"de": "U3", "en": "under 3"},
    "kindergarten": {"de": "Ü3", "en": "3 to school"},
    "hort": {"de": "Hort", "en": "after-school"},
}

_MSG = {
    "rate": {
        "de": "{key} = {v!r}: die Bedarfsquote ist ein Prozentwert zwischen 0 und 100.",
        "en": "{key} = {v!r}: the demand rate is a percentage between 0 and 100.",
    },
    "ages": {
        "de": "{key} = {v!r}: erwartet [von, bis] mit 0 ≤ von ≤ bis (Alter in Jahren).",
        "en": "{key} = {v!r}: expected [from, to] with 0 ≤ from ≤ to (age in years).",
    },
    "tile": {
        "de": "Die Altersgruppen schließen nicht lückenlos aneinander an: {key} beginnt bei "
        "{lo}, erwartet {want} (Krippe ab 0, danach je ein Jahr nach dem Ende der "
        "vorigen Gruppe).",
        "en": "the age groups do not tile: {key} starts at {lo}, expected {want} (crèche from "
        "0, each further group one year after the end of the previous one).",
    },
    "no_type": {
        "de": "{n} Kita(s) haben Plätze ({cap}), aber keine Plätze nach Art ({cols}): {ids}. "
        "Bitte die Plätze je Art angeben ({key}).",
        "en": "{n} Kita(s) have places ({cap}) but no places by type ({cols}): {ids}. "
        "Please give the places per type ({key}).",
    },
    "bad_places": {
        "de": "Spalte {col!r}: Plätze müssen nicht-negative Zahlen sein; ungültig bei {ids}.",
        "en": "column {col!r}: places must be non-negative numbers; invalid for {ids}.",
    },
    "no_place_col": {
        "de": "Keine Spalte mit Plätzen nach Art gefunden ({cols}; Einstellung {key}).",
        "en": "no column with places by type found ({cols}; setting {key}).",
    },
    "horizon": {
        "de": "{key}: das Jahr {year} liegt nach dem Ende der Vorausberechnung ({end}). "
        "Bitte den Horizont der Vorausberechnung verlängern oder das Jahr weglassen.",
        "en": "{key}: the year {year} lies beyond the end of the projection ({end}). "
        "Please extend the projection horizon or leave the year out.",
    },
    "year_before": {
        "de": "{key}: das Jahr {year} liegt vor dem Basisjahr {base}.",
        "en": "{key}: the year {year} lies before the base year {base}.",
    },
    "change_kind": {
        "de": "{key}, Eintrag {i}: art = {v!r}; erlaubt sind 'neu', 'erweiterung', 'schliessung'.",
        "en": "{key}, entry {i}: art = {v!r}; allowed: 'neu', 'erweiterung', 'schliessung'.",
    },
    "change_field": {
        "de": "{key}, Eintrag {i} ({kind}): {what}.",
        "en": "{key}, entry {i} ({kind}): {what}.",
    },
}

_CHANGE_WHAT = {
    "xy": {"de": "x und y (Koordinaten im CRS der Gebiete) fehlen", "en": "x and y are missing"},
    "id": {"de": "id (Schlüssel der Kita) fehlt", "en": "id (key of the Kita) is missing"},
    "places": {
        "de": "Plätze je Art (krippe, kindergarten, hort, tagespflege) müssen "
        "nicht-negative Zahlen sein",
        "en": "places per type (krippe, kindergarten, hort, tagespflege) must be "
        "non-negative numbers",
    },
    "unknown": {"de": "unbekannter Schlüssel {k!r}", "en": "unknown key {k!r}"},
}


@dataclass(frozen=True)
class KitaGroup:
    """One age group of Kita planning: ages ``lo..hi`` (inclusive) and the demand rate in %."""

    key: str
    lo: int
    hi: int
    rate: float

    def label(self, lang: str = "de") -> str:
        return f"{LABELS[self.key][lang]}, {self.lo}–{self.hi}"


DEFAULT_KITA_GROUPS: tuple[KitaGroup, ...] = (
    KitaGroup("krippe", 0, 2, 45.0),
    KitaGroup("kindergarten", 3, 5, 95.0),
    KitaGroup("hort", 6, 9, 50.0),
)


def _bad_number(v, lo: float = 0.0, hi: float | None = None) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not np.isfinite(v):
        return True
    return v < lo or (hi is not None and v > hi)


def check_groups(groups: Sequence[KitaGroup], *, lang: str | None = None) -> tuple[KitaGroup, ...]:
    """Refuse rates outside 0–100 % and age groups that do not tile (gap or overlap).

    The messages name the setting in the words of the door the user came through
    (:func:`sozialraum.core.doors.knob`: ``quote_krippe (in [kita])`` in the run's
    configuration, ``KitaGroup('krippe').rate`` in Python).
    """

    def name(kind: str, g: str) -> str:
        return knob("kita_rate" if kind == "quote" else "kita_ages", lang).format(g=g)

    want = 0
    for g in groups:
        if _bad_number(g.rate, 0.0, 100.0):
            raise InputError(
                t(_MSG, "rate", lang, key=name("quote", g.key), v=g.rate),
                column=name("quote", g.key),
            )
        if any(_bad_number(v) for v in (g.lo, g.hi)) or g.lo > g.hi:
            raise InputError(
                t(_MSG, "ages", lang, key=name("alter", g.key), v=[g.lo, g.hi]),
                column=name("alter", g.key),
            )
        if g.lo != want:
            raise InputError(
                t(_MSG, "tile", lang, key=name("alter", g.key), lo=g.lo, want=want),
                column=name("alter", g.key),
            )
        want = g.hi + 1
    return tuple(groups)


@dataclass(frozen=True)
class KitaParams:
    """What Kita planning computes.

    Attributes
    ----------
    groups
        The age groups with their demand rates (:data:`DEFAULT_KITA_GROUPS`).
    supply
        Method and catchment of the supply (:class:`~sozialraum.access.SupplyNeedParams`;
        its ``target_per_100`` and ``capacity_col`` are set per group).
    years
        Projection years (e.g. 2030, 2035) besides today.
    scenarios
        Projection scenarios to report (default: all of the projection).
    """

    groups: tuple[KitaGroup, ...] = DEFAULT_KITA_GROUPS
    supply: SupplyNeedParams = field(default_factory=SupplyNeedParams)
    years: tuple[int, ...] = ()
    scenarios: tuple[str, ...] | None = None


def kita_column(group: str, what: str, year: int | None = None, scenario: str | None = None) -> str:
    """The column name of the area frame: ``kita_<group>_<what>[_<year>[_<scenario>]]``.

    Today's values carry no year; one name per number, used by every product.
    """
    parts = ["kita", group, what]
    if year is not None:
        parts.append(str(year))
    if scenario is not None:
        parts.append(str(scenario))
    return "_".join(parts)


def kita_places(
    facilities: pd.DataFrame,
    columns: Mapping[str, str | None],
    *,
    capacity_col: str | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Places per facility and age group (Krippe + Tagespflege → ``krippe``).

    Parameters
    ----------
    facilities
        The Kitas, one row each.
    columns
        Place type (:data:`PLACE_TYPES`) → column of ``facilities`` (``None``: not delivered).
    capacity_col
        Optional total places: a Kita with places there but none by type is refused
        ("places without a type").

    Returns
    -------
    DataFrame
        Same index as ``facilities``, one float column per group of :data:`KITA_GROUPS`.
    """
    have = {k: c for k, c in columns.items() if c is not None and c in facilities.columns}
    setting = knob("kita_places", lang).format(g="<art>")
    if not have:
        cols = ", ".join(f"{k} = {c!r}" for k, c in columns.items() if c)
        raise InputError(t(_MSG, "no_place_col", lang, cols=cols, key=setting), column=setting)
    out = pd.DataFrame(0.0, index=facilities.index, columns=list(KITA_GROUPS))
    any_type = np.zeros(len(facilities), dtype=bool)
    for kind, col in have.items():
        v = pd.to_numeric(facilities[col], errors="coerce").astype(float)
        raw = facilities[col]
        bad = (v < 0) | (v.isna() & raw.notna() & (raw.astype(str).str.strip() != ""))
        if bad.any():
            ids = [str(i) for i in facilities.index[bad.to_numpy()]]
            raise InputError(
                t(_MSG, "bad_places", lang, col=col, ids=format_ids(ids)), column=col, ids=ids
            )
        any_type |= (v.fillna(0) > 0).to_numpy()
        out[PLACE_TYPES[kind]] += v.fillna(0.0).to_numpy()
    if capacity_col is not None and capacity_col in facilities.columns:
        cap = pd.to_numeric(facilities[capacity_col], errors="coerce").fillna(0.0)
        untyped = (cap > 0).to_numpy() & ~any_type
        if untyped.any():
            ids = [str(i) for i in facilities.index[untyped]]
            raise InputError(
                t(
                    _MSG,
                    "no_type",
                    lang,
                    n=len(ids),
                    cap=capacity_col,
                    cols=", ".join(have.values()),
                    ids=format_ids(ids),
                    key=setting,
                ),
                ids=ids,
            )
    return out


def _group_counts(pop, groups: Sequence[KitaGroup]) -> dict[str, pd.Series]:
    """Children of each group per (scenario,) area and year, of every year at once.

    One :func:`~sozialraum.demography.groups.age_groups` for all groups: the ages of a
    projection are summed once, not once per group.
    """
    tab = age_groups(pop, [(g.key, g.lo, g.hi) for g in groups], total=False)
    return {g.key: tab[g.key] for g in groups}


def kita_need(
    pop,
    groups: Sequence[KitaGroup],
    *,
    year: int,
    scenario: str | None = None,
    counts: dict[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """Children per area of each group in ``year`` (one column per group, index = area key).

    ``pop`` is the long observed population or a projection (then ``scenario`` selects);
    ``counts`` are its group counts of all years where already computed (``_group_counts``).
    """
    if counts is None:
        counts = _group_counts(pop, groups)
    cols = {}
    for g in groups:
        s = counts[g.key]
        if "szenario" in s.index.names:
            s = s.xs(scenario, level="szenario")
        s = s.xs(year, level="year")
        s.index = s.index.astype(str)
        cols[g.key] = s.astype(float)
    out = pd.DataFrame(cols)
    out.index.name = "key"
    return out


@dataclass(frozen=True)
class KitaPlanning:
    """Kita supply against need per area and municipality, today and in the projection years.

    Attributes
    ----------
    areas
        Long frame: index ``gruppe, jahr, szenario, key`` (``szenario`` is ``""`` for
        today), columns :data:`~sozialraum.access.BALANCE_COLUMNS`.
    areas_status
        Status codes, same shape.
    gemeinden
        The same per municipality (the balance of its areas' sums).
    places
        Per facility: places per group (after the what-if changes, if any).
    params
        The :class:`KitaParams`.
    base_year
        The year of "today".
    method_label
        The supply method in words.
    """

    areas: pd.DataFrame
    areas_status: pd.DataFrame
    gemeinden: pd.DataFrame
    places: pd.DataFrame
    params: KitaParams
    base_year: int
    method_label: str = ""

    def deficit(self, group: str, year: int | None = None, scenario: str = "", *, unit="areas"):
        """Missing places per area (or municipality) of ``group`` in ``year`` (None = today)."""
        f = self.areas if unit == "areas" else self.gemeinden
        return f.xs((group, year or self.base_year, scenario), level=[0, 1, 2])["defizit"]

    def wide(self, unit: str = "areas") -> pd.DataFrame:
        """One row per area (or municipality): the columns :func:`kita_column` names.

        Today: ``zielgruppe``, ``bestand``, ``bedarf``, ``defizit``,
        ``versorgung_je_100``; every projection year and scenario: ``zielgruppe``,
        ``bedarf``, ``defizit``.
        """
        f = self.areas if unit == "areas" else self.gemeinden
        cols: dict[str, pd.Series] = {}
        for (grp, year, scen), sub in f.groupby(level=[0, 1, 2], sort=False):
            sub = sub.droplevel([0, 1, 2])
            if year == self.base_year and scen == "":
                whats = ("zielgruppe", "bestand", "bedarf", "defizit", "versorgung_je_100")
                for w in whats:
                    cols[kita_column(grp, w)] = sub[w]
            else:
                for w in ("zielgruppe", "bedarf", "defizit"):
                    cols[kita_column(grp, w, year, scen)] = sub[w]
        return pd.DataFrame(cols)


def _supply_per_group(areas, facilities, places, need, params, demand_points, lang):
    """One :func:`supply_need` per group: the supply per area and its status."""
    out = {}
    fac = facilities.copy()
    for g in params.groups:
        fac[f"_plaetze_{g.key}"] = places[g.key].reindex(fac.index).fillna(0.0)
    for g in params.groups:
        p = SupplyNeedParams(
            method=params.supply.method,
            target_per_100=float(g.rate),
            max_cost=params.supply.max_cost,
            decay=params.supply.decay,
            sigma=params.supply.sigma,
            capacity_col=f"_plaetze_{g.key}",
            area_col=params.supply.area_col,
        )
        out[g.key] = supply_need(
            need[g.key],
            fac,
            areas,
            p,
            demand_points=demand_points,
            facility_type=f"Kita {g.key}",
            lang=lang,
        )
    return out


def _municipal(frame: pd.DataFrame, gemeinde: pd.Series, rate: float) -> pd.DataFrame:
    """The balance of the municipality's sums of need population and supply."""
    key = gemeinde.reindex(frame.index).astype(str)
    n = frame["zielgruppe"].groupby(key.to_numpy()).sum(min_count=1)
    s = frame["bestand"].groupby(key.to_numpy()).sum(min_count=1)
    return balance(n, s, rate)[0]


def kita_planning(
    areas: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    places: pd.DataFrame,
    population,
    params: KitaParams,
    *,
    base_year: int,
    projection=None,
    gemeinde: pd.Series | None = None,
    demand_points: gpd.GeoDataFrame | None = None,
    lang: str | None = None,
) -> KitaPlanning:
    """Supply against need per age group, area and municipality, today and projected.

    Parameters
    ----------
    areas
        Planning areas (index = key, polygons).
    facilities
        The Kitas (points); ``places`` gives their places per group (:func:`kita_places`).
    population
        Long observed population (``key, year, alter, geschlecht, anzahl``): today's need.
    params
        Groups, rates, supply method, projection years.
    base_year
        "Today" (a year of ``population``).
    projection
        A :class:`~sozialraum.demography.ProjectionResult` for ``params.years``.
    gemeinde
        Municipality key per area (index = area key); without it no municipal figures.
    """
    params.supply.check(lang)
    check_groups(params.groups, lang=lang)
    idx = areas.index.astype(str)
    runs: list[tuple[int, str, pd.DataFrame]] = [
        (base_year, "", kita_need(population, params.groups, year=base_year).reindex(idx))
    ]
    if params.years:
        scens = params.scenarios or tuple(projection.scenarios)
        counts = _group_counts(projection, params.groups)  # every year and scenario at once
        for y in params.years:
            for s in scens:
                need = kita_need(
                    projection, params.groups, year=y, scenario=s, counts=counts
                ).reindex(idx)
                runs.append((int(y), s, need))
    parts, stats, gparts = [], [], []
    for year, scen, need in runs:
        res = _supply_per_group(areas, facilities, places, need, params, demand_points, lang)
        for g in params.groups:
            sn = res[g.key]
            mi = pd.MultiIndex.from_product(
                [[g.key], [year], [scen], list(idx)], names=["gruppe", "jahr", "szenario", "key"]
            )
            parts.append(sn.frame.set_axis(mi))
            stats.append(sn.status.set_axis(mi))
            if gemeinde is not None:
                gf = _municipal(sn.frame, gemeinde.set_axis(gemeinde.index.astype(str)), g.rate)
                gparts.append(
                    gf.set_axis(
                        pd.MultiIndex.from_product(
                            [[g.key], [year], [scen], list(gf.index)],
                            names=["gruppe", "jahr", "szenario", "key"],
                        )
                    )
                )
    label = res[params.groups[0].key].method_label(lang)
    return KitaPlanning(
        areas=pd.concat(parts),
        areas_status=pd.concat(stats),
        gemeinden=pd.concat(gparts) if gparts else pd.DataFrame(columns=list(BALANCE_COLUMNS)),
        places=places,
        params=params,
        base_year=int(base_year),
        method_label=label,
    )


# --- what-if ---------------------------------------------------------------------------

CHANGE_KINDS = ("neu", "erweiterung", "schliessung")


@dataclass(frozen=True)
class KitaChange:
    """A planned change: a new Kita (``x``, ``y``), an extension (places added) or a closure."""

    kind: str
    id: str
    places: Mapping[str, float] = field(default_factory=dict)  # place type → places
    x: float | None = None
    y: float | None = None


def kita_changes(records: Sequence[Mapping], *, lang: str | None = None) -> tuple[KitaChange, ...]:
    """Changes from config records ``{art, id, x, y, krippe, kindergarten, hort, tagespflege}``."""
    key = knob("kita_changes", lang)
    out = []
    for i, r in enumerate(records, start=1):
        kind = r.get("art")
        if kind not in CHANGE_KINDS:
            raise InputError(t(_MSG, "change_kind", lang, key=key, i=i, v=kind), column=key)

        def fail(what, i=i, kind=kind, **kw):
            w = t(_CHANGE_WHAT, what, lang, **kw)
            return InputError(
                t(_MSG, "change_field", lang, key=key, i=i, kind=kind, what=w), column=key
            )

        for k in r:
            if k not in ("art", "id", "x", "y", *PLACE_TYPES):
                raise fail("unknown", k=k)
        cid = r.get("id")
        if not isinstance(cid, str) or not cid.strip():
            if kind != "neu":
                raise fail("id")
            cid = f"neu{i}"
        places = {k: r[k] for k in PLACE_TYPES if k in r}
        if any(_bad_number(v) for v in places.values()):
            raise fail("places")
        x, y = r.get("x"), r.get("y")
        if kind == "neu" and (_bad_number(x, -np.inf) or _bad_number(y, -np.inf)):
            raise fail("xy")
        out.append(
            KitaChange(
                kind, cid, {k: float(v) for k, v in places.items()}, x and float(x), y and float(y)
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class KitaWhatIf:
    """Kita planning before and after planned changes.

    Attributes
    ----------
    before, after
        :class:`KitaPlanning` of today's Kitas and of the changed ones.
    frame
        Per area: ``<column>_vorher``, ``_nachher``, ``_differenz`` of every deficit
        column of :meth:`KitaPlanning.wide`.
    changes
        The :class:`KitaChange` list.
    """

    before: KitaPlanning
    after: KitaPlanning
    frame: pd.DataFrame
    changes: tuple[KitaChange, ...]


def _changed_kitas(facilities, places, changes, lang):
    """Facilities and places after the changes (through :func:`~sozialraum.access.apply_changes`)."""
    fac = facilities.copy()
    fac.index = fac.index.astype(str)
    pl = places.copy()
    pl.index = pl.index.astype(str)
    groups = list(pl.columns)
    for g in groups:
        fac[f"_pl_{g}"] = pl[g].reindex(fac.index).fillna(0.0)
    resize: dict[str, dict[str, float]] = {}
    for c in changes:
        if c.kind == "erweiterung":
            for kind, v in c.places.items():
                col = f"_pl_{PLACE_TYPES[kind]}"
                cur = resize.get(col, {}).get(c.id)
                base = float(fac.at[c.id, col]) if c.id in fac.index else 0.0
                resize.setdefault(col, {})[c.id] = (base if cur is None else cur) + v
    remove = [c.id for c in changes if c.kind == "schliessung"]
    new = [c for c in changes if c.kind == "neu"]
    add = None
    if new:
        data = {f"_pl_{g}": [0.0] * len(new) for g in groups}
        for j, c in enumerate(new):
            for kind, v in c.places.items():
                data[f"_pl_{PLACE_TYPES[kind]}"][j] += v
        add = gpd.GeoDataFrame(
            data,
            geometry=gpd.points_from_xy([c.x for c in new], [c.y for c in new]),
            crs=fac.crs,
            index=pd.Index([c.id for c in new]),
        )
    for j, (col, rz) in enumerate(resize.items() or [(None, None)]):
        fac = apply_changes(
            fac,
            add=add if j == 0 else None,
            remove=remove if j == 0 else (),
            resize=rz,
            capacity_col=col,
            lang=lang,
        )
    new_places = pd.DataFrame({g: fac[f"_pl_{g}"].astype(float) for g in groups}, index=fac.index)
    return fac.drop(columns=[f"_pl_{g}" for g in groups]), new_places


def kita_what_if(
    areas: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    places: pd.DataFrame,
    population,
    params: KitaParams,
    changes: Sequence[KitaChange],
    *,
    base_year: int,
    projection=None,
    gemeinde: pd.Series | None = None,
    demand_points: gpd.GeoDataFrame | None = None,
    before: KitaPlanning | None = None,
    lang: str | None = None,
) -> KitaWhatIf:
    """Kita planning with new, extended and closed Kitas against today's and projected need.

    Same arguments as :func:`kita_planning` plus ``changes`` (:func:`kita_changes`);
    ``before`` reuses an existing result of the unchanged Kitas.
    """
    kw = dict(
        base_year=base_year,
        projection=projection,
        gemeinde=gemeinde,
        demand_points=demand_points,
        lang=lang,
    )
    if before is None:
        before = kita_planning(areas, facilities, places, population, params, **kw)
    fac2, places2 = _changed_kitas(facilities, places, changes, lang)
    after = kita_planning(areas, fac2, places2, population, params, **kw)
    a, b = before.wide(), after.wide()
    cols = [c for c in a.columns if "_defizit" in c]
    parts = {}
    for c in cols:
        parts[f"{c}_vorher"] = a[c]
        parts[f"{c}_nachher"] = b[c].reindex(a.index)
        parts[f"{c}_differenz"] = parts[f"{c}_nachher"] - a[c]
    return KitaWhatIf(before, after, pd.DataFrame(parts, index=a.index), tuple(changes))


def horizon_check(years: Sequence[int], base: int, end: int, *, lang: str | None = None) -> None:
    """Refuse projection years after ``end`` (or before ``base``), naming the setting."""
    key = knob("kita_years", lang)
    for y in years:
        if y > end:
            raise InputError(t(_MSG, "horizon", lang, key=key, year=y, end=end), column=key)
        if y < base:
            raise InputError(t(_MSG, "year_before", lang, key=key, year=y, base=base), column=key)


# --- one entry point for every door ------------------------------------------------------
#
# The yearly run (``[kita]``), ``sozialraum kita`` and the QGIS tool "Kita-Planung" all
# go through :func:`kita_facilities` (which Kitas, which places) and :func:`plan_kitas`
# (need, supply, deficit, what-if); the doors only translate their settings, with the
# planners' short forms read by :func:`parse_kita_groups`, :func:`parse_place_columns`
# and :func:`parse_kita_changes`.

#: Words a planner may type for an age group (``"u3=45; ue3=95"``).
GROUP_ALIASES = {
    "krippe": "krippe",
    "u3": "krippe",
    "kindergarten": "kindergarten",
    "ue3": "kindergarten",
    "ü3": "kindergarten",
    "hort": "hort",
}

_DOOR_MSG = {
    "pair": {
        "de": "{key}: {item!r} ist kein Eintrag der Form name=Wert (mehrere mit ; trennen).",
        "en": "{key}: {item!r} is not an entry of the form name=value (separate several with ;).",
    },
    "group": {
        "de": "{key}: unbekannte Altersgruppe {name!r}; erlaubt sind krippe (u3), "
        "kindergarten (ue3) und hort.",
        "en": "{key}: unknown age group {name!r}; allowed are krippe (u3), kindergarten (ue3) "
        "and hort.",
    },
    "twice": {
        "de": "{key}: die Altersgruppe {name!r} ist doppelt angegeben.",
        "en": "{key}: the age group {name!r} is given twice.",
    },
    "range": {
        "de": "{key}: {item!r} ist kein Altersbereich von-bis (z. B. krippe=0-2).",
        "en": "{key}: {item!r} is not an age range from-to (e.g. krippe=0-2).",
    },
    "type": {
        "de": "{key}: unbekannte Platzart {name!r}; erlaubt sind {kinds}.",
        "en": "{key}: unknown place type {name!r}; allowed are {kinds}.",
    },
    "no_kitas": {
        "de": "{key} = {cat!r}: keine solchen Einrichtungen (vorhanden: {have}).",
        "en": "{key} = {cat!r}: no such facilities (present: {have}).",
    },
    "no_column": {
        "de": "{file}: Spalte {col!r} ({key}) fehlt (vorhanden: {have}).",
        "en": "{file}: column {col!r} ({key}) is missing (present: {have}).",
    },
    "unknown_ids": {
        "de": "{file}: Kitas ohne Eintrag in den Einrichtungen: {ids}.",
        "en": "{file}: Kitas without an entry among the facilities: {ids}.",
    },
    "double_ids": {
        "de": "{file}: Kita-Schlüssel mehrfach ({key}): {ids}.",
        "en": "{file}: Kita keys given more than once ({key}): {ids}.",
    },
}


def _pairs(text, key: str, lang) -> list[tuple[str, str]]:
    """``"a=1; b=2"`` → ``[("a", "1"), ("b", "2")]`` (names lower-case, blanks ignored)."""
    out = []
    for item in str(text or "").split(";"):
        if not item.strip():
            continue
        name, eq, value = item.partition("=")
        if not eq or not name.strip() or not value.strip():
            raise InputError(t(_DOOR_MSG, "pair", lang, key=key, item=item.strip()), column=key)
        out.append((name.strip().lower(), value.strip()))
    return out


def _group_key(name: str, key: str, seen: set, lang) -> str:
    g = GROUP_ALIASES.get(name)
    if g is None:
        raise InputError(t(_DOOR_MSG, "group", lang, key=key, name=name), column=key)
    if g in seen:
        raise InputError(t(_DOOR_MSG, "twice", lang, key=key, name=name), column=key)
    seen.add(g)
    return g


def parse_kita_groups(
    rates: str | Mapping[str, float] | None = None,
    ages: str | Mapping[str, Sequence[int]] | None = None,
    *,
    lang: str | None = None,
) -> tuple[KitaGroup, ...]:
    """The age groups from a planner's short form, checked (:func:`check_groups`).

    Parameters
    ----------
    rates
        Demand rates in %, ``"u3=45; ue3=95; hort=50"`` (numbers read with
        :func:`~sozialraum.core.numbers.parse_number`, ``"42,5"`` is 42.5) or a mapping;
        groups not named keep their default (:data:`DEFAULT_KITA_GROUPS`).
    ages
        Age ranges, ``"krippe=0-2; kindergarten=3-5; hort=6-9"`` or a mapping
        group → ``(from, to)``.

    Raises
    ------
    InputError
        An unknown group, a value that is no number, a rate outside 0–100 %, age groups
        that do not tile; the message names the setting in the words of the door.
    """
    from sozialraum.core.numbers import parse_number

    by_key = {g.key: g for g in DEFAULT_KITA_GROUPS}
    krate, kages = knob("kita_rate", lang), knob("kita_ages", lang)
    seen: set = set()
    any_group = "<gruppe>" if get_lang(lang) == "de" else "<group>"
    items = (
        rates.items()
        if isinstance(rates, Mapping)
        else _pairs(rates, krate.format(g=any_group), lang)
    )
    for name, value in items:
        g = _group_key(str(name).lower(), krate.format(g=name), seen, lang)
        where = f"{krate.format(g=g)}: "
        v = value if isinstance(value, (int, float)) else parse_number(value, lang, where=where)
        by_key[g] = dataclasses.replace(by_key[g], rate=float(v))
    seen = set()
    items = (
        ages.items() if isinstance(ages, Mapping) else _pairs(ages, kages.format(g=any_group), lang)
    )
    for name, value in items:
        g = _group_key(str(name).lower(), kages.format(g=name), seen, lang)
        lo_hi = value
        if isinstance(value, str):
            lo, dash, hi = value.replace("–", "-").partition("-")
            try:
                lo_hi = (int(lo.strip()), int(hi.strip()))
            except ValueError:
                lo_hi = None
            if not dash or lo_hi is None:
                key = kages.format(g=g)
                raise InputError(
                    t(_DOOR_MSG, "range", lang, key=key, item=f"{name}={value}"), column=key
                )
        by_key[g] = dataclasses.replace(by_key[g], lo=int(lo_hi[0]), hi=int(lo_hi[1]))
    return check_groups(tuple(by_key[k] for k in KITA_GROUPS), lang=lang)


def parse_place_columns(
    text: str | Mapping[str, str | None] | None = None, *, lang: str | None = None
) -> dict[str, str | None]:
    """Place type → column (``"krippe=U3_Plaetze; tagespflege=KTP"``); unnamed types keep their name."""
    out: dict[str, str | None] = {k: k for k in PLACE_TYPES}
    key = knob("kita_places", lang).format(g="<art>")
    items = text.items() if isinstance(text, Mapping) else _pairs(text, key, lang)
    for name, col in items:
        kind = str(name).lower()
        if kind not in PLACE_TYPES:
            kinds = ", ".join(PLACE_TYPES)
            raise InputError(t(_DOOR_MSG, "type", lang, key=key, name=name, kinds=kinds))
        out[kind] = col
    return out


def parse_kita_changes(
    new: Sequence[str] = (),
    extend: Sequence[str] = (),
    close: Sequence[str] = (),
    *,
    lang: str | None = None,
) -> tuple[KitaChange, ...]:
    """What-if changes from a planner's short form, checked by :func:`kita_changes`.

    ``new``: ``"x=454795; y=5726934; krippe=20; kindergarten=40"`` (optionally ``id=…``);
    ``extend``: ``"id=KITA012; kindergarten=20"``; ``close``: Kita keys (``"KITA007"``,
    several separated by ``;``). Numbers are read with
    :func:`~sozialraum.core.numbers.parse_number`.
    """
    return kita_changes(change_records(new, extend, close, lang=lang), lang=lang)


def change_records(
    new: Sequence[str] = (),
    extend: Sequence[str] = (),
    close: Sequence[str] = (),
    *,
    lang: str | None = None,
) -> list[dict]:
    """The records of :func:`kita_changes` from the short form of :func:`parse_kita_changes`.

    For a door that adds records of its own (the QGIS tool's layer of new Kitas)
    before the one check of :func:`kita_changes`.
    """
    from sozialraum.core.numbers import parse_number

    key = knob("kita_changes", lang)
    records: list[dict] = []
    for kind, entries in (("neu", new), ("erweiterung", extend)):
        for text in entries:
            rec: dict = {"art": kind}
            for name, value in _pairs(text, key, lang):
                rec[name] = value if name == "id" else parse_number(value, lang, where=f"{key}: ")
            records.append(rec)
    for text in close:
        records.extend(
            {"art": "schliessung", "id": i.strip()} for i in str(text).split(";") if i.strip()
        )
    return records


def kita_facilities(
    facilities: gpd.GeoDataFrame,
    *,
    id_col: str = "id",
    category: str | None = None,
    category_col: str = "kategorie",
    places_table: pd.DataFrame | None = None,
    columns: Mapping[str, str | None] | None = None,
    capacity_col: str | None = None,
    source: str = "",
    table_source: str = "",
    lang: str | None = None,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The Kitas (index = their key) and their places per age group.

    Parameters
    ----------
    facilities
        The facility layer (points); with ``category`` only its rows of that category.
    id_col
        The Kita's key, in the layer and in ``places_table``.
    places_table
        Places per Kita (``kita_plaetze.csv``: ``id;krippe;kindergarten;hort;tagespflege;…``),
        joined by ``id_col``; its columns replace those of the layer. Without it the
        layer's own columns hold the places.
    columns
        Place type → column (:func:`parse_place_columns`; default: the type's name).
    capacity_col
        Total places: a Kita with places there but none by type is refused.
    source, table_source
        File names for the messages.
    """
    kid, kcat = knob("kita_id", lang), knob("kita_category", lang)
    de = get_lang(lang) == "de"
    source = source or "Kitas"
    table_source = table_source or ("Tabelle der Plätze" if de else "table of places")
    sub = facilities
    if category is not None:
        if category_col not in facilities.columns:
            have = ", ".join(map(str, facilities.columns))
            raise InputError(
                t(_DOOR_MSG, "no_column", lang, file=source, col=category_col, key=kcat, have=have),
                column=kcat,
            )
        sub = facilities[facilities[category_col] == category]
        if sub.empty:
            have = ", ".join(sorted(map(str, facilities[category_col].dropna().unique())))
            raise InputError(t(_DOOR_MSG, "no_kitas", lang, key=kcat, cat=category, have=have))
    sub = _keyed(sub, id_col, source, kid, lang)
    table = sub
    if places_table is not None:
        tab = _keyed(places_table, id_col, table_source, kid, lang)
        extra = sorted(set(tab.index) - set(sub.index))
        if extra:
            raise InputError(
                t(_DOOR_MSG, "unknown_ids", lang, file=table_source, ids=format_ids(extra)),
                ids=extra,
            )
        table = sub.drop(columns=[c for c in tab.columns if c in sub.columns]).join(tab)
    places = kita_places(
        table, parse_place_columns(columns, lang=lang), capacity_col=capacity_col, lang=lang
    )
    return gpd.GeoDataFrame(table, geometry=sub.geometry.name, crs=sub.crs), places


def _keyed(frame, id_col, source, key, lang):
    """``frame`` indexed by its Kita key (as text), without the key column; keys unique."""
    if id_col not in frame.columns:
        have = ", ".join(map(str, frame.columns))
        raise InputError(
            t(_DOOR_MSG, "no_column", lang, file=source, col=id_col, key=key, have=have),
            column=key,
        )
    ids = frame[id_col].astype(str).str.strip()
    double = sorted(set(ids[ids.duplicated()]))
    if double:
        raise InputError(
            t(_DOOR_MSG, "double_ids", lang, file=source, key=key, ids=format_ids(double)),
            ids=double,
        )
    out = frame.drop(columns=[id_col]).set_axis(pd.Index(ids.to_numpy(), name=None))
    return out


@dataclass(frozen=True)
class KitaInputs:
    """What Kita planning reads, the same through every door.

    Attributes
    ----------
    areas
        Planning areas (index = key, polygons).
    kitas, places
        The Kitas and their places per group (:func:`kita_facilities`).
    population
        Long observed population by single year of age (``key, year, alter, geschlecht,
        anzahl``).
    base_year
        "Today" (default: the last year of ``population``).
    projection
        A :class:`~sozialraum.demography.ProjectionResult` for the projection years.
    gemeinde
        Municipality key per area (index = area key); without it no municipal figures.
    demand_points
        Where the need lives inside the areas (:func:`sozialraum.raster.demand_shares`),
        for the catchment methods.
    """

    areas: gpd.GeoDataFrame
    kitas: gpd.GeoDataFrame
    places: pd.DataFrame
    population: pd.DataFrame
    base_year: int | None = None
    projection: object | None = None
    gemeinde: pd.Series | None = None
    demand_points: gpd.GeoDataFrame | None = None


@dataclass(frozen=True)
class KitaResult:
    """Kita planning of one set of inputs: the planning and, with changes, the what-if.

    Attributes
    ----------
    planning
        The :class:`KitaPlanning` of today's Kitas.
    what_if
        The :class:`KitaWhatIf` of the planned changes (``None`` without changes).
    kitas
        The Kitas the planning used (index = key).
    """

    planning: KitaPlanning
    what_if: KitaWhatIf | None = None
    kitas: gpd.GeoDataFrame | None = None

    def areas_frame(self, unit: str = "areas") -> pd.DataFrame:
        """Per area (or municipality): :meth:`KitaPlanning.wide` and the what-if columns."""
        wide = self.planning.wide(unit)
        wide.index = wide.index.astype(str)
        if self.what_if is not None and unit == "areas":
            wi = self.what_if.frame
            wide = wide.join(wi.set_axis(wi.index.astype(str)))
        return wide

    def labels(self, lang: str | None = "de") -> dict[str, str]:
        """Column of :meth:`areas_frame` → header for planners (German by default)."""
        return kita_labels(self.planning, what_if=self.what_if is not None, lang=lang)

    def sheets(self, lang: str | None = "de") -> dict[str, pd.DataFrame]:
        """The workbook of Kita planning: per area and municipality (long), places, what-if."""
        L = "en" if lang == "en" else "de"
        heads = {k: v[L] for k, v in LONG_HEADERS.items()}
        res = self.planning
        sheets = {_SHEETS["areas"][L]: res.areas.reset_index().rename(columns=heads)}
        if len(res.gemeinden):
            sheets[_SHEETS["gemeinden"][L]] = res.gemeinden.reset_index().rename(columns=heads)
        places = res.places.rename(columns=lambda g: f"{heads['bestand']} {SHORT[g][L]}")
        places.index.name = "Kita"  # the Kita's key as first column, no row numbers
        sheets[_SHEETS["places"][L]] = places
        if self.what_if is not None:
            sheets[_SHEETS["what_if"][L]] = self.what_if.frame.rename_axis(
                heads["key"]
            ).reset_index()
        return sheets


_SHEETS = {
    "areas": {"de": "Gebiete", "en": "Areas"},
    "gemeinden": {"de": "Gemeinden", "en": "Municipalities"},
    "places": {"de": "Plätze je Kita", "en": "Places per Kita"},
    "what_if": {"de": "Was wäre wenn", "en": "What if"},
}

#: Headers of the long tables (:attr:`KitaPlanning.areas`) for planners.
LONG_HEADERS = {
    "gruppe": {"de": "Altersgruppe", "en": "Age group"},
    "jahr": {"de": "Jahr", "en": "Year"},
    "szenario": {"de": "Szenario", "en": "Scenario"},
    "key": {"de": "Schlüssel", "en": "Key"},
    "zielgruppe": {"de": "Kinder", "en": "Children"},
    "bestand": {"de": "Plätze", "en": "Places"},
    "bedarf": {"de": "Bedarf", "en": "Need"},
    "saldo": {"de": "Saldo", "en": "Balance"},
    "defizit": {"de": "fehlende Plätze", "en": "missing places"},
    "ueberhang": {"de": "Überhang", "en": "Surplus"},
    "versorgung_je_100": {"de": "Plätze je 100 Kinder", "en": "Places per 100 children"},
    "soll_je_100": {"de": "Bedarfsquote (%)", "en": "Demand rate (%)"},
    "deckungsgrad": {"de": "Deckungsgrad (%)", "en": "Coverage (%)"},
}

_WHAT = {
    "zielgruppe": {"de": "Kinder", "en": "children"},
    "bestand": {"de": "Plätze", "en": "places"},
    "bedarf": {"de": "Bedarf (Plätze)", "en": "need (places)"},
    "defizit": {"de": "fehlende Plätze", "en": "missing places"},
    "versorgung_je_100": {"de": "Plätze je 100 Kinder", "en": "places per 100 children"},
}

_WHAT_IF = {
    "vorher": {"de": "vorher", "en": "before"},
    "nachher": {"de": "nachher", "en": "after"},
    "differenz": {"de": "Differenz", "en": "difference"},
}


def kita_labels(
    planning: KitaPlanning, *, what_if: bool = False, lang: str | None = "de"
) -> dict[str, str]:
    """Column (:func:`kita_column`) → header: ``"Kita Ü3 (3–5): fehlende Plätze 2035 (mittel)"``."""
    L = "en" if lang == "en" else "de"
    out = {}
    scens = sorted(set(planning.areas.index.get_level_values("szenario")) - {""})
    for g in planning.params.groups:
        head = f"Kita {SHORT[g.key][L]} ({g.lo}–{g.hi})"
        for what, word in _WHAT.items():
            out[kita_column(g.key, what)] = f"{head}: {word[L]} {planning.base_year}"
            for y in planning.params.years:
                for s in scens:
                    out[kita_column(g.key, what, y, s)] = f"{head}: {word[L]} {y} ({s})"
    if what_if:
        for col in [c for c in out if "_defizit" in c]:
            for suffix, word in _WHAT_IF.items():
                out[f"{col}_{suffix}"] = f"{out[col]}, {word[L]}"
    return out


def plan_kitas(
    inputs: KitaInputs,
    params: KitaParams,
    changes: Sequence[KitaChange] = (),
    *,
    lang: str | None = None,
) -> KitaResult:
    """Kita planning of ``inputs``: the one entry point of the run, the CLI and QGIS.

    Checks the projection years against the projection (:func:`horizon_check`), then
    :func:`kita_planning` and, with ``changes``, :func:`kita_what_if` on the same result.
    """
    base = int(inputs.base_year or inputs.population["year"].max())
    if params.years:
        proj = inputs.projection
        end = int(proj.population["year"].max()) if proj is not None else base
        horizon_check(params.years, base, end, lang=lang)
    kw = dict(
        base_year=base,
        projection=inputs.projection,
        gemeinde=inputs.gemeinde,
        demand_points=in_crs_of(inputs.demand_points, inputs.areas)  # once for all groups
        if params.supply.method != "standort"
        else None,
        lang=lang,
    )
    args = (inputs.areas, inputs.kitas, inputs.places, inputs.population, params)
    res = kita_planning(*args, **kw)
    wi = kita_what_if(*args, tuple(changes), before=res, **kw) if changes else None
    return KitaResult(planning=res, what_if=wi, kitas=inputs.kitas)


def kita_projection(
    population: pd.DataFrame,
    years: Sequence[int],
    settings: Mapping | None = None,
    *,
    lang: str | None = None,
):
    """The projection the Kita years need, from the settings of ``[demografie]``.

    ``settings`` holds the keys of ``[demografie]`` (``horizont``, ``raten``,
    ``raten_gueltig_bis``, ``szenarien``, ``szenario_wanderung``, ``eckwerte``,
    ``wanderung``, ``geburtenziffer``), read by
    :meth:`~sozialraum.demography.settings.DemographySettings.from_config` and
    :func:`~sozialraum.demography.settings.projection_arguments` exactly as the run reads
    them; without ``horizont`` the projection reaches the last of ``years``. Returns
    ``None`` without ``years``.
    """
    from sozialraum.demography.projection import project
    from sozialraum.demography.settings import DemographySettings, projection_arguments

    if not years:
        return None
    base = int(population["year"].max())
    d = {k: v for k, v in dict(settings or {}).items() if v not in (None, "", [], ())}
    d.setdefault("horizont", max(1, max(int(y) for y in years) - base))
    s = DemographySettings.from_config(d, lang)
    return project(population, **projection_arguments(s, base, lang=lang), lang=lang)


def write_kita_workbook(
    result: KitaResult, path, *, names: pd.Series | None = None, lang: str | None = "de"
):
    """The Excel workbook of ``sozialraum kita`` and the QGIS tool (German headers).

    First sheet: one row per area with every column of :meth:`KitaResult.areas_frame`
    (``names``: the areas' names as second column), then :meth:`KitaResult.sheets`.
    """
    from sozialraum.io import write_excel

    L = "en" if lang == "en" else "de"
    frame = result.areas_frame()
    if names is not None:
        name = "Name"
        frame.insert(0, name, names.set_axis(names.index.astype(str)).reindex(frame.index))
    first = {"de": "Übersicht je Gebiet", "en": "Per area"}[L]
    sheets = {first: frame.rename_axis(LONG_HEADERS["key"][L]), **result.sheets(L)}
    title = {"de": "Kita-Planung", "en": "Kita planning"}[L]
    return write_excel(sheets, path, labels=result.labels(L), title=title)
