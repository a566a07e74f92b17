"""Numbers typed by a planner (dialog fields, command line): one reader, German first.

Reference: the values a German reader gives the texts (Duden: point groups thousands,
comma separates decimals); English notation only where German cannot read the text.
"""

from __future__ import annotations

import pytest

from sozialraum.core.numbers import parse_number, parse_numbers
from sozialraum.errors import InputError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,5", 2.5),
        ("1.000", 1000.0),
        ("1.234,5", 1234.5),
        ("1.234.567,89", 1234567.89),
        ("1,234.5", 1234.5),
        ("2.5", 2.5),
        ("1 000", 1000.0),
        ("1\u00a0000", 1000.0),
        ("\u22123", -3.0),
        ("-0,5", -0.5),
        ("+7", 7.0),
        ("1e3", 1000.0),
        ("0,500", 0.5),
        ("1,000", 1.0),  # German: one with three decimals
        ("12", 12.0),
        (3, 3.0),
    ],
)
def test_parse_number_german_first(text, value):
    assert parse_number(text) == pytest.approx(value)


def test_english_reading_of_ambiguous_text_with_lang_en():
    assert parse_number("1,000", "en") == 1000.0
    assert parse_number("1.000", "en") == 1.0


def test_regression_german_thousands_breaks_are_not_read_as_decimals():
    """Regression: breaks "1.000; 2.500" became 1.0 and 2.5 without a word."""
    assert parse_numbers("1.000; 2.500") == [1000.0, 2500.0]


def test_one_notation_per_list():
    assert parse_numbers("1.000; 2,5") == [1000.0, 2.5]
    assert parse_numbers("2.5; 3.75") == [2.5, 3.75]
    assert parse_numbers(["1", 2, "3,5"]) == [1.0, 2.0, 3.5]
    assert parse_numbers("  ") == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("abc", ("'abc'", "keine Zahl")),
        ("1..0", ("'1..0'", "keine Zahl")),
        ("1,2,3", ("keine Zahl",)),
        ("5-", ("keine Zahl",)),
        ("1.000; 2.5", ("'1.000'", "mehrdeutig", "1000 oder 1")),
        ("2,5; 2.5", ("mischen", "'2,5'", "'2.5'")),
    ],
)
def test_bad_or_ambiguous_text_is_refused_with_a_message(text, words):
    with pytest.raises(InputError) as exc:
        parse_numbers(text, where="Feld „Grenzen“: ")
    msg = str(exc.value)
    assert msg.startswith("Feld „Grenzen“: ")
    assert all(w in msg for w in words), msg


def test_messages_in_english():
    with pytest.raises(InputError, match="is ambiguous: 1000 or 1"):
        parse_numbers("1,000; 2,5", "en")
    with pytest.raises(InputError, match="is not a number"):
        parse_number("x", "en")
