"""Recommendations: Excel round-trip, Markdown, validation, neutralisation, safe rendering."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from sozialraum.core.markdown import to_html, to_plain
from sozialraum.errors import InputError
from sozialraum.planning.recommendations import (
    read_recommendations,
    render_html,
    template_frame,
    write_template,
)

UNITS = {"gemeinde": "Gemeinde", "sozialraum": "Sozialraum"}


@pytest.fixture()
def tables():
    sr = pd.DataFrame(
        {"name": ["Altstadt", "=Nord"], "ew_ges": [1240.0, 380.0], "hze": [25.0, 2.0]},
        index=["07999001001", "07999001002"],
    )
    st = pd.DataFrame({"ew_ges": [None, None], "hze": [None, "geheim_primaer"]}, index=sr.index)
    gem = pd.DataFrame(
        {"name": ["Musterstadt"], "ew_ges": [5000.0], "hze": [30.0]}, index=["07999001"]
    )
    return {"gemeinde": (gem, None), "sozialraum": (sr, st)}


def _units(tables):
    return {u: list(v.index) for u, (v, _s) in tables.items()}


def test_template_hides_what_the_level_may_not_show(tables):
    frame, status = template_frame(tables, figures=["ew_ges", "hze"], level="oeffentlich")
    assert pd.isna(frame.loc["07999001002", "hze"]) and status.loc["07999001002", "hze"] == "geheim"
    assert frame.loc["07999001001", "hze"] == 25
    inner, _ = template_frame(tables, figures=["ew_ges", "hze"], level="intern")
    assert inner.loc["07999001002", "hze"] == 2
    tables["sozialraum"][0]["status_klasse"] = ["sehr niedrig", "mittel"]
    cls, _ = template_frame(tables, figures=["status_klasse"], level="oeffentlich")
    assert cls.loc["07999001001", "status_klasse"] == "sehr niedrig"  # text stays text


def test_excel_round_trip_edited_with_openpyxl(tmp_path, tables):
    p = write_template(
        tmp_path / "v.xlsx",
        tables,
        figures=["ew_ges", "hze"],
        level="oeffentlich",
        unit_labels=UNITS,
    )
    wb = openpyxl.load_workbook(p)
    ws = wb["Empfehlungen"]
    head = [c.value for c in ws[1]]
    assert head[:3] == ["Schlüssel", "Ebene", "Name"]
    assert head[-2:] == ["Handlungsempfehlung", "Zielvereinbarung"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    assert set(rows) == {"07999001", "07999001001", "07999001002"}  # keys stay text
    assert ws.cell(row=rows["07999001002"], column=5).value == "."  # secret: the sign, no value
    assert ws.cell(row=rows["07999001002"], column=3).value == "'=Nord"  # name neutralised
    texts = {
        ("07999001", "Handlungsempfehlung"): "- Familienzentrum **ausbauen**\n- Schulsozialarbeit",
        ("07999001001", "Zielvereinbarung"): "Kinderarmut senken.",
        ("07999001002", "Handlungsempfehlung"): "Prüffall: *kleines* Gebiet",
    }
    for (key, col), text in texts.items():
        ws.cell(row=rows[key], column=head.index(col) + 1, value=text)
    wb.save(p)
    recs = read_recommendations(p, _units(tables), labels=UNITS)
    back = {
        (
            r.schluessel,
            "Handlungsempfehlung" if r.art == "empfehlung" else "Zielvereinbarung",
        ): r.text
        for r in recs.frame.itertuples()
    }
    assert back == texts
    assert recs.texts("gemeinde", "07999001") == {
        "empfehlung": texts[("07999001", "Handlungsempfehlung")]
    }
    assert set(recs.frame["ebene"]) == {"gemeinde", "sozialraum"}


def test_unknown_area_names_file_row_and_value(tmp_path, tables):
    p = write_template(tmp_path / "v.xlsx", tables, figures=["ew_ges"], unit_labels=UNITS)
    wb = openpyxl.load_workbook(p)
    ws = wb.active
    ws.cell(row=5, column=1, value="07999009999")
    ws.cell(row=5, column=6, value="Text für ein Gebiet, das es nicht gibt")
    wb.save(p)
    with pytest.raises(InputError) as e:
        read_recommendations(p, _units(tables), labels=UNITS)
    msg = str(e.value)
    assert "v.xlsx" in msg and "Zeile 5" in msg and "07999009999" in msg
    assert e.value.row == 5 and e.value.ids == ["07999009999"]
    with pytest.raises(InputError, match="row 5"):
        read_recommendations(p, _units(tables), labels=UNITS, lang="en")


def test_number_typed_key_without_leading_zero_is_an_error(tmp_path, tables):
    p = write_template(tmp_path / "v.xlsx", tables, figures=["ew_ges"], unit_labels=UNITS)
    wb = openpyxl.load_workbook(p)
    ws = wb.active
    ws.cell(row=2, column=1, value=7999001)  # Excel turned the key into a number
    ws.cell(row=2, column=6, value="x")
    wb.save(p)
    with pytest.raises(InputError, match="'7999001'.*führende"):
        read_recommendations(p, _units(tables), labels=UNITS)


def test_formula_text_is_neutralised_and_escaped(tmp_path, tables):
    p = write_template(tmp_path / "v.xlsx", tables, figures=["ew_ges"], unit_labels=UNITS)
    wb = openpyxl.load_workbook(p)
    ws = wb.active
    evil = '=HYPERLINK("http://x","<script>y</script>")'
    c = ws.cell(row=3, column=5, value=evil)
    c.data_type = "s"  # typed as text, as a planner pasting it would
    wb.save(p)
    recs = read_recommendations(p, _units(tables), labels=UNITS)
    text = recs.texts("sozialraum", "07999001001")["empfehlung"]
    assert text == evil  # kept as typed …
    html = str(to_html(text))  # … escaped in HTML …
    assert "<script>" not in html and "&lt;script&gt;" in html and html.startswith("<p>=HYPERLINK")
    again = write_template(  # … and neutralised in every sheet it is written to
        tmp_path / "w.xlsx", tables, figures=["ew_ges"], unit_labels=UNITS, existing=recs
    )
    ws = openpyxl.load_workbook(again).active
    assert ws.cell(row=3, column=5).value == "'" + evil
    assert ws.cell(row=3, column=5).data_type == "s"
    assert read_recommendations(again, _units(tables), labels=UNITS).frame.equals(recs.frame)


def test_markdown_file_read_and_checked(tmp_path, tables):
    md = tmp_path / "e.md"
    md.write_text(
        "# Empfehlungen\n\n## 07999001 Musterstadt\n\nText direkt darunter.\n\n"
        "### Zielvereinbarung\n\n- eins\n- zwei\n\n## 07999001002 Nord\n\n### Handlungsempfehlung\n\nA\n",
        encoding="utf-8",
    )
    recs = read_recommendations(md, _units(tables))
    assert recs.texts("gemeinde", "07999001") == {
        "empfehlung": "Text direkt darunter.",
        "zielvereinbarung": "- eins\n- zwei",
    }
    assert recs.texts("sozialraum", "07999001002") == {"empfehlung": "A"}
    md.write_text("## 07999001\n\nok\n\n## 0799900X Irgendwo\n\nText\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"e\.md, Zeile 5: '0799900X'"):
        read_recommendations(md, _units(tables))
    md.write_text("Vorwort\n\n## 07999001\n", encoding="utf-8")
    with pytest.raises(InputError, match="Zeile 1"):
        read_recommendations(md, _units(tables))
    md.write_text("## 07999001\n### Fazit\nx\n", encoding="utf-8")
    with pytest.raises(InputError, match="Zeile 2.*Fazit"):
        read_recommendations(md, _units(tables))


def test_the_same_text_twice_is_an_error(tmp_path, tables):
    md = tmp_path / "e.md"
    md.write_text("## 07999001\nA\n\n## 07999001\nB\n", encoding="utf-8")
    with pytest.raises(InputError, match="Zeile 4.*Zeile 1"):
        read_recommendations(md, _units(tables))


def test_safe_markdown_subset():
    html = str(
        to_html(
            "**fett** und *kursiv* <img src=x onerror=alert(1)> [a](javascript:x)\n\n1. a\n2. b"
        )
    )
    assert "<strong>fett</strong>" in html and "<em>kursiv</em>" in html
    assert "<img" not in html and "&lt;img" in html and "<a " not in html
    assert "<ol><li>a</li><li>b</li></ol>" in html
    assert to_plain("- **a**\n- b") == "• a\n• b"
    assert str(to_html(None)) == ""


def test_html_page_escapes_names_and_title(tables):
    import pandas as pd

    from sozialraum.planning.recommendations import Recommendations

    recs = Recommendations(
        pd.DataFrame(
            [
                {
                    "ebene": "sozialraum",
                    "schluessel": "07999001002",
                    "art": "empfehlung",
                    "text": "<b>x</b>",
                    "zeile": 2,
                }
            ]
        )
    )
    page = render_html(
        recs, {"sozialraum": {"07999001002": "<i>Nord</i>"}}, UNITS, "T<script>", "de"
    )
    assert "<script>" not in page and "T&lt;script&gt;" in page
    assert "&lt;i&gt;Nord&lt;/i&gt;" in page and "&lt;b&gt;x&lt;/b&gt;" in page
