"""Keys as text: normalisation, lost leading zeros, width detection."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.io.keys import (
    KEY_WIDTHS,
    detect_key_width,
    normalise_keys,
    restore_leading_zeros,
    truncated_mask,
)


def test_normalise_keys_from_excel_and_text():
    raw = pd.Series(
        [
            9999001001.0,
            "9999001001.0",
            " 07999001001 ",
            7999001001,
            None,
            "",
            "'0123",
            "A-12",
            np.nan,
            12.5,
        ],
        dtype=object,
    )
    out = normalise_keys(raw)
    assert out.tolist() == [
        "9999001001",
        "9999001001",
        "07999001001",
        "7999001001",
        None,
        None,
        "0123",
        "A-12",
        None,
        "12.5",
    ]


def test_normalise_integer_dtype_and_large_ars():
    out = normalise_keys(pd.Series([145220000000, 10010000000], dtype="int64"))
    assert out.tolist() == ["145220000000", "10010000000"]
    out = normalise_keys(pd.Series([10010000000.0, np.nan]))
    assert out.tolist() == ["10010000000", None]


def test_restore_leading_zeros():
    keys = pd.Series(["1001000", "01002000", "A1", "123456789", None], dtype=object)
    out = restore_leading_zeros(keys, KEY_WIDTHS["ags"])
    assert out.tolist() == ["01001000", "01002000", "A1", "123456789", None]
    assert truncated_mask(keys, 8).tolist() == [True, False, False, False, False]
    assert restore_leading_zeros(["10010000000"], KEY_WIDTHS["ars"]).tolist() == ["010010000000"]


def test_detect_width_from_header():
    keys = pd.Series(["1001000", "1002000"])
    assert detect_key_width(keys, "AGS") == 8
    assert detect_key_width(keys, "Amtlicher Gemeindeschlüssel") == 8
    assert detect_key_width(keys, "Regionalschlüssel (ARS)") == 12
    assert detect_key_width(keys, "Gemeindeschluessel") == 8


def test_detect_width_from_majority():
    keys = pd.Series(["07999001001"] * 8 + ["7999001002", "7999001003"])
    assert detect_key_width(keys) == 11
    # all the same width: nothing looks truncated
    assert detect_key_width(pd.Series(["07999001001", "07999001002"])) is None
    # running numbers 1..99 are never padded
    assert detect_key_width(pd.Series([str(i) for i in range(1, 100)])) is None
    # no majority
    assert detect_key_width(pd.Series(["123456", "12345", "1234567", "1234"])) is None
    # non-digit keys are ignored
    assert detect_key_width(pd.Series(["SR-01", "SR-02"])) is None
