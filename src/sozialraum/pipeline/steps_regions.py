"""Run steps of region sets (``[[regionen]]``, the Amt level), the HzE monitor (``[hze]``)
and the offer inventory (the facilities of ``[einrichtungen]`` with their themes).

Each step stores its results on the :class:`~sozialraum.pipeline.run.RunState`
(``state.regions``, ``state.hze``) and what the report shows in ``state.topics``
(``ReportData.planning["regionen"]``, ``["hze"]``, ``["angebote"]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from sozialraum._i18n import t
from sozialraum.core.doors import knob
from sozialraum.errors import ConfigError, InputError

__all__ = [
    "RegionOutcome",
    "compute_regions",
    "compute_hze",
    "compute_offers",
    "region_units",
    "regions_of_municipality",
    "STEPS",
]

_MSG = {
    "stage": {
        "de": "[gliederung] stufen hat die Stufe {stage!r} zwischen {top!r} und {middle!r}: "
        "bitte eine Regionszuordnung dafür angeben ([[regionen]] mit {knob} = {stage!r}).",
        "en": "[gliederung] stufen has the level {stage!r} between {top!r} and {middle!r}: "
        "please give a region set for it ([[regionen]] with {knob} = {stage!r}).",
    },
    "bad_stage": {
        "de": "[[regionen]] {name!r}: {knob} = {stage!r} ist keine Zwischenstufe von "
        "[gliederung] stufen ({words}).",
        "en": "[[regionen]] {name!r}: {knob} = {stage!r} is not an intermediate level of "
        "[gliederung] stufen ({words}).",
    },
    "no_u21": {
        "de": "[hze] {knob}: {vars} ist keine Variable der Tabellen (vorhanden z. B.: {have}).",
        "en": "[hze] {knob}: {vars} is not a variable of the tables (e.g.: {have}).",
    },
}


@dataclass(frozen=True)
class RegionOutcome:
    """One region set of a run: the set, its roll-up and its index."""

    set: Any  # sozialraum.join.regions.RegionSet (None for the municipalities)
    rollup: Any  # RollupResult
    index: Any  # RegionIndex or None


def region_set_of(entry, lang: str | None):
    """The region set of one ``[[regionen]]`` entry of the configuration (read and checked)."""
    from sozialraum.join.regions import read_region_set

    return read_region_set(
        entry["datei"],
        name=entry["name"],
        member_col=entry["schluessel"],
        region_col=entry["region"],
        name_col=entry["region_name"],
        level=entry["ebene"],
        stage=entry["stufe"],
        sheet=entry["blatt"],
        lang=lang,
    )


def facility_areas(state, facilities: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The facilities with column ``_sr``: the key of the planning area they lie in (NaN outside)."""
    zones = gpd.GeoDataFrame(
        {"_sr": state.areas.index.astype(str)},
        geometry=state.areas.geometry.to_numpy(),
        crs=state.areas.crs,
    )
    fac = facilities.drop(columns=["_sr"], errors="ignore").to_crs(state.areas.crs)
    return gpd.sjoin(fac, zones, how="left", predicate="within")


def region_units(config, lang: str | None) -> dict[str, list[str]]:
    """``{set name: region keys}`` of every ``[[regionen]]`` entry (units of recommendations)."""
    out = {}
    for entry in config.get("regionen") or []:
        rs = region_set_of(entry, lang)
        out[rs.name] = [str(r) for r in rs.regions]
    return out


def regions_of_municipality(state, ags: str) -> dict[str, list[str]]:
    """``{set name: region keys}`` the municipality ``ags`` (or one of its areas) belongs to."""
    gcol = state.config["gebiete"]["gemeinde_spalte"]
    own = [str(k) for k in state.areas.index[state.areas[gcol].astype(str) == str(ags)]]
    out: dict[str, list[str]] = {}
    for name, res in (state.regions or {}).items():
        rs = res.set
        if rs is None:
            continue
        members = [str(ags)] if rs.level == "gemeinde" else own
        keys = [str(rs.members[m]) for m in members if m in rs.members.index]
        if keys:
            out[name] = list(dict.fromkeys(keys))
    return out


def _stage_check(state, sets) -> None:
    from sozialraum.pipeline.config import territory_of

    terr = territory_of(state.config, state.lang)
    words = list(terr.words)
    inner = words[1:-2]  # the levels between the top and the roll-up level
    staged = {rs.stage for rs in sets if rs.stage}
    for rs in sets:
        if rs.stage and rs.stage not in inner:
            raise ConfigError(
                t(
                    _MSG,
                    "bad_stage",
                    state.lang,
                    name=rs.name,
                    stage=rs.stage,
                    knob=knob("region_stage", state.lang),
                    words=", ".join(words),
                )
            )
    for w in inner:
        if w not in staged:
            raise ConfigError(
                t(
                    _MSG,
                    "stage",
                    state.lang,
                    stage=w,
                    top=words[0],
                    middle=words[-2],
                    knob=knob("region_stage", state.lang),
                )
            )


def _index_of(state, rolled) -> Any:
    from sozialraum.join.regions import region_index

    if state.monitor is None:
        return None
    m = state.config["monitor"]
    pop_col = "ew_ges" if "ew_ges" in state.counts[state.year].columns else None
    if pop_col is None:
        return None
    return region_index(
        rolled.frame,
        state.monitor,
        state.catalogue,
        population=state.counts[state.year][pop_col],
        min_denominator=m["min_nenner"],
        lang=state.lang,
    )


def compute_regions(state):
    """Read every region set, check it covers its members, roll up, index and class.

    The municipalities get their index and class too (``state.regions["__gemeinden__"]``).
    """
    from sozialraum.join.regions import rollup_region_set

    g = state.config["gebiete"]
    gcol = g["gemeinde_spalte"]
    sets = [region_set_of(r, state.lang) for r in state.config.get("regionen") or []]
    _stage_check(state, sets)
    y = state.year
    frame = state.areas[[gcol, "geometry"]].join(state.counts[y])
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=state.areas.crs)
    out = {}
    for rs in sets:
        rolled = rollup_region_set(
            rs,
            frame,
            gemeinde_col=gcol,
            status=state.status[y],
            catalogue=state.catalogue.indicators,
            lang=state.lang,
        )
        out[rs.name] = RegionOutcome(rs, rolled, _index_of(state, rolled))
    gem = state.rollup.get("gemeinde")
    if gem is not None:
        out["__gemeinden__"] = RegionOutcome(None, gem, _index_of(state, gem))
    state.regions = out
    state.topics["regionen"] = {
        "outcomes": out,
        "names": _names_of_gemeinden(state),
        "gemeinde_col": gcol,
    }
    return state


def hze_columns_of(h):
    """The column names of the HzE case rows as ``[hze]`` names them."""
    from sozialraum.monitor.hze import HzeColumns

    return HzeColumns(
        year=h["jahr_spalte"],
        case=h["fall_spalte"],
        area=h["schluessel"],
        kind=h["art_spalte"],
        start=h["beginn_spalte"],
        end=h["ende_spalte"],
        cost=h["kosten_spalte"],
    )


def compute_hze(state):
    """Read the HzE case rows (``[hze]``) and compute the figures of every year."""
    from sozialraum.monitor.hze import hze_figures, read_hze_cases

    h = state.config["hze"]
    cols = hze_columns_of(h)
    cases = read_hze_cases(h["datei"], columns=cols, areas=state.areas.index, lang=state.lang)
    pop = {}
    for y, c in state.counts.items():
        missing = [v for v in h["unter21"] if v not in c.columns]
        if missing:
            raise InputError(
                t(
                    _MSG,
                    "no_u21",
                    state.lang,
                    knob=knob("hze_population", state.lang),
                    vars=", ".join(missing),
                    have=", ".join(map(str, list(c.columns)[:8])),
                ),
                column=missing[0],
            )
        pop[y] = c[list(h["unter21"])].sum(axis=1, min_count=1)
    gcol = state.config["gebiete"]["gemeinde_spalte"]
    state.hze = hze_figures(
        cases,
        gemeinde_of=state.areas[gcol].astype(str),
        population_u21=pop,
        all_areas=state.areas.index,
    )
    state.topics["hze"] = {
        "result": state.hze,
        "threshold": int(state.config["ausgaben"]["mindestfallzahl"]) - 1,
        "names": _names_of_gemeinden(state),
    }
    return state


def _names_of_gemeinden(state) -> dict:
    col = state.config["gebiete"]["gemeinden_name"]
    gem = state.gemeinden
    if gem is not None and col in gem.columns:
        return {str(k): str(v) for k, v in gem[col].items()}
    a = state.areas
    gcol = state.config["gebiete"]["gemeinde_spalte"]
    if col in a.columns:
        return {str(k): str(v) for k, v in a.groupby(gcol)[col].first().items()}
    return {}


def _offers(state) -> dict | None:
    from sozialraum.access.offers import offer_inventory

    fac = state.facilities
    if fac is None or "thema" not in fac.columns:
        return None
    located = facility_areas(state, fac)
    ef = state.config["einrichtungen"]
    name_col = ef["name_spalte"] if ef["name_spalte"] in located.columns else None
    offers = pd.DataFrame(
        {
            "sr_id": located["_sr"].astype("string"),
            "thema": located["thema"].astype("string"),
            "zielgruppe": located["zielgruppe"].astype("string")
            if "zielgruppe" in located.columns
            else "alle",
            "name": located[name_col].astype("string") if name_col else "",
            "kategorie": located[ef["kategorie_spalte"]].astype("string")
            if ef["kategorie_spalte"] in located.columns
            else "",
        }
    ).dropna(subset=["sr_id"])
    inv = offer_inventory(offers, areas=list(state.areas.index.astype(str)), lang=state.lang)
    gcol = state.config["gebiete"]["gemeinde_spalte"]
    return {
        "offers": offers,
        "inventory": inv,
        "gemeinde_of": state.areas[gcol].astype(str).to_dict(),
    }


def compute_offers(state):
    """The offer inventory by theme per area (facilities with a ``thema`` column)."""
    offers = _offers(state)
    if offers is not None:
        state.topics["angebote"] = offers
    return state


STEPS = [("regions", compute_regions), ("hze", compute_hze), ("offers", compute_offers)]
