"""Future demand from projected age groups: Kita places (children 0–5) and care (80+).

Kita supply ratio (Versorgungsquote) per area and year::

    quote   = plaetze / kinder × 100          (places per 100 children; NaN, status nenner_null, if no children)
    bedarf  = kinder × zielquote / 100        (places needed for the target coverage)
    defizit = max(bedarf − plaetze, 0)        (missing places), ueberhang = max(plaetze − bedarf, 0)

Places are held constant over the projection unless a frame by year is given. The
children per area and year (:func:`demand_for_access`) are the demand input of the
access module's 2SFCA (``sozialraum.access``). The arithmetic is the access module's
:func:`sozialraum.access.deficit.balance` (one supply–need rule).

Today against a future year with the run's method and target rate:
:func:`future_need` gives the projected need population of an access analysis' target
group, :func:`sozialraum.access.supply_need` the supply against it by the same method,
and :func:`supply_comparison` puts today's and the future result side by side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.access.deficit import balance
from sozialraum.demography.groups import age_groups, long_population
from sozialraum.errors import InputError, format_ids

__all__ = [
    "group_counts",
    "kita_supply",
    "kita_comparison",
    "supply_comparison",
    "future_need",
    "care_demand",
    "demand_for_access",
    "projection_layer",
]

_MSG = {
    "places_missing": {
        "de": "Für {n} Gebiet(e) fehlen Platzzahlen; sie werden nicht als 0 angenommen, Quote und Defizit bleiben leer: {ids}.",
        "en": "{n} area(s) have no number of places; they are not assumed to be 0, ratio and deficit stay empty: {ids}.",
    },
    "places_negative": {
        "de": "Negative Platzzahlen für: {ids}.",
        "en": "negative numbers of places for: {ids}.",
    },
    "unknown_scenario": {
        "de": "Szenario {name!r} unbekannt (vorhanden: {have}).",
        "en": "unknown scenario {name!r} (present: {have}).",
    },
}


def group_counts(pop, lo: int, hi: int | None, *, column: str = "anzahl_gruppe") -> pd.Series:
    """Persons aged ``lo..hi`` (``hi=None``: and older) per (szenario,) key, year.

    ``pop`` is a long population frame or a :class:`~sozialraum.demography.projection.ProjectionResult`.
    """
    tab = age_groups(long_population(pop), [(column, lo, hi)], total=False)
    return tab[column]


def kita_supply(
    pop,
    places: pd.Series | pd.DataFrame,
    *,
    ages: tuple[int, int] = (0, 5),
    target_rate: float = 100.0,
    lang: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kita supply ratio and deficit per (szenario,) area and year.

    Parameters
    ----------
    pop
        Long population frame (observed or projected) or a ProjectionResult.
    places
        Places per area (Series key → places, constant over years) or a frame with
        index ``key`` and one column per year.
    ages
        Inclusive age range of the children (default 0–5; use (3, 5) for Ü3 only, (0, 2) for U3).
    target_rate
        Target coverage in places per 100 children (e.g. 100 for 3–5, ~50 for U3).

    Returns
    -------
    (values, status)
        ``values`` with columns ``kinder, plaetze, quote, bedarf, defizit, ueberhang``;
        ``status`` parallel (``fehlt`` where places are unknown, ``nenner_null`` where no children).
    """
    kids = group_counts(pop, ages[0], ages[1], column="kinder")
    idx = kids.index
    keys = idx.get_level_values("key").astype(str)
    years = idx.get_level_values("year")
    if isinstance(places, pd.DataFrame):
        pl = places.copy()
        pl.index = pl.index.astype(str)
        pl.columns = [int(c) for c in pl.columns]
        stacked = pl.stack()
        # years beyond the last given column keep the last known number
        last = pl.iloc[:, -1]
        look = pd.MultiIndex.from_arrays([keys, years])
        vals = stacked.reindex(look).to_numpy(dtype=float)
        fill = last.reindex(keys).to_numpy(dtype=float)
        vals = np.where(np.isnan(vals) & (years.to_numpy() > max(pl.columns)), fill, vals)
    else:
        ser = pd.Series(places)
        ser.index = ser.index.astype(str)
        vals = ser.reindex(keys).to_numpy(dtype=float)
    if np.nanmin(np.append(vals, 0.0)) < 0:
        bad = sorted(set(keys[vals < 0]))
        raise InputError(t(_MSG, "places_negative", lang, ids=format_ids(bad)), ids=bad)
    missing = np.isnan(vals)
    if missing.any():
        import warnings

        from sozialraum.errors import SozialraumWarning

        bad = sorted(set(keys[missing]))
        warnings.warn(
            t(_MSG, "places_missing", lang, n=len(bad), ids=format_ids(bad)),
            SozialraumWarning,
            stacklevel=2,
        )
    k = kids.to_numpy(dtype=float)
    # the one supply–need arithmetic of the access module (by location: places in the area)
    bal, _ = balance(pd.Series(k), pd.Series(vals), target_rate)
    out = pd.DataFrame(
        {
            "kinder": k,
            "plaetze": vals,
            "quote": bal["versorgung_je_100"].to_numpy(),
            "bedarf": bal["bedarf"].to_numpy(),
            "defizit": bal["defizit"].to_numpy(),
            "ueberhang": bal["ueberhang"].to_numpy(),
        },
        index=idx,
    )
    status = pd.DataFrame(pd.NA, index=idx, columns=out.columns, dtype="string")
    status.loc[missing, ["plaetze", "quote", "defizit", "ueberhang"]] = "fehlt"
    status.loc[(k <= 0) & ~missing, "quote"] = "nenner_null"
    return out, status


def _one_scenario(frame: pd.DataFrame, scenario: str | None, lang: str | None) -> pd.DataFrame:
    """The rows of ``scenario`` (level dropped) if ``frame`` has a ``szenario`` level."""
    if "szenario" not in frame.index.names:
        return frame
    have = sorted(set(frame.index.get_level_values("szenario")))
    if scenario not in have:
        raise InputError(t(_MSG, "unknown_scenario", lang, name=scenario, have=", ".join(have)))
    return frame.xs(scenario, level="szenario")


def kita_comparison(
    pop,
    places: pd.Series,
    *,
    year: int,
    base_year: int | None = None,
    scenario: str | None = "mittel",
    ages: tuple[int, int] = (0, 5),
    target_rate: float = 100.0,
    lang: str | None = None,
) -> pd.DataFrame:
    """Today's and a future year's Kita situation side by side, one row per area.

    Columns: ``kinder_<b>``, ``kinder_<y>``, ``quote_<b>``, ``quote_<y>``, ``defizit_<b>``,
    ``defizit_<y>``, ``veraenderung_kinder`` (absolute). ``base_year`` defaults to the first year.
    """
    vals, _ = kita_supply(pop, places, ages=ages, target_rate=target_rate, lang=lang)
    vals = _one_scenario(vals, scenario, lang)
    years = sorted(set(vals.index.get_level_values("year")))
    b = years[0] if base_year is None else base_year
    now, fut = vals.xs(b, level="year"), vals.xs(year, level="year")
    out = pd.DataFrame(index=now.index)
    for col in ("kinder", "quote", "defizit"):
        out[f"{col}_{b}"] = now[col]
        out[f"{col}_{year}"] = fut[col].reindex(now.index)
    out["veraenderung_kinder"] = out[f"kinder_{year}"] - out[f"kinder_{b}"]
    return out


def future_need(
    pop, variables: list[str], *, year: int, scenario: str | None = "mittel"
) -> pd.Series | None:
    """Projected persons per area in ``year`` of a target group given as age-group variables.

    ``variables`` are ids of :data:`~sozialraum.demography.groups.DEFAULT_GROUPS`
    (e.g. ``["ew_0_2", "ew_3_5"]`` = ages 0–5). Returns ``None`` when one of them is not
    an age group (then the group cannot be projected).
    """
    from sozialraum.demography.groups import DEFAULT_GROUPS

    groups = {g.id: g for g in DEFAULT_GROUPS}
    if not variables or any(v not in groups for v in variables):
        return None
    parts = [
        demand_for_access(pop, year=year, scenario=scenario, ages=(groups[v].lo, groups[v].hi))
        if groups[v].hi is not None
        else _open_group(pop, groups[v].lo, year, scenario)
        for v in variables
    ]
    out = sum(p.astype(float) for p in parts)
    return out.rename("zielgruppe")


def _open_group(pop, lo: int, year: int, scenario: str | None) -> pd.Series:
    g = group_counts(pop, lo, None, column="gruppe")
    if "szenario" in g.index.names:
        g = g.xs(scenario, level="szenario")
    out = g.xs(year, level="year")
    out.index = out.index.astype(str)
    return out


def supply_comparison(
    today: pd.DataFrame, future: pd.DataFrame, *, base_year: int, year: int, method: str = ""
) -> pd.DataFrame:
    """Supply against need today and in ``year`` side by side, one row per area.

    ``today`` and ``future`` are frames of :class:`sozialraum.access.SupplyNeed` (same
    method and target). Columns ``<col>_<year>`` for ``zielgruppe``, ``bestand``,
    ``bedarf``, ``defizit``, ``versorgung_je_100`` of both years, then
    ``veraenderung_zielgruppe``, ``soll_je_100`` and ``methode``.
    """
    out = pd.DataFrame(index=today.index)
    for col in ("zielgruppe", "bestand", "bedarf", "defizit", "versorgung_je_100"):
        out[f"{col}_{base_year}"] = today[col]
        out[f"{col}_{year}"] = future[col].reindex(today.index)
    out["veraenderung_zielgruppe"] = out[f"zielgruppe_{year}"] - out[f"zielgruppe_{base_year}"]
    out["soll_je_100"] = today["soll_je_100"]
    out["methode"] = method
    return out


def care_demand(pop, *, age: int = 80, care_rate: float | pd.Series | None = None) -> pd.DataFrame:
    """Projected old persons (default 80+) per (szenario,) area and year, optionally expected care recipients.

    Parameters
    ----------
    care_rate
        Share of care recipients among them (e.g. 0.3), constant or per area (Series key → share);
        gives ``pflegebeduerftige = alte × rate``.
    """
    old = group_counts(pop, age, None, column=f"ew_{age}plus")
    out = old.to_frame()
    if care_rate is not None:
        if isinstance(care_rate, pd.Series):
            rate = care_rate.copy()
            rate.index = rate.index.astype(str)
            r = rate.reindex(out.index.get_level_values("key").astype(str)).to_numpy(dtype=float)
        else:
            r = float(care_rate)
        out["pflegebeduerftige"] = out[f"ew_{age}plus"].to_numpy() * r
    return out


def demand_for_access(
    pop, *, year: int, scenario: str | None = "mittel", ages: tuple[int, int] = (0, 5)
) -> pd.Series:
    """Children (``ages``) per area in ``year``: a Series key → persons for the access module's demand."""
    kids = group_counts(pop, ages[0], ages[1], column="kinder")
    if "szenario" in kids.index.names:
        kids = kids.xs(scenario, level="szenario")
    out = kids.xs(year, level="year")
    out.index = out.index.astype(str)
    out.index.name = "key"
    return out.rename(f"kinder_{ages[0]}_{ages[1]}_{year}")


def projection_layer(
    pop,
    *,
    year: int,
    base_year: int | None = None,
    scenario: str | None = "mittel",
    groups=None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Projected age groups of one year as a map layer: one row per area (index ``key``).

    Columns: every group (persons), ``<group>_anteil`` (% of the area's population) and
    ``<group>_veraenderung_proz`` (% change since ``base_year``, default the first year).
    Join it to the areas' GeoDataFrame (``areas.join(layer)``) to map it.
    """
    from sozialraum.demography.groups import change_rates

    tab = age_groups(long_population(pop), groups, lang=lang)
    tab = _one_scenario(tab, scenario, lang)
    now = tab.xs(year, level="year").copy()
    gcols = [c for c in now.columns if c != "ew_ges"]
    with np.errstate(divide="ignore", invalid="ignore"):
        for c in gcols:
            now[f"{c}_anteil"] = np.where(now["ew_ges"] > 0, now[c] / now["ew_ges"] * 100.0, np.nan)
    ch = change_rates(tab, base_year=base_year, year=year, lang=lang)
    for c in tab.columns:
        now[f"{c}_veraenderung_proz"] = ch[f"{c}_proz"].reindex(now.index)
    now.index = now.index.astype(str)
    now.index.name = "key"
    return now
