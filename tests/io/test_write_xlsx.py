"""The column-wise Excel writer (``sozialraum.io.xlsx``) against openpyxl writing the same cells.

The reference is openpyxl itself: the same sheets written cell by cell through openpyxl's
``Workbook.save`` must give the same cells (value, type, number format, font, alignment), the
same column widths, frozen panes and auto-filter, and the same XML parts of the package.
"""

from __future__ import annotations

import zipfile
from datetime import datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook

from sozialraum.io.write import _sheet_cells, _write_openpyxl, write_excel


def _tables():
    idx = pd.Index(["01", "02", "03", "04"], name="sr_id")
    values = pd.DataFrame(
        {
            "name": ["Nord", "=HYPERLINK(1)", "  Süd <&> ", "#N/A"],
            "ew": [1200.0, np.nan, 15.5, 1e17],
            "n": [1, 2, 3, -4],
            "quote": [0.123456789, np.inf, np.nan, -0.5],
            "flag": [True, False, True, False],
            "mixed": ["a", 1.5, None, ""],
            "text_na": pd.array(["x", pd.NA, "-5", "y"], dtype="string"),
        },
        index=idx,
    )
    status = pd.DataFrame(
        {"ew": [pd.NA, "geheim", pd.NA, pd.NA], "quote": [pd.NA, pd.NA, "fehlt", pd.NA]},
        index=idx,
        dtype="string",
    )
    empty = pd.DataFrame({"a": pd.Series([], dtype=float)}, index=pd.Index([], name="k"))
    sheets = {
        "Werte": values,
        "werte": values,  # the same name up to case: openpyxl names it "werte1"
        "Leer": empty,
        "Zweite Tabelle": values[["n"]],
        "Nur Schlüssel": values[[]],
    }
    return sheets, {"Werte": status}


def _by_openpyxl(sheets, path, status, **kw):
    wb = Workbook()
    wb.remove(wb.active)
    tables = []
    labels = dict(kw.get("labels") or {})
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=str(name)[:31])
        st = status.get(name) if status else None
        tables.append(
            _sheet_cells(ws.title, frame, st, labels, kw.get("decimals", 1), kw.get("title"))
        )
    return _write_openpyxl(wb, tables, path)


def _cells(path):
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = [
            (
                c.coordinate,
                c.value,
                c.data_type,
                c.number_format,
                c.font.b,
                c.font.sz,
                c.alignment.horizontal,
                c.alignment.vertical,
                c.alignment.wrap_text,
            )
            for row in ws.iter_rows()
            for c in row
        ]
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        out[ws.title] = (cells, widths, ws.freeze_panes, ws.auto_filter.ref, ws.dimensions)
    return out


@pytest.mark.parametrize("title", [None, "Tabelle =1+1"])
def test_fast_excel_has_the_cells_of_openpyxl(tmp_path, title):
    sheets, status = _tables()
    kw = {
        "labels": {"ew": "Einwohner", "n": "+Anzahl", "flag": 7},
        "decimals": {"n": 0, "quote": 3},
    }
    fast = write_excel(sheets, tmp_path / "fast.xlsx", status=status, title=title, **kw)
    ref = _by_openpyxl(sheets, tmp_path / "ref.xlsx", status, title=title, **kw)
    a, b = _cells(fast), _cells(ref)
    assert a == b
    # the statistical symbol, the neutralised text and the number format are really there
    cells = {c[0]: c for c in a["Werte"][0]}
    row = 4 if title else 2
    assert cells[f"C{row + 1}"][1] == "."
    assert cells[f"C{row + 1}"][6] == "right"
    assert cells[f"B{row + 1}"][1] == "'=HYPERLINK(1)"
    assert cells[f"C{row}"][3] == "#,##0.0"
    assert cells[f"E{row}"][3] == "#,##0.000"


def test_fast_excel_writes_the_xml_parts_of_openpyxl(tmp_path):
    sheets, status = _tables()
    fast = write_excel(sheets, tmp_path / "fast.xlsx", status=status, title="T")
    ref = _by_openpyxl(sheets, tmp_path / "ref.xlsx", status, title="T")
    za, zb = zipfile.ZipFile(fast), zipfile.ZipFile(ref)
    assert sorted(za.namelist()) == sorted(zb.namelist())
    for name in za.namelist():
        if name != "docProps/core.xml":  # creation time
            assert za.read(name) == zb.read(name), name


def test_excel_with_dates_goes_through_openpyxl(tmp_path):
    df = pd.DataFrame(
        {"stand": [datetime(2024, 12, 31), datetime(2025, 1, 2)], "x": [1.0, 2.0]},
        index=pd.Index(["a", "b"], name="k"),
    )
    p = write_excel({"S": df}, tmp_path / "d.xlsx")
    ws = openpyxl.load_workbook(p)["S"]
    assert ws["B2"].value == datetime(2024, 12, 31)
    assert ws["B2"].is_date
    assert ws["C2"].number_format == "#,##0.0"


def test_fast_excel_rejects_control_characters_like_openpyxl(tmp_path):
    from openpyxl.utils.exceptions import IllegalCharacterError

    df = pd.DataFrame({"name": ["bad\x01text"]}, index=pd.Index(["a"], name="k"))
    with pytest.raises(IllegalCharacterError):
        write_excel({"S": df}, tmp_path / "bad.xlsx")
