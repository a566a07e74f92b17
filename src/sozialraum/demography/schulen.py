"""School-entry cohorts per area and per Schulbezirk (primary-school catchment), today and projected.

The cohort of year *t* in area *a* is the number of children aged ``age`` (default 6,
the school-entry age) on 31.12. of *t* in the observed population or, for later
years, in the projection (one scenario). Areas are assigned to a catchment by their
representative point: to the Schulbezirk polygon that contains it where a layer is
given, otherwise to the nearest Grundschule (straight line). A catchment's cohort is
the sum of its areas' cohorts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from sozialraum._i18n import t
from sozialraum.demography.demand import group_counts
from sozialraum.errors import InputError, format_ids

__all__ = ["SchoolEntry", "school_catchments", "school_entry"]

_MSG = {
    "outside": {
        "de": "{n} Gebiet(e) liegen in keinem Schulbezirk: {ids}. Bitte die Schulbezirke prüfen.",
        "en": "{n} area(s) lie in no school district: {ids}. Please check the school districts.",
    },
    "no_schools": {
        "de": "Keine Grundschulen (Kategorie {cat!r}) in den Einrichtungen.",
        "en": "no primary schools (category {cat!r}) among the facilities.",
    },
}


@dataclass(frozen=True)
class SchoolEntry:
    """School-entry cohorts.

    Attributes
    ----------
    areas
        Per area: ``bezirk`` (catchment id) and ``einschulung_<year>`` per year.
    districts
        Per catchment (index = id): ``name``, ``gebiete`` (number of areas) and
        ``einschulung_<year>``, ``veraenderung_proz`` (last year against the first).
    years, scenario, source, age
        The years, the projection scenario, ``"schulbezirke"`` or ``"naechste_schule"``
        and the school-entry age.
    """

    areas: pd.DataFrame
    districts: pd.DataFrame
    years: tuple[int, ...]
    scenario: str | None
    source: str
    age: int = 6


def school_catchments(
    areas: gpd.GeoDataFrame,
    *,
    districts: gpd.GeoDataFrame | None = None,
    district_col: str = "bezirk_id",
    name_col: str = "name",
    schools: gpd.GeoDataFrame | None = None,
    lang: str | None = None,
) -> tuple[pd.Series, pd.Series, str]:
    """Catchment id per area and catchment names: Schulbezirk containing the area's point, else nearest school."""
    pts = gpd.GeoDataFrame(
        {"_key": areas.index.astype(str)},
        geometry=areas.geometry.representative_point().to_numpy(),
        crs=areas.crs,
    )
    if districts is not None:
        d = districts.to_crs(areas.crs)
        hit = gpd.sjoin(pts, d[[district_col, "geometry"]], how="left", predicate="within")
        hit = hit.drop_duplicates("_key").set_index("_key")[district_col]
        miss = hit.index[hit.isna()].tolist()
        if miss:
            raise InputError(t(_MSG, "outside", lang, n=len(miss), ids=format_ids(miss)), ids=miss)
        names = d.set_index(d[district_col].astype(str))
        names = names[name_col] if name_col in names.columns else names.index.to_series()
        return hit.astype(str), names.astype(str), "schulbezirke"
    if schools is None or not len(schools):
        raise InputError(t(_MSG, "no_schools", lang, cat="Grundschule"))
    s = schools.to_crs(areas.crs)
    dx = pts.geometry.x.to_numpy()[:, None] - s.geometry.x.to_numpy()[None, :]
    dy = pts.geometry.y.to_numpy()[:, None] - s.geometry.y.to_numpy()[None, :]
    ids = s.index.astype(str).to_numpy()[np.argmin(np.hypot(dx, dy), axis=1)]
    names = (
        s[name_col].astype(str).set_axis(s.index.astype(str))
        if name_col in s.columns
        else pd.Series(s.index.astype(str), index=s.index.astype(str))
    )
    return pd.Series(ids, index=pts["_key"].to_numpy()), names, "naechste_schule"


def _cohort(pop, age: int, year: int, scenario: str | None) -> pd.Series:
    c = group_counts(pop, age, age, column="kohorte")
    if "szenario" in c.index.names:
        c = c.xs(scenario, level="szenario")
    c = c.xs(year, level="year")
    c.index = c.index.astype(str)
    return c.astype(float)


def school_entry(
    areas: gpd.GeoDataFrame,
    population,
    *,
    base_year: int,
    years: Sequence[int] = (),
    projection=None,
    scenario: str = "mittel",
    age: int = 6,
    districts: gpd.GeoDataFrame | None = None,
    district_col: str = "bezirk_id",
    name_col: str = "name",
    schools: gpd.GeoDataFrame | None = None,
    lang: str | None = None,
) -> SchoolEntry:
    """School-entry cohorts per area and catchment: ``base_year`` observed, ``years`` projected."""
    key, names, source = school_catchments(
        areas,
        districts=districts,
        district_col=district_col,
        name_col=name_col,
        schools=schools,
        lang=lang,
    )
    idx = areas.index.astype(str)
    per = pd.DataFrame({"bezirk": key.reindex(idx)}, index=idx)
    all_years = (int(base_year), *(int(y) for y in years if int(y) != int(base_year)))
    for y in all_years:
        src = population if y == base_year else projection
        per[f"einschulung_{y}"] = _cohort(src, age, y, scenario).reindex(idx)
    cols = [f"einschulung_{y}" for y in all_years]
    dist = per.groupby("bezirk")[cols].sum(min_count=1)
    dist.insert(0, "gebiete", per.groupby("bezirk").size())
    dist.insert(0, "name", names.reindex(dist.index).fillna(pd.Series(dist.index, dist.index)))
    if len(all_years) > 1:
        a, b = dist[cols[0]], dist[cols[-1]]
        with np.errstate(divide="ignore", invalid="ignore"):
            dist["veraenderung_proz"] = np.where(a > 0, (b - a) / a * 100.0, np.nan)
    return SchoolEntry(per, dist, all_years, scenario if years else None, source, int(age))
