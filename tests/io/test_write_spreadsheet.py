"""Formula injection: text that a spreadsheet would run arrives as text in Excel and CSV."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from sozialraum.core.spreadsheet import is_formula_like, neutralise, neutralise_frame
from sozialraum.io import write_excel
from sozialraum.privacy import write_csv

PAYLOAD = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("text", [PAYLOAD, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=", "-5"])
def test_neutralise_prefixes_every_formula_start(text):
    assert neutralise(text) == "'" + text
    assert is_formula_like(text)


@pytest.mark.parametrize("value", ["Nord", "", " =1", "'=1", "-", -5, -1.5, 0, None, np.nan])
def test_neutralise_leaves_plain_text_signs_and_numbers(value):
    out = neutralise(value)
    assert out is value or (isinstance(value, float) and np.isnan(out))


def test_neutralise_frame_text_columns_only():
    df = pd.DataFrame(
        {"=kopf": [PAYLOAD, "-5", "Nord"], "n": [-1.5, 2.0, -3.0]},
        index=pd.Index(["+k", "b", "c"], name="@schluessel"),
    )
    out = neutralise_frame(df)
    assert list(out.columns) == ["'=kopf", "n"]
    assert out.index.name == "'@schluessel" and out.index[0] == "'+k"
    assert out.iloc[:, 0].tolist() == ["'" + PAYLOAD, "'-5", "Nord"]  # a text column stays text
    assert out["n"].tolist() == [-1.5, 2.0, -3.0] and out["n"].dtype == float
    assert df.iloc[0, 0] == PAYLOAD  # the input is not changed


def _frame():
    return pd.DataFrame(
        {
            "sr_name": [PAYLOAD, "@evil", "Nord"],
            "saldo": [-4.0, 2.5, np.nan],
            "anzahl": [-3, 7, 0],
        },
        index=pd.Index(["-01", "02", "03"], name="sr_id"),
    )


def test_regression_formula_in_area_name_is_text_in_excel(tmp_path):
    df = _frame()
    st = pd.DataFrame({"saldo": [pd.NA, pd.NA, "nichts_vorhanden"]}, index=df.index)
    p = write_excel(
        {"Daten": df},
        tmp_path / "t.xlsx",
        labels={"saldo": "=Saldo", "anzahl": "+Anzahl"},
        status={"Daten": st},
        title="-Titel",
    )
    ws = load_workbook(p).worksheets[0]
    assert ws["A1"].value == "'-Titel" and ws["A1"].data_type == "s"
    head = [c for c in ws[3]]
    assert [c.value for c in head] == ["sr_id", "sr_name", "'=Saldo", "'+Anzahl"]
    assert all(c.data_type == "s" for c in head)
    rows = list(ws.iter_rows(min_row=4))
    assert rows[0][0].value == "'-01" and rows[0][0].data_type == "s"
    assert rows[0][1].value == "'" + PAYLOAD and rows[0][1].data_type == "s"
    assert rows[1][1].value == "'@evil"
    # numbers stay number cells, negative ones too
    assert rows[0][2].value == -4.0 and rows[0][2].data_type == "n"
    assert rows[0][3].value == -3 and rows[0][3].data_type == "n"
    # the sign of "nichts vorhanden" is not a formula and stays as it is
    assert rows[2][2].value == "-"
    # no cell anywhere is a formula
    assert not [c for r in ws.iter_rows() for c in r if c.data_type == "f"]


def test_regression_formula_in_area_name_is_text_in_csv(tmp_path):
    df = _frame().rename(columns={"saldo": "=saldo"})
    p = write_csv(df, tmp_path / "t.csv")
    with open(p, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["sr_id", "sr_name", "'=saldo", "anzahl"]
    assert rows[1] == ["'-01", "'" + PAYLOAD, "-4", "-3"]  # numbers: plain, negative
    assert rows[2] == ["02", "'@evil", "2,5", "7"]
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if is_formula_like(c) and c != "-" and not _number(c)]


def _number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def test_atlas_csv_export_is_neutralised(tmp_path):
    """The atlas CLI's ``--csv`` export writes through ``neutralise_frame``."""
    from types import SimpleNamespace

    from sozialraum.atlas.cli import _show

    p = tmp_path / "a.csv"
    _show(_frame(), SimpleNamespace(csv=str(p), lang="de"))
    text = p.read_text(encoding="utf-8")
    assert "'" + PAYLOAD.replace('"', '""') in text and "\n'-01;" in text
    assert ";-4,0;-3" in text
