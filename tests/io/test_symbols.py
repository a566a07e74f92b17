"""German statistical symbols and number texts → values and status, cell by cell."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sozialraum.io.symbols import DEFAULT_SYMBOLS, detect_number_format, parse_cells

NA = None  # expected "plain number" status

# (cell, expected value, expected status, expected unknown) — German format
CASES = [
    ("1.234,5", 1234.5, NA, False),
    ("12", 12.0, NA, False),
    ("0,25", 0.25, NA, False),
    ("-5", -5.0, NA, False),
    ("\u22125,5", -5.5, NA, False),  # typographic minus
    ("1.234.567", 1234567.0, NA, False),
    (" 7 ", 7.0, NA, False),
    ("1\u00a0234,5", np.nan, NA, True),  # space grouping is not the declared thousands separator
    (".", np.nan, "geheim", False),
    ("*", np.nan, "geheim", False),
    ("-", np.nan, "nichts_vorhanden", False),
    ("–", np.nan, "nichts_vorhanden", False),
    ("—", np.nan, "nichts_vorhanden", False),
    ("x", np.nan, "nicht_sinnvoll", False),
    ("X", np.nan, "nicht_sinnvoll", False),
    ("/", np.nan, "nicht_sicher", False),
    ("…", np.nan, "spaeter", False),
    ("...", np.nan, "spaeter", False),
    ("(12)", 12.0, "unsicher", False),
    ("( 1.234,5 )", 1234.5, "unsicher", False),
    ("12p", 12.0, "vorlaeufig", False),
    ("12 p", 12.0, "vorlaeufig", False),
    ("3,5p", 3.5, "vorlaeufig", False),
    ("", np.nan, "fehlt", False),
    ("   ", np.nan, "fehlt", False),
    (None, np.nan, "fehlt", False),
    ("k.A.", np.nan, NA, True),
    ("n/a", np.nan, NA, True),
    ("abc", np.nan, NA, True),
    ("1.5", np.nan, NA, True),  # not a German number: never silently 15
    ("(12", np.nan, NA, True),
    ("12)", np.nan, NA, True),
]


def _check(values, status, unknown, expected):
    for i, (cell, v, s, u) in enumerate(expected):
        got_v, got_s, got_u = values.iloc[i], status.iloc[i], bool(unknown.iloc[i])
        if math.isnan(v):
            assert math.isnan(got_v), (cell, got_v)
        else:
            assert got_v == v, (cell, got_v)
        if s is None:
            assert got_s is pd.NA, (cell, got_s)
        else:
            assert got_s == s, (cell, got_s)
        assert got_u is u, (cell, got_u)


def test_every_symbol_and_number_cell_by_cell():
    cells = pd.Series([c for c, *_ in CASES], dtype=object)
    values, status, unknown = parse_cells(cells, decimal=",", thousands=".")
    assert values.dtype == np.float64
    assert str(status.dtype) == "string"
    assert unknown.dtype == bool
    _check(values, status, unknown, CASES)


def test_index_is_kept():
    s = pd.Series(["1", "."], index=["a", "b"], dtype=object)
    v, st_, u = parse_cells(s)
    assert (
        list(v.index) == ["a", "b"]
        and list(st_.index) == ["a", "b"]
        and list(u.index) == ["a", "b"]
    )


def test_user_symbols_extend_and_override():
    cells = pd.Series(["k.A.", "n/a", "-", "5"], dtype=object)
    v, st_, u = parse_cells(
        cells, symbols={"k.A.": "fehlt", "n/a": "nicht_sinnvoll", "-": "geheim"}
    )
    assert st_.tolist() == ["fehlt", "nicht_sinnvoll", "geheim", pd.NA]
    assert not u.any()
    assert v.iloc[3] == 5.0 and v.iloc[:3].isna().all()


def test_numeric_series_from_excel():
    v, st_, u = parse_cells(pd.Series([1, 2.5, np.nan]))
    assert v.tolist()[:2] == [1.0, 2.5] and math.isnan(v.iloc[2])
    assert st_.tolist() == [pd.NA, pd.NA, "fehlt"]
    assert not u.any()


def test_mixed_excel_column_numbers_and_texts():
    cells = pd.Series([12, 3.5, ".", "(7)", None, "1.000,5"], dtype=object)
    v, st_, u = parse_cells(cells, decimal=",", thousands=".")
    assert v.tolist()[:2] == [12.0, 3.5]
    assert v.iloc[3] == 7.0 and v.iloc[5] == 1000.5
    assert st_.tolist() == [pd.NA, pd.NA, "geheim", "unsicher", "fehlt", pd.NA]
    assert not u.any()


def test_english_format():
    cells = pd.Series(["1,234.5", "0.25", "-", "12"], dtype=object)
    v, st_, u = parse_cells(cells, decimal=".", thousands=",")
    assert v.iloc[0] == 1234.5 and v.iloc[1] == 0.25 and v.iloc[3] == 12.0
    assert st_.iloc[2] == "nichts_vorhanden"


def test_detected_format():
    v, _, u = parse_cells(pd.Series(["1,234.5", "2.75"], dtype=object), decimal=None)
    assert v.tolist() == [1234.5, 2.75] and not u.any()
    v, _, u = parse_cells(pd.Series(["1.234,5", "2,75"], dtype=object), decimal=None)
    assert v.tolist() == [1234.5, 2.75] and not u.any()


@pytest.mark.parametrize(
    "texts, prefer, expected",
    [
        (["12,5", "3"], ",", (",", ".")),
        (["1.234,56"], ".", (",", ".")),
        (["12.5"], ",", (".", ",")),
        (["1,234.5"], ",", (".", ",")),
        (["1.234"], ",", (",", ".")),  # ambiguous: German preferred
        (["1.234"], ".", (".", ",")),
        ([], ",", (",", ".")),
    ],
)
def test_detect_number_format(texts, prefer, expected):
    assert detect_number_format(texts, prefer=prefer) == expected


def test_default_symbol_table_matches_docs():
    assert DEFAULT_SYMBOLS["."] == "geheim" and DEFAULT_SYMBOLS["–"] == "nichts_vorhanden"
    assert set(DEFAULT_SYMBOLS.values()) == {
        "geheim",
        "nichts_vorhanden",
        "nicht_sinnvoll",
        "nicht_sicher",
        "spaeter",
    }


def test_large_column_is_parsed_consistently():
    rng = np.random.default_rng(0)
    x = np.round(rng.uniform(-1e6, 1e6, 50_000), 2)
    texts = [f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") for v in x]
    texts[::1000] = ["."] * len(texts[::1000])
    v, st_, u = parse_cells(pd.Series(texts, dtype=object), decimal=",", thousands=".")
    mask = np.ones(len(x), dtype=bool)
    mask[::1000] = False
    np.testing.assert_array_equal(v.to_numpy()[mask], x[mask])
    assert (st_[~mask] == "geheim").all() and st_[mask].isna().all() and not u.any()


def _german(x: float, decimals: int, grouped: bool) -> str:
    s = f"{x:,.{decimals}f}" if grouped else f"{x:.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


@settings(max_examples=300, deadline=None)
@given(
    x=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    decimals=st.integers(min_value=0, max_value=4),
    grouped=st.booleans(),
    flag=st.sampled_from(["", "p", " p", "()"]),
)
def test_german_format_round_trip(x, decimals, grouped, flag):
    text = _german(x, decimals, grouped)
    if flag == "()":
        text = f"({text})"
    else:
        text += flag
    v, st_, u = parse_cells(pd.Series([text], dtype=object), decimal=",", thousands=".")
    assert not u.iloc[0], text
    assert v.iloc[0] == float(f"{x:.{decimals}f}"), text
    expected = {"": pd.NA, "p": "vorlaeufig", " p": "vorlaeufig", "()": "unsicher"}[flag]
    assert st_.iloc[0] is expected or st_.iloc[0] == expected
