"""Chapters and profile sections of the planning cycle: Förderkulisse, Maßnahmen, Empfehlungen."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from sozialraum.atlas.effect import EffectResult
from sozialraum.planning import PriorityRules, select_priority_areas, target_progress
from sozialraum.planning.recommendations import Recommendations
from sozialraum.privacy import make_release
from sozialraum.report import kapitel, report_data_from_release
from sozialraum.report.bericht import bericht_context
from sozialraum.report.render import make_environment
from sozialraum.report.steckbrief import area_context

AREA = "07999001005"


def _planning(areas) -> dict:
    recs = Recommendations(
        pd.DataFrame(
            [
                {
                    "ebene": "gemeinde",
                    "schluessel": "07999001",
                    "art": "empfehlung",
                    "text": "**Kita** ausbauen <script>alert(1)</script>",
                    "zeile": 2,
                },
                {
                    "ebene": "sozialraum",
                    "schluessel": AREA,
                    "art": "zielvereinbarung",
                    "text": "- eins\n- *zwei*",
                    "zeile": 3,
                },
            ]
        ),
        "empfehlungen.xlsx",
    )
    rules = PriorityRules(
        status_classes=("sehr niedrig",),
        deficit_column="kinderarmut",
        deficit_threshold=30.0,
        min_population=500,
        budget=100_000.0,
        deficit_label="Kinderarmut",
    )
    prio = select_priority_areas(pd.DataFrame(areas.drop(columns="geometry")), rules)
    reg = pd.DataFrame(
        [
            {
                "name": "Quartiersmanagement",
                "theme": "Soziale Stadt",
                "start_date": "2023-01-01",
                "end_date": "2026-12-31",
                "targets": ["kinderarmut"],
                "areas": [AREA],
                "version": "v",
                "description": "",
                "status": "laufend",
                "traeger": "Stadt",
                "zielindikator": "kinderarmut",
                "zielwert": 24.0,
                "zieldatum": "2026-12-31",
            }
        ],
        index=pd.Index(["QM-1"], name="measure_id"),
    )
    eff = pd.DataFrame(
        [
            {
                "label": "Kinderarmut",
                "vorher": 2022,
                "nachher": 2024,
                "massnahme_vorher": 30.0,
                "massnahme_nachher": 27.0,
                "vergleich_vorher": 20.0,
                "vergleich_nachher": 19.5,
                "massnahme_veraenderung": -3.0,
                "vergleich_veraenderung": -0.5,
                "differenz": -2.5,
                "bewertung": "günstiger als im Vergleich",
                "hinweis": "beschreibend, nicht kausal",
            }
        ],
        index=pd.Index(["kinderarmut"], name="indikator"),
    )
    note = "Beschreibend, nicht kausal: Vorher-Nachher-Vergleich."
    return {
        "empfehlungen": recs,
        "prioritaet": prio,
        "massnahmen": {
            "register": reg,
            "effects": {"QM-1": EffectResult(eff, {}, note)},
            "progress": {"QM-1": target_progress(30.0, 27.0, 24.0)},
            "ohne_wirkung": {},
        },
    }


def _report(data) -> str:
    ctx = bericht_context(data, lang="de", charts_on=False)
    html = (
        make_environment(None, "de")
        .get_template("sozialbericht.html.j2")
        .render(b=ctx, settings={}, title="T", lang="de", level=data.level)
    )
    return html.replace("\u00a0", " ")


@pytest.fixture(scope="module")
def intern(musterland_results):
    from .conftest import make_report_data

    d = make_report_data(musterland_results)
    return dataclasses.replace(d, planning=_planning(d.areas))


def test_chapters_registered_in_reading_order():
    assert kapitel.chapter_keys()[-3:] == ["empfehlungen", "prioritaet", "massnahmen"]


def test_internal_report_shows_all_three_chapters(intern):
    html = _report(intern)
    for title in ("Förderkulisse", "Maßnahmen", "Handlungsempfehlungen und Zielvereinbarungen"):
        assert f"{title}</h2>" in html
    # recommendations: safe Markdown, everything else escaped
    assert "<strong>Kita</strong> ausbauen &lt;script&gt;" in html and "<script>alert" not in html
    assert "<ul><li>eins</li><li><em>zwei</em></li></ul>" in html
    # measures: target, progress, effect view labelled "nicht kausal"
    assert (
        "Kinderarmut (SGB II unter 15) 24,0 bis Dez. 2026" in html
        and "50 % des Wegs zum Ziel" in html
    )
    assert "Wirkungsansicht (beschreibend, nicht kausal)" in html and ">-2,5</td>" in html
    # priority: reasons with numbers, allocation key and sensitivity in the internal report
    prio = intern.planning["prioritaet"]
    first = prio.selected[0]
    assert prio.frame.at[first, "prio_gruende"] in html
    assert "Empfindlichkeit der Regel" in html and "Verteilschlüssel" in html


def test_small_area_flagged_in_the_report(intern):
    rules = dataclasses.replace(intern.planning["prioritaet"].rules, min_population=2000)
    prio = select_priority_areas(pd.DataFrame(intern.areas.drop(columns="geometry")), rules)
    assert prio.flagged  # areas in need below 2.000 inhabitants
    data = dataclasses.replace(intern, planning={"prioritaet": prio})
    html = _report(data)
    assert "Prüffälle (unter der Mindestgröße)" in html
    small = prio.flagged[0]
    assert data.name(small) in html and "&lt; 2.000: Prüffall" in html
    assert small not in prio.selected and pd.isna(prio.frame.at[small, "prio_rang"])


def test_profile_sections(intern):
    ctx = area_context(intern, AREA, lang="de", charts_on=False)
    keys = [s.key for s in ctx["sections"]]
    assert "massnahmen" in keys and "empfehlungen" in keys and "prioritaet" in keys
    sec = {s.key: s for s in ctx["sections"]}
    assert "Gebiete" not in sec["massnahmen"].tables[0].columns  # no count beside the area's name
    assert str(sec["empfehlungen"].sections[0].rich[0]).startswith("<ul>")


def test_public_report_shows_membership_but_no_numbers_of_single_areas(intern, inputs, make_rdata):
    rel = make_release(make_rdata(inputs), "oeffentlich")
    pub = dataclasses.replace(report_data_from_release(rel, inputs), planning=intern.planning)
    html = _report(pub)
    assert "Förderkulisse</h2>" in html and "Maßnahmen</h2>" in html
    prio = intern.planning["prioritaet"]
    assert intern.name(prio.selected[0]) in html
    assert "Einwohner ≥" not in html and "Empfindlichkeit der Regel" not in html
    assert "des Wegs zum Ziel" not in html and "Wirkungsansicht (beschreibend" not in html
    assert "stehen im internen Bericht" in html
    # no number of a single area, no indicator label with its digits, no counts
    chapter = html[html.index('id="kap-massnahmen"') : html.index('id="kap-empfehlungen"')]
    assert "24,0" not in chapter and "SGB II unter 15" not in chapter
    assert "Die folgenden Sozialräume gehören zur Förderkulisse" in html
    prio_html = html[html.index('id="kap-prioritaet"') : html.index('id="kap-massnahmen"')]
    assert "Kinderarmut ab der Schwelle" in prio_html and "≥ 30" not in prio_html
    profile = area_context(pub, AREA, lang="de", charts_on=False)
    sec = next(s for s in profile["sections"] if s.key == "massnahmen")
    assert sec.tables[0].columns == ("Maßnahme", "Thema", "Zeitraum", "Status", "Träger")
