"""Largest-remainder rounding keeps totals exactly (property-based)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sozialraum.demography import largest_remainder, round_nested

floats = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 30)), elements=floats))
def test_largest_remainder_preserves_row_totals(x):
    r = largest_remainder(x)
    np.testing.assert_array_equal(r.sum(axis=1), np.round(x.sum(axis=1)).astype(np.int64))
    assert (np.abs(r - x) < 1.0 + 1e-9).all()
    assert (r >= 0).all()


@settings(max_examples=100, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 3), st.integers(1, 8), st.integers(1, 12)),
        elements=floats,
    )
)
def test_round_nested_preserves_area_and_grand_totals(x):
    r = round_nested(x)
    grand = np.round(x.sum(axis=(1, 2)))
    np.testing.assert_array_equal(r.sum(axis=(1, 2)), grand)  # district total per slice
    assert (np.abs(r.sum(axis=2) - x.sum(axis=2)) < 1.0 + 1e-6).all()  # area totals: floor or ceil
    assert (np.abs(r - x) < 1.0 + 1e-9).all()


def test_largest_remainder_hand_example():
    # 0.4 + 0.4 + 0.2 = 1 -> one unit to the first 0.4 (tie broken by position)
    np.testing.assert_array_equal(largest_remainder(np.array([[0.4, 0.4, 0.2]])), [[1, 0, 0]])
    np.testing.assert_array_equal(largest_remainder(np.array([[1.6, 2.7, 0.7]])), [[1, 3, 1]])
    np.testing.assert_array_equal(
        largest_remainder(np.array([[1.5, 1.5]]), np.array([4])), [[2, 2]]
    )
