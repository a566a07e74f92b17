"""Recommendations per region (Amt, LEADER region): Excel round-trip and validation."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from sozialraum.errors import InputError
from sozialraum.planning.recommendations import read_recommendations, write_template

UNITS = {"gemeinde": "Gemeinde", "sozialraum": "Sozialraum", "Ämter": "Ämter"}


@pytest.fixture()
def tables():
    gem = pd.DataFrame(
        {"name": ["Heidefeld", "Wendischbrück"], "ew_ges": [9000.0, 4000.0]},
        index=["07999003", "07999004"],
    )
    amt = pd.DataFrame({"name": ["Amt Heidefeld-Wendischbrück"]}, index=["079995001"])
    return {"gemeinde": (gem, None), "Ämter": (amt, None)}


def test_region_rows_round_trip_through_the_excel_template(tmp_path, tables):
    p = write_template(
        tmp_path / "v.xlsx", tables, figures=["ew_ges"], level="oeffentlich", unit_labels=UNITS
    )
    wb = openpyxl.load_workbook(p)
    ws = wb["Empfehlungen"]
    head = [c.value for c in ws[1]]
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    assert ws.cell(row=rows["079995001"], column=2).value == "Ämter"
    assert ws.cell(row=rows["079995001"], column=3).value == "Amt Heidefeld-Wendischbrück"
    assert ws.cell(row=rows["079995001"], column=4).value in (None, "")  # no figures
    col = head.index("Handlungsempfehlung") + 1
    ws.cell(row=rows["079995001"], column=col, value="- Rufbus im Amt abstimmen")
    wb.save(p)
    units = {u: list(v.index) for u, (v, _s) in tables.items()}
    recs = read_recommendations(p, units, labels=UNITS)
    assert recs.keys("Ämter") == ["079995001"]
    assert recs.texts("Ämter", "079995001") == {"empfehlung": "- Rufbus im Amt abstimmen"}


def test_unknown_region_key_names_file_row_and_value(tmp_path, tables):
    md = tmp_path / "e.md"
    md.write_text("## 079995009 Amt Nirgendwo\n\nText\n", encoding="utf-8")
    units = {u: list(v.index) for u, (v, _s) in tables.items()}
    with pytest.raises(InputError) as e:
        read_recommendations(md, units)
    assert "e.md, Zeile 1" in str(e.value) and "079995009" in str(e.value)
    md.write_text("## 079995001 Amt Heidefeld-Wendischbrück\n\nText\n", encoding="utf-8")
    assert read_recommendations(md, units).keys("Ämter") == ["079995001"]
