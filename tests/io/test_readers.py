"""Every table reader on the same two kinds of office files.

A German Excel "CSV" (Windows-1252, ``;``, decimal comma, thousands point) and an
XLSX workbook must give the same numbers through the one table reader
(``io.read_text_table``) and through every reader built on it: indicator tables,
the catalogue, Zensus grids, population files and district rates.
"""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sozialraum.demography import read_district_rates, read_population
from sozialraum.errors import InputError
from sozialraum.io import read_catalogue, read_table, read_text_table
from sozialraum.io.reader import decode_text, sniff_delimiter
from sozialraum.raster import read_zensus_csv


def _cp1252_csv(path, rows: list[list[str]]):
    path.write_bytes(("\r\n".join(";".join(r) for r in rows) + "\r\n").encode("cp1252"))
    return path


def _xlsx(path, rows: list[list], sheet: str = "Daten"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


TEXT_ROWS = [
    ["Gebiet", "Straße", "Einwohner", "Anteil in %"],
    ["001", "Müllerstraße", "1.234", "12,5"],
    ["002", "Ölweg", "987", "7,25"],
]


def test_read_text_table_cp1252_semicolon_decimal_comma(tmp_path):
    tab = read_text_table(_cp1252_csv(tmp_path / "t.csv", TEXT_ROWS))
    assert (tab.encoding, tab.delimiter, tab.decimal, tab.thousands) == ("cp1252", ";", ",", ".")
    assert list(tab.frame.columns) == ["Gebiet", "Straße", "Einwohner", "Anteil in %"]
    assert tab.frame["Straße"].tolist() == ["Müllerstraße", "Ölweg"]  # no Mojibake
    ew, st = tab.numbers("Einwohner")
    np.testing.assert_array_equal(ew.to_numpy(), [1234.0, 987.0])
    assert st.isna().all()
    np.testing.assert_allclose(tab.numbers("anteil in %")[0], [12.5, 7.25])  # header spelling
    assert tab.rows.tolist() == [2, 3] and tab.header_row == 1


def test_read_text_table_xlsx(tmp_path):
    rows = [TEXT_ROWS[0], ["001", "Müllerstraße", 1234, 12.5], ["002", "Ölweg", 987, "7,25"]]
    tab = read_text_table(_xlsx(tmp_path / "t.xlsx", [["Titel"], [], *rows]))
    assert tab.sheet == "Daten" and tab.source == "t.xlsx[Daten]" and tab.encoding is None
    assert tab.header_row == 1  # the first non-empty row is the header of a plain table
    tab = read_text_table(_xlsx(tmp_path / "u.xlsx", rows))
    np.testing.assert_allclose(tab.numbers("Einwohner")[0], [1234.0, 987.0])
    np.testing.assert_allclose(tab.numbers("Anteil in %")[0], [12.5, 7.25])


def test_read_text_table_errors_name_file_row_column(tmp_path):
    p = _cp1252_csv(tmp_path / "t.csv", [*TEXT_ROWS, ["003", "Ring", "viele", "1,0"]])
    tab = read_text_table(p)
    with pytest.raises(InputError, match="'viele' in Zeile 4, Spalte 'Einwohner'") as err:
        tab.numbers("Einwohner")
    assert (err.value.file, err.value.row, err.value.column) == ("t.csv", 4, "Einwohner")
    with pytest.raises(InputError, match="Spalte 'Fehlt' fehlt"):
        tab.column("Fehlt")
    _cp1252_csv(tmp_path / "d.csv", [["a", "A", "b"], ["1", "2", "3"]])
    with pytest.raises(InputError, match="mehrfach"):
        read_text_table(tmp_path / "d.csv")
    with pytest.raises(InputError, match="nicht gefunden"):
        read_text_table(tmp_path / "nope.csv")


def test_decode_and_sniff_are_public_steps():
    text, enc = decode_text("a;b\nÄ;1,5\n".encode("cp1252"))
    assert (text, enc) == ("a;b\nÄ;1,5\n", "cp1252")
    assert decode_text("\ufeffa;b\n".encode())[1] == "utf-8-sig"
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"


INDICATOR_ROWS = [
    ["Sozialraum-Nr.", "Sozialraum", "Einwohner insgesamt", "Anteil Ältere"],
    ["07999001001", "Altstadt", "1.966", "21,4"],
    ["07999001002", "Bahnhofsviertel", "12.345", "18,05"],
]


def test_read_table_cp1252_and_xlsx_agree(tmp_path):
    a = read_table(_cp1252_csv(tmp_path / "i.csv", INDICATOR_ROWS))
    rows = [INDICATOR_ROWS[0]] + [
        [r[0], r[1], float(r[2].replace(".", "")), r[3]] for r in INDICATOR_ROWS[1:]
    ]
    b = read_table(_xlsx(tmp_path / "i.xlsx", [["Sozialraumdaten 2024"], [], *rows]))
    assert a.meta["encoding"] == "cp1252" and a.meta["decimal"] == ","
    assert b.meta["header_row"] == 3
    for tab in (a, b):
        assert tab.values.index.tolist() == ["07999001001", "07999001002"]
        np.testing.assert_allclose(tab.values["Einwohner insgesamt"], [1966.0, 12345.0])
        np.testing.assert_allclose(tab.values["Anteil Ältere"], [21.4, 18.05])


CATALOGUE_ROWS = [
    ["id", "label", "unit", "numerator", "denominator", "per", "weight", "min_denominator"],
    ["quote_65", "Anteil Älterer über 65", "%", "ew_65", "ew_ges", "100", "0,5", "1.000"],
]


def test_read_catalogue_cp1252_and_xlsx(tmp_path):
    a = read_catalogue(_cp1252_csv(tmp_path / "k.csv", CATALOGUE_ROWS))
    b = read_catalogue(_xlsx(tmp_path / "k.xlsx", CATALOGUE_ROWS))
    for kat in (a, b):
        row = kat.indicators.loc["quote_65"]
        assert row["label"] == "Anteil Älterer über 65"
        assert row["weight"] == 0.5 and row["aggregation"] == "rate"
        # regression: "1.000" (German thousands point) was read as 1.0
        assert row["min_denominator"] == 1000.0


ZENSUS_ROWS = [
    ["GITTER_ID_100m", "x_mp_100m", "y_mp_100m", "Einwohner", "Durchschnittsalter", "Bemerkung"],
    ["CRS3035RES100mN2689100E4337000", "4337050", "2689150", "1.234", "41,5", "Süd"],
    ["CRS3035RES100mN2689200E4337000", "4337050", "2689250", "–", "38,25", "Nörd"],
]


def test_read_zensus_cp1252_and_xlsx(tmp_path):
    a = read_zensus_csv(
        _cp1252_csv(tmp_path / "z.csv", ZENSUS_ROWS),
        value_columns=["Einwohner", "Durchschnittsalter"],
    )
    b = read_zensus_csv(
        _xlsx(tmp_path / "z.xlsx", ZENSUS_ROWS), value_columns=["Einwohner", "Durchschnittsalter"]
    )
    for g in (a, b):
        ew = g.frame["Einwohner"].to_numpy()
        assert ew[0] == 1234.0 and np.isnan(ew[1])
        assert g.status["Einwohner"].iloc[1] == "nichts_vorhanden"
        np.testing.assert_allclose(g.frame["Durchschnittsalter"], [41.5, 38.25])
        assert g.frame["x"].iloc[0] == 4337000 and g.resolution == 100.0


POPULATION_ROWS = [
    ["sr_id", "alter", "geschlecht", "anzahl"],
    ["07999001001", "0", "männlich", "1.234"],
    ["07999001001", "0", "weiblich", "7"],
    ["07999001001", "100+", "weiblich", "–"],
]


def test_read_population_cp1252_and_xlsx(tmp_path):
    a = read_population(_cp1252_csv(tmp_path / "bev_2024.csv", POPULATION_ROWS))
    b = read_population(_xlsx(tmp_path / "bev_2024.xlsx", POPULATION_ROWS))
    for pop in (a, b):
        assert pop["year"].unique().tolist() == [2024]
        got = pop.set_index(["alter", "geschlecht"])["anzahl"]
        assert got[(0, "m")] == 1234.0 and got[(0, "w")] == 7.0
        assert got[(100, "w")] == 0.0  # "–" = nichts vorhanden = 0 persons


def test_read_population_bad_count_names_file_row(tmp_path):
    rows = [*POPULATION_ROWS, ["07999001001", "1", "m", "1,5x"]]
    with pytest.raises(InputError, match="Zeile 5") as err:
        read_population(_cp1252_csv(tmp_path / "bev_2024.csv", rows))
    assert err.value.column == "anzahl"


def _rate_rows():
    rows = [
        ["alter", "sterbewahrscheinlichkeit_m", "sterbewahrscheinlichkeit_w", "geburtenziffer_w"]
    ]
    for a in range(101):
        rows.append([str(a), "0,01", "0,02", "0,1" if a == 30 else "0"])
    return rows


def test_read_district_rates_cp1252_and_xlsx(tmp_path):
    a = read_district_rates(_cp1252_csv(tmp_path / "r.csv", _rate_rows()))
    b = read_district_rates(_xlsx(tmp_path / "r.xlsx", _rate_rows()))
    for r in (a, b):
        assert r.life_table.q[5, 0] == pytest.approx(0.01)
        assert r.life_table.q[5, 1] == pytest.approx(0.02)
        assert r.fertility[30] == pytest.approx(0.1) and r.fertility.sum() == pytest.approx(0.1)


def test_no_reader_reads_utf8_only(tmp_path):
    """Regression: the Zensus and population readers read UTF-8 only; cp1252 failed."""
    p = _cp1252_csv(tmp_path / "bev_2023.csv", POPULATION_ROWS)
    assert pd.api.types.is_float_dtype(read_population(p)["anzahl"])
    with pytest.raises(UnicodeDecodeError):
        p.read_bytes().decode("utf-8")
