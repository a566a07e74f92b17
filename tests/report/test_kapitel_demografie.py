"""The chapter "Demografie" and the Steckbrief section, rendered with the Musterland data."""

from __future__ import annotations

import dataclasses

import pytest

from sozialraum.core.numbers import format_number
from sozialraum.demography import project, read_population
from sozialraum.demography.products import projection_figures
from sozialraum.demography.settings import DemographySettings, projection_arguments
from sozialraum.report.bericht import bericht_context
from sozialraum.report.render import make_environment
from sozialraum.report.steckbrief import area_context, gemeinde_context

from .conftest import EX, make_inputs, make_release_data

AREA, GEM = "07999001001", "07999001"


@pytest.fixture(scope="module")
def projected():
    pop = read_population([EX / f"bevoelkerung_alter_{y}.csv" for y in range(2020, 2025)])
    settings = DemographySettings(
        horizon=11,
        rates=EX / "demografie_raten.csv",
        control=EX / "landesvorausberechnung.csv",
    )
    res = project(pop, **projection_arguments(settings, 2024))
    return res, projection_figures(res, threshold=2)


@pytest.fixture(scope="module")
def demo_inputs(musterland_results, projected):
    """Report inputs with the projection as the run adds it (areas, municipalities, district)."""
    res, figs = projected
    base = make_inputs(musterland_results)
    areas, status = figs.join_areas(base.areas, base.status)
    gem, gst = base.gemeinden.copy(), base.gemeinden_status.copy()
    gv, gs = figs.units(base.areas["ags"])
    kreis, kst = base.kreis.copy(), base.kreis_status.copy()
    kv, ks = figs.total()
    for col in gv.columns:
        gem[col], gst[col] = gv[col].reindex(gem.index), gs[col].reindex(gst.index)
        kreis[col], kst[col] = kv[col].to_numpy(), ks[col].to_numpy()
    planning = {"demografie": {"figures": figs, "params": res.params, "constrained": True}}
    return dataclasses.replace(
        base,
        areas=areas,
        status=status,
        gemeinden=gem,
        gemeinden_status=gst,
        kreis=kreis,
        kreis_status=kst,
        planning=planning,
    )


def _html(template, **ctx):
    return make_environment(None, "de").get_template(template).render(**ctx)


def test_chapter_renders_structure_projection_band_and_alt_text(demo_inputs, projected):
    from sozialraum.report import report_data

    _res, figs = projected
    data = report_data(demo_inputs)
    ctx = bericht_context(data, lang="de", charts_on=False)
    chapter = next(c for c in ctx["chapters"] if c.key == "demografie")
    struct, proj = chapter.sections
    assert "Wanderungssaldo der 18- bis 24-Jährigen je 1.000 (‰)" in struct.tables[0].columns
    gem_value = figs.units(data.areas["ags"])[0].loc[GEM, "prog_ew_2035"]
    row = next(r for r in proj.tables[0].rows if r[0] == "Musterstadt")
    assert row[1] == format_number(gem_value, 0, "de")
    # the district hits the Land's total of 2035, main scenario (landesvorausberechnung.csv)
    assert proj.tables[0].rows[-1][1] == "101.954"
    fig = proj.figures[0]
    assert fig.uri.startswith("data:image/png;base64,") and "das Band reicht 2035" in fig.alt
    assert "Landesvorausberechnung" in " ".join(proj.paragraphs)
    html = _html("sozialbericht.html.j2", b=ctx, settings={}, title="T", lang="de", level="intern")
    assert "Demografie</h2>" in html and "101.954" in html and 'alt="Liniendiagramm' in html


def test_sections_for_area_and_municipality(demo_inputs, projected):
    from sozialraum.report import report_data

    _res, figs = projected
    data = report_data(demo_inputs)
    ctx = area_context(data, AREA, lang="de", charts_on=False)
    sec = next(s for s in ctx["sections"] if s.key == "demografie")
    values = dict(sec.tables[0].rows)
    ew = figs.areas()[0].loc[AREA, "prog_ew_2035"]
    assert values["Einwohner 2035 (Vorausberechnung, Mittlere Zuwanderung)"] == format_number(
        ew, 0, "de"
    )
    assert sec.figures and "Altstadt" in sec.figures[0].alt
    gctx = gemeinde_context(data, GEM, lang="en", charts_on=False)
    gsec = next(s for s in gctx["sections"] if s.key == "demografie")
    assert gsec.title == "Demography" and "Musterstadt" in gsec.figures[0].alt


def test_public_profile_shows_change_not_projected_counts(demo_inputs):
    """Outside intern only what the release carries: change and shares per area, no counts."""
    from sozialraum.privacy import make_release
    from sozialraum.report import report_data_from_release

    rel = make_release(make_release_data(demo_inputs), "oeffentlich")
    assert "prog_ew_2035" not in rel.frame("areas").columns
    assert "prog_veraenderung_2035" in rel.frame("areas").columns
    assert "prog_ew_2035" in rel.frame("gemeinden").columns
    data = report_data_from_release(rel, demo_inputs)
    sec = next(
        s
        for s in area_context(data, AREA, lang="de", charts_on=False)["sections"]
        if s.key == "demografie"
    )
    labels = [r[0] for r in sec.tables[0].rows]
    assert not [lab for lab in labels if lab.startswith("Einwohner 2035")]
    assert any(lab.startswith("Veränderung der Einwohnerzahl") for lab in labels)
    assert not sec.figures  # the line would show the area's projected counts
