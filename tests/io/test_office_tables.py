"""Tables as offices send them: each bad input written for real (CSV in German Excel
style, XLSX with openpyxl: hidden rows/columns, merged two-row headers, formulas
without stored values) and read with the values checked cell by cell.

Every case used to be read silently wrong (a column dropped, a total taken for an
area, a header row read as data, hidden cells read without a word)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook

from sozialraum.core.doors import using_door
from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.io import read_catalogue, read_table
from sozialraum.io.reader import read_grid


def write_csv(tmp_path: Path, text: str, name: str = "amt.csv") -> Path:
    """A CSV as German Excel writes it: cp1252, semicolons, CRLF."""
    p = tmp_path / name
    p.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    return p


def read_warned(path, **kw):
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        tab = read_table(path, **kw)
    return tab, [str(w.message) for w in rec if issubclass(w.category, SozialraumWarning)]


# --------------------------------------------------------------------------- numbers


def test_percent_column_is_read_as_share_not_dropped(tmp_path):
    # regression: a "5,1 %" column was dropped silently and the join report said all matched
    p = write_csv(
        tmp_path,
        "Schlüssel;Name;Einwohner;ALQ\n"
        "07123001;Nord;1.200;5,1 %\n"
        "07123002;Süd;800;12,25%\n"
        "07123003;West;950;.\n",
    )
    tab, msgs = read_warned(p)
    assert list(tab.values.columns) == ["Einwohner", "ALQ"]
    assert tab.values["ALQ"].tolist()[:2] == [5.1, 12.25]
    assert np.isnan(tab.values.loc["07123003", "ALQ"])
    assert tab.status.loc["07123003", "ALQ"] == "geheim"
    assert tab.meta["percent_columns"] == ["ALQ"]
    assert tab.meta["text_columns"] is None
    assert any("'ALQ'" in m and "Prozent" in m and "amt.csv" in m for m in msgs)


def test_scientific_notation_is_read(tmp_path):
    p = write_csv(
        tmp_path,
        "Schlüssel;Einwohner;Fläche\n07123001;1,2E+03;2,5e-1\n07123002;1.2e3;3\n07123003;950;4\n",
    )
    tab, _ = read_warned(p)
    assert tab.values["Einwohner"].tolist() == [1200.0, 1200.0, 950.0]
    assert tab.values["Fläche"].tolist() == [0.25, 3.0, 4.0]


def test_text_column_is_named_in_a_warning(tmp_path):
    # regression: a column without numbers vanished into meta["text_columns"] without a word
    p = write_csv(tmp_path, "Schlüssel;Einwohner;Bemerkung\nA1;10;neu\nA2;20;alt\n")
    tab, msgs = read_warned(p)
    assert list(tab.values.columns) == ["Einwohner"]
    hit = [m for m in msgs if "'Bemerkung'" in m]
    assert hit and "amt.csv" in hit[0] and "keine lesbaren Zahlen" in hit[0]


def test_column_of_unknown_texts_under_catalogue_is_an_error(tmp_path):
    kat = tmp_path / "k.toml"
    kat.write_text('[variables.alq]\nlabel = "ALQ"\n[indicators.x]\nlabel="x"\nnumerator="alq"\n')
    p = write_csv(tmp_path, "Schlüssel;ALQ\nA1;fünf\nA2;sechs\n")
    with pytest.raises(InputError) as exc:
        read_table(p, columns=read_catalogue(kat))
    assert "amt.csv" in str(exc.value) and "'ALQ'" in str(exc.value)


# --------------------------------------------------------------------------- total rows


@pytest.mark.parametrize(
    "line",
    [
        "07123000;Landkreis insgesamt;5.000",
        ";Insgesamt;5.000",
        "Summe;;5.000",
        "11000000;Stadt gesamt;5.000",
        "11000000;Berlin insgesamt;5.000",
        "07123000;Summe Landkreis;5.000",
    ],
)
def test_total_row_recognised_by_name_also_with_numeric_key(tmp_path, line):
    # regression: "07123000;Landkreis insgesamt" was taken for an area ("meinten Sie …?")
    p = write_csv(
        tmp_path,
        "Schlüssel;Name;Einwohner\n07123001;Nord;3.000\n07123002;Süd;2.000\n" + line + "\n",
    )
    tab, msgs = read_warned(p)
    assert list(tab.values.index) == ["07123001", "07123002"]
    assert tab.meta["total_rows"][0]["row"] == 4
    assert any("Summenzeile erkannt und übergangen (Zeile 4" in m for m in msgs)


def test_area_named_like_a_word_with_gesamt_inside_is_kept(tmp_path):
    p = write_csv(tmp_path, "Schlüssel;Name;Einwohner\n01;Gesamtschulviertel;3\n02;Süd;2\n")
    tab, msgs = read_warned(p)
    assert list(tab.values.index) == ["01", "02"]
    assert not any("Summenzeile" in m for m in msgs)


# --------------------------------------------------------------------------- headers


def test_two_row_header_in_csv_is_combined(tmp_path):
    # regression: the second header row was read as a data row
    p = write_csv(
        tmp_path,
        "Schlüssel;Name;Einwohner;;Arbeitslose;\n"
        ";;2022;2023;2022;2023\n"
        "07123001;Nord;100;110;5;6\n"
        "07123002;Süd;200;190;7;8\n",
    )
    tab, msgs = read_warned(p)
    assert tab.years == [2022, 2023]
    assert list(tab.values.columns) == ["Einwohner", "Arbeitslose"]
    t23 = tab.for_year(2023)
    assert t23.values.loc["07123001"].tolist() == [110.0, 6.0]
    assert t23.meta["rows"].loc["07123002"] == 4
    assert any("Kopfzeilen 1–2" in m and "'Einwohner 2022'" in m for m in msgs)


def _merged_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Daten"
    ws.append(["Bevölkerung nach Sozialräumen"])
    ws.merge_cells("A1:F1")  # a title across the sheet stays a title
    ws.append([])
    ws.append(["Sozialraum-Nr.", "Name", "Einwohner", None, "Kinder", None])
    ws.append([None, None, 2022, 2023, "unter 6", "6 bis 14"])
    ws.merge_cells("A3:A4")
    ws.merge_cells("B3:B4")
    ws.merge_cells("C3:D3")
    ws.merge_cells("E3:F3")
    ws.append(["S01", "Nord", 100, 110, 7, 9])
    ws.append(["S02", "Süd", 200, 190, 11, 13])
    wb.save(path)
    return path


def test_merged_two_row_header_in_xlsx_is_combined(tmp_path):
    p = _merged_workbook(tmp_path / "merged.xlsx")
    tab, msgs = read_warned(p, year=2023)
    assert tab.year == 2023
    assert list(tab.values.columns) == ["Kinder unter 6", "Kinder 6 bis 14", "Einwohner"]
    assert tab.values.loc["S01"].tolist() == [7.0, 9.0, 110.0]
    assert tab.values.loc["S02", "Einwohner"] == 190.0
    assert tab.meta["header_row"] == 3
    assert any("merged.xlsx[Daten]" in m and "Kopfzeilen 3–4" in m for m in msgs)


# --------------------------------------------------------------------------- wide years


def test_wide_table_with_years_in_headers_reads_years(tmp_path):
    kat = tmp_path / "k.toml"
    kat.write_text(
        '[variables.ew]\nlabel = "Einwohner"\n'
        '[variables.alq]\nlabel = "Arbeitslosenquote"\nheaders = ["ALQ"]\n'
        '[indicators.x]\nlabel = "x"\nnumerator = "alq"\n',
        encoding="utf-8",
    )
    p = write_csv(
        tmp_path,
        "Schlüssel;Einwohner 2022;Einwohner 2023;ALQ_2022;ALQ_2023\n"
        "A1;100;110;5,0;5,5\nA2;200;190;7,0;6,5\n",
    )
    tab, msgs = read_warned(p, columns=read_catalogue(kat), year=2023)
    assert tab.year == 2023
    assert list(tab.values.columns) == ["ew", "alq"]
    assert tab.values.loc["A1"].tolist() == [110.0, 5.5]
    assert tab.values.loc["A2"].tolist() == [190.0, 6.5]
    assert any("Jahre in den Spaltenüberschriften" in m and "2022, 2023" in m for m in msgs)
    whole = read_table(p, columns=read_catalogue(kat))
    assert whole.years == [2022, 2023]
    assert whole.for_year(2022).values.loc["A2", "alq"] == 7.0
    with pytest.raises(InputError, match="2024"):
        read_table(p, year=2024)


def test_single_year_in_a_header_is_not_a_year_layout(tmp_path):
    p = write_csv(tmp_path, "Schlüssel;Wohnungen Baujahr vor 1950;Einwohner\nA1;3;10\n")
    tab, _ = read_warned(p)
    assert list(tab.values.columns) == ["Wohnungen Baujahr vor 1950", "Einwohner"]
    assert tab.years == []


# --------------------------------------------------------------------------- hidden / formulas


def test_hidden_rows_and_columns_are_reported_and_read(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Daten"
    ws.append(["Schlüssel", "Einwohner", "Alt", "Kinder"])
    ws.append(["A1", 10, 99, 1])
    ws.append(["A2", 20, 98, 2])
    ws.append(["A3", 30, 97, 3])
    ws.row_dimensions[3].hidden = True
    ws.column_dimensions["C"].hidden = True
    p = tmp_path / "versteckt.xlsx"
    wb.save(p)
    tab, msgs = read_warned(p)
    assert tab.values.loc["A2"].tolist() == [20.0, 98.0, 2.0]
    hit = [m for m in msgs if "ausgeblendete" in m]
    assert hit and "versteckt.xlsx[Daten]" in hit[0]
    assert "Zeilen (3)" in hit[0] and "Spalten (C)" in hit[0]
    assert read_grid(p).info["hidden_rows"] == [3]
    assert read_grid(p).info["hidden_columns"] == [3]


def test_formula_without_stored_value_is_reported(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Schlüssel", "Einwohner", "Kinder"])
    ws.append(["A1", 10, 1])
    ws.append(["A2", "=B2*2", 2])  # openpyxl stores no computed value
    p = tmp_path / "formel.xlsx"
    wb.save(p)
    tab, msgs = read_warned(p)
    assert np.isnan(tab.values.loc["A2", "Einwohner"])
    assert tab.status.loc["A2", "Einwohner"] == "fehlt"
    hit = [m for m in msgs if "Formel" in m]
    assert hit and "B3" in hit[0] and "formel.xlsx" in hit[0]


# --------------------------------------------------------------------------- doors


def test_messages_name_the_setting_of_the_users_door(tmp_path):
    p = write_csv(tmp_path, "Ort;Wert\nNord;1\nSüd;2\n")
    with pytest.raises(InputError) as exc:
        read_table(p)
    assert "key=" in str(exc.value)
    with using_door("cli"), pytest.raises(InputError) as exc:
        read_table(p)
    assert "--table-key" in str(exc.value) and "key=" not in str(exc.value)
    q = write_csv(tmp_path, "Schlüssel;Wert\nA;1\nB;k.A.\nC;2\n", "b.csv")
    with using_door("config"), pytest.raises(InputError) as exc:
        read_table(q)
    assert "symbole (in [[tabellen]])" in str(exc.value)


def test_parse_symbols_reads_the_text_form_and_checks_codes():
    from sozialraum.io.symbols import parse_symbols

    assert parse_symbols("k.A.=fehlt; n.v. = nicht_sinnvoll") == {
        "k.A.": "fehlt",
        "n.v.": "nicht_sinnvoll",
    }
    assert parse_symbols(["a=b=fehlt", "x=ungueltig"]) == {"a=b": "fehlt", "x": "ungueltig"}
    assert parse_symbols(None) == {}
    with using_door("cli"), pytest.raises(InputError, match="--symbols.*'weg'"):
        parse_symbols("k.A.=weg")
    with pytest.raises(InputError, match="symbols=: 'k.A.'"):
        parse_symbols("k.A.")


def test_english_messages(tmp_path):
    p = write_csv(tmp_path, "Schlüssel;Name;Einwohner;ALQ\n01;Nord;3;5,1 %\n00;Insgesamt;3;5,1 %\n")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        read_table(p, lang="en")
    msgs = " | ".join(str(w.message) for w in rec)
    assert "total row recognised and skipped (row 3" in msgs
    assert "comes with a % sign" in msgs


def test_a_lone_section_label_under_the_header_is_not_a_header_row(tmp_path):
    p = write_csv(tmp_path, "Schlüssel;Name;Einwohner\n;Bezirk Mitte;\n01;Nord;3\n")
    with pytest.raises(InputError, match="ohne Schlüssel"):
        read_table(p)
