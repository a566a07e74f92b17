"""Chapters "Kita-Planung" and "Grundschulen": the numbers of the one Kita result, per level."""

from __future__ import annotations

from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest

from sozialraum.core.numbers import format_number
from sozialraum.demography.kita import (
    KitaParams,
    kita_changes,
    kita_column,
    kita_places,
    kita_planning,
    kita_what_if,
)
from sozialraum.demography.schulen import school_entry
from sozialraum.report import kapitel
from sozialraum.report.data import _kita_planning, _school_planning
from sozialraum.report.kapitel.kita import kita_chapter, kita_section
from sozialraum.report.kapitel.schulen import schools_chapter, schools_section

from .conftest import EX, make_report_data


@pytest.fixture(scope="module")
def kita_state(musterland_results, population):
    areas = musterland_results["areas"]
    fac = gpd.read_file(EX / "einrichtungen.gpkg", layer="einrichtungen")
    kitas = fac[fac["kategorie"] == "Kita"].set_index("id")
    tab = pd.read_csv(EX / "kita_plaetze.csv", sep=";", dtype={"id": str}).set_index("id")
    kitas = kitas.join(tab)
    places = kita_places(
        kitas,
        {k: k for k in ("krippe", "kindergarten", "hort", "tagespflege")},
        capacity_col="kapazitaet",
    )
    gem = areas["ags"].astype(str)
    res = kita_planning(
        areas, kitas, places, population, KitaParams(), base_year=2024, gemeinde=gem
    )
    changes = kita_changes([{"art": "schliessung", "id": "KITA001"}])
    wi = kita_what_if(
        areas,
        kitas,
        places,
        population,
        KitaParams(),
        changes,
        base_year=2024,
        gemeinde=gem,
        before=res,
    )
    schools = fac[fac["kategorie"] == "Grundschule"].set_index("name")
    entry = school_entry(areas, population, base_year=2024, schools=schools)
    dist = pd.Series(1000.0, index=areas.index.astype(str))
    state = SimpleNamespace(
        kita={"result": res, "what_if": wi, "facts": {}, "scenario": "mittel"},
        schulen={"entry": entry, "access": "Grundschule"},
        access={"Grundschule": {"areas": pd.DataFrame({"distance_m": dist})}},
    )
    return state


def _data(musterland_results, state, **kw):
    res = state.kita["result"]
    planning = {"kita": _kita_planning(state), "schulen": _school_planning(state)}
    base = make_report_data(musterland_results, planning=planning, **kw)
    wide = res.wide()
    areas = base.areas.join(wide.reindex(base.areas.index.astype(str)).set_axis(base.areas.index))
    base.areas = gpd.GeoDataFrame(areas, geometry="geometry", crs=base.areas.crs)
    return base


def test_chapter_prints_the_municipal_deficits_of_the_result(musterland_results, kita_state):
    data = _data(musterland_results, kita_state)
    ch = kita_chapter(data, {}, "de")
    assert ch.title == "Kita-Planung"
    gem_table = ch.tables[0]
    res = kita_state.kita["result"]
    d = res.deficit("kindergarten", unit="gemeinden")
    col = gem_table.columns.index("Ü3 (3–5) 2024")
    names = data.gemeinden["gemeinde"].astype(str)
    for row in gem_table.rows[:-1]:
        ags = names[names == row[0]].index[0]
        assert row[col] == format_number(d[ags], 0, "de")
    assert gem_table.rows[-1][col] == format_number(d.sum(), 0, "de")
    # the areas with the most missing places: the same numbers as the area frame
    area_table = ch.tables[-1]
    top = area_table.rows[0]
    k = data.areas.index[data.areas[data.name_col] == top[0]][0]
    assert top[1] == format_number(res.deficit("krippe")[str(k)], 0, "de")
    # what-if: closing KITA001 adds missing places
    wi = ch.sections[0]
    assert wi.key == "kita_was_waere_wenn" and "Schließung KITA001" in wi.paragraphs[0]


def test_section_area_and_municipality(musterland_results, kita_state):
    data = _data(musterland_results, kita_state)
    res = kita_state.kita["result"]
    key = str(res.deficit("kindergarten").idxmax())
    sec = kita_section(data, "sozialraum", key, {}, "de")
    row = sec.tables[0].rows[1]
    assert row[0].startswith("Ü3")
    assert row[4] == format_number(res.deficit("kindergarten")[key], 0, "de")
    ags = str(data.areas.loc[key, "ags"])
    sec = kita_section(data, "gemeinde", ags, {}, "de")
    want = res.deficit("kindergarten", unit="gemeinden")[ags]
    assert sec.tables[0].rows[1][4] == format_number(want, 0, "de")


def test_area_values_only_where_released(musterland_results, kita_state):
    """Without the Kita columns in the areas frame (e.g. public): no area table, no area section."""
    data = make_report_data(
        musterland_results,
        planning={"kita": _kita_planning(kita_state)},
    )
    ch = kita_chapter(data, {}, "de")
    assert all("meisten fehlenden" not in t.caption for t in ch.tables)
    assert kita_section(data, "sozialraum", data.areas.index[0], {}, "de") is None


def test_no_topic_no_chapter(musterland_results):
    data = make_report_data(musterland_results)
    assert kapitel.report_chapters(data, {}, "de") == []
    keys = kapitel.chapter_keys()
    assert keys.index("schulen") == keys.index("kita") + 1


def test_schools_chapter_cohorts_per_catchment(musterland_results, kita_state, population):
    data = _data(musterland_results, kita_state)
    ch = schools_chapter(data, {}, "de")
    assert ch.title == "Grundschulen"
    e = kita_state.schulen["entry"]
    table = ch.tables[0]
    total = table.rows[-1][table.columns.index("Einschulung 2024")]
    six = population[population["alter"] == 6]["anzahl"].sum()
    assert total == format_number(six, 0, "de")  # every six-year-old in one catchment
    assert e.districts["einschulung_2024"].sum() == six
    key = str(data.areas.index[0])
    sec = schools_section(data, "sozialraum", key, {}, "de")
    assert "1.000 m" in sec.paragraphs[0]


def test_small_cohorts_are_not_printed_outside_intern(musterland_results, kita_state):
    from sozialraum.report.kapitel.schulen import _count

    assert _count(2.0, "oeffentlich", "de") != "2"
    assert _count(2.0, "intern", "de") == "2"
    assert _count(0.0, "oeffentlich", "de") == "0"


def test_column_names_are_the_result_columns(kita_state):
    wide = kita_state.kita["result"].wide()
    assert kita_column("hort", "defizit") in wide.columns


def test_chapters_in_english(musterland_results, kita_state):
    data = _data(musterland_results, kita_state)
    ch = kita_chapter(data, {}, "en")
    assert ch.title == "Kita planning" and "Missing places" in ch.tables[0].caption
    assert ch.tables[0].rows[0][1] == format_number(
        kita_state.kita["result"].deficit("krippe", unit="gemeinden").iloc[0], 0, "en"
    )
    assert schools_chapter(data, {}, "en").title == "Primary schools"
