"""The topics' chapters and profile sections: one interface, rendered, selected, escaped."""

from __future__ import annotations

import pytest

from sozialraum.report import kapitel
from sozialraum.report.bericht import bericht_context
from sozialraum.report.chapters import Chapter, Figure, Table
from sozialraum.report.render import make_environment
from sozialraum.report.steckbrief import area_context

from .conftest import make_report_data


def _chapter(data, settings, lang):
    return Chapter(
        key="probe",
        title="Probekapitel <b>",
        paragraphs=("Ein Absatz mit <script>alert(1)</script>.",),
        tables=(Table(columns=("Gebiet", "Wert"), rows=(("A&B", "1,5"),), numeric=(False, True)),),
        figures=(Figure(uri="data:image/png;base64,AAAA", alt="Probebild"),),
        sections=(Chapter(key="unter", title="Unterkapitel"),),
    )


def _section(data, unit, key, settings, lang):
    return Chapter(key="probe", title=f"Abschnitt {unit} {key}") if unit == "sozialraum" else None


def _nothing(data, settings, lang):
    return None


@pytest.fixture()
def registered(monkeypatch):
    monkeypatch.setattr(kapitel, "REPORT_CHAPTERS", (("probe", _chapter), ("leer", _nothing)))
    monkeypatch.setattr(kapitel, "PROFILE_SECTIONS", (("probe", _section),))


def test_report_renders_chapter_numbered_before_the_annex(registered, musterland_results):
    data = make_report_data(musterland_results)
    ctx = bericht_context(data, lang="de", charts_on=False)
    assert [c.key for c in ctx["chapters"]] == ["probe"]  # a topic without data adds nothing
    html = (
        make_environment(None, "de")
        .get_template("sozialbericht.html.j2")
        .render(b=ctx, settings={}, title="T", lang="de", level="intern")
    )
    assert "<h2>7 Probekapitel &lt;b&gt;</h2>" in html
    assert "8 Methodenanhang" in html
    assert "9 Nicht bewertete Gebiete" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "A&amp;B" in html and 'alt="Probebild"' in html
    assert "<h3>Unterkapitel</h3>" in html


def test_chapter_selection_orders_and_drops(registered, musterland_results):
    data = make_report_data(musterland_results)
    assert kapitel.report_chapters(data, {"kapitel": ["leer"]}, "de") == []
    assert kapitel.chapter_keys() == ["probe", "leer"]


def test_profile_section_per_unit(registered, musterland_results):
    data = make_report_data(musterland_results)
    key = data.areas.index[0]
    ctx = area_context(data, key, lang="de", charts_on=False)
    assert [s.title for s in ctx["sections"]] == [f"Abschnitt sozialraum {key}"]


def test_no_chapters_keeps_the_old_numbering(musterland_results):
    data = make_report_data(musterland_results)
    ctx = bericht_context(data, lang="de", charts_on=False)
    html = (
        make_environment(None, "de")
        .get_template("sozialbericht.html.j2")
        .render(b=ctx, settings={}, title="T", lang="de", level="intern")
    )
    assert "7 Methodenanhang" in html and "8 Nicht bewertete Gebiete" in html
