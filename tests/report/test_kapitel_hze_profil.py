"""Steckbrief section "Hilfen zur Erziehung": the municipality's cells of the HzE chapter,
protected exactly as there; area profiles only internally."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from .conftest import EX, make_report_data

_RUN, _RATE, _NEW, _END = 1, 2, 3, 4


@pytest.fixture(scope="module")
def hze_planning(musterland_results):
    from sozialraum.monitor.hze import hze_figures, read_hze_cases

    m = musterland_results
    areas = m["areas"]
    names = dict(zip(m["gemeinden"].index, m["gemeinden"]["gemeinde"], strict=True))
    cases = read_hze_cases(EX / "hze_faelle.csv", areas=areas.index)
    pop = {yy: c["ew_0_20"] for yy, c in m["counts"].items()}
    hze = hze_figures(cases, gemeinde_of=areas["ags"], population_u21=pop, all_areas=areas.index)
    return {"hze": {"result": hze, "threshold": 2, "names": names}, "cases": cases}


def _data(m, planning, level):
    data = make_report_data(m, planning={"hze": planning["hze"]})
    object.__setattr__(data, "level", level)  # the builders read only data.level here
    return data


def _independent_counts(cases: pd.DataFrame, areas, year: int, gem: str) -> dict:
    """Running, new and ended cases of one municipality, counted from the case rows."""
    own = set(areas.index[areas["ags"].astype(str) == gem])
    c = cases[(cases["jahr"] == year) & cases["sr_id"].astype(str).isin(own)]
    return {
        "laufend": len(c),
        "neu": int((c["beginn"].dt.year == year).sum()),
        "beendet": int((c["ende"].notna() & (c["ende"].dt.year == year)).sum()),
    }


def test_intern_municipal_section_counts_the_case_rows(musterland_results, hze_planning):
    from sozialraum.report.kapitel.hze_profil import hze_section

    m = musterland_results
    data = _data(m, hze_planning, "intern")
    y = max(hze_planning["hze"]["result"].years)
    for gem in m["gemeinden"].index:
        sec = hze_section(data, "gemeinde", gem, {}, "de")
        assert sec.key == "hze" and sec.title == "Hilfen zur Erziehung" and not sec.notes
        row = sec.tables[0].rows[0]
        assert row[0] == f"Gemeinde {data.gemeinde_name(gem)}"
        want = _independent_counts(hze_planning["cases"], m["areas"], y, gem)
        assert (row[_RUN], row[_NEW], row[_END]) == tuple(
            str(want[k]) for k in ("laufend", "neu", "beendet")
        ), gem
        assert sec.tables[0].rows[-1][0].startswith("Landkreis")  # the district beside it


@pytest.mark.parametrize("level", ["oeffentlich", "kommunal"])
def test_published_section_shows_only_cells_that_passed_the_chapters_protection(
    musterland_results, hze_planning, level
):
    from sozialraum.report.kapitel.hze import hze_chapter, hze_hidden
    from sozialraum.report.kapitel.hze_profil import hze_section

    m = musterland_results
    data = _data(m, hze_planning, level)
    p = hze_planning["hze"]
    res = p["result"]
    y = max(res.years)
    hidden = hze_hidden(res, y, p["threshold"])
    assert hidden.any()  # Musterland has small municipal counts: the test can fail
    chapter_rows = {r[0]: r for r in hze_chapter(data, {}, "de").tables[1].rows}
    n_hidden = 0
    for gem in m["gemeinden"].index:
        sec = hze_section(data, "gemeinde", gem, {}, "de")
        assert sec.notes and "gesperrt" in sec.notes[0]
        row = sec.tables[0].rows[0]
        for col, mm in ((_RUN, "laufend"), (_NEW, "neu"), (_END, "beendet")):
            secret = bool(hidden[("g", gem, mm)])
            n_hidden += secret
            assert (row[col] == "•") == secret, (gem, mm, row)
            assert not re.fullmatch(r"[12]", row[col]), (gem, mm, row)
        if hidden[("g", gem, "laufend")]:
            assert row[_RATE] == "•"  # a rate gives its count away
        # the same cells as the chapter's row of this municipality
        ch = chapter_rows[data.gemeinde_name(gem)]
        assert (row[_RUN], row[_RATE], row[_NEW], row[_END]) == (ch[1], ch[2], ch[3], ch[4])
        kreis = sec.tables[0].rows[-1]
        for col, mm in ((_RUN, "laufend"), (_NEW, "neu"), (_END, "beendet")):
            assert (kreis[col] == "•") == bool(hidden[("k", "gesamt", mm)])
    assert n_hidden > 0


def test_area_profiles_get_the_section_only_internally(musterland_results, hze_planning):
    from sozialraum.report.kapitel import profile_sections
    from sozialraum.report.kapitel.hze_profil import hze_section

    m = musterland_results
    key = str(m["areas"].index[0])
    for level in ("oeffentlich", "kommunal"):
        data = _data(m, hze_planning, level)
        assert hze_section(data, "sozialraum", key, {}, "de") is None
        assert "hze" not in [s.key for s in profile_sections(data, "sozialraum", key, {}, "de")]
    data = _data(m, hze_planning, "intern")
    sec = hze_section(data, "sozialraum", key, {}, "de")
    names = [r[0] for r in sec.tables[0].rows]
    assert len(names) == 3 and names[0].endswith(data.name(key))  # area, municipality, district
    y = max(hze_planning["hze"]["result"].years)
    own = hze_planning["cases"]
    n = int(((own["jahr"] == y) & (own["sr_id"].astype(str) == key)).sum())
    assert sec.tables[0].rows[0][_RUN] == str(n)


def test_section_in_english_and_absent_without_hze(musterland_results, hze_planning):
    from sozialraum.report.kapitel.hze_profil import hze_section

    m = musterland_results
    gem = str(m["gemeinden"].index[0])
    sec = hze_section(_data(m, hze_planning, "oeffentlich"), "gemeinde", gem, {}, "en")
    assert sec.title == "Educational support (HzE)"
    assert sec.tables[0].columns[2] == "per 1,000 (under 21)"
    assert "shown as '•'" in sec.notes[0]
    assert hze_section(make_report_data(m), "gemeinde", gem, {}, "de") is None


def test_rendered_public_municipal_profile_has_no_hidden_count(
    musterland_results, hze_planning, tmp_path
):
    """The HTML of every public municipal profile: the HzE cells that are hidden show '•'."""
    from sozialraum.report import write_steckbriefe
    from sozialraum.report.kapitel.hze import hze_hidden

    m = musterland_results
    data = _data(m, hze_planning, "oeffentlich")
    p = hze_planning["hze"]
    y = max(p["result"].years)
    hidden = hze_hidden(p["result"], y, p["threshold"])
    first = [str(k) for k in m["areas"].groupby("ags").head(1).index]  # one per municipality
    docs = write_steckbriefe(
        data,
        tmp_path,
        areas=first,
        municipalities=[str(g) for g in m["gemeinden"].index],
        combined=False,
        pdf=False,
        lang="de",
    )
    pages = [d for d in docs if d.name.startswith("steckbrief_gemeinde_")]
    assert len(pages) == len(m["gemeinden"])
    fig = p["result"].at("gemeinde", y)
    fig = fig[fig["art"] == "gesamt"].set_index("schluessel")
    n_secret = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        sec = html[html.index("Hilfen zur Erziehung</h2>") :]
        sec = sec[: sec.index("</table>")]
        cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", sec)
        gem = next(g for g in fig.index if f"Gemeinde {data.gemeinde_name(g)}" in cells)
        row = cells[cells.index(f"Gemeinde {data.gemeinde_name(gem)}") :][:5]
        for col, mm in ((_RUN, "laufend"), (_NEW, "neu"), (_END, "beendet")):
            if hidden[("g", gem, mm)]:
                assert row[col] == "•", (page.name, mm)
                n_secret += 1
            else:
                assert row[col] == str(int(fig.at[gem, mm]))
    assert n_secret > 0  # the pages do have hidden cells


def test_section_texts_hold_no_number_the_checker_could_read_regression_27_in_public_profile(
    musterland_results, hze_planning
):
    """The note "SGB VIII §§ 27–35 …" made the release checker read 27 and 42 as values of
    the municipality, and the header "je 1.000 unter 21" the value 21."""
    from sozialraum.privacy.checker import _tokens
    from sozialraum.report.kapitel.hze_profil import hze_section

    gem = str(musterland_results["gemeinden"].index[0])
    for lang in ("de", "en"):
        sec = hze_section(
            _data(musterland_results, hze_planning, "oeffentlich"), "gemeinde", gem, {}, lang
        )
        tab = sec.tables[0]
        assert _tokens(" ".join(tab.columns)) == []
        assert _tokens(tab.note) == []
        assert [x for x in _tokens(sec.notes[0]) if x != "3"] == []  # the minimum, 0–10: no value


def test_printed_public_municipal_profile_has_no_hidden_count(
    musterland_results, hze_planning, have_pdf_tools, tmp_path
):
    """The PDF of a public municipal profile with a hidden cell prints '•' there."""
    from pypdf import PdfReader

    from sozialraum.report import write_steckbriefe
    from sozialraum.report.kapitel.hze import hze_hidden

    m = musterland_results
    p = hze_planning["hze"]
    res = p["result"]
    y = max(res.years)
    hidden = hze_hidden(res, y, p["threshold"])
    gem = next(k[1] for k in hidden.index if k[0] == "g" and hidden[k])  # a hidden cell
    data = _data(m, hze_planning, "oeffentlich")
    first = [str(m["areas"].index[m["areas"]["ags"] == gem][0])]
    docs = write_steckbriefe(
        data, tmp_path, areas=first, municipalities=[gem], combined=False, pdf=True, lang="de"
    )
    pdf = next(d for d in docs if d.suffix == ".pdf" and d.name.startswith("steckbrief_gemeinde_"))
    text = " ".join(" ".join(pg.extract_text() for pg in PdfReader(pdf).pages).split())
    sec = text[text.index("Hilfen nach dem SGB VIII") :]
    name = re.escape(data.gemeinde_name(gem))
    row = re.search(rf"Gemeinde {name} (\S+) (\S+) (\S+) (\S+)", sec)
    assert row, sec[:300]
    fig = res.at("gemeinde", y)
    fig = fig[(fig["art"] == "gesamt") & (fig["schluessel"] == gem)].iloc[0]
    cells = {"laufend": row.group(1), "neu": row.group(3), "beendet": row.group(4)}
    for mm, cell in cells.items():
        assert cell == ("•" if hidden[("g", gem, mm)] else str(int(fig[mm]))), (mm, cell)
    assert "•" in cells.values()
