"""Reading and validating population files."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from sozialraum.demography import from_array, read_population, to_array, validate_population
from sozialraum.errors import InputError, SozialraumWarning

HEAD = "sr_id;alter;geschlecht;anzahl\n"


def _write(path, lines):
    path.write_text(HEAD + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_read_keys_as_text_and_year_from_name(tmp_path):
    _write(tmp_path / "bevoelkerung_alter_2023.csv", ["07999001001;0;m;5", "07999001001;100+;w;1"])
    _write(
        tmp_path / "bevoelkerung_alter_2024.csv", ["07999001001;1;m;5", "07999001001;3;weiblich;2"]
    )
    pop = read_population(str(tmp_path / "bevoelkerung_alter_*.csv"))
    assert list(pop["key"].unique()) == ["07999001001"]
    assert sorted(pop["year"].unique()) == [2023, 2024]
    assert pop.loc[pop["alter"] == 100, "anzahl"].item() == 1
    assert set(pop["geschlecht"]) == {"m", "w"}
    arr = to_array(pop)
    assert arr.values.shape == (2, 1, 101, 2)
    assert arr.values.sum() == 13
    back = from_array(arr.values, arr.keys, arr.years)
    assert back["anzahl"].sum() == 13


@pytest.mark.parametrize(
    ("line", "what", "column"),
    [
        ("07999001001;5;m;-3", "negative", "anzahl"),
        ("07999001001;101;m;3", "101", "alter"),
        ("07999001001;5;x;3", "'x'", "geschlecht"),
        ("07999001001;5;m;drei", "drei", "anzahl"),
    ],
)
def test_bad_rows_name_file_and_row(tmp_path, line, what, column):
    f = _write(tmp_path / "bev_2024.csv", ["07999001001;4;m;3", line])
    with pytest.raises(InputError, match=what) as err:
        read_population(f)
    assert err.value.file == "bev_2024.csv"
    assert err.value.row == 3  # header = row 1
    assert err.value.column == column
    assert "Zeile 3" in str(err.value)


def test_duplicates_named(tmp_path):
    f = _write(
        tmp_path / "bev_2024.csv", ["07999001001;4;m;3", "07999001002;4;m;3", "07999001001;4;m;7"]
    )
    with pytest.raises(InputError, match="doppelte") as err:
        read_population(f)
    assert err.value.row == 4 and err.value.ids == ["07999001001"]
    assert "Zeile 2" in str(err.value)


def test_missing_columns_and_files(tmp_path):
    f = tmp_path / "bev_2024.csv"
    f.write_text("sr_id;alter;anzahl\n1;2;3\n", encoding="utf-8")
    with pytest.raises(InputError, match="geschlecht"):
        read_population(f)
    with pytest.raises(InputError):
        read_population(tmp_path / "nix_*.csv")
    g = _write(tmp_path / "bevoelkerung.csv", ["1;2;m;3"])
    with pytest.raises(InputError, match="Jahr"):
        read_population(g)


def test_missing_area_year_warns():
    pop = pd.DataFrame(
        {
            "key": ["a", "a", "b"],
            "year": [2023, 2024, 2024],
            "alter": [1, 2, 3],
            "geschlecht": ["m", "m", "w"],
            "anzahl": [1, 1, 1],
        }
    )
    with pytest.warns(SozialraumWarning, match="'a/2023'|'b/2023'"):
        arr = to_array(pop)
    assert arr.values[0, 1].sum() == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_population(pop)


def test_read_district_rates(tmp_path):
    from sozialraum.demography import read_district_rates

    lines = [
        "alter;sterbewahrscheinlichkeit_m;sterbewahrscheinlichkeit_w;geburtenziffer_w;fortzugsrate"
    ]
    for a in range(101):
        f = 0.1 if a == 30 else 0.0
        lines.append(f"{a};0,01;0.02;{f};0.05")
    p = tmp_path / "raten.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = read_district_rates(p)
    assert r.life_table.q[5, 0] == pytest.approx(0.01) and r.life_table.q[5, 1] == pytest.approx(
        0.02
    )
    assert r.fertility.sum() == pytest.approx(0.1) and r.fertility[30] == pytest.approx(0.1)
    assert list(r.extra.columns) == ["fortzugsrate"]
    # constant q = .01: S_x = L_{x+1}/L_x = 0.99
    assert r.life_table.survival[40, 0] == pytest.approx(0.99)
    lines[11] = "10;1.5;0.02;0;0.05"  # file row 12 (header = row 1)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="Zeile 12") as err:
        read_district_rates(p)
    assert err.value.column == "sterbewahrscheinlichkeit_m"
    p.write_text("\n".join(lines[:50]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="49"):
        read_district_rates(p)
