"""The release checker reads each distinct text once (readings and tokens are remembered,
marked elements are found by their mark): the same token in another context is compared
anew, and the fast paths find exactly what the plain ones find."""

from __future__ import annotations

import random
import re

import numpy as np
import pandas as pd

from sozialraum.privacy import check_release
from sozialraum.privacy.checker import (
    _METHOD_RE,
    _METHOD_WORD,
    _YEAR_RE,
    _YEAR_WORD,
    _drop_marked,
    _key_cells,
    _key_text,
    _marked,
    _tokens,
    parse_number,
)


def _de(x: float, d: int = 1) -> str:
    return f"{x:.{d}f}".replace(".", ",")


def _token_of_a_not_of_b(data, col: str) -> tuple[str, str, str]:
    """Two areas of one municipality and ``col`` of the first, printed with one decimal,
    a value that no column of the second shows (so only the first leaks with it)."""
    a = data.areas
    num = a.select_dtypes("number")
    for k in a.index[a[col].notna() & (a[col] > 0.5)]:
        tok = _de(round(float(a.at[k, col]), 1))
        shown = round(float(a.at[k, col]), 1)
        if ((num.loc[k].round(1) == shown) | (num.loc[k] == shown)).sum() != 1:
            continue
        for b in a.index[(a["ags"] == a.at[k, "ags"]) & (a.index != k)]:
            if not ((num.loc[b].round(1) == shown) | (num.loc[b] == shown)).any():
                return k, b, tok
    raise AssertionError("no pair of areas found")


def test_same_token_in_two_areas_is_found_only_in_the_area_it_belongs_to(ml_data, tmp_path):
    """The token is read once; which area it is compared with is decided per line."""
    data, _ = ml_data
    k, b, tok = _token_of_a_not_of_b(data, "sgb2_quote")
    path = tmp_path / "zeilen.txt"
    for order in ((b, k), (k, b), (b, k, b)):
        path.write_text("\n".join(f"Sozialraum {x}: {tok} %" for x in order), encoding="utf-8")
        rep = check_release(path, data, level="oeffentlich", recover=False)
        f = rep.findings
        assert list(f["area"]) == [k], (order, rep.to_text())
        assert list(f["column"]) == ["sgb2_quote"] and list(f["value"]) == [tok]
    # the same token under the other area alone: nothing to find
    path.write_text(f"Sozialraum {b}: {tok} %", encoding="utf-8")
    assert check_release(path, data, level="oeffentlich", recover=False).ok
    # and in the own municipality's package it is no finding either
    ags = str(data.areas.at[k, "ags"])
    path.write_text(f"Sozialraum {k}: {tok} %", encoding="utf-8")
    assert check_release(path, data, level="kommunal", ags=ags, recover=False).ok


def test_same_token_read_in_each_notation_of_its_document(ml_data, tmp_path):
    """ "1.000" is remembered per notation: one thousand in German text, 1 in English."""
    assert parse_number("1.000", notation="de") == [(1000.0, 0)]
    assert parse_number("1.000", notation="en") == [(1.0, 3)]
    assert parse_number("1.000") == [(1000.0, 0), (1.0, 3)]
    assert parse_number("1.000", prefer="en") == [(1.0, 3), (1000.0, 0)]
    assert parse_number("1.000", notation="de") == [(1000.0, 0)]  # again, after the others


def test_remembered_readings_and_tokens_are_fresh_lists():
    first = parse_number("12,5 %")
    first.append((99.0, 0))
    assert parse_number("12,5 %") == [(12.5, 1)]
    toks = _tokens("Quote 12,5 % und 3,25")
    toks.clear()
    assert _tokens("Quote 12,5 % und 3,25") == ["12,5", "3,25"]
    assert parse_number("kein Wert") == [] and _tokens("kein Wert") == []


def test_marked_elements_found_as_the_pattern_finds_them():
    """Method notes and earlier years' cells: the search by their mark gives the pattern's
    matches, also for marks in upper case, unclosed elements, ``<`` in attributes, marks
    in the text and nested elements."""
    pages = [
        '<p data-methode="1">Schwelle 3</p><p>12,5</p>',
        '<DIV DATA-METHODE>x<div>y</div>z</DIV> <td data-jahr="2023">4,5</td>',
        '<b title="<i data-methode">a</b> data-methode <p data-methodex>q</p>',
        '<p data-methode>unclosed <span data-methode>in</span> <p class="a">b</p>',
        "<p>data-jahr</p><td data-jahr>1</td ><td data-jahr>2</TD>",
        "<td>data-jahr<td data-jahr>3</td>",
        "",
    ]
    rng = random.Random(5)
    atoms = ["<p", "<div", ">", "</p>", "</div>", " data-methode", " DATA-Jahr", "x", "<", "'"]
    pages += ["".join(rng.choice(atoms) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    for page in pages:
        for rx, word in ((_METHOD_RE, _METHOD_WORD), (_YEAR_RE, _YEAR_WORD)):
            want = [(m.start(), m.end()) for m in rx.finditer(page)]
            assert [(m.start(), m.end()) for m in _marked(rx, word, page)] == want, page
            assert _drop_marked(rx, word, page) == rx.sub(" ", page), page


def test_key_cells_as_pandas_maps_them():
    """Key columns read as lists give what the element-wise map gave, for every dtype."""

    def by_map(s: pd.Series):
        frac = s.map(lambda v: isinstance(v, (float, np.floating)) and not float(v).is_integer())
        return None if frac.any() else s.map(_key_text).tolist()

    cols = [
        pd.Series([7999001001.0, 7999001002.0]),
        pd.Series([7999001001.0, np.nan]),  # a gap: no key column (as before)
        pd.Series([1.5, 2.0]),
        pd.Series([np.inf, 1.0]),
        pd.Series([7999001, 7999002], dtype="int64"),
        pd.Series([True, False]),
        pd.Series(["07999001001 ", None, 3.0, 4, np.float32(2.0), "Altstadt"], dtype=object),
        pd.Series(["a", 2.5], dtype=object),
        pd.Series(["07999001", "07999002"], dtype="string"),
        pd.Series(["x", "y", "x"], dtype="category"),
        pd.Series([1, None], dtype="Int64"),
        pd.Series(pd.to_datetime(["2024-01-01", "2024-02-01"])),
        pd.Series([], dtype=float),
    ]
    for s in cols:
        assert _key_cells(s) == by_map(s), s


def test_digits_only_where_the_number_pattern_sees_them():
    """A line without a digit has no token; digits of other scripts are read as before."""
    assert _tokens("Sozialraum Altstadt") == []
    assert _tokens("Wert ١٢") == re.findall(r"\d+", "Wert ١٢")
    assert _tokens("Fläche km²") == []
