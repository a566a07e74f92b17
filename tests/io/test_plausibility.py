"""Plausibility findings: hand cases for every rule, and a real Berlin-MSS-style file
whose −9999 placeholders used to be read as values (moving areas between classes)."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from sozialraum.core.status import CODES
from sozialraum.errors import SozialraumWarning
from sozialraum.io import read_catalogue, read_table
from sozialraum.io.plausibility import INVALID, check_plausibility
from sozialraum.join import join_tables

KATALOG = """
[variables.ew]
label = "Einwohner"
unit = "Personen"
[variables.alo]
label = "Arbeitslose"
unit = "Personen"
[variables.alq]
label = "Arbeitslosenquote"
unit = "%"
headers = ["ALQ"]
[variables.zuzuege]
label = "Zuzüge"
unit = "Personen"
[variables.fortzuege]
label = "Fortzüge"
unit = "Personen"
[variables.saldo]
label = "Wanderungssaldo"
unit = "Personen"
[relations]
saldo = "zuzuege - fortzuege"
[indicators.alo_anteil]
label = "Anteil Arbeitslose"
numerator = "alo"
denominator = "ew"
per = 100
"""


@pytest.fixture
def cat(tmp_path):
    p = tmp_path / "katalog.toml"
    p.write_text(KATALOG, encoding="utf-8")
    return read_catalogue(p)


def test_invalid_status_code_is_in_the_one_list():
    assert INVALID in CODES and not CODES[INVALID].secret and not CODES[INVALID].keeps_value


def test_each_rule_by_hand(cat):
    v = pd.DataFrame(
        {
            "ew": [100.0, -5.0, 80.0, -9999.0],
            "alo": [5.0, 3.0, 90.0, -1.0],
            "alq": [5.0, 140.0, 7.0, 3.0],
            "saldo": [-12.0, 4.0, -9999.0, -1.0],
        },
        index=pd.Index(["A", "B", "C", "D"], name="key"),
    )
    res = check_plausibility(v, None, cat, source="x.csv")
    by = {(f.kind, f.column): f for f in res.findings}
    assert by[("platzhalter", "ew")].areas == ("D",)
    assert by[("platzhalter", "alo")].areas == ("D",)  # −1 in a count
    assert ("platzhalter", "saldo") not in by  # a difference: −9999 and −1 can be true values
    assert by[("negativ", "ew")].areas == ("B",) and by[("negativ", "ew")].values == (-5.0,)
    assert ("negativ", "saldo") not in by
    assert by[("anteil_ueber", "alq")].areas == ("B",)
    assert by[("zaehler_ueber", "alo")].areas == ("C",)  # 90 > 80; D is a placeholder now
    assert len(res.findings) == 5
    assert np.isnan(res.values.loc["D", "ew"]) and res.status.loc["D", "ew"] == INVALID
    assert res.values.loc["C", "saldo"] == -9999.0 and pd.isna(res.status.loc["C", "saldo"])
    assert v.loc["D", "ew"] == -9999.0  # the input is not changed
    msg = by[("negativ", "ew")].message
    assert "x.csv" in msg and "'ew'" in msg and "B (-5)" in msg


def test_fraction_shares_are_checked_against_one():
    v = pd.DataFrame({"q": [0.1, 0.2, 0.3, 0.25, 1.4]}, index=list("abcde"))
    res = check_plausibility(v, percent_columns=())
    assert res.findings == ()  # without a catalogue or % sign the column is not a share
    res = check_plausibility(v, percent_columns=["q"])
    assert [f.areas for f in res.findings] == []  # percent: 1.4 % is fine
    from sozialraum.io.plausibility import _share_limit

    assert _share_limit(v["q"].to_numpy()) == 1.0
    assert _share_limit(np.array([5.0, 12.0, 40.0])) == 100.0


def test_without_catalogue_only_unambiguous_placeholders():
    v = pd.DataFrame({"x": [1.0, -999.0, -9999.0, 9999999.0, -1.0]}, index=list("abcde"))
    res = check_plausibility(v)
    assert [(f.kind, f.areas) for f in res.findings] == [("platzhalter", ("c", "d"))]
    assert res.values["x"].tolist()[:2] == [1.0, -999.0] and res.values["x"].isna().sum() == 2


def test_berlin_mss_placeholders_become_invalid_and_are_reported(tmp_path, cat):
    # regression: −9999 for invalid areas was read as a value (170 of 536 classes moved)
    text = (
        "Schlüssel;Name;Einwohner;Arbeitslose;ALQ\n"
        "01011101;Nord;1.000;50;5,0 %\n"
        "01011102;Mitte;-9999;-9999;-9999\n"
        "01011103;Süd;800;900;140,0 %\n"
        "01011104;Ost;-5;3;1,0 %\n"
    )
    p = tmp_path / "mss.csv"
    p.write_bytes(text.encode("cp1252"))
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        tab = read_table(p, columns=cat)
    msgs = [str(w.message) for w in rec if issubclass(w.category, SozialraumWarning)]
    assert tab.status.loc["01011102"].tolist() == [INVALID] * 3
    assert tab.values.loc["01011102"].isna().all()
    assert any("Platzhalter -9999" in m and "01011102" in m and "mss.csv" in m for m in msgs)
    assert any("'ew'" in m and "negative" in m and "01011104" in m for m in msgs)
    assert any("'alq'" in m and "über 100 %" in m and "01011103" in m for m in msgs)
    assert any("Zähler 'alo'" in m and "01011103" in m for m in msgs)
    areas = gpd.GeoDataFrame(
        {"name": ["Nord", "Mitte", "Süd", "Ost"]},
        geometry=[box(i, 0, i + 1, 1) for i in range(4)],
        index=pd.Index(["01011101", "01011102", "01011103", "01011104"], name="key"),
        crs="EPSG:25833",
    )
    res = join_tables(areas, [tab])
    text = res.report[0].to_text()
    assert "Auffällige Werte (6)" in text and "Alle Gebiete" not in text
    assert res.status.loc["01011102", "ew"] == INVALID
