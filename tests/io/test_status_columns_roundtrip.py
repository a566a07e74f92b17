"""``split_status_columns`` is the inverse of ``with_status_columns`` (what the doors write and read)."""

from __future__ import annotations

import pandas as pd

from sozialraum.io import split_status_columns, with_status_columns


def test_status_columns_round_trip():
    values = pd.DataFrame(
        {"ew": [10.0, None, 3.0], "alo": [1.0, 2.0, None], "name": ["a", "b", "c"]},
        index=pd.Index(["01", "02", "03"], name="key"),
    )
    status = pd.DataFrame(
        {
            "ew": pd.array([pd.NA, "geheim", pd.NA], dtype="string"),
            "alo": pd.array([pd.NA, pd.NA, "fehlt"], dtype="string"),
        },
        index=values.index,
    )
    written = with_status_columns(values, status)
    assert list(written.columns) == ["ew", "ew_status", "alo", "alo_status", "name"]
    back_values, back_status = split_status_columns(written)
    pd.testing.assert_frame_equal(back_values, values)
    pd.testing.assert_frame_equal(back_status[["ew", "alo"]], status)


def test_a_column_merely_ending_in_status_is_kept():
    """``erwerbs_status`` without a column ``erwerbs`` is data, not a status column."""
    frame = pd.DataFrame({"erwerbs_status": ["x", "y"], "ew": [1, 2]})
    values, status = split_status_columns(frame)
    assert list(values.columns) == ["erwerbs_status", "ew"] and status.columns.empty
