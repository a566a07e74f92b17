"""Chapters "Regionen" and "Hilfen zur Erziehung", sections "Regionen" and "Angebote":
built from the Musterland files, rendered, and no small count in a public chapter."""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest

from sozialraum.report.bericht import bericht_context
from sozialraum.report.render import make_environment

from .conftest import EX, make_report_data


@pytest.fixture(scope="module")
def planning(musterland_results):
    from sozialraum.access.offers import offer_inventory
    from sozialraum.join.regions import read_region_set, region_index, rollup_region_set
    from sozialraum.monitor.hze import hze_figures, read_hze_cases

    m = musterland_results
    y = m["year"]
    areas = m["areas"]
    frame = gpd.GeoDataFrame(areas[["ags", "geometry"]].join(m["counts"][y]), crs=areas.crs)

    class Out:  # the run's RegionOutcome, without the pipeline
        def __init__(self, s, r, i):
            self.set, self.rollup, self.index = s, r, i

    outcomes = {}
    for name, col, stage in (("Ämter", "amt", "Amt"), ("LEADER-Regionen", "leader", None)):
        rs = read_region_set(
            EX / "regionen.csv",
            name=name,
            member_col="ags",
            region_col=col,
            name_col=f"{col}_name",
            stage=stage,
        )
        rolled = rollup_region_set(
            rs,
            frame,
            gemeinde_col="ags",
            status=m["status"][y],
            catalogue=m["catalogue"].indicators,
        )
        ri = region_index(
            rolled.frame,
            m["monitor"],
            m["catalogue"],
            population=m["counts"][y]["ew_ges"],
            min_denominator=300,
        )
        outcomes[name] = Out(rs, rolled, ri)
    names = dict(zip(m["gemeinden"].index, m["gemeinden"]["gemeinde"], strict=True))
    cases = read_hze_cases(EX / "hze_faelle.csv", areas=areas.index)
    pop = {yy: c["ew_0_20"] for yy, c in m["counts"].items()}
    hze = hze_figures(cases, gemeinde_of=areas["ags"], population_u21=pop, all_areas=areas.index)
    fac = gpd.read_file(EX / "einrichtungen.gpkg", layer="einrichtungen")
    offers = pd.DataFrame(
        {c: fac[c].astype("string") for c in ("sr_id", "thema", "zielgruppe", "name")}
    )
    return {
        "regionen": {"outcomes": outcomes, "names": names, "gemeinde_col": "ags"},
        "hze": {"result": hze, "threshold": 2, "names": names},
        "angebote": {
            "offers": offers,
            "inventory": offer_inventory(offers, areas=list(areas.index)),
            "gemeinde_of": areas["ags"].astype(str).to_dict(),
        },
    }


def _render(data):
    ctx = bericht_context(data, lang="de", charts_on=False)
    return ctx, (
        make_environment(None, "de")
        .get_template("sozialbericht.html.j2")
        .render(b=ctx, settings={}, title="T", lang="de", level=data.level)
    )


def test_regions_and_hze_chapters_render_intern(musterland_results, planning):
    data = make_report_data(musterland_results, planning=planning)
    ctx, html = _render(data)
    keys = [c.key for c in ctx["chapters"]]
    assert keys[:2] == ["regionen", "hze"]
    assert "Amt Heidefeld-Wendischbrück" in html and "LEADER-Region Spreeheide" in html
    assert "Hilfen zur Erziehung" in html and "§ 42 Inobhutnahme" in html
    assert "bewerteten Sozialräume" in html  # the reference of the regions' index is named
    reg = ctx["chapters"][0]
    amt = next(s for s in reg.sections if s.title.startswith("Ämter"))
    assert len(amt.tables[0].rows) == 6  # four Ämter and two amtsfreie towns
    assert len(amt.tables) == 2  # intern: the rates per region too


def test_public_chapters_show_no_small_count_and_no_region_counts(musterland_results, planning):
    from sozialraum.report.kapitel.hze import hze_chapter
    from sozialraum.report.kapitel.regionen import regions_chapter

    data = make_report_data(musterland_results, planning=planning)
    object.__setattr__(data, "level", "oeffentlich")  # the builders read only data.level here
    hze = hze_chapter(data, {}, "de")
    assert hze.notes and "gesperrt" in hze.notes[0]
    for tab in hze.tables:
        for row in tab.rows:
            for c, cell in zip(tab.columns, row[1:], strict=False):
                if c in ("laufend", "begonnen", "beendet"):
                    assert cell == "•" or not re.fullmatch(r"[12]", cell), (row, c)
    reg = regions_chapter(data, {}, "de")
    for sec in reg.sections:
        assert len(sec.tables) == 1
        assert (
            "Einwohner" not in sec.tables[0].columns and "Gesamtindex" not in sec.tables[0].columns
        )


def test_profile_sections_regions_and_offers(musterland_results, planning):
    from sozialraum.report.kapitel import profile_sections

    data = make_report_data(musterland_results, planning=planning)
    secs = profile_sections(data, "gemeinde", "07999003", {}, "de")
    assert [s.key for s in secs] == ["regionen", "angebote", "hze"]
    assert any("Amt Heidefeld-Wendischbrück" in p for p in secs[0].paragraphs)
    themes = [r[0] for r in secs[1].tables[0].rows]
    assert themes[:4] == [
        "Gesundheit",
        "Bildung & Freizeit",
        "Leben & Wohnen",
        "Förderung, Beratung & Hilfe",
    ]
    # the area's offers: counts per theme match the register
    fac = planning["angebote"]["offers"]
    key = str(fac["sr_id"].iloc[0])
    sec = profile_sections(data, "sozialraum", key, {}, "de")[1]
    want = fac[fac["sr_id"] == key]["thema"].value_counts()
    got = {r[0]: int(r[1]) for r in sec.tables[0].rows}
    for th, n in want.items():
        assert got[th] == n


def test_chapters_in_english(musterland_results, planning):
    from sozialraum.report.kapitel import profile_sections, report_chapters

    data = make_report_data(musterland_results, planning=planning)
    chs = report_chapters(data, {}, "en")
    assert [c.title for c in chs[:2]] == ["Regions", "Educational support (HzE)"]
    assert "per 1,000 under 21" in chs[1].tables[0].columns
    assert chs[1].paragraphs[0].startswith("In 2024, ")
    secs = profile_sections(data, "gemeinde", "07999003", {}, "en")
    assert secs[1].tables[0].columns == ("Theme", "Number", "Offers (selection)")
