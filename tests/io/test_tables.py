"""Reading indicator tables: real small files (cp1252 CSV, XLSX with title rows and
footnotes, long tables), checked cell by cell against hand-written expectations, and
every bad input from issue 2 §4 that concerns reading."""

from __future__ import annotations

import csv
import math
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from shapely.geometry import box

from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.io import IndicatorTable, read_catalogue, read_table

NA = pd.NA

# --------------------------------------------------------------------------- helpers

CSV_DE = (
    "Sozialraum-Nr.;Bezeichnung;Einwohner insgesamt;Arbeitslose;Anteil in %\n"
    "07999001001;Altstadt;1.234;56;12,5\n"
    "07999001002;Täubchenthal;987;.;(3,4)\n"
    "07999001003;Wüstemark;2.001;-;7p\n"
    "07999001004;Größenbach;;x;…\n"
)


def write_csv(
    tmp_path: Path, text: str, name: str = "jobcenter.csv", encoding: str = "cp1252"
) -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def write_xlsx(
    tmp_path: Path, rows: list[list], name: str = "tabelle.xlsx", sheet: str = "Daten", extra=()
):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for title in extra:
        wb.create_sheet(title).append(["nichts"])
    p = tmp_path / name
    wb.save(p)
    return p


def cells(table: IndicatorTable, key: str) -> tuple[list, list]:
    v = table.values.loc[key].tolist()
    s = table.status.loc[key].tolist()
    return v, s


def same(a: list, b: list) -> bool:
    return all(
        (isinstance(x, float) and math.isnan(x) and isinstance(y, float) and math.isnan(y))
        or x == y
        for x, y in zip(a, b, strict=False)
    ) and len(a) == len(b)


def same_status(a: list, b: list) -> bool:
    return len(a) == len(b) and all(
        (x is NA and y is NA) or x == y for x, y in zip(a, b, strict=False)
    )


# --------------------------------------------------------------------------- CSV


def test_cp1252_semicolon_csv_cell_by_cell(tmp_path):
    p = write_csv(tmp_path, CSV_DE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tab = read_table(p)
    assert tab.source == "jobcenter.csv"
    assert tab.key == "Sozialraum-Nr."
    assert tab.meta["encoding"] == "cp1252" and tab.meta["delimiter"] == ";"
    assert (tab.meta["decimal"], tab.meta["thousands"]) == (",", ".")
    assert list(tab.values.columns) == ["Einwohner insgesamt", "Arbeitslose", "Anteil in %"]
    assert tab.values.index.name == "key"
    assert list(tab.values.index) == ["07999001001", "07999001002", "07999001003", "07999001004"]
    assert tab.names.tolist() == [
        "Altstadt",
        "Täubchenthal",
        "Wüstemark",
        "Größenbach",
    ]  # no mojibake
    expected = {
        "07999001001": ([1234.0, 56.0, 12.5], [NA, NA, NA]),
        "07999001002": ([987.0, np.nan, 3.4], [NA, "geheim", "unsicher"]),
        "07999001003": ([2001.0, np.nan, 7.0], [NA, "nichts_vorhanden", "vorlaeufig"]),
        "07999001004": ([np.nan, np.nan, np.nan], ["fehlt", "nicht_sinnvoll", "spaeter"]),
    }
    for key, (v, s) in expected.items():
        gv, gs = cells(tab, key)
        assert same(gv, v), (key, gv)
        assert same_status(gs, s), (key, gs)
    assert tab.meta["rows"].tolist() == [2, 3, 4, 5]
    assert tab.year is None and tab.meta["header_row"] == 1 and tab.meta["footnotes"] == []


def test_csv_title_rows_blank_lines_and_footnotes(tmp_path):
    text = (
        "Arbeitslose nach Sozialräumen;;;\n"
        ";;;\n"
        "Sozialraum;Name;Arbeitslose;Quote\n"
        "07999001001;Altstadt;56;12,5\n"
        "\n"
        "07999001002;Birkwalde;7;1,25\n"
        "Quelle: Jobcenter Musterland;;;\n"
        "Zeichenerklärung: . = geheim;;;\n"
    )
    tab = read_table(write_csv(tmp_path, text))
    assert tab.meta["header_row"] == 3 and tab.meta["last_row"] == 6
    assert tab.meta["rows"].tolist() == [4, 6]
    assert tab.meta["footnotes"] == ["Quelle: Jobcenter Musterland", "Zeichenerklärung: . = geheim"]
    assert tab.values.loc["07999001002"].tolist() == [7.0, 1.25]


def test_quoted_csv_with_line_break_in_header_keeps_line_numbers(tmp_path):
    text = 'Schlüssel;"Einwohner\ninsgesamt";"Name; Zusatz"\n001;"1.234";"Nord; alt"\n002;5;Süd\n'
    tab = read_table(write_csv(tmp_path, text), name="Name; Zusatz")
    assert list(tab.values.columns) == ["Einwohner insgesamt"]
    assert tab.values["Einwohner insgesamt"].tolist() == [1234.0, 5.0]
    assert tab.meta["header_row"] == 2 and tab.meta["rows"].tolist() == [3, 4]  # physical lines
    assert tab.names.tolist() == ["Nord; alt", "Süd"]


def test_overrides_encoding_delimiter_decimal(tmp_path):
    text = "key\tname\twert\nA1\tÄ\t1,234.5\nA2\tB\t2\n"
    p = write_csv(tmp_path, text, "x.tsv", encoding="utf-8-sig")
    tab = read_table(p, key="key")
    assert tab.meta["delimiter"] == "\t" and tab.meta["encoding"] == "utf-8-sig"
    assert tab.values["wert"].tolist() == [1234.5, 2.0]
    assert tab.names.tolist() == ["Ä", "B"]
    p2 = write_csv(tmp_path, "key|v\nA1|1.5\n", "y.csv", encoding="utf-8")
    tab2 = read_table(p2, delimiter="|", decimal=".", thousands=None, key="key")
    assert tab2.values["v"].tolist() == [1.5]


def test_comma_csv_with_english_numbers(tmp_path):
    text = 'AGS,Gemeinde,Einwohner,Quote\n01001000,Flensburg,"91,113",12.75\n01002000,Kiel,"246,601",9.5\n'
    tab = read_table(write_csv(tmp_path, text, encoding="utf-8"))
    assert tab.meta["delimiter"] == "," and tab.meta["decimal"] == "."
    assert tab.values["Einwohner"].tolist() == [91113.0, 246601.0]
    assert tab.values["Quote"].tolist() == [12.75, 9.5]
    assert tab.names.tolist() == ["Flensburg", "Kiel"]


def test_cp1252_file_forced_as_utf8_is_an_error(tmp_path):
    p = write_csv(tmp_path, CSV_DE)
    with pytest.raises(InputError) as exc:
        read_table(p, encoding="utf-8")
    msg = str(exc.value)
    assert "jobcenter.csv" in msg and "utf-8" in msg and "cp1252" in msg and "Zeile 3" in msg
    assert exc.value.row == 3


def test_file_in_unknown_encoding_is_an_error(tmp_path):
    p = tmp_path / "utf16.csv"
    p.write_bytes(CSV_DE.encode("utf-16-le"))  # no BOM: neither UTF-8 nor cp1252
    with pytest.raises(InputError) as exc:
        read_table(p)
    msg = str(exc.value)
    assert "utf16.csv" in msg and "utf-8, utf-8-sig, cp1252" in msg and "encoding=" in msg


def test_utf8_read_as_cp1252_warns_about_mojibake(tmp_path):
    p = write_csv(tmp_path, CSV_DE.replace("…", "/"), encoding="utf-8")
    with pytest.warns(SozialraumWarning, match="Ã"):
        read_table(p, encoding="cp1252")
    tab = read_table(p)  # detected: no mojibake
    assert tab.meta["encoding"] == "utf-8" and tab.names.iloc[1] == "Täubchenthal"


def test_empty_file_and_no_data_rows(tmp_path):
    p = write_csv(tmp_path, "", "leer.csv")
    with pytest.raises(InputError, match="leer.csv: Die Datei ist leer"):
        read_table(p)
    p = write_csv(tmp_path, "  \n\n", "leer2.csv")
    with pytest.raises(InputError, match="leer2.csv"):
        read_table(p)
    p = write_csv(tmp_path, "Sozialraum-Nr.;Bezeichnung;Einwohner\n", "kopf.csv")
    with pytest.raises(InputError) as exc:
        read_table(p)
    assert "kopf.csv" in str(exc.value) and "keine Datenzeilen" in str(exc.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="nicht gefunden"):
        read_table(tmp_path / "gibtsnicht.csv")


def test_unknown_symbol_names_file_row_column_text(tmp_path):
    text = CSV_DE.replace("987;.;", "987;k.A.;").replace(";…\n", ";n/a\n")
    p = write_csv(tmp_path, text)
    with pytest.raises(InputError) as exc:
        read_table(p)
    msg = str(exc.value)
    assert (
        "jobcenter.csv" in msg and "'k.A.'" in msg and "Zeile 3" in msg and "'Arbeitslose'" in msg
    )
    assert "'n/a'" in msg and "symbols=" in msg
    assert (exc.value.row, exc.value.column) == (3, "Arbeitslose")
    tab = read_table(p, symbols={"k.A.": "fehlt", "n/a": "nicht_sinnvoll"})
    assert tab.status.loc["07999001002", "Arbeitslose"] == "fehlt"
    assert tab.status.loc["07999001004", "Anteil in %"] == "nicht_sinnvoll"
    assert tab.meta["unknown_symbols"] == {"k.A.": 1, "n/a": 1}
    with pytest.raises(ValueError, match="kein Statuscode"):
        read_table(p, symbols={"k.A.": "unbekannt"})


def test_unknown_symbol_english(tmp_path):
    p = write_csv(tmp_path, CSV_DE.replace("987;.;", "987;#DIV/0!;"))
    with pytest.raises(
        InputError, match=r"unknown symbol '#DIV/0!' in row 3, column 'Arbeitslose'"
    ):
        read_table(p, lang="en")


def test_duplicate_keys_name_keys_and_rows(tmp_path):
    text = CSV_DE + "07999001002;Doppelt;5;5;5\n"
    p = write_csv(tmp_path, text)
    with pytest.raises(InputError) as exc:
        read_table(p)
    msg = str(exc.value)
    assert "jobcenter.csv" in msg and "'07999001002' (Zeilen 3, 6)" in msg
    assert exc.value.ids == ["07999001002"]


def test_null_keys_name_rows(tmp_path):
    text = CSV_DE + ";Ohne Schlüssel;5;5;5\n"
    with pytest.raises(InputError) as exc:
        read_table(write_csv(tmp_path, text))
    assert (
        "ohne Schlüssel" in str(exc.value)
        and "Zeile 6" in str(exc.value)
        and "Sozialraum-Nr." in str(exc.value)
    )
    assert exc.value.row == 6


def test_keys_that_lost_leading_zeros_are_restored_with_warning(tmp_path):
    text = CSV_DE.replace("07999001003", "7999001003").replace("07999001004", "7999001004")
    with pytest.warns(
        SozialraumWarning, match=r"Bei 2 Schlüsseln fehlten führende Nullen.*11 Stellen"
    ):
        tab = read_table(write_csv(tmp_path, text))
    assert list(tab.values.index) == ["07999001001", "07999001002", "07999001003", "07999001004"]
    log = tab.meta["restored_keys"]
    assert log["original"].tolist() == ["7999001003", "7999001004"] and log["row"].tolist() == [
        4,
        5,
    ]


def test_key_width_given_and_ags_header(tmp_path):
    text = "AGS;Gemeinde;Einwohner\n1001000;Flensburg;91.113\n1002000;Kiel;246.601\n"
    with pytest.warns(SozialraumWarning, match="Bei 2"):
        tab = read_table(write_csv(tmp_path, text))  # AGS header → width 8
    assert list(tab.values.index) == ["01001000", "01002000"]
    text = "Nr;Einwohner\n1;5\n12;6\n"
    with pytest.warns(SozialraumWarning, match="3 Stellen"):
        tab = read_table(write_csv(tmp_path, text, "b.csv"), key_width=3)
    assert list(tab.values.index) == ["001", "012"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tab = read_table(write_csv(tmp_path, text, "c.csv"))  # running numbers: untouched
    assert list(tab.values.index) == ["1", "12"]


def test_no_key_column_detected(tmp_path):
    p = write_csv(tmp_path, "Ort;Wert A;Wert B\nAltstadt;1;2\n")
    with pytest.raises(InputError) as exc:
        read_table(p)
    assert "Keine Schlüsselspalte erkannt" in str(exc.value) and "key=" in str(exc.value)
    tab = read_table(p, key="Ort")
    assert tab.values.loc["Altstadt"].tolist() == [1.0, 2.0]
    with pytest.raises(InputError) as exc:
        read_table(p, key="Schlüssel")
    assert "'Schlüssel'" in str(exc.value) and "jobcenter.csv" in str(exc.value)


def test_total_row_without_key_is_skipped_with_warning(tmp_path):
    text = CSV_DE + ";Landkreis insgesamt;6.222;56;9,9\n"
    with pytest.warns(SozialraumWarning, match=r"Summenzeile.*Zeile 6"):
        tab = read_table(write_csv(tmp_path, text))
    assert len(tab.values) == 4 and tab.meta["total_rows"][0]["row"] == 6


# --------------------------------------------------------------------------- columns / catalogue

KATALOG = """
[variables.ew_ges]
label = "Einwohner insgesamt"
headers = ["Einwohner insgesamt", "Bevölkerung insgesamt"]
[variables.alo]
label = "Arbeitslose"
headers = ["Arbeitslose", "Arbeitslose insgesamt"]
[variables.ew_15_64]
label = "Einwohner 15 bis unter 65"
[indicators.alo_quote]
label = "Arbeitslosenquote"
numerator = "alo"
denominator = "ew_15_64"
"""


def test_columns_from_catalogue_rename_and_warn_once(tmp_path):
    kat = tmp_path / "katalog.toml"
    kat.write_text(KATALOG, encoding="utf-8")
    cat = read_catalogue(kat)
    text = CSV_DE.replace("Einwohner insgesamt", "BEVOELKERUNG  insgesamt")
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        tab = read_table(write_csv(tmp_path, text), columns=cat)
    msgs = [str(w.message) for w in rec if issubclass(w.category, SozialraumWarning)]
    assert len(msgs) == 1 and "'Anteil in %'" in msgs[0] and "nicht im Katalog" in msgs[0]
    assert list(tab.values.columns) == ["ew_ges", "alo", "Anteil in %"]
    assert list(tab.status.columns) == ["ew_ges", "alo", "Anteil in %"]
    assert tab.meta["unmapped_columns"] == ["Anteil in %"]
    assert tab.values.loc["07999001003", "ew_ges"] == 2001.0


def test_columns_mapping_requires_its_headers(tmp_path):
    p = write_csv(tmp_path, CSV_DE)
    with pytest.warns(SozialraumWarning, match="'Anteil in %'"):
        tab = read_table(p, columns={"Einwohner insgesamt": "ew_ges", "arbeitslose": "alo"})
    assert list(tab.values.columns) == ["ew_ges", "alo", "Anteil in %"]
    with pytest.raises(InputError) as exc:
        read_table(p, columns={"Einwohner insgesamt": "ew_ges", "Personen in BG": "sgb2_pers"})
    msg = str(exc.value)
    assert "jobcenter.csv" in msg and "'Personen in BG'" in msg and "fehlt" in msg
    assert exc.value.column == "Personen in BG"
    with pytest.raises(InputError, match="beide der Variable 'ew_ges'"):
        read_table(p, columns={"Einwohner insgesamt": "ew_ges", "Arbeitslose": "ew_ges"})


def test_name_column_and_text_columns(tmp_path):
    text = "Nr.;Ortsteil;Bemerkung;Einwohner\nA1;Nord;neu gebildet;10\nA2;Süd;;20\n"
    p = write_csv(tmp_path, text)
    tab = read_table(p, name="Ortsteil")
    assert tab.names.tolist() == ["Nord", "Süd"]
    assert list(tab.values.columns) == ["Einwohner"]
    assert tab.meta["text_columns"]["Bemerkung"].tolist() == ["neu gebildet", ""]
    with pytest.raises(InputError, match="'Gemeinde'"):
        read_table(p, name="Gemeinde")
    # a number column with mostly unknown texts is an error, not a text column
    p2 = write_csv(tmp_path, "Nr.;Einwohner\nA1;k.A.\nA2;k.A.\nA3;5\n", "b.csv")
    with pytest.raises(InputError, match="'k.A.' in Zeile 2"):
        read_table(p2)


def test_duplicate_header_is_an_error(tmp_path):
    p = write_csv(tmp_path, "Schlüssel;Wert;wert\nA;1;2\n")
    with pytest.raises(InputError, match="'wert' kommt mehrfach vor"):
        read_table(p)


# --------------------------------------------------------------------------- XLSX

XLSX_ROWS = [
    ["Landkreis Musterland – Sozialraumdaten 2024"],
    ["Stand: 31.12.2024"],
    [],
    ["Sozialraum-Nr.", "Sozialraum", "Einwohner\ninsgesamt", "Kinder unter 15", "Quote"],
    [7999001001, "Altstadt", 1966, 312, 12.5],
    ["07999001002", "Birkwalde", 862, ".", "(4,5)"],
    [7999001003.0, "Tannenbrück", 939, "-", None],
    ["07999001004", "Wüstemark", "1.204", 15, "7,25p"],
    [None, "Landkreis insgesamt", 4971, 327, None],
    [],
    ["Quelle: Statistisches Landesamt, eigene Berechnungen"],
    ["1) vorläufige Werte"],
]


def test_xlsx_title_rows_footnotes_and_lost_zeros(tmp_path):
    p = write_xlsx(tmp_path, XLSX_ROWS, "indikatoren_2024.xlsx", extra=("Erläuterungen",))
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        tab = read_table(p, sheet="Daten", year=2024)
    msgs = " | ".join(str(w.message) for w in rec)
    assert (
        "Bei 2 Schlüsseln fehlten führende Nullen" in msgs
        and "Summenzeile" in msgs
        and "Zeile 9" in msgs
    )
    assert tab.source == "indikatoren_2024.xlsx[Daten]" and tab.year == 2024
    assert tab.meta["header_row"] == 4 and tab.meta["last_row"] == 8
    assert tab.meta["footnotes"] == [
        "Quelle: Statistisches Landesamt, eigene Berechnungen",
        "1) vorläufige Werte",
    ]
    assert list(tab.values.columns) == ["Einwohner insgesamt", "Kinder unter 15", "Quote"]
    assert list(tab.values.index) == ["07999001001", "07999001002", "07999001003", "07999001004"]
    assert tab.meta["rows"].to_dict() == {
        "07999001001": 5,
        "07999001002": 6,
        "07999001003": 7,
        "07999001004": 8,
    }
    expected = {
        "07999001001": ([1966.0, 312.0, 12.5], [NA, NA, NA]),
        "07999001002": ([862.0, np.nan, 4.5], [NA, "geheim", "unsicher"]),
        "07999001003": ([939.0, np.nan, np.nan], [NA, "nichts_vorhanden", "fehlt"]),
        "07999001004": ([1204.0, 15.0, 7.25], [NA, NA, "vorlaeufig"]),
    }
    for key, (v, s) in expected.items():
        gv, gs = cells(tab, key)
        assert same(gv, v), (key, gv)
        assert same_status(gs, s), (key, gs)
    assert tab.names.tolist() == ["Altstadt", "Birkwalde", "Tannenbrück", "Wüstemark"]
    # sheet by index gives the same table
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tab0 = read_table(p, sheet=0)
    pd.testing.assert_frame_equal(tab0.values, tab.values)


def test_xlsx_unknown_sheet_lists_sheets(tmp_path):
    p = write_xlsx(tmp_path, XLSX_ROWS, extra=("Erläuterungen",))
    with pytest.raises(InputError) as exc:
        read_table(p, sheet="Tabelle1")
    assert "'Tabelle1'" in str(exc.value) and "'Daten', 'Erläuterungen'" in str(exc.value)
    with pytest.raises(InputError, match="'Daten'"):
        read_table(p, sheet=5)


def test_xlsx_header_row_given(tmp_path):
    rows = [
        ["Tabelle 3"],
        ["Nr", "Wert"],
        ["Gebiet", "Einwohner", "Haushalte"],
        ["A1", 10, 5],
        ["A2", 20, 9],
    ]
    p = write_xlsx(tmp_path, rows)
    tab = read_table(p, header_row=3, key="Gebiet")
    assert tab.values.to_dict("list") == {"Einwohner": [10.0, 20.0], "Haushalte": [5.0, 9.0]}
    assert tab.meta["rows"].tolist() == [4, 5]


def test_xlsx_unknown_symbol_and_excel_error(tmp_path):
    rows = [["Schlüssel", "Einwohner"], ["001", 10], ["002", "#DIV/0!"]]
    p = write_xlsx(tmp_path, rows, "fehler.xlsx")
    with pytest.raises(InputError) as exc:
        read_table(p)
    assert (
        "fehler.xlsx[Daten]" in str(exc.value)
        and "Zeile 3" in str(exc.value)
        and "'Einwohner'" in str(exc.value)
    )


def test_empty_xlsx(tmp_path):
    p = write_xlsx(tmp_path, [], "leer.xlsx")
    with pytest.raises(InputError, match="leer.xlsx"):
        read_table(p)


# --------------------------------------------------------------------------- years, long layout

LONG = (
    "Schlüssel;Name;Jahr;Merkmal;Wert\n"
    "001;Nord;2023;Einwohner insgesamt;1.000\n"
    "001;Nord;2023;Arbeitslose;50\n"
    "002;Süd;2023;Einwohner insgesamt;800\n"
    "002;Süd;2023;Arbeitslose;.\n"
    "001;Nord;2024;Einwohner insgesamt;1.010\n"
    "001;Nord;2024;Arbeitslose;(48)\n"
    "002;Süd;2024;Einwohner insgesamt;790\n"
)


def test_long_layout_multi_year(tmp_path):
    p = write_csv(tmp_path, LONG, "lang.csv")
    tab = read_table(p)
    assert tab.meta["layout"] == "long"
    assert tab.values.index.names == ["key", "year"]
    assert tab.years == [2023, 2024] and tab.year is None
    assert list(tab.values.columns) == ["Einwohner insgesamt", "Arbeitslose"]
    v = tab.values
    assert v.loc[("001", 2023)].tolist() == [1000.0, 50.0]
    assert v.loc[("001", 2024)].tolist() == [1010.0, 48.0]
    st = tab.status
    assert st.loc[("002", 2023), "Arbeitslose"] == "geheim"
    assert st.loc[("001", 2024), "Arbeitslose"] == "unsicher"
    assert st.loc[("002", 2024), "Arbeitslose"] == "fehlt"  # no row in the long table
    assert st.loc[("001", 2023)].isna().all()
    assert tab.meta["rows"].loc[("002", 2024)] == 8
    y = tab.for_year(2024)
    assert y.year == 2024 and list(y.values.index) == ["001", "002"]
    assert y.names.tolist() == ["Nord", "Süd"] and y.meta["rows"].tolist() == [6, 8]
    with pytest.raises(
        InputError, match=r"Jahr 2020 ist nicht in der Tabelle \(vorhanden: 2023, 2024\)"
    ):
        tab.for_year(2020)


def test_year_selects_and_missing_year_names_years(tmp_path):
    p = write_csv(tmp_path, LONG, "lang.csv")
    tab = read_table(p, year=2023, columns={"Einwohner insgesamt": "ew_ges", "Arbeitslose": "alo"})
    assert tab.year == 2023 and tab.values.index.name == "key"
    assert list(tab.values.index) == ["001", "002"]
    assert tab.values["ew_ges"].tolist() == [1000.0, 800.0]
    assert tab.values.at["001", "alo"] == 50.0 and math.isnan(tab.values.at["002", "alo"])
    assert tab.status.at["002", "alo"] == "geheim" and tab.names.tolist() == ["Nord", "Süd"]
    with pytest.raises(InputError) as exc:
        read_table(p, year=2022)
    assert (
        "lang.csv" in str(exc.value) and "2022" in str(exc.value) and "2023, 2024" in str(exc.value)
    )
    with pytest.raises(InputError, match="'Wohnungen'"):
        read_table(p, columns={"Wohnungen": "wohnungen"})


def test_long_duplicates_name_rows(tmp_path):
    p = write_csv(tmp_path, LONG + "001;Nord;2024;Arbeitslose;47\n", "lang.csv")
    with pytest.raises(InputError) as exc:
        read_table(p)
    assert (
        "'001'" in str(exc.value) and "'Arbeitslose'" in str(exc.value) and "7, 9" in str(exc.value)
    )


def test_wide_table_with_year_column(tmp_path):
    text = "Schlüssel;Jahr;Einwohner\n001;2023;10\n002;2023;20\n001;2024;11\n002;2024;21\n"
    p = write_csv(tmp_path, text)
    tab = read_table(p)
    assert tab.values.index.names == ["key", "year"] and tab.years == [2023, 2024]
    assert tab.for_year(2024).values["Einwohner"].tolist() == [11.0, 21.0]
    single = read_table(p, year=2023)
    assert single.year == 2023 and single.values["Einwohner"].tolist() == [10.0, 20.0]
    with pytest.raises(InputError, match="vorhanden: 2023, 2024"):
        read_table(p, year=2025)
    dup = write_csv(tmp_path, text + "002;2024;22\n", "dup.csv")
    with pytest.raises(InputError) as exc:
        read_table(dup)
    assert "im Jahr 2024" in str(exc.value) and "'002' (Zeilen 5, 6)" in str(exc.value)


def test_single_year_column_gives_plain_index(tmp_path):
    text = "Schlüssel;Jahr;Einwohner\n001;2024;10\n002;2024;20\n"
    tab = read_table(write_csv(tmp_path, text))
    assert tab.year == 2024 and tab.values.index.name == "key"
    with pytest.raises(InputError, match="vorhanden: 2024"):
        read_table(write_csv(tmp_path, text, "b.csv"), year=2023)


def test_to_long_and_rename(tmp_path):
    tab = read_table(write_csv(tmp_path, CSV_DE), year=2024)
    long = tab.to_long()
    assert list(long.columns) == ["key", "year", "variable", "value", "status"]
    assert len(long) == 12
    row = long[(long["key"] == "07999001002") & (long["variable"] == "Arbeitslose")].iloc[0]
    assert math.isnan(row["value"]) and row["status"] == "geheim" and row["year"] == 2024
    r = tab.rename({"Arbeitslose": "alo"})
    assert (
        "alo" in r.values.columns
        and "alo" in r.status.columns
        and "Arbeitslose" in tab.values.columns
    )


def test_table_joins_to_areas(tmp_path):
    """The IndicatorTable fits join_table (keys, rows, names, status)."""
    from sozialraum.join import join_table

    keys = ["07999001001", "07999001002", "07999001003", "07999001005"]
    areas = gpd.GeoDataFrame(
        {"sr_name": ["Altstadt", "Täubchenthal", "Wüstemark", "Neu"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(4)],
        index=pd.Index(keys, name="sr_id"),
        crs=25833,
    )
    tab = read_table(write_csv(tmp_path, CSV_DE))
    res = join_table(areas, tab, area_names="sr_name")
    assert res.frame.loc["07999001001", "Einwohner insgesamt"] == 1234.0
    assert res.status.loc["07999001002", "Arbeitslose"] == "geheim"
    assert res.report.rows_without_area["key"].tolist() == ["07999001004"]
    assert res.report.rows_without_area["row"].tolist() == [5]


# --------------------------------------------------------------------------- Musterland


def _musterland_files(musterland):
    ex = musterland["examples"]
    files = [ex / "katalog.toml"] + [ex / f"indikatoren_{y}.xlsx" for y in (2022, 2023, 2024)]
    files += [ex / f"jobcenter_{y}.csv" for y in (2022, 2023, 2024)]
    if not all(f.exists() for f in files):
        pytest.skip("examples/musterland not generated yet")
    return ex


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_musterland_xlsx_round_trips_against_openpyxl(musterland, year):
    ex = _musterland_files(musterland)
    cat = read_catalogue(ex / "katalog.toml")
    path = ex / f"indikatoren_{year}.xlsx"
    tab = read_table(path, sheet="Daten", columns=cat, year=year)
    assert tab.year == year and len(tab.values) >= 70
    # keys are text; in one year the generator stores them as Excel numbers (zeros lost):
    # the join restores them against the area keys
    assert tab.values.index.str.fullmatch(r"\d{10,11}").all()
    assert tab.values.index.str.zfill(11).is_unique
    # independent reference: every cell straight from openpyxl
    ws = load_workbook(path, read_only=True, data_only=True)["Daten"]
    raw = [list(r) for r in ws.iter_rows(values_only=True)]
    h = tab.meta["header_row"] - 1
    hm = cat.header_map()
    from sozialraum.io.catalogue import normalise_header

    head = [hm.get(normalise_header(c)) if c else None for c in raw[h]]
    sym = {
        ".": "geheim",
        "-": "nichts_vorhanden",
        "–": "nichts_vorhanden",
        "x": "nicht_sinnvoll",
        "/": "nicht_sicher",
    }
    checked = 0
    for key, r in tab.meta["rows"].items():
        row = raw[r - 1]
        assert str(row[0]).strip() == key
        for j, vid in enumerate(head):
            if vid is None or vid not in tab.values.columns:
                continue
            cell, v, s = row[j], tab.values.at[key, vid], tab.status.at[key, vid]
            if isinstance(cell, (int, float)):
                assert v == cell and s is NA
            elif cell is None:
                assert math.isnan(v) and s == "fehlt"
            else:
                assert math.isnan(v) and s == sym[cell.strip()], (key, vid, cell)
            checked += 1
    assert checked > 1000
    assert (tab.status == "geheim").any().any() and (tab.status == "nichts_vorhanden").any().any()


@pytest.mark.parametrize("year", [2022, 2023, 2024])
def test_musterland_csv_round_trips_against_csv_module(musterland, year):
    ex = _musterland_files(musterland)
    cat = read_catalogue(ex / "katalog.toml")
    path = ex / f"jobcenter_{year}.csv"
    tab = read_table(path, columns=cat, year=year)
    assert tab.meta["encoding"] == "cp1252" and tab.meta["delimiter"] == ";"
    with path.open(encoding="cp1252", newline="") as fh:
        raw = list(csv.reader(fh, delimiter=";"))
    from sozialraum.io.catalogue import normalise_header

    hm = cat.header_map()
    h = tab.meta["header_row"] - 1
    head = [hm.get(normalise_header(c), c) for c in raw[h]]
    for key, r in tab.meta["rows"].items():
        row = raw[r - 1]
        assert row[0].strip() == key
        for j, vid in enumerate(head):
            if vid not in tab.values.columns:
                continue
            cell = row[j].strip()
            v, s = tab.values.at[key, vid], tab.status.at[key, vid]
            if cell in (".", "-", "x", "/", "…", ""):
                assert math.isnan(v) and s is not NA
            else:
                assert v == float(cell.replace(".", "").replace(",", ".")) and s is NA
    assert "ä" in "".join(n for n in tab.names if n) or "ü" in "".join(n for n in tab.names if n)
