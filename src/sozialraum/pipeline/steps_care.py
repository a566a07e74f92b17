"""The run's care planning step (``[pflege]``): need today and in the target years, supply, deficit.

People in need of care per planning area come from the prevalence table × the
observed population (report year) and × the projection (``jahre``, ``szenario``);
supply against need per form of care uses the one supply–need model of the access
module. The step stores in ``state.care``:

``columns``   one row per area: ``pflegebeduerftige_<year>`` (estimated persons) and
              ``pflege_defizit_<form>_<year>`` (places missing) — the columns every
              product (GeoPackage, Excel, packages, web map, report) shows
``supply``    year → form → :class:`~sozialraum.access.SupplyNeed`
``planning``  settings and district/municipality totals for the report chapter

The people in need are added to the catalogue as count variables, so that the
privacy step treats them like every other count (small values are suppressed).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.demography.care import deficit_column, need_column
from sozialraum.errors import ConfigError

__all__ = ["compute_care", "care_columns", "care_map_columns"]

_MSG = {
    "no_demography": {
        "de": "[pflege] braucht einen Abschnitt [demografie] (Bevölkerung nach Alter und "
        "Geschlecht und die Vorausberechnung).",
        "en": "[pflege] needs a [demografie] section (population by age and sex and the "
        "projection).",
    },
    "scenario": {
        "de": "[pflege] szenario = {name!r}: unbekannt (vorhanden: {have}).",
        "en": "[pflege] szenario = {name!r}: unknown (present: {have}).",
    },
    "need_label": {
        "de": "Pflegebedürftige {year} (geschätzt)",
        "en": "people in need of care {year} (estimate)",
    },
    "deficit_label": {
        "de": "fehlende Plätze {form} {year}",
        "en": "missing places {form} {year}",
    },
}


def _read_offers(state, p: dict):
    import geopandas as gpd

    from sozialraum.demography.care import care_offers

    if p["angebote"] is None:
        return None
    kw = {"layer": p["angebote_ebene"]} if p["angebote_ebene"] else {}
    offers = gpd.read_file(p["angebote"], **kw).to_crs(state.areas.crs)
    return care_offers(
        offers,
        type_col=p["art_spalte"],
        capacity_col=p["plaetze_spalte"],
        source=p["angebote"].name,
        lang=state.lang,
    )


def _params(p: dict) -> dict:
    from sozialraum.access import SupplyNeedParams
    from sozialraum.demography.care import FORMS_WITH_PLACES

    m = p["methode"]
    return {
        form: SupplyNeedParams(
            method=m,
            target_per_100=float(p[f"soll_{form}"]),
            max_cost=float(p["radius_m"]) if m != "standort" else None,
            capacity_col=p["plaetze_spalte"],
        )
        for form in FORMS_WITH_PLACES
    }


def _check_scenario(state, p: dict) -> None:
    have = sorted(set(state.demography["projection"].population["szenario"]))
    if p["szenario"] not in have:
        raise ConfigError(
            t(_MSG, "scenario", state.lang, name=p["szenario"], have=", ".join(have)),
            file=str(state.config.path),
            column="szenario",
        )


def compute_care(state):
    """People in need of care, supply and deficit per area and form of care (``[pflege]``)."""
    from sozialraum.demography.care import care_plan, read_care_prevalence

    p = state.config["pflege"]
    if not state.demography:
        raise ConfigError(t(_MSG, "no_demography", state.lang), file=str(state.config.path))
    prevalence = read_care_prevalence(p["praevalenz"], lang=state.lang)
    _check_scenario(state, p)
    offers = _read_offers(state, p)
    plan = care_plan(
        state.demography["population"],
        state.demography["projection"],
        prevalence,
        state.areas,
        years=p["jahre"],
        scenario=p["szenario"],
        base_year=state.year,
        offers=offers,
        params=_params(p) if offers is not None else None,
        type_col=p["art_spalte"],
        demand_points=state.raster.get("demand_points"),
        lang=state.lang,
    )
    cols = plan.columns()
    state.care = {
        "plan": plan,
        "need": plan.need,
        "supply": plan.supply,
        "columns": cols,
        "planning": _planning(state, p, prevalence, plan.need, plan.supply, cols),
    }
    state.catalogue = _with_need_variables(state.catalogue, list(plan.need), state.lang)
    return state


def _with_need_variables(catalogue, years: list[int], lang: str):
    """The catalogue with ``pflegebeduerftige_<year>`` as count variables (privacy, labels)."""
    var = catalogue.variables
    rows = {}
    for y in years:
        c = need_column(y)
        if c in var.index:
            continue
        row = {col: None for col in var.columns}
        row.update(
            label=t(_MSG, "need_label", "de", year=y),
            label_en=t(_MSG, "need_label", "en", year=y),
            unit="Personen",
        )
        if "headers" in var.columns:
            row["headers"] = ()
        rows[c] = row
    if not rows:
        return catalogue
    extra = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=var.columns)
    return dataclasses.replace(catalogue, variables=pd.concat([var, extra]))


def care_columns(state) -> pd.DataFrame | None:
    """The care columns per area of the run (``None`` without ``[pflege]``)."""
    care = getattr(state, "care", None) or {}
    return care.get("columns")


def care_map_columns(state) -> list[tuple[str, str, str]]:
    """``(column, title, unit)`` of the web map's care layers: need and deficits of the last year."""
    from sozialraum.demography.care import care_form_label

    care = getattr(state, "care", None) or {}
    cols = care.get("columns")
    if cols is None or not len(care.get("need", {})):
        return []
    last = max(care["need"])
    de = state.lang == "de"
    out = [(need_column(last), t(_MSG, "need_label", state.lang, year=last), "")]
    for form in care.get("supply", {}).get(last, {}):
        c = deficit_column(form, last)
        if c in cols.columns:
            label = care_form_label(form, state.lang)
            out.append(
                (
                    c,
                    f"Pflege: fehlende Plätze {label} {last}"
                    if de
                    else f"care: missing places {label} {last}",
                    "",
                )
            )
    return out


def _planning(state, p: dict, prevalence, need: dict, supply: dict, cols) -> dict:
    """Settings and totals for the report (district and municipalities; no area values)."""
    from sozialraum.demography.care import care_form_label

    gcol = state.config["gebiete"]["gemeinde_spalte"]
    gem = state.areas[gcol].astype(str).reindex(cols.index) if gcol in state.areas else None
    any_sn = next((sn for by in supply.values() for sn in by.values()), None)
    district = {}
    for y, n in need.items():
        row = {"pflegebeduerftige": float(np.nansum(n["pflegebeduerftige"]))}
        for f in prevalence.forms:
            row[f"pflege_{f}"] = float(np.nansum(n[f"pflege_{f}"]))
        for form, sn in supply.get(y, {}).items():
            tot = sn.totals()
            row[f"bestand_{form}"] = tot["bestand"]
            row[f"bedarf_{form}"] = tot["bedarf"]
            row[f"defizit_{form}"] = tot["defizit"]
        district[y] = row
    gemeinden = None
    if gem is not None:
        gemeinden = cols.groupby(gem.to_numpy()).sum(min_count=1)
    return {
        "years": list(need),
        "base_year": min(need),
        "scenario": p["szenario"],
        "forms": list(prevalence.forms),
        "supply_forms": sorted({f for by in supply.values() for f in by}),
        "form_labels": {f: care_form_label(f, state.lang) for f in prevalence.forms},
        "method": any_sn.method_label(state.lang) if any_sn is not None else "",
        "targets": {f: float(p[f"soll_{f}"]) for f in ("stationaer", "tagespflege", "ambulant")},
        "source": prevalence.source,
        "district": district,
        "gemeinden": gemeinden,
        "min_count": int(state.config["ausgaben"]["mindestfallzahl"]),
    }
