"""Rates, reliability and status propagation: hand-computed cases; number formatting."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sozialraum.core.numbers import format_number, format_percent
from sozialraum.errors import InputError, SozialraumWarning
from sozialraum.monitor import compute_rates


def _cat(**extra):
    cat = pd.DataFrame(
        {
            "numerator": ["sgb2_pers", "hze", "wanderungssaldo"],
            "denominator": ["ew_0_64", "ew_0_20", None],
            "per": [100.0, 1000.0, np.nan],
            "direction": ["need", "need", "resource"],
            "dimension": ["Arbeit", "Familie", "Demografie"],
            "weight": [1.0, 1.0, 1.0],
            "min_denominator": [np.nan, 50.0, np.nan],
        },
        index=["sgb2_quote", "hze_quote", "wanderung"],
    )
    for k, v in extra.items():
        cat[k] = v
    return cat


def _counts():
    idx = ["a", "b", "c", "d", "e", "f", "g"]
    f = pd.DataFrame(
        {
            "sgb2_pers": [50, np.nan, np.nan, 10, 30, 5, 12],
            "ew_0_64": [1000, 800, 500, 0, 200, np.nan, 400],
            "hze": [4, 2, np.nan, 1, 3, 0, 1],
            "ew_0_20": [200, 100, 40, 10, np.nan, 60, 80],
            "wanderungssaldo": [-5, 3, np.nan, 0, 1, 2, 7],
        },
        index=idx,
        dtype=float,
    )
    st = pd.DataFrame(pd.NA, index=idx, columns=f.columns, dtype="string")
    st.loc["b", "sgb2_pers"] = "geheim"
    st.loc["c", "sgb2_pers"] = "nichts_vorhanden"
    st.loc["c", "hze"] = "spaeter"
    st.loc["e", "ew_0_20"] = "fehlt"
    st.loc["f", "ew_0_64"] = "geheim"
    st.loc["g", "sgb2_pers"] = "teilsumme_geheim"
    st.loc["g", "ew_0_20"] = "teilsumme_unvollstaendig"
    st.loc["a", "hze"] = "vorlaeufig"
    return f, st


def test_rates_hand_computed():
    f, st = _counts()
    r = compute_rates(f, _cat(), status=st, min_denominator=300)
    # a: 50/1000*100 = 5.0 ; hze 4/200*1000 = 20
    assert r.rates.loc["a", "sgb2_quote"] == pytest.approx(5.0)
    assert r.rates.loc["a", "hze_quote"] == pytest.approx(20.0)
    # c: "-" numerator = 0 with known denominator
    assert r.rates.loc["c", "sgb2_quote"] == 0.0
    assert pd.isna(r.status.loc["c", "sgb2_quote"])
    # e: 30/200*100 = 15, but denominator 200 < 300 → kept, nenner_klein, unreliable
    assert r.rates.loc["e", "sgb2_quote"] == pytest.approx(15.0)
    assert r.status.loc["e", "sgb2_quote"] == "nenner_klein"
    assert not r.reliable.loc["e", "sgb2_quote"]
    # indicator without denominator is the variable itself
    assert r.rates["wanderung"].tolist()[:2] == [-5.0, 3.0]
    assert r.reliable.loc["a", "wanderung"]


def test_status_propagation():
    f, st = _counts()
    r = compute_rates(f, _cat(), status=st, min_denominator=300)
    s = r.status
    assert s.loc["b", "sgb2_quote"] == "geheim" and np.isnan(r.rates.loc["b", "sgb2_quote"])
    assert s.loc["f", "sgb2_quote"] == "geheim" and np.isnan(r.rates.loc["f", "sgb2_quote"])
    assert s.loc["d", "sgb2_quote"] == "nenner_null" and np.isnan(r.rates.loc["d", "sgb2_quote"])
    assert s.loc["c", "hze_quote"] == "spaeter" and np.isnan(r.rates.loc["c", "hze_quote"])
    assert s.loc["e", "hze_quote"] == "fehlt"
    # partial sums propagate, value kept (lower bound), not reliable
    assert s.loc["g", "sgb2_quote"] == "teilsumme_geheim"
    assert r.rates.loc["g", "sgb2_quote"] == pytest.approx(3.0)
    assert not r.reliable.loc["g", "sgb2_quote"]
    assert s.loc["g", "hze_quote"] == "teilsumme_unvollstaendig"
    assert r.rates.loc["g", "hze_quote"] == pytest.approx(12.5)
    # vorläufig is carried, value kept, reliable (200 >= per-indicator threshold 50)
    assert s.loc["a", "hze_quote"] == "vorlaeufig" and r.reliable.loc["a", "hze_quote"]
    # c without denominator: NaN value, no code → fehlt
    assert s.loc["c", "wanderung"] == "fehlt"
    # f: 0/60 = 0 is a plain number
    assert r.rates.loc["f", "hze_quote"] == 0.0 and pd.isna(s.loc["f", "hze_quote"])
    assert str(s.dtypes.iloc[0]) == "string"
    assert r.rates.index.equals(f.index) and list(r.rates.columns) == list(_cat().index)


def test_per_indicator_threshold_overrides_global():
    f, st = _counts()
    r = compute_rates(f, _cat(), status=st, min_denominator=300)
    # hze_quote threshold 50: d has 10 → nenner_klein; b has 100 → fine
    assert r.status.loc["d", "hze_quote"] == "nenner_klein"
    assert pd.isna(r.status.loc["b", "hze_quote"])
    assert r.params["thresholds"] == {"sgb2_quote": 300.0, "hze_quote": 50.0, "wanderung": 0.0}
    r0 = compute_rates(f, _cat(), status=st, min_denominator=0)
    assert pd.isna(r0.status.loc["e", "sgb2_quote"]) and r0.reliable.loc["e", "sgb2_quote"]


def test_missing_variable_warns_and_fills():
    f, st = _counts()
    with pytest.warns(SozialraumWarning, match="ew_0_20"):
        r = compute_rates(f.drop(columns="ew_0_20"), _cat(), status=st)
    assert r.rates["hze_quote"].isna().all()
    # the numerator's own code (c: "spaeter") wins over the missing denominator
    assert r.status["hze_quote"].tolist() == [
        "fehlt",
        "fehlt",
        "spaeter",
        "fehlt",
        "fehlt",
        "fehlt",
        "fehlt",
    ]


def test_bad_per_and_duplicates():
    f, _ = _counts()
    with pytest.raises(InputError, match="sgb2_quote"):
        compute_rates(f, _cat(per=[-1.0, 1000.0, np.nan]))
    with pytest.raises(InputError, match="nicht eindeutig"):
        compute_rates(pd.concat([f, f.iloc[:1]]), _cat())


def test_rollup_call_signature():
    """The call of join/rollup.py: status of sums, min_denominator=0."""
    f, st = _counts()
    r = compute_rates(f, _cat(), status=st, min_denominator=0, lang="en")
    assert set(r.rates.columns) == set(r.status.columns)
    assert r.params["min_denominator"] == 0.0


@pytest.mark.parametrize(
    "x, dec, lang, expected",
    [
        (1234.5, 1, "de", "1.234,5"),
        (1234.5, 1, "en", "1,234.5"),
        (1234567.891, 2, "de", "1.234.567,89"),
        (-0.04, 1, "de", "0,0"),
        (-12.25, 0, "de", "-12"),
        (float("nan"), 1, "de", "\u2013"),
        (None, 1, "en", "\u2013"),
        (pd.NA, 1, "de", "\u2013"),
        (5, 1, "de", "5,0"),
        (np.float64(7.5), 1, "de", "7,5"),
    ],
)
def test_format_number(x, dec, lang, expected):
    assert format_number(x, dec, lang) == expected


def test_format_percent_and_sign():
    assert format_percent(12.345, 1, "de") == "12,3 %"
    assert format_percent(12.345, 1, "en") == "12.3%"
    assert format_number(2.5, 1, "de", sign=True) == "+2,5"
