"""``secret_mask`` of a frame tests all cells at once: the same mask as column by column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.core import status as S


def _column_by_column(frame: pd.DataFrame) -> pd.DataFrame:
    """The reference: each column's codes against the public ones (as before)."""
    public = [c.code for c in S._ALL if not c.secret]

    def one(s: pd.Series) -> pd.Series:
        v = s.astype("object")
        return (~v.isna()) & ~v.isin(public)

    # (``apply`` leaves a frame without rows as it is: its mask is boolean all the same)
    return frame.apply(one).astype(bool) if len(frame.columns) else frame.astype(bool)


def test_secret_mask_of_a_frame_equals_the_column_by_column_mask():
    rng = np.random.default_rng(7)
    codes = [*S.CODES, "neu_erfunden", None, np.nan, pd.NA, 3, 1.5]
    for trial in range(150):
        n, m = int(rng.integers(0, 25)), int(rng.integers(0, 10))
        rows = [[codes[i] for i in rng.integers(0, len(codes), m)] for _ in range(n)]
        frame = pd.DataFrame(
            rows, columns=[f"c{j}" for j in range(m)], index=[f"k{i}" for i in range(n)]
        )
        if trial % 4 == 0:
            frame = frame.astype("string") if m else frame
        pd.testing.assert_frame_equal(S.secret_mask(frame), _column_by_column(frame))


def test_secret_mask_keeps_index_and_columns_and_says_secret_for_unknown_codes():
    frame = pd.DataFrame(
        {"a": ["geheim", None], "b": ["unsicher", "neu_erfunden"]},
        index=pd.Index(["x", "y"], name="key"),
    )
    mask = S.secret_mask(frame)
    assert mask.index.equals(frame.index) and list(mask.columns) == ["a", "b"]
    assert mask.to_numpy().tolist() == [[True, False], [False, True]]
