"""Reports beyond ``intern`` are made from a checked Release and show all their level allows."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from sozialraum.core.numbers import format_number
from sozialraum.errors import InputError
from sozialraum.privacy import LevelRule, ReleasePolicy, make_release
from sozialraum.report import (
    ReportData,
    area_context,
    bericht_context,
    report_data,
    report_data_from_release,
    write_steckbriefe,
)

BIRTH_AREA = "07999009001"  # 1 birth in 2024


@pytest.fixture(scope="module")
def rdata(inputs, make_rdata):
    return make_rdata(inputs)


def _text(files) -> str:
    html = "\n".join(p.read_text(encoding="utf-8") for p in files if p.suffix == ".html")
    return re.sub(r"data:[^\"]+", "", html).replace("\u00a0", " ")


def test_regression_public_profile_prints_no_birth_rate_of_one_birth(inputs, rdata, tmp_path):
    """The public profile of 07999009001 printed the birth rate "1,4 ‰" of a single birth."""
    rate = inputs.areas.at[BIRTH_AREA, "geburtenrate"]
    assert inputs.areas.at[BIRTH_AREA, "geburten"] == 1
    printed = format_number(rate, 1) + " ‰"
    intern = write_steckbriefe(
        report_data(inputs),
        tmp_path / "intern",
        areas=[BIRTH_AREA],
        municipalities=False,
        pdf=False,
        combined=False,
    )
    assert printed in _text(intern)  # the internal profile shows it ...
    for pol in (
        ReleasePolicy(),
        ReleasePolicy(oeffentlich=LevelRule(sozialraeume=("geburtenrate", "geburten"))),
    ):
        rel = make_release(rdata, "oeffentlich", policy=pol)
        files = write_steckbriefe(
            report_data_from_release(rel, inputs),
            tmp_path / "pub",
            areas=[BIRTH_AREA],
            municipalities=True,
            pdf=False,
            combined=False,
        )
        assert printed not in _text(files)  # ... the public one never


def test_report_data_beyond_intern_needs_a_release(inputs, rdata):
    with pytest.raises(InputError, match="Release"):
        report_data(inputs, level="oeffentlich")
    intern = report_data(inputs)
    with pytest.raises(InputError, match="Release"):
        dataclasses.replace(intern, level="kommunal")
    with pytest.raises(InputError, match="Release"):
        report_data_from_release(object(), inputs)
    rel = make_release(rdata, "kommunal", "07999001")
    with pytest.raises(InputError, match="kommunal"):
        ReportData(areas=inputs.areas, catalogue=inputs.catalogue, level="oeffentlich", release=rel)


def test_release_values_replace_whatever_was_passed(inputs, rdata):
    """A report of a level shows the release's frames, not the internal ones it was handed."""
    rel = make_release(rdata, "oeffentlich")
    d = report_data_from_release(rel, inputs)
    assert "sgb2_quote" not in d.areas.columns and "ew_ges" not in d.areas.columns
    assert d.previous is None and d.population is None and d.access is None
    assert d.name("07999001001") == "Altstadt"
    assert d.gemeinde_name("07999001") == "Musterstadt"
    # indices coarsened to one decimal; the one-indicator dimension withheld
    idx = d.areas["idx_gesamt"].dropna()
    np.testing.assert_allclose(idx * 10, np.round(idx * 10))
    assert d.areas["idx_gesundheit_pflege"].isna().all()


def test_municipal_ranks_among_own_areas_only(inputs, rdata):
    rel = make_release(rdata, "kommunal", "07999001")
    d = report_data_from_release(rel, inputs)
    own = rel.own_areas()
    key = own[0]
    rows = {r["id"]: r for r in area_context(d, key, charts_on=False)["rows"]}
    vis = d.areas.loc[own, "sgb2_quote"].dropna()
    assert len(vis) < len(d.areas)
    rank = int((vis > vis[key]).sum()) + 1  # need indicator: 1 = highest
    assert rows["sgb2_quote"]["rank"] == f"{rank} / {len(vis)}"
    # another municipality's area shows no value
    other = next(k for k in d.areas.index if k not in own)
    rows = {r["id"]: r for r in area_context(d, other, charts_on=False)["rows"]}
    assert rows["sgb2_quote"]["value"] == "geheim" and rows["sgb2_quote"]["rank"] == "–"


def test_public_sozialbericht_shows_everything_its_level_allows(inputs, rdata):
    rel = make_release(rdata, "oeffentlich")
    d = report_data_from_release(rel, inputs)
    b = bericht_context(d, charts_on=False)
    pop = rel.frame("kreis")["ew_ges"].iloc[0]
    assert pop == inputs.kreis["ew_ges"].iloc[0]
    assert f"{format_number(pop, 0)} Einwohner" in b["summary"][0]
    over = {r["label"]: r for r in b["overview"]}
    sgb = over["SGB-II-Quote"]
    assert sgb["district"] == format_number(inputs.kreis["sgb2_quote"].iloc[0], 1) + " %"
    g = rel.frame("gemeinden")["sgb2_quote"].dropna()
    assert sgb["min"] == format_number(g.min(), 1) + " %" and sgb["n"] == f"{len(g)} Gemeinden"
    # the change of classes against the previous year
    cc = b["class_changes"]
    assert cc["rows"]
    cur = d.areas["status_klasse"].where(d.areas["bewertet"].astype(bool))
    for r in cc["rows"]:
        assert r["cur"] == format_number(int((cur == r["klasse"]).sum()), 0)
    # ranking: no index column, ranks only among the (coarsened) index values shown
    assert b["show_index"] is False
    ranked = [r for r in b["ranking"] if r["rank"] != "–"]
    assert len(ranked) == int(d.areas["idx_gesamt"].notna().sum())


def test_public_sozialbericht_html_has_totals_and_no_area_rate(inputs, rdata, tmp_path):
    from sozialraum.report import write_sozialbericht

    rel = make_release(rdata, "oeffentlich")
    html = _text(write_sozialbericht(report_data_from_release(rel, inputs), tmp_path, pdf=False))
    assert "Keine Vorjahreswerte" not in html and "Statusklassen" in html
    pop = rel.frame("kreis")["ew_ges"].iloc[0]
    assert f"{format_number(pop, 0)} Einwohner" in html
    assert not re.search(r"\bnan\b", html, re.I)
    # the rates of areas are not public: none of them is printed (e.g. the 1-birth area's)
    rate = inputs.areas.at[BIRTH_AREA, "geburtenrate"]
    assert f"<td>{format_number(rate, 1)} ‰</td>" not in html


def test_regression_methods_annex_is_a_method_note(inputs, rdata, tmp_path):
    """Pinned: the annex (formulas "× 100", parameters such as "Gebiete ohne Nachbarn
    07999002010", the catalogue) was read by the release check as data of that area.
    It is marked ``data-methode``: the one mark for template text that is never data."""
    from sozialraum.privacy.checker import _METHOD_RE
    from sozialraum.report import write_sozialbericht

    rel = make_release(rdata, "oeffentlich")
    files = write_sozialbericht(report_data_from_release(rel, inputs), tmp_path, pdf=False)
    html = _text(files)
    notes = " ".join(m.group(0) for m in _METHOD_RE.finditer(html))
    assert "Indikatoren und Datenquellen" in notes and "ew_ges" in notes
    assert "Formeln" in notes and "Nachbarschaftsgewichte" in notes
    # the chapter of areas not rated is data (keys, names, population): not a note
    assert "Nicht bewertete Gebiete" in html and "Nicht bewertete Gebiete" not in notes


def test_municipal_and_internal_profile_share_one_chart(inputs, rdata):
    """Regression: the internal profile plotted full-precision indices, the municipal one the
    release's rounded indices, so every area's profile chart was drawn twice."""
    from sozialraum.report import charts

    # one-indicator indices shown too: the release shows every index the internal profile has
    pol = ReleasePolicy(index_decimals=2, min_indicators=1)
    rel = make_release(rdata, "kommunal", "07999001", policy=pol)
    kom = report_data_from_release(rel, inputs)
    intern = report_data(inputs)
    assert kom.index_decimals == 2 and intern.index_decimals == 1
    two = dataclasses.replace(
        intern, planning={**intern.planning, "freigabe": {"index_decimals": 2}}
    )
    key = rel.own_areas()[0]
    idx = [c for c in kom.areas.columns if c.startswith("idx_") and kom.areas[c].dtype.kind == "f"]
    assert idx and kom.areas.loc[key, idx].notna().any()
    with charts.shared_charts() as cache:
        mine = area_context(kom, key)["images"]["profil"]
        hits = cache.hits
        same_policy = area_context(two, key)["images"]["profil"]
        assert cache.hits > hits and same_policy == mine  # one drawing for both levels
        default = area_context(intern, key)["images"]["profil"]
    assert default != mine  # indices at one decimal (the default policy): another chart
