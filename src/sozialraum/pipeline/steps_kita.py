"""Run steps of Kita planning (``[kita]``) and primary schools (``[schulen]``).

Both read the population by single year of age and the projection of the
demography step (``state.demography``) and store their results in ``state.kita`` /
``state.schulen``; the products take the numbers from there only:
:func:`kita_area_columns` gives the per-area columns of the result tables, the
GeoPackage, the web map and the packages; the report takes the same
``KitaPlanning.wide()`` columns and its planning entry in :mod:`sozialraum.report.data`.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from sozialraum._i18n import t
from sozialraum.errors import ConfigError, InputError

__all__ = [
    "compute_kita",
    "compute_schools",
    "kita_area_columns",
]

_MSG = {
    "need_demography": {
        "de": "[{sec}] braucht den Abschnitt [demografie] (Bevölkerung nach Einzelalter).",
        "en": "[{sec}] needs the section [demografie] (population by single year of age).",
    },
    "need_facilities": {
        "de": "[{sec}] braucht den Abschnitt [einrichtungen].",
        "en": "[{sec}] needs the section [einrichtungen].",
    },
}


def _config_error(state, section: str, err: InputError) -> ConfigError:
    from sozialraum.pipeline.config import _line_of

    key = (err.column or "").split(" ")[0] or None
    row = _line_of(state.config.text, section, key) if state.config.text else None
    return ConfigError(
        f"{state.config.path.name}:{row}: {err}", file=str(state.config.path), row=row, column=key
    )


def _kitas(state, k: dict) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The Kitas of the facility layer (index = id) and their places per group."""
    from sozialraum.demography.kita import PLACE_TYPES, kita_facilities
    from sozialraum.io.reader import read_text_table

    ef = state.config["einrichtungen"]
    table = None
    if k["plaetze"] is not None:
        table = read_text_table(k["plaetze"], lang=state.lang).frame
    return kita_facilities(
        state.facilities,
        id_col=k["id_spalte"],
        category=k["kategorie"],
        category_col=ef["kategorie_spalte"],
        places_table=table,
        columns={kind: k[f"spalte_{kind}"] for kind in PLACE_TYPES},
        capacity_col=ef["kapazitaet_spalte"],
        source=ef["datei"].name,
        table_source=k["plaetze"].name if k["plaetze"] is not None else "",
        lang=state.lang,
    )


def _facts(table: pd.DataFrame, k: dict) -> dict:
    """District totals of inclusion places, occupancy and waiting lists (where delivered)."""
    out = {}
    for what in ("inklusion", "belegt", "warteliste"):
        col = k[f"spalte_{what}"]
        if col in table.columns:
            out[what] = float(pd.to_numeric(table[col], errors="coerce").sum())
    return out


def _params(state, k: dict):
    from sozialraum.access import SupplyNeedParams
    from sozialraum.demography.kita import KITA_GROUPS, KitaGroup, KitaParams, check_groups

    groups = tuple(
        KitaGroup(g, k[f"alter_{g}"][0], k[f"alter_{g}"][1], k[f"quote_{g}"]) for g in KITA_GROUPS
    )
    m = k["methode"]
    supply = SupplyNeedParams(method=m, max_cost=k["radius_m"] if m != "standort" else None)
    return KitaParams(
        groups=check_groups(groups, lang=state.lang), supply=supply, years=tuple(k["jahre"] or ())
    )


def compute_kita(state):
    """Kita planning of ``[kita]``: need, places, deficit per area/municipality, what-if.

    The settings of ``monitor.toml`` translated into the one entry point
    :func:`~sozialraum.demography.kita.plan_kitas` (the same as ``sozialraum kita`` and
    the QGIS tool "Kita-Planung").
    """
    from sozialraum.core.doors import using_door
    from sozialraum.demography.kita import KitaInputs, kita_changes, plan_kitas

    k = state.config.get("kita")
    if not k:
        return state
    for sec, need in (("demografie", state.demography), ("einrichtungen", state.facilities)):
        if need is None or (isinstance(need, dict) and not need):
            key = "need_demography" if sec == "demografie" else "need_facilities"
            raise ConfigError(t(_MSG, key, state.lang, sec="kita"))
    demo = state.demography
    pop = demo["population"]
    gcol = state.config["gebiete"]["gemeinde_spalte"]
    with using_door("config"):
        try:
            params = _params(state, k)
            changes = kita_changes(k["was_waere_wenn"] or [], lang=state.lang)
            fac, places = _kitas(state, k)
            inputs = KitaInputs(
                areas=state.areas,
                kitas=fac,
                places=places,
                population=pop,
                base_year=int(pop["year"].max()),
                projection=demo.get("projection"),
                gemeinde=state.areas[gcol].astype(str) if gcol in state.areas.columns else None,
                demand_points=state.raster.get("demand_points"),
            )
            result = plan_kitas(inputs, params, changes, lang=state.lang)
        except InputError as err:
            if err.column and "[kita]" in str(err):
                raise _config_error(state, "kita", err) from None
            raise
    res, wi = result.planning, result.what_if
    state.kita = {
        "result": res,
        "what_if": wi,
        "places": places,
        "facilities": fac,
        "facts": _facts(fac, k),
        "scenario": _main_scenario(demo),
    }
    state.kita["labels"] = kita_labels(state)  # German headers of the Kita columns
    _add_kita_to_rollup(state, res)
    return state


def _add_kita_to_rollup(state, res) -> None:
    """The municipalities' Kita columns (:meth:`KitaPlanning.wide` of ``gemeinden``) in the roll-up.

    A municipality's figures are its own balance (places against need of the municipality
    as a whole), the numbers of ``kita_schulen.xlsx``, the report's table and the
    municipality's profile. In the roll-up frame they reach the result tables, the
    GeoPackage and the release packages, where the privacy step checks and carries them
    like every other value of that level. A missing value has status ``fehlt``.
    """
    roll = (state.rollup or {}).get("gemeinde")
    if roll is None or not len(res.gemeinden):
        return
    wide = res.wide("gemeinden")
    wide.index = wide.index.astype(str)
    keys = roll.frame.index.astype(str)
    for col in wide.columns:
        v = pd.to_numeric(wide[col], errors="coerce").reindex(keys).to_numpy(dtype=float)
        roll.frame[col] = v
        st = pd.Series(pd.NA, index=roll.status.index, dtype="string")
        st[pd.isna(v)] = "fehlt"
        roll.status[col] = st


def _main_scenario(demo) -> str:
    proj = demo.get("projection")
    names = tuple(getattr(proj, "scenarios", ()) or ())
    return "mittel" if "mittel" in names else (names[0] if names else "")


def compute_schools(state):
    """School-entry cohorts per Schulbezirk (``[schulen]``) and the run's distances to Grundschulen."""
    from sozialraum.demography.kita import horizon_check
    from sozialraum.demography.schulen import school_entry
    from sozialraum.io import read_areas

    s = state.config.get("schulen")
    if not s:
        return state
    if not state.demography:
        raise ConfigError(t(_MSG, "need_demography", state.lang, sec="schulen"))
    demo = state.demography
    pop = demo["population"]
    base = int(pop["year"].max())
    from sozialraum.core.doors import using_door

    with using_door("config"):
        try:
            horizon_check(s["jahre"] or (), base, int(demo["end_year"]), lang=state.lang)
        except InputError as err:
            raise _config_error(state, "schulen", err) from None
    districts = None
    if s["bezirke"] is not None:
        districts = read_areas(
            s["bezirke"], layer=s["bezirke_ebene"], key=s["bezirk_spalte"], lang=state.lang
        )
        districts = districts.reset_index(drop=False)
        if s["bezirk_spalte"] not in districts.columns:
            districts[s["bezirk_spalte"]] = districts.index.astype(str)
    schools = None
    if state.facilities is not None:
        ef = state.config["einrichtungen"]
        schools = state.facilities[state.facilities[ef["kategorie_spalte"]] == s["kategorie"]]
        schools = schools.set_index(schools.get(ef["name_spalte"], schools.index).astype(str))
    res = school_entry(
        state.areas,
        pop,
        base_year=base,
        years=tuple(s["jahre"] or ()),
        projection=demo.get("projection"),
        scenario=_main_scenario(demo),
        age=s["einschulungsalter"],
        districts=districts,
        district_col=s["bezirk_spalte"],
        name_col=s["name_spalte"],
        schools=schools,
        lang=state.lang,
    )
    state.schulen = {"entry": res, "access": _school_access(state, s["kategorie"])}
    return state


def _school_access(state, category: str) -> str | None:
    """The name of the access analysis of the Grundschulen (its columns are in the area frame)."""
    for a in state.config.get("erreichbarkeit") or []:
        if a["kategorie"] == category:
            return a["name"]
    return None


def kita_area_columns(state) -> pd.DataFrame | None:
    """Kita planning per area for the area frame (one name per number, :func:`~sozialraum.demography.kita.kita_column`)."""
    kita = getattr(state, "kita", None) or {}
    res = kita.get("result")
    if res is None:
        return None
    wide = res.wide()
    wide.index = wide.index.astype(str)
    return wide


def kita_map_layers(state, frame: pd.DataFrame) -> list[tuple[str, str]]:
    """``(column, title)`` of the web map's Kita layers: missing places today and in the last year.

    Per age group, of the columns present in ``frame`` (the release's columns at its level).
    """
    from sozialraum.demography.kita import SHORT, kita_column

    res = (getattr(state, "kita", None) or {}).get("result")
    if res is None:
        return []
    L = "en" if state.lang == "en" else "de"
    scen = state.kita.get("scenario")
    periods = [(res.base_year, None, None)]
    if res.params.years:
        periods.append((res.params.years[-1], res.params.years[-1], scen))
    word = "fehlende Plätze" if L == "de" else "missing places"
    out = []
    for g in res.params.groups:
        for shown, y, s in periods:
            col = kita_column(g.key, "defizit", y, s)
            if col in frame.columns and frame[col].notna().any():
                extra = f", {s}" if s else ""
                title = f"Kita {SHORT[g.key][L]} ({g.lo}–{g.hi}): {word} {shown}{extra}"
                out.append((col, title))
    return out


def kita_labels(state) -> dict[str, str]:
    """Column → German header of the Kita columns (result tables, GeoPackage, packages)."""
    from sozialraum.demography.kita import kita_labels as labels

    res = (getattr(state, "kita", None) or {}).get("result")
    return {} if res is None else labels(res, lang="de")


def kita_files(state, intern) -> list:
    """``intern/kita.xlsx``: Kita planning per area and municipality (long), what-if, Schulbezirke."""
    from sozialraum.io import write_excel

    kita = getattr(state, "kita", None) or {}
    sch = getattr(state, "schulen", None) or {}
    sheets, labels = {}, {}
    res = kita.get("result")
    if res is not None:
        from sozialraum.demography.kita import KitaResult

        result = KitaResult(res, kita.get("what_if"))
        sheets.update(result.sheets("de"))
        labels = result.labels("de")  # German headers, also of the what-if's columns
    if sch.get("entry") is not None:
        e = sch["entry"]
        sheets["Schulbezirke"] = e.districts.rename_axis("Schulbezirk").reset_index()
        sheets["Einschulung je Gebiet"] = e.areas.rename_axis("Schlüssel").reset_index()
    if not sheets:
        return []
    p = intern / "kita_schulen.xlsx"
    title = f"Kita-Planung und Grundschulen {state.config['projekt']['name']}"
    write_excel(sheets, p, labels=labels, title=title)
    return [
        (
            p,
            "Kita-Planung (je Gebiet, Gemeinde, Altersgruppe, Jahr, Szenario) und Grundschulen",
            "Kita planning (per area, municipality, age group, year, scenario) and primary schools",
        )
    ]
