"""Sozialbericht chapter "Angebote": offers per municipality and theme, per target group."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from sozialraum.access.offers import THEMES

from .conftest import EX, make_report_data


@pytest.fixture(scope="module")
def offers_planning(musterland_results):
    areas = musterland_results["areas"]
    fac = gpd.read_file(EX / "einrichtungen.gpkg", layer="einrichtungen")
    offers = pd.DataFrame(
        {c: fac[c].astype("string") for c in ("sr_id", "thema", "zielgruppe", "name")}
    )
    return {"offers": offers, "gemeinde_of": areas["ags"].astype(str).to_dict(), "fac": fac}


def _data(m, p, level="intern"):
    data = make_report_data(m, planning={"angebote": {k: v for k, v in p.items() if k != "fac"}})
    object.__setattr__(data, "level", level)
    return data


def test_offers_per_municipality_and_theme_count_the_register(musterland_results, offers_planning):
    from sozialraum.report.kapitel import report_chapters

    m = musterland_results
    ch = next(
        c for c in report_chapters(_data(m, offers_planning), {}, "de") if c.key == "angebote"
    )
    assert ch.title == "Angebote"
    assert "103 Angebote im Landkreis" in ch.paragraphs[0]
    tab = ch.tables[0]
    assert tab.columns == ("Gemeinde", *THEMES, "insgesamt")
    assert len(tab.rows) == len(m["gemeinden"]) + 1 and tab.rows[-1][0].startswith("Landkreis")
    # reference: the municipality key is the first eight digits of the area key
    fac = offers_planning["fac"]
    ref = pd.crosstab(fac["sr_id"].astype(str).str[:8], fac["thema"])
    names = dict(zip(m["gemeinden"].index, m["gemeinden"]["gemeinde"], strict=True))
    rows = {r[0]: r for r in tab.rows}
    for gem, r in ref.iterrows():
        row = rows[names[gem]]
        for i, th in enumerate(THEMES, start=1):
            assert row[i] == str(int(r.get(th, 0))), (gem, th)
        assert row[-1] == str(int(r.sum()))
    assert tab.rows[-1][-1] == "103"
    # per target group: every offer once
    grp = ch.tables[1]
    assert sum(int(r[-1]) for r in grp.rows) == len(fac)
    assert grp.rows[0][-1] == str(fac["zielgruppe"].value_counts().iloc[0])  # largest first


def test_chapter_is_the_same_at_every_level_and_absent_without_offers(
    musterland_results, offers_planning
):
    from sozialraum.report.kapitel.angebote import offers_chapter

    m = musterland_results
    a = offers_chapter(_data(m, offers_planning), {}, "de")
    b = offers_chapter(_data(m, offers_planning, "oeffentlich"), {}, "de")
    assert a == b  # offers are public places: nothing to hide
    assert offers_chapter(make_report_data(m), {}, "de") is None
    en = offers_chapter(_data(m, offers_planning), {}, "en")
    assert en.title == "Offers" and en.tables[0].columns[-1] == "total"
    assert en.tables[0].columns[0] == "Municipality"
